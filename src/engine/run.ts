// The engine: runs every enabled rule over a change set. It knows nothing of hooks.
//
// Per run: rule checkers are created once; commits go to checkCommit; each unique
// (blob, path) goes through one literal prefilter pass for all rules (keywords), and its
// content is read once through the single cat-file process and shared by every rule that
// wants it; checkRun closes. Blobs are read in bounded batches so memory does not grow with
// the size of a push.
import { Blob } from '../changeset/blob.js';
import type { ChangeSet, CommitInfo, FileChange, Snapshot } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { AuditHistory } from '../audit/history.js';
import { GateError } from '../errors.js';
import type { Finding, FindingInput, Severity } from '../findings/types.js';
import { msg } from '../messages.js';
import type { CommitView, FileView, GitAccess, Report, Rule, RuleChecker } from '../rules/types.js';
import { createPathMatcher } from './paths.js';
import { symlinkAliases } from './symlink-aliases.js';
import { markSuperseded } from './superseded.js';

export interface EngineInput {
  changeSet: ChangeSet;
  policy: Policy;
  rules: readonly Rule<unknown>[];
  git: GitAccess;
  /** Snapshot of a commit id, or of the index ('index'). */
  snapshot(rev: string): Snapshot;
  /** Size of an object without reading it (null: missing). */
  objectSize(oid: string): Promise<number | null>;
  trustsLocalState: boolean;
  now: number;
  history: AuditHistory;
  /** Absolute time (ms) after which the run gives up. */
  deadlineAt: number;
  deadlineLabel: string;
}

