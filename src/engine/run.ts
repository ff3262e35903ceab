// The engine: runs every enabled rule over a change set. It knows nothing of hooks: the door
// (src/doors/) resolves the policy, the task, the actor and the change set, and hands them over
// resolved; the engine only runs the rules (src/engine/check.ts then applies the baseline and
// approvals and decides).
//
// A run, step by step (runEngine): checkers are created once (checkers.ts); commits go to
// checkCommit, with the versions around each change prefetched a window at a time; each unique
// blob id is read once through the single cat-file process, goes through one literal prefilter
// pass for the keywords of every rule of every path that holds it, and is shared by all of them
// (file-work.ts); checkRun closes; findings are attributed (rule, severity, commit, ref), a ref
// move's duplicates dropped, inline exceptions applied (exceptions.ts). The deadline is checked
// between steps and projected during the file phase (deadline.ts).
import type { Blob } from '../changeset/blob.js';
import type { ChangeSet, CommitInfo, FileChange, Snapshot } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { AuditHistory } from '../audit/history.js';
import type { Finding, FindingInput, SuppressedFinding } from '../findings/types.js';
import type { CommitView, GitAccess, Report, Rule } from '../rules/types.js';
import { createPathMatcher, type PathMatcher } from './paths.js';
import { KeywordScanner } from './keywords.js';
import { markSuperseded } from './superseded.js';
import type { ResultCache } from './result-cache.js';
import { buildCheckers, type ActiveRule, type Taint } from './checkers.js';
import { Deadline } from './deadline.js';
import { applyExceptions } from './exceptions.js';
import { runFileChecks } from './file-work.js';

export interface EngineInput {
  changeSet: ChangeSet;
  policy: Policy;
  rules: readonly Rule<unknown>[];
  git: GitAccess;
  /** Snapshot of a commit id, or of the index ('index'). */
  snapshot(rev: string): Snapshot;
  /**
   * Reads a blob without keeping it in the run's shared cache (the file phase reads each blob
   * once, grouped by id, so caching it would only hold memory). Falls back to git.readBlob.
   */
  readBlobOnce?(oid: string): Promise<Blob | null>;
  /** Entries of a tree object, uncached (symlink link lists are memoised per tree id). */
  readTree?(oid: string): Promise<{ name: string; mode: string; oid: string }[]>;
  /** Size of an object without reading it (null: missing). */
  objectSize(oid: string): Promise<number | null>;
  trustsLocalState: boolean;
  /**
   * The policy one rule is judged by when it is not `policy` (client doors: protected-target by
   * the policy in force before the change, src/doors/base.ts). Undefined: `policy`.
   */
  policyFor?: (ruleId: string) => Policy | undefined;
  now: number;
  history: AuditHistory;
  /** Absolute time (ms) after which the run gives up. */
  deadlineAt: number;
  deadlineLabel: string;
  /**
   * Persistent per-(blob, path, rule) results (src/engine/result-cache.ts); null or absent: every
   * file is judged afresh. The caller saves it.
   */
  resultCache?: ResultCache | null;
}

export interface EngineResult {
  findings: Finding[];
  /** Findings an effective inline exception suppressed (src/findings/suppress.ts). */
  suppressed: SuppressedFinding[];
  stats: {
    commits: number;
    files: number;
    blobsRead: number;
    bytesRead: number;
    skipped: number;
    skippedBinary: number;
    rules: number;
  };
}

/** What the steps of one run share. */
export interface EngineRun {
  input: EngineInput;
  active: ActiveRule[];
  findings: Finding[];
  /** The change whose new content a checkFile finding is about: inline exceptions and fingerprints read the finding's line from it. */
  origin: Map<Finding, FileChange>;
  stats: EngineResult['stats'];
  commitByOid: Map<string | null, CommitInfo>;
  /** The matcher of the run's policy (globs, runtime scope). */
  paths: PathMatcher;
  cache: ResultCache | null;
  taint: Taint;
  scanner: KeywordScanner;
  deadline: Deadline;
  /** The `report` a rule gets: turns what it says into a Finding attributed to the rule, the commit and the ref. */
  reporter(a: ActiveRule, defaults: ReportDefaults): Report;
}

