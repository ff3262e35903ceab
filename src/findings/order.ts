// Ordering, de-duplication and the decision. Every reporter and the audit log see findings in
// this order, so two runs over the same change print byte-identical output.
import type { Decision, Finding } from './types.js';

// Code-unit order, never localeCompare: the result must not depend on the machine's locale.
function cmpStr(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1; // findings without a path (commit, ref, run level) go last
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

// A null line/column means "the whole file": it sorts before any position in that file.
function cmpNum(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a - b;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmpStr(a.path, b.path) ||
    cmpNum(a.line, b.line) ||
    cmpNum(a.column, b.column) ||
    cmpStr(a.rule, b.rule) ||
    // Tie-breakers so that the order is total and input order never shows through.
    cmpStr(a.severity, b.severity) ||
    cmpStr(a.message, b.message) ||
    cmpStr(a.commit, b.commit) ||
    cmpStr(a.ref, b.ref) ||
    cmpStr(a.remediation, b.remediation)
  );
}

/** Sorted copy: path, line, column, rule (then the remaining fields, for a total order). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

function dedupeKey(f: Finding): string {
  return JSON.stringify([f.rule, f.path, f.line, f.column, f.message, f.commit]);
}

/**
 * Drops repeats of the same rule+path+line+column+message+commit (the same commit reached
 * through two refs, a rule reporting twice). The first occurrence is kept; if any repeat
 * blocks, the kept finding blocks too, so de-duplication can never weaken a decision.
 */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = dedupeKey(f);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(f);
    } else if (f.severity === 'block' && out[at]!.severity !== 'block') {
      out[at] = { ...out[at]!, severity: 'block' };
    }
  }
  return out;
}

/** Block when any finding is not a warning (an unknown severity fails closed). */
export function decide(findings: readonly Finding[]): Decision {
  return findings.some((f) => f.severity !== 'warn') ? 'block' : 'pass';
}

/**
 * Sorted, de-duplicated findings: what every reporter prints. Sorting first makes the kept
 * duplicate (and so its ref) independent of the order rules reported in.
 */
export function normalizeFindings(findings: readonly Finding[]): Finding[] {
  return dedupeFindings(sortFindings(findings.map(coerce)));
}

// Findings built loosely (undefined instead of null, a line of 0) compare and print as unknown.
function coerce(f: Finding): Finding {
  const pos = (n: unknown): number | null => (typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : null);
  const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const extra: Pick<Finding, 'fingerprint' | 'covers' | 'messageId'> = {};
  if (typeof f.fingerprint === 'string') extra.fingerprint = f.fingerprint;
  if (typeof f.covers === 'string') extra.covers = f.covers;
  if (typeof f.messageId === 'string') extra.messageId = f.messageId;
  return {
    rule: String(f.rule),
    // Fail closed: a severity we do not know blocks.
    severity: f.severity === 'warn' ? 'warn' : 'block',
    message: String(f.message ?? ''),
    path: s(f.path),
    line: pos(f.line),
    column: pos(f.column),
    commit: s(f.commit),
    ref: s(f.ref),
    remediation: s(f.remediation),
    ...extra,
  };
}
