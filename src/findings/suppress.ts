// Inline exceptions for every rule, applied once by the engine after all rules have reported,
// and the content fingerprint of every finding (both need the text of the finding's line; the
// fingerprint also its structural context, src/findings/fingerprint.ts).
//
//     <code>  # safety-gate: allow <rule>[, <rule>…] -- <reason>
//
// (any comment syntax, on the finding's line or alone on the line above; see
// src/readers/suppressions.ts for the grammar). A rule never handles its own exceptions:
// it reports what it finds, and here:
//
// - an exception with a reason, for the finding's rule (`agent-mode`) or its exact sub-rule
//   (`import-hygiene/syntax`), on a finding that has a line, suppresses it: the finding leaves
//   the blocking list and is reported as suppressed, with the reason;
// - an exception without a reason suppresses nothing; the finding says so;
// - an exception is keyed to content: the rule, the normalised text of the line it covers and
//   the normalised text of the comment's line. When the previous version of the file (at a
//   path the rule looked at) had no valid exception with the same key, the change adds it:
//   `<rule>/new-exception`, at the rule's `new_exception_severity` (default block), carrying
//   the covered rule id in `covers`. An approval closes it (ExceptionReviewer below). A tree
//   scan changes nothing, so it reports no new exception (it lists them as suppressed);
// - `*/new-exception` findings, whole-file / commit / run findings, engine notices
//   (oversized-file) and findings about a change rather than content (protected-target,
//   task-scope: a comment in the file cannot vouch for the change that writes it) cannot be
//   suppressed inline.
import type { Blob } from '../changeset/blob.js';
import type { FileChange } from '../changeset/types.js';
import { parseSuppressionLine, parseSuppressions, type Suppression } from '../readers/suppressions.js';
import { findingFingerprint, lineContext, normaliseLine } from './fingerprint.js';
import type { Finding, Severity, SuppressedFinding } from './types.js';

/** What an approval of a new inline exception must match. */
export interface ExceptionReviewRequest {
  /** The rule whose finding the exception suppresses ('agent-mode'). */
  rule: string;
  path: string;
  /** 1-based line of the allow comment. */
  line: number;
  /** Commit that adds it (null for the staged change). */
  commit: string | null;
  reason: string;
  /** Content key of the exception (rule, covered line, comment line). */
  key: string;
}

interface ExceptionReviewDecision {
  approved: boolean;
  /** Authenticated approver, when approved. */
  by: string | null;
  /** One line for the finding ("approved by alice@example.com (SEC-12)"). */
  detail: string;
}

/**
 * HOOK POINT for signed approvals: the reviewer is asked about every new inline exception.
 * When it approves, the `<rule>/new-exception` finding stays in the report at warn level with
 * the approver's name; otherwise it blocks. Until the approvals provider installs itself
 * (`setExceptionReviewer`), nothing is approved.
 */
export type ExceptionReviewer = (request: ExceptionReviewRequest) => Promise<ExceptionReviewDecision | null>;

let reviewer: ExceptionReviewer | null = null;

/** Install the reviewer (the approvals provider; tests). Returns the previous one. */
export function setExceptionReviewer(next: ExceptionReviewer | null): ExceptionReviewer | null {
  const prev = reviewer;
  reviewer = next;
  return prev;
}

export interface SuppressInput {
  findings: Finding[];
  /** The change whose new blob a finding was reported on (checkFile findings). */
  origin: ReadonlyMap<Finding, FileChange>;
  /** The change of `path` in `commit` (commit null: staged or tree), for other findings. */
  changeOf(commit: string | null, path: string): FileChange | undefined;
  readBlob(oid: string): Promise<Blob | null>;
  /**
   * What `rule` (a rule id, no sub-rule) reports on the previous version of `change` (its old
   * blob at its old path), as rule (with sub-rule) and line; null when the rule cannot say
   * (it has no checkFile: its findings come from checkCommit/checkRun). Asked only when an
   * exception's content key is in the old text.
   */
  oldFindings(rule: string, change: FileChange): Promise<{ rule: string; line: number }[] | null>;
  /** Whether `rule` reads `path` (an old version counts only where the rule looked). */
  ruleSees(rule: string, change: FileChange): boolean;
  /** Severity of `<rule>/new-exception`. */
  newExceptionSeverity(rule: string): Severity;
  /** A tree scan: nothing is being added, so no exception is new. */
  tree: boolean;
}