/** Where a finding is, unless the rule says otherwise. */
interface ReportDefaults {
  path?: string | null;
  commit?: string | null;
  /** The path is a symlink to this one: the message says so. */
  aliasOf?: string;
  /** The change a checkFile finding is about (see EngineRun.origin). */
  change?: FileChange;
}

/** Commits whose surrounding versions are prefetched at once. */
const PREFETCH_COMMITS = 64;
/** Bytes prefetched per window at the most. */
const PREFETCH_BYTES = 8 * 1024 * 1024;

export async function runEngine(input: EngineInput): Promise<EngineResult> {
  const run = startRun(input);
  run.active = await buildCheckers(input, run);
  run.stats.rules = run.active.length;
  const commitViews = commitViewsOf(input);
  await runCommitChecks(run, commitViews);
  markSuperseded(input.changeSet);
  await runFileChecks(run);
  run.deadline.check();
  await runRunChecks(run, commitViews);
  dedupeMoves(run.findings, run.commitByOid);
  const done = await applyExceptions(run);
  return { findings: done.findings, suppressed: done.suppressed, stats: run.stats };
}

/** The run's shared state: nothing read yet, no checker created yet. */
function startRun(input: EngineInput): EngineRun {
  const cs = input.changeSet;
  const findings: Finding[] = [];
  const origin = new Map<Finding, FileChange>();
  const commitByOid = new Map<string | null, CommitInfo>();
  for (const c of cs.commits) commitByOid.set(c.oid, c);
  return {
    input,
    active: [],
    findings,
    origin,
    stats: { commits: cs.commits.filter((c) => !c.transition).length, files: cs.changes.length, blobsRead: 0, bytesRead: 0, skipped: 0, skippedBinary: 0, rules: 0 },
    commitByOid,
    paths: createPathMatcher(input.policy.runtimeScope, input.policy.caseInsensitivePaths),
    cache: input.resultCache ?? null,
    taint: { active: false, tainted: false },
    scanner: new KeywordScanner(),
    deadline: new Deadline(input.deadlineAt, input.now, input.deadlineLabel),
    reporter: (a, defaults) => attribute(a, defaults, commitByOid, findings, origin),
  };
}

/**
 * Attribution: a rule says what and where; the engine fills the rule id (with its sub-rule), the
 * severity in force, the commit and the first ref that brings it, so that no rule needs to know
 * which door called it.
 */
function attribute(a: ActiveRule, defaults: ReportDefaults, commitByOid: Map<string | null, CommitInfo>, findings: Finding[], origin: Map<Finding, FileChange>): Report {
  return (f: FindingInput) => {
    const commit = f.commit !== undefined ? f.commit : (defaults.commit ?? null);
    const info = commitByOid.get(commit);
    const path = f.path !== undefined ? f.path : (defaults.path ?? null);
    const finding: Finding = {
      rule: f.subRule ? `${a.rule.meta.id}/${f.subRule}` : a.rule.meta.id,
      severity: f.severity ?? a.severity,
      message: defaults.aliasOf ? `${f.message} (through a symlink to ${defaults.aliasOf})` : f.message,
      ...(f.messageId ? { messageId: f.messageId } : {}),
      path,
      line: f.line ?? null,
      column: f.column ?? null,
      commit,
      ref: f.ref ?? info?.refs[0] ?? null,
      remediation: f.remediation ?? null,
      ...(f.secretHash ? { secretHash: f.secretHash } : {}),
      ...(f.groups && f.groups.length > 0 ? { groups: f.groups } : {}),
    };
    if (defaults.change && path === defaults.change.path && commit === defaults.change.commit) origin.set(finding, defaults.change);
    findings.push(finding);
  };
}

