// Task scopes without zod (hot path): the target syntax shared by the SPEC-260 envelope and
// the commit trailers, and the trailer format itself.
//
//   Task-Scope: <kind>:<target>         kind = file | function | stage
//   Run-Id: <run id>
//
// Targets:
//   file      comma-separated globs:            `src/api/**, docs/api.md`
//   stage     one stage name (config `stages`): `codegen`
//   function  comma-separated `path#Qualified.name`: `src/a.ts#Parser.parse, lib/b.py#load`
// Commas inside `{…}` or `[…]` do not separate (`src/{a,b}/**` is one glob); `\,` is a literal
// comma. Whitespace around items is ignored (git unfolds long trailers with a space).
import type { TaskEnvelope, Trailer } from '../../changeset/types.js';
import { spanLanguage, FUNCTION_SCOPE_EXTENSIONS } from './function-span/index.js';

type ScopeKind = 'file' | 'function' | 'stage';
const SCOPE_KINDS: readonly ScopeKind[] = ['file', 'function', 'stage'];

export const SCOPE_TRAILER = 'Task-Scope';
export const RUN_TRAILER = 'Run-Id';

export interface FunctionTarget {
  /** Repository path as written (normalised by the rule). */
  path: string;
  /** Qualified name, dotted through classes, namespaces and enclosing functions. */
  name: string;
}

export type ParsedScope = { kind: 'file'; globs: string[] } | { kind: 'stage'; stage: string } | { kind: 'function'; functions: FunctionTarget[] };

