// The baseline: the findings a repository already had when it adopted the gate, recorded by
// content fingerprint (src/findings/fingerprint.ts) so that they do not block while every new
// finding does, including a new one in the same file.
//
// File format (`safety-gate baseline` writes it; deterministic, sorted):
//
//   { "schema": "safety-gate/baseline@1",
//     "rev": "<commit the findings were recorded at>", "policy_hash": "…",
//     "findings": [ { "fingerprint": "<64 hex>", "rule": "agent-mode", "path": "config/app.env",
//                     "count": 1, "line": 3 } ] }
//
// `count` is how many findings with that fingerprint (the same rule, path and normalised line
// content) the recorded tree had: a third copy of a line recorded twice is new. `line` (where
// the first one was when recorded) is for the reader only. No message is stored: messages quote
// what they found (a live host, a forbidden value), which the gate would then find in the
// baseline file itself. Findings about a change rather than content (protected-target,
// task-scope, `*/new-exception`) are never accepted by a baseline: it is a record of content
// that was already there, not a standing permission to change things.
import type { Finding } from './types.js';
import { fingerprintOf } from './fingerprint.js';
import { compareFindings } from './order.js';

const BASELINE_SCHEMA = 'safety-gate/baseline@1';
/** Where `safety-gate baseline` writes and every door looks, relative to the repository root. */
export const DEFAULT_BASELINE_PATH = '.safety-gate/baseline.json';

interface BaselineEntry {
  fingerprint: string;
  rule: string;
  path: string | null;
  count: number;
  line: number | null;
}

export interface BaselineFile {
  schema: typeof BASELINE_SCHEMA;
  rev: string | null;
  policy_hash: string | null;
  findings: BaselineEntry[];
}

/** A baseline in force: counts by fingerprint, and where it was read from. */
export interface Baseline {
  source: string;
  counts: Map<string, number>;
}

const NEVER_BASELINED = new Set(['protected-target', 'task-scope']);

function baselineable(f: Finding): boolean {
  const base = f.rule.split('/')[0]!;
  return !NEVER_BASELINED.has(base) && !f.rule.endsWith('/new-exception');
}

export function buildBaseline(findings: readonly Finding[], meta: { rev: string | null; policyHash: string | null }): BaselineFile {
  const byFp = new Map<string, BaselineEntry>();
  for (const f of [...findings].sort(compareFindings)) {
    if (!baselineable(f)) continue;
    const fp = fingerprintOf(f);
    const e = byFp.get(fp);
    if (e) e.count++;
    else byFp.set(fp, { fingerprint: fp, rule: f.rule, path: f.path, count: 1, line: f.line });
  }
  const entries = [...byFp.values()].sort((a, b) => cmp(a.path ?? '\uffff', b.path ?? '\uffff') || cmp(a.rule, b.rule) || cmp(a.fingerprint, b.fingerprint));
  return { schema: BASELINE_SCHEMA, rev: meta.rev, policy_hash: meta.policyHash, findings: entries };
}

function cmp(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

export function formatBaseline(file: BaselineFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Parses and validates a baseline file; throws a one-line message naming `label` when it is not
 * one. Checked by hand rather than with zod: this runs in every hook of a repository that has a
 * baseline, and loading zod would cost more than the rest of a commit's check.
 */
export async function parseBaseline(text: string, label: string): Promise<Baseline> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${label}: not valid JSON (${(e as Error).message})`);
  }
  const fail = (where: string, what: string): never => {
    throw new BaselineError(`${label}: ${where}: ${what}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('(root)', 'expected an object');
  const root = data as Record<string, unknown>;
  for (const k of Object.keys(root)) if (!['schema', 'rev', 'policy_hash', 'findings'].includes(k)) fail(k, 'unknown key');
  if (root.schema !== BASELINE_SCHEMA) fail('schema', `expected "${BASELINE_SCHEMA}"`);
  for (const k of ['rev', 'policy_hash']) if (root[k] !== undefined && root[k] !== null && typeof root[k] !== 'string') fail(k, 'expected a string or null');
  if (!Array.isArray(root.findings)) fail('findings', 'expected an array');
  const counts = new Map<string, number>();
  (root.findings as unknown[]).forEach((e, i) => {
    const at = `findings.${i}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(at, 'expected an object');
    const entry = e as Record<string, unknown>;
    for (const k of Object.keys(entry)) if (!['fingerprint', 'rule', 'path', 'count', 'line'].includes(k)) fail(`${at}.${k}`, 'unknown key');
    if (typeof entry.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(entry.fingerprint)) fail(`${at}.fingerprint`, 'expected 64 hex digits');
    if (typeof entry.rule !== 'string' || entry.rule === '') fail(`${at}.rule`, 'expected a rule id');
    if (entry.path !== null && typeof entry.path !== 'string') fail(`${at}.path`, 'expected a string or null');
    if (typeof entry.count !== 'number' || !Number.isInteger(entry.count) || entry.count < 1) fail(`${at}.count`, 'expected a positive integer');
    if (entry.line !== undefined && entry.line !== null && (typeof entry.line !== 'number' || !Number.isInteger(entry.line) || entry.line < 1)) {
      fail(`${at}.line`, 'expected a positive integer or null');
    }
    const fp = entry.fingerprint as string;
    counts.set(fp, (counts.get(fp) ?? 0) + (entry.count as number));
  });
  return { source: label, counts };
}

export class BaselineError extends Error {}

export interface BaselineResult {
  findings: Finding[];
  baselined: Finding[];
}

/**
 * Splits findings into those that still count and those the baseline accepts (one baseline, or
 * the baseline in force for each commit). Occurrences are
 * counted per commit (each commit of a push is a state that can be checked out): with a count
 * of 2, the first two findings of that fingerprint in a commit (in report order) are accepted
 * and a third blocks.
 */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline | null | ((commit: string | null) => Baseline | null)): BaselineResult {
  const of = typeof baseline === 'function' ? baseline : () => baseline;
  if (typeof baseline !== 'function' && (!baseline || baseline.counts.size === 0)) return { findings: [...findings], baselined: [] };
  const used = new Map<string, number>();
  const kept: Finding[] = [];
  const baselined: Finding[] = [];
  for (const f of [...findings].sort(compareFindings)) {
    if (!baselineable(f)) {
      kept.push(f);
      continue;
    }
    const fp = fingerprintOf(f);
    const allowed = of(f.commit)?.counts.get(fp) ?? 0;
    const key = `${f.commit ?? ''}\u0000${fp}`;
    const n = used.get(key) ?? 0;
    if (n < allowed) {
      used.set(key, n + 1);
      baselined.push(f);
    } else kept.push(f);
  }
  return { findings: kept, baselined };
}