/** Each commit with its changes and the snapshots around it (the index for the commit being made). */
function commitViewsOf(input: EngineInput): CommitView[] {
  const cs = input.changeSet;
  const changesByCommit = new Map<string | null, FileChange[]>();
  for (const ch of cs.changes) {
    const list = changesByCommit.get(ch.commit);
    if (list) list.push(ch);
    else changesByCommit.set(ch.commit, [ch]);
  }
  return cs.commits.map((info) => ({
    info,
    changes: changesByCommit.get(info.oid) ?? [],
    snapshot: input.snapshot(info.oid ?? 'index'),
    parentSnapshot: info.parents[0] ? input.snapshot(info.parents[0]) : null,
  }));
}

/**
 * Step 2, commits: checkCommit of every rule over each commit. Rules about changes read the
 * versions around each change (generated markers of the old version, symlink targets): they are
 * fetched for a window of commits at once, so a push costs a few round trips to cat-file per
 * window instead of one per file.
 */
async function runCommitChecks(run: EngineRun, commitViews: CommitView[]): Promise<void> {
  const commitRules = run.active.filter((a) => a.checker.checkCommit);
  for (let w = 0; w < commitViews.length; w += PREFETCH_COMMITS) {
    const window = commitViews.slice(w, w + PREFETCH_COMMITS);
    if (commitRules.length > 0) await prefetch(window, run.input);
    for (const view of window) {
      run.deadline.check();
      for (const a of commitRules) await a.checker.checkCommit!(view, run.reporter(a, { commit: view.info.oid }));
    }
  }
}

/** Warms the run's blob cache with both sides of every small regular-file change in `views`. */
async function prefetch(views: CommitView[], input: EngineInput): Promise<void> {
  const oids = new Set<string>();
  for (const v of views) {
    for (const c of v.changes) {
      if (c.oldOid && c.oldMode !== '160000') oids.add(c.oldOid);
      if (c.newOid && c.newMode === '120000') oids.add(c.newOid);
    }
  }
  // Sizes first (one batch), then at most PREFETCH_BYTES of them: a window that deletes a whole
  // vendored directory must not pull every old version into memory at once (peak RSS of a
  // typical push of the real-shape bench: 329 -> 235 MiB); the rest is read when a rule asks.
  const list = [...oids];
  const sizes = await Promise.all(list.map((oid) => input.objectSize(oid).catch(() => null)));
  const chosen: string[] = [];
  let bytes = 0;
  for (let i = 0; i < list.length; i++) {
    const size = sizes[i];
    if (size === null || size === undefined || size > input.policy.limits.maxBlobBytes) continue;
    if (bytes + size > PREFETCH_BYTES) break;
    bytes += size;
    chosen.push(list[i]!);
  }
  await Promise.all(chosen.map((oid) => input.git.readBlob(oid).catch(() => null)));
}

/** Step 4, the run as a whole: checkRun settles what needs every commit and file (a sentinel and the files it covers, a task's whole diff). */
async function runRunChecks(run: EngineRun, commitViews: CommitView[]): Promise<void> {
  const cs = run.input.changeSet;
  for (const a of run.active) {
    if (a.checker.checkRun) await a.checker.checkRun({ changeSet: cs, commits: commitViews, refs: cs.refs }, run.reporter(a, {}));
  }
}

/**
 * A ref move's finding that a commit of the push landing on the same ref already reports (same
 * rule, path and line) is dropped: that commit's finding is the one to fix or approve. Findings
 * only the move shows (content that reaches the ref without a new commit, deletions by a
 * rewind, a merge side already on the server) stay, attributed to the ref.
 */
export function dedupeMoves(findings: Finding[], commitByOid: Map<string | null, CommitInfo>): void {
  if (![...commitByOid.values()].some((c) => c.transition)) return;
  const key = (f: Finding, ref: string) => `${f.rule}\0${f.path ?? ''}\0${f.line ?? ''}\0${ref}`;
  const byCommits = new Set<string>();
  for (const f of findings) {
    const info = commitByOid.get(f.commit);
    if (!info || info.transition) continue;
    for (const ref of info.refs) byCommits.add(key(f, ref));
  }
  for (let i = findings.length - 1; i >= 0; i--) {
    const f = findings[i]!;
    const move = commitByOid.get(f.commit)?.transition;
    if (move && byCommits.has(key(f, move.ref))) findings.splice(i, 1);
  }
}
