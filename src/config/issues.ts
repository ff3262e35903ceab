// zod issues → one ConfigError naming file:line:column and the key path.
// Merged configuration is validated as a whole, so an issue is traced back to the file that
// supplied the value: the highest-priority layer holding the longest prefix of the issue's path.
import type { z } from 'zod';
import { configMsg } from '../messages.js';
import { ConfigError } from '../errors.js';
import { keyPathString, type ConfigSource, type KeyPath } from './source.js';

export interface Problem {
  path: KeyPath;
  message: string;
  /** Point at the key rather than its value (unknown keys). */
  atKey?: boolean;
}

type Issue = z.core.$ZodIssue;

/** Turn zod issues into problems with full paths and plain messages. */
export function problemsFromIssues(issues: readonly Issue[], schema: z.ZodType, base: KeyPath = []): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) flatten(issue, base, schema, base.length, out);
  // A misspelt key also shows up as a missing one; the unknown key (with its suggestion) says more.
  return [...out.filter((p) => p.atKey), ...out.filter((p) => !p.atKey)];
}

function flatten(issue: Issue, base: KeyPath, schema: z.ZodType, schemaDepth: number, out: Problem[]): void {
  const path: KeyPath = [...base, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(schema, path.slice(schemaDepth));
    for (const key of issue.keys) {
      const near = closest(key, known);
      out.push({ path: [...path, key], message: `unknown key${near ? ` (did you mean "${near}"?)` : ''}`, atKey: true });
    }
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // Follow the branch that got furthest into the value; if none did, say what each accepts.
    const depthOf = (branch: readonly Issue[]): number => Math.max(0, ...branch.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
    let best: readonly Issue[] | null = null;
    for (const branch of issue.errors) if (depthOf(branch) > 0 && (!best || depthOf(branch) > depthOf(best))) best = branch;
    if (best) {
      for (const sub of best) flatten(sub, path, schema, schemaDepth, out);
      return;
    }
    const expected = issue.errors.map((branch) => describeExpected(branch[0])).filter((s): s is string => s !== null);
    out.push({ path, message: expected.length ? `expected ${[...new Set(expected)].join(' or ')}` : plain(issue.message) });
    return;
  }
  out.push({ path, message: plain(issue.message) });
}

// Config authors write YAML: say map and list, not record, object and array.
const TYPE_WORDS: Record<string, string> = { record: 'map', object: 'map', array: 'list' };
const typeWord = (t: string): string => TYPE_WORDS[t] ?? t;

function describeExpected(issue: Issue | undefined): string | null {
  if (!issue) return null;
  if (issue.code === 'invalid_type') return typeWord(String(issue.expected));
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join('|')}`;
  return null;
}

function plain(message: string): string {
  let m = message.replace(/^Invalid (?:input|option): /, '');
  const missing = /^expected (\w+), received undefined$/.exec(m);
  if (missing) return `missing (expected ${typeWord(missing[1]!)})`;
  m = m.replace(/\b(expected|received) (record|object|array)\b/g, (_, w: string, t: string) => `${w} ${typeWord(t)}`);
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/** Keys an object schema accepts at a path (for "did you mean"); [] when unknown. */
function keysAt(schema: z.ZodType, path: KeyPath): string[] {
  const candidates = (s: unknown, rest: KeyPath): string[] => {
    const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'nullable':
      case 'prefault':
      case 'readonly':
      case 'catch':
        return candidates(def.innerType, rest);
      case 'pipe':
        return candidates(def.in, rest);
      case 'union':
        return (def.options as unknown[]).flatMap((o) => candidates(o, rest));
      case 'object': {
        const shape = def.shape as Record<string, unknown>;
        if (rest.length === 0) return Object.keys(shape);
        const next = shape[String(rest[0])];
        return next ? candidates(next, rest.slice(1)) : [];
      }
      case 'record':
        return rest.length === 0 ? [] : candidates(def.valueType, rest.slice(1));
      case 'array':
        return rest.length === 0 ? [] : candidates(def.element, rest.slice(1));
      default:
        return [];
    }
  };
  return [...new Set(candidates(schema, path))];
}

function closest(word: string, options: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o.toLowerCase());
    if (d < bestDist) {
      best = o;
      bestDist = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The layer that supplied the value at `path`: the last layer (in merge order) that sets it, or
 * that sets a plain value at a prefix of it (a user's `live-endpoint: blokc` is the severity the
 * preset's `live-endpoint: {severity: block}` had: the typo is the user's, at the user's line).
 * Otherwise the deepest match, later layers on ties.
 */
function sourceOf(layers: readonly ConfigSource[], path: KeyPath): ConfigSource | null {
  for (let i = layers.length - 1; i >= 0; i--) {
    if (supplies(layers[i]!.data, path)) return layers[i]!;
  }
  let best: ConfigSource | null = null;
  let bestDepth = -1;
  for (const layer of layers) {
    const d = layer.depth(path);
    if (d > 0 && d >= bestDepth) {
      best = layer;
      bestDepth = d;
    }
  }
  return best ?? layers[layers.length - 1] ?? null;
}

function supplies(data: unknown, path: KeyPath): boolean {
  let cur = data;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return i > 0 && cur !== null && cur !== undefined;
    const key = String(path[i]);
    if (!Object.prototype.hasOwnProperty.call(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur !== undefined;
}

export function problemError(problem: Problem, source: ConfigSource | null, more = 0, hint?: string): ConfigError {
  const pos = source?.locate(problem.path, problem.atKey ?? false) ?? null;
  const suffix = more > 0 ? configMsg.moreProblems(more) : '';
  return new ConfigError(
    problem.message + suffix,
    source?.display ?? null,
    pos?.line ?? null,
    pos?.column ?? null,
    problem.path.length ? keyPathString(problem.path) : null,
    ...(hint ? [hint] : []),
  );
}

/** Throw the first problem, located in the layers. */
export function throwProblems(problems: readonly Problem[], layers: readonly ConfigSource[], hint?: string): never {
  const first = problems[0]!;
  const error = problemError(first, sourceOf(layers, first.path), problems.length - 1, hint);
  // Every problem, each at its own file:line:col, so one run shows all there is to fix.
  error.problems = problems.map((p) => problemError(p, sourceOf(layers, p.path)).message);
  throw error;
}