export interface SuppressResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
}

const UNSUPPRESSIBLE = new Set(['oversized-file', 'protected-target', 'task-scope']);
const REGULAR = new Set(['100644', '100755']);

function exceptionKey(rule: string, covered: string, comment: string): string {
  return `${rule}\u0000${normaliseLine(covered)}\u0000${normaliseLine(comment)}`;
}

/** Exception naming `rule` or `full` that covers `line` (same line, or standalone above). */
function covering(rule: string, full: string, line: number, blob: Blob): Suppression | null {
  const at = (n: number): (Omit<Suppression, 'line'> & { line: number }) | null => {
    const s = parseSuppressionLine(blob.line(n));
    return s && (s.rules.includes(rule) || s.rules.includes(full)) ? { line: n, ...s } : null;
  };
  const same = at(line);
  if (same) return same;
  if (line > 1) {
    const above = at(line - 1);
    if (above && above.standalone) return above;
  }
  return null;
}

export async function applyInlineExceptions(input: SuppressInput): Promise<SuppressResult> {
  const out: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const newOnes: Finding[] = [];
  const pending = new Map<string, { f: Finding; rule: string; base: string; exc: Suppression; key: string; commentText: string; commentContext: string; covered: string[] }>();
  const oldKeysMemo = new Map<string, Promise<{ text: Set<string>; effective: () => Promise<Set<string>> }>>();

  // The exceptions the previous version of the file already had, by content key. An exception
  // is old only if it was EFFECTIVE there: the same rule reported a finding on the line it
  // covers, and it suppressed it. An allow comment that suppressed nothing (planted inside a
  // docstring, a heredoc body, a YAML block scalar, above a line no rule flagged) is not a
  // reviewed exception, and becomes new the moment it starts suppressing. Two steps: the keys
  // of every allow comment in the old text (cheap), and only when the new exception's key is
  // among them, the rule's own findings on the old version (src/engine/run.ts).
  const oldKeys = (change: FileChange, rule: string, base: string) => {
    const memoKey = `${change.commit}\u0000${change.path}\u0000${change.oldOid}\u0000${rule}`;
    let p = oldKeysMemo.get(memoKey);
    if (!p) {
      p = (async () => {
        const none = { text: new Set<string>(), effective: async () => new Set<string>() };
        // A copy is a new instance; an addition has no past; a rename counts only from a path the rule read.
        if (change.status !== 'M' && change.status !== 'R' && change.status !== 'T') return none;
        if (!change.oldOid || !REGULAR.has(change.oldMode ?? '')) return none;
        const oldPath = change.oldPath ?? change.path;
        if (!input.ruleSees(base, { ...change, path: oldPath, newOid: change.oldOid, newMode: change.oldMode })) return none;
        const old = await input.readBlob(change.oldOid);
        if (!old || old.isBinary) return none;
        const text = new Set<string>();
        for (const s of parseSuppressions(old.text)) {
          if (!s.reason || !s.rules.includes(rule)) continue;
          text.add(exceptionKey(rule, old.line(s.line), old.line(s.line)));
          if (s.standalone) text.add(exceptionKey(rule, old.line(s.line + 1), old.line(s.line)));
        }
        let eff: Promise<Set<string>> | null = null;
        const effective = () =>
          (eff ??= (async () => {
            const keys = new Set<string>();
            const found = await input.oldFindings(base, change);
            // No way to know what the rule reported there: not provably effective, so new.
            if (!found) return keys;
            for (const of of found) {
              if (of.line < 1 || of.line > old.lineCount) continue;
              const exc = covering(base, of.rule, of.line, old);
              if (!exc || !exc.reason) continue;
              const r = exc.rules.includes(base) ? base : of.rule;
              if (r === rule) keys.add(exceptionKey(r, old.line(of.line), old.line(exc.line)));
            }
            return keys;
          })());
        return { text, effective };
      })();
      oldKeysMemo.set(memoKey, p);
    }
    return p;
  };

  for (const f of input.findings) {
    const change = f.path !== null ? (input.origin.get(f) ?? input.changeOf(f.commit, f.path)) : undefined;
    let blob: Blob | null = null;
    if (f.line !== null && change && change.newOid && REGULAR.has(change.newMode ?? '')) {
      blob = await input.readBlob(change.newOid);
      if (blob && (blob.isBinary || f.line > blob.lineCount)) blob = null;
    }
    const content = blob ? blob.line(f.line!) : null;
    const context = blob ? lineContext(f.path, (n) => blob!.line(n), f.line!) : undefined;
    const finding: Finding = { ...f, fingerprint: findingFingerprint({ ...f, content, context }) };
    const base = f.rule.split('/')[0]!;
    if (!blob || !change || UNSUPPRESSIBLE.has(base) || f.rule.endsWith('/new-exception')) {
      out.push(finding);
      continue;
    }
    const exc = covering(base, f.rule, f.line!, blob);
    if (!exc) {
      out.push(finding);
      continue;
    }
    if (!exc.reason) {
      out.push({
        ...finding,
        message: `${f.message} (the exception on line ${exc.line} has no reason, so it exempts nothing)`,
        remediation: `write the reason after "--" (safety-gate: allow ${base} -- <reason>) and have it reviewed, or ${f.remediation ?? 'fix the finding'}`,
      });
      continue;
    }
    const rule = exc.rules.includes(base) ? base : f.rule;
    suppressed.push({ ...finding, severity: 'warn', reason: exc.reason, exceptionLine: exc.line, exceptionColumn: exc.column, exceptionRule: rule });
    if (input.tree) continue;
    const key = exceptionKey(rule, content!, blob.line(exc.line));
    const old = await oldKeys(change, rule, base);
    if (old.text.has(key) && (await old.effective()).has(key)) continue;
    const once = `${f.commit}\u0000${f.path}\u0000${exc.line}\u0000${rule}`;
    const seen = pending.get(once);
    if (seen) {
      if (!seen.covered.includes(f.message)) seen.covered.push(f.message);
      continue;
    }
    const b = blob;
    pending.set(once, { f, rule, base, exc, key, commentText: blob.line(exc.line), commentContext: lineContext(f.path, (n) => b.line(n), exc.line), covered: [f.message] });
  }
  // One new-exception finding per exception comment (and rule), naming what it suppresses.
  for (const { f, rule, base, exc, key, commentText, commentContext, covered } of pending.values()) {
    const request: ExceptionReviewRequest = { rule, path: f.path!, line: exc.line, commit: f.commit, reason: exc.reason!, key };
    const decision = reviewer ? await reviewer(request) : null;
    const approved = decision?.approved === true;
    const nf: Finding = {
      rule: `${base}/new-exception`,
      // Never stricter than the finding it suppresses: an exception for a warning warns.
      severity: approved || f.severity === 'warn' ? 'warn' : input.newExceptionSeverity(base),
      message: approved
        ? `new inline exception for ${rule}: "${exc.reason}": ${decision!.detail}`
        : `new inline exception for ${rule}: "${exc.reason}" (it suppresses: ${covered.join('; ')})`,
      path: f.path,
      line: exc.line,
      column: exc.column,
      commit: f.commit,
      ref: f.ref,
      remediation: approved ? null : `needs security review: an approval covering ${base}/new-exception for this commit, or remove the exception and fix the finding`,
      covers: rule,
    };
    newOnes.push({ ...nf, fingerprint: findingFingerprint({ ...nf, content: commentText, context: commentContext }) });
  }
  return { findings: [...out, ...newOnes], suppressed };
}