export interface EngineResult {
  findings: Finding[];
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

interface ActiveRule {
  rule: Rule<unknown>;
  checker: RuleChecker;
  severity: Severity;
  keywords: readonly string[] | null;
}

const BATCH_FILES = 64;
const PREFETCH_COMMITS = 64;

/** Warms the run's blob cache with both sides of every small regular-file change in `views`. */
async function prefetch(views: CommitView[], input: EngineInput): Promise<void> {
  const oids = new Set<string>();
  for (const v of views) {
    for (const c of v.changes) {
      if (c.oldOid && c.oldMode !== '160000') oids.add(c.oldOid);
      if (c.newOid && c.newMode === '120000') oids.add(c.newOid);
    }
  }
  // readBlob checks sizes first (one batch), so oversized blobs are never read.
  await Promise.all([...oids].map((oid) => input.git.readBlob(oid).catch(() => null)));
}
const BATCH_BYTES = 32 * 1024 * 1024;

function isRegularFile(change: FileChange): boolean {
  return change.newMode === '100644' || change.newMode === '100755';
}

export async function runEngine(input: EngineInput): Promise<EngineResult> {
  const { changeSet: cs, policy } = input;
  const findings: Finding[] = [];
  const stats = { commits: cs.commits.length, files: cs.changes.length, blobsRead: 0, bytesRead: 0, skipped: 0, skippedBinary: 0, rules: 0 };
  const checkDeadline = () => {
    if (Date.now() > input.deadlineAt) throw new GateError('deadline', msg.deadline(input.deadlineLabel, input.deadlineAt - input.now), msg.deadlineHint);
  };

  const paths = createPathMatcher(policy.runtimeScope, policy.caseInsensitivePaths);
  const active: ActiveRule[] = [];
  for (const rule of input.rules) {
    const setting = policy.rules[rule.meta.id];
    if (!setting) throw new GateError('config', `the policy has no settings for rule ${rule.meta.id}`, 'run `safety-gate config` to rebuild the policy');
    if (setting.severity === 'off') continue;
    const checker = await rule.create({
      options: setting.options,
      severity: setting.severity,
      policy,
      git: input.git,
      paths,
      trustsLocalState: input.trustsLocalState,
      now: input.now,
      history: input.history,
    });
    active.push({ rule, checker, severity: setting.severity, keywords: checker.keywords ? checker.keywords.map((k) => k.toLowerCase()) : null });
  }
  stats.rules = active.length;

  const commitByOid = new Map<string | null, CommitInfo>();
  for (const c of cs.commits) commitByOid.set(c.oid, c);

  const reporter = (a: ActiveRule, defaults: { path?: string | null; commit?: string | null; aliasOf?: string }): Report => {
    return (f: FindingInput) => {
      const commit = f.commit !== undefined ? f.commit : (defaults.commit ?? null);
      const info = commitByOid.get(commit);
      findings.push({
        rule: f.subRule ? `${a.rule.meta.id}/${f.subRule}` : a.rule.meta.id,
        severity: f.severity ?? a.severity,
        message: defaults.aliasOf ? `${f.message} (through a symlink to ${defaults.aliasOf})` : f.message,
        path: f.path !== undefined ? f.path : (defaults.path ?? null),
        line: f.line ?? null,
        column: f.column ?? null,
        commit,
        ref: f.ref ?? info?.refs[0] ?? null,
        remediation: f.remediation ?? null,
      });
    };
  };

  // --- commits ---
  const changesByCommit = new Map<string | null, FileChange[]>();
  for (const ch of cs.changes) {
    const list = changesByCommit.get(ch.commit);
    if (list) list.push(ch);
    else changesByCommit.set(ch.commit, [ch]);
  }
  const commitViews: CommitView[] = cs.commits.map((info) => ({
    info,
    changes: changesByCommit.get(info.oid) ?? [],
    snapshot: input.snapshot(info.oid ?? 'index'),
    parentSnapshot: info.parents[0] ? input.snapshot(info.parents[0]) : null,
  }));
  // Rules about changes read the versions around each change (generated markers of the old
  // version, symlink targets): fetch them for a window of commits at once, so a push costs a
  // few round trips to cat-file per window instead of one per file.
  const commitRules = active.filter((a) => a.checker.checkCommit);
  for (let w = 0; w < commitViews.length; w += PREFETCH_COMMITS) {
    const window = commitViews.slice(w, w + PREFETCH_COMMITS);
    if (commitRules.length > 0) await prefetch(window, input);
    for (const view of window) {
      checkDeadline();
      for (const a of commitRules) await a.checker.checkCommit!(view, reporter(a, { commit: view.info.oid }));
    }
  }

  // --- files: one pass per unique (blob, path) ---
  const seen = new Set<string>();
  let batch: { change: FileChange; rules: ActiveRule[] }[] = [];
  const flush = async () => {
    checkDeadline();
    const work = batch;
    batch = [];
    const sizes = await Promise.all(work.map((w) => input.objectSize(w.change.newOid!)));
    let group: { change: FileChange; rules: ActiveRule[]; blob: Promise<Blob | null> }[] = [];
    let groupBytes = 0;
    const runGroup = async () => {
      for (const g of group) await checkOne(g.change, g.rules, await g.blob);
      group = [];
      groupBytes = 0;
    };
    for (let i = 0; i < work.length; i++) {
      const w = work[i]!;
      const size = sizes[i];
      if (size === null || size === undefined) throw new GateError('object', msg.objectMissing(w.change.newOid!), msg.objectMissingHint);
      if (size > policy.limits.maxBlobBytes) {
        stats.skipped++;
        findings.push({
          rule: 'oversized-file',
          severity: policy.limits.onOversized,
          message: msg.oversized(w.change.path, size, policy.limits.maxBlobBytes),
          path: w.change.path,
          line: null,
          column: null,
          commit: w.change.commit,
          ref: commitByOid.get(w.change.commit)?.refs[0] ?? null,
          remediation: msg.oversizedFix,
        });
        continue;
      }
      if (groupBytes + size > BATCH_BYTES && group.length > 0) await runGroup();
      group.push({ ...w, blob: input.git.readBlob(w.change.newOid!) });
      groupBytes += size;
    }
    await runGroup();
  };

  const checkOne = async (change: FileChange, rules: ActiveRule[], blob: Blob | null) => {
    if (!blob) throw new GateError('object', msg.objectMissing(change.newOid!), msg.objectMissingHint);
    stats.blobsRead++;
    stats.bytesRead += blob.size;
    // One pass over the lowered content for the union of every interested rule's keywords.
    const wanted = new Set<string>();
    for (const r of rules) if (r.keywords) for (const k of r.keywords) wanted.add(k);
    const found = new Set<string>();
    if (wanted.size > 0) {
      const lower = blob.lower;
      for (const k of wanted) if (lower.includes(k)) found.add(k);
    }
    const binary = blob.isBinary;
    let ranAny = false;
    for (const r of rules) {
      let hits: Set<string>;
      if (r.keywords) {
        hits = new Set(r.keywords.filter((k) => found.has(k)));
        if (hits.size === 0) continue;
      } else {
        // Rules without keywords (parse checks) have nothing to say about binary content.
        if (binary) continue;
        hits = new Set();
      }
      ranAny = true;
      const view: FileView = {
        change,
        path: change.path,
        commit: commitByOid.get(change.commit) ?? null,
        newBlob: async () => blob,
        oldBlob: async () => (change.oldOid && change.oldMode !== '160000' ? input.git.readBlob(change.oldOid) : null),
        hits,
      };
      await r.checker.checkFile!(view, reporter(r, { path: change.path, commit: change.commit, aliasOf: change.aliasOf }));
    }
    if (binary && !ranAny) stats.skippedBinary++;
  };

  markSuperseded(cs);
  // Tree scans have no commits: every file, links included, is in `changes` already.
  const aliases =
    cs.commits.length > 0 && cs.changes.some((c) => c.newMode === '120000' || c.oldMode === '120000' || !paths.runtimeScope()(c.path))
      ? await symlinkAliases(cs.commits, cs.changes, {
          readBlob: (oid) => input.git.readBlob(oid),
          snapshot: input.snapshot,
          workTree: input.git.workTree,
          inScope: paths.runtimeScope(),
        })
      : [];
  for (const change of [...cs.changes, ...aliases]) {
    if (change.status === 'D' || change.newOid === null || change.newMode === '160000') continue;
    const key = `${change.newOid}\0${change.path}`;
    if (seen.has(key)) continue;
    const interested = active.filter((a) => a.checker.checkFile && (a.checker.files ? a.checker.files(change) : isRegularFile(change)));
    if (interested.length === 0) continue;
    seen.add(key);
    batch.push({ change, rules: interested });
    if (batch.length >= BATCH_FILES) await flush();
  }
  if (batch.length > 0) await flush();

  // --- the run as a whole ---
  checkDeadline();
  for (const a of active) {
    if (a.checker.checkRun) await a.checker.checkRun({ changeSet: cs, commits: commitViews, refs: cs.refs }, reporter(a, {}));
  }
  return { findings, stats };
}