/** Split a target list on commas outside braces/brackets; `\,` stays a literal comma. */
export function splitTargets(target: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < target.length; i++) {
    const c = target[i]!;
    if (c === '\\' && i + 1 < target.length) {
      cur += c + target[i + 1]!;
      i++;
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Join items into one target string (envelopes may give `target` as an array). */
export function joinTargets(items: readonly string[]): string {
  return items
    .map((item) => {
      // Escape commas that would otherwise separate.
      const parts = splitTargets(item);
      return parts.length <= 1 ? item.trim() : item.trim().replace(/(?<!\\),/g, '\\,');
    })
    .join(', ');
}

/** `path#Qualified.name`; the path is the longest prefix ending in a supported extension. */
export function parseFunctionTarget(item: string): FunctionTarget | string {
  // A path may contain '#', and so may a name (`#private`): cut at the first '#' whose left
  // side is a file we can parse.
  for (let i = item.indexOf('#'); i !== -1; i = item.indexOf('#', i + 1)) {
    const path = item.slice(0, i).trim();
    if (spanLanguage(path) === null) continue;
    const name = item.slice(i + 1).trim();
    if (!name) return `"${item}": no function name after '#'`;
    if (/\s/.test(name) || name.split('.').some((p) => p === '')) return `"${item}": the function name must be dotted identifiers (Class.method)`;
    return { path: path.replace(/^\.\//, ''), name };
  }
  if (!item.includes('#')) return `"${item}": expected path#Qualified.name`;
  return `"${item}": function scopes need a file ending in ${FUNCTION_SCOPE_EXTENSIONS.join(', ')}`;
}

/** Validate a scope's target; errors are one line without location. */
export function parseScope(scope: { kind: string; target: string }): { ok: true; scope: ParsedScope } | { ok: false; error: string } {
  const items = splitTargets(scope.target);
  switch (scope.kind) {
    case 'file':
      if (items.length === 0) return { ok: false, error: 'a file scope needs at least one glob' };
      return { ok: true, scope: { kind: 'file', globs: items.map((g) => g.replace(/^\.\//, '')) } };
    case 'stage':
      if (items.length !== 1) return { ok: false, error: `a stage scope names exactly one stage (got "${scope.target}")` };
      return { ok: true, scope: { kind: 'stage', stage: items[0]! } };
    case 'function': {
      if (items.length === 0) return { ok: false, error: 'a function scope needs at least one path#Qualified.name' };
      const functions: FunctionTarget[] = [];
      for (const item of items) {
        const t = parseFunctionTarget(item);
        if (typeof t === 'string') return { ok: false, error: t };
        functions.push(t);
      }
      return { ok: true, scope: { kind: 'function', functions } };
    }
    default:
      return { ok: false, error: `unknown scope kind "${scope.kind}" (expected ${SCOPE_KINDS.join(', ')})` };
  }
}

/** Canonical text of a scope, for equality (order of items does not matter). */
export function canonicalScope(scope: { kind: string; target: string }): string {
  return `${scope.kind}:${splitTargets(scope.target).sort().join(',')}`;
}

/** Run ids go into trailers and audit records: one token, printable. */
export function runIdProblem(id: string): string | null {
  if (id.length === 0) return 'is empty';
  if (id.length > 200) return 'is longer than 200 characters';
  if (/[\s\p{Cc}]/u.test(id)) return 'contains whitespace or control characters';
  return null;
}

export interface TrailerTask {
  /** The task the trailers describe; null when the commit carries neither trailer. */
  task: TaskEnvelope | null;
  /** Why the trailers cannot be trusted as written (the rule reports it); null when fine. */
  problem: string | null;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Read `Task-Scope` and `Run-Id` trailers (keys case-insensitive, as git treats them).
 * Exactly one of each may appear; a scope without a run id is a problem, a run id without a
 * scope is a task with no scope (the rule reports it as missing).
 */
export function readTrailerTask(trailers: readonly Trailer[], source = 'commit trailers'): TrailerTask {
  const scopes = trailers.filter((t) => same(t.key, SCOPE_TRAILER)).map((t) => t.value.trim());
  const runs = trailers.filter((t) => same(t.key, RUN_TRAILER)).map((t) => t.value.trim());
  if (scopes.length === 0 && runs.length === 0) return { task: null, problem: null };
  const problems: string[] = [];
  if (scopes.length > 1) problems.push(`${scopes.length} ${SCOPE_TRAILER} trailers (use one, with comma-separated targets)`);
  if (runs.length > 1 && new Set(runs).size > 1) problems.push(`${runs.length} different ${RUN_TRAILER} trailers`);
  const runId = runs[0] ?? '';
  if (runs.length === 0) problems.push(`${SCOPE_TRAILER} without a ${RUN_TRAILER} trailer`);
  else {
    const p = runIdProblem(runId);
    if (p) problems.push(`${RUN_TRAILER} ${p}`);
  }
  let scope: TaskEnvelope['scope'] = null;
  if (scopes.length >= 1) {
    const raw = scopes[0]!;
    const colon = raw.indexOf(':');
    const kind = (colon === -1 ? raw : raw.slice(0, colon)).trim().toLowerCase();
    const target = colon === -1 ? '' : raw.slice(colon + 1).trim();
    if (!SCOPE_KINDS.includes(kind as ScopeKind)) {
      problems.push(`${SCOPE_TRAILER} "${raw}": expected <kind>:<target> with kind ${SCOPE_KINDS.join(', ')}`);
    } else {
      const parsed = parseScope({ kind, target });
      if (!parsed.ok) problems.push(`${SCOPE_TRAILER}: ${parsed.error}`);
      else scope = { kind: kind as ScopeKind, target };
    }
  }
  return {
    task: { runId, stage: null, scope, source },
    problem: problems.length > 0 ? problems.join('; ') : null,
  };
}

/** The task named by a commit's trailers, or null (problems are ignored here: see readTrailerTask). */
export function taskFromTrailers(trailers: readonly Trailer[], source = 'commit trailers'): TaskEnvelope | null {
  return readTrailerTask(trailers, source).task;
}

/** The trailer lines an agent should add to commits made under `task`. */
export function formatTrailers(task: Pick<TaskEnvelope, 'runId' | 'scope'>): string {
  const lines: string[] = [];
  if (task.scope) lines.push(`${SCOPE_TRAILER}: ${task.scope.kind}:${task.scope.target}`);
  lines.push(`${RUN_TRAILER}: ${task.runId}`);
  return lines.join('\n');
}
