// The engine: runs every enabled rule over a change set. It knows nothing of hooks.
//
// Per run: rule checkers are created once; commits go to checkCommit; each unique blob id is
// read once through the single cat-file process, goes through one literal prefilter pass for
// the keywords of every rule of every path that holds it, and is shared by all of them;
// checkRun closes. Blobs are read in bounded batches so memory does not grow with
// the size of a push.
import { Blob } from '../changeset/blob.js';
import type { ChangeSet, CommitInfo, FileChange, Snapshot } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { AuditHistory } from '../audit/history.js';
import { GateError } from '../errors.js';
import type { Finding, FindingInput, Severity, SuppressedFinding } from '../findings/types.js';
import { applyInlineExceptions } from '../findings/suppress.js';
import { msg, engineMsg } from '../messages.js';
import type { CommitView, FileView, GitAccess, Report, Rule, RuleChecker } from '../rules/types.js';
import { createPathMatcher } from './paths.js';
import { KeywordScanner } from './keywords.js';
import { symlinkAliases } from './symlink-aliases.js';
import { markSuperseded } from './superseded.js';
import { CACHEABLE_RULES, ResultCache, type CachedResult } from './result-cache.js';

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
   * the policy in force before the change, src/engine/base.ts). Undefined: `policy`.
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

interface ActiveRule {
  rule: Rule<unknown>;
  checker: RuleChecker;
  /** A fresh checker with the same context (findings of an old version, src/findings/suppress.ts). */
  fresh(): Promise<RuleChecker>;
  severity: Severity;
  keywords: readonly string[] | null;
  /** Result-cache context of this rule (null: its results are never cached). */
  cacheContext: string | null;
}

/**
 * Whether a cacheable rule's checkFile looked beyond (path, mode, bytes, options, policy) while
 * it ran: the commit, the change record, the old version, the repository, the audit history.
 * The file phase runs one checkFile at a time, so one flag serves every rule.
 */
interface Taint {
  active: boolean;
  tainted: boolean;
}

/** `target` with every property read and method call during a checkFile marking it tainted. */
function tracked<T extends object>(target: T, taint: Taint): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value === 'function') {
        return (...args: unknown[]) => {
          if (taint.active) taint.tainted = true;
          return (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      }
      if (taint.active) taint.tainted = true;
      return value;
    },
  });
}

const BATCH_FILES = 64;

/** A rule for one path of a blob, with its cached result when the result cache has one. */
interface Planned {
  r: ActiveRule;
  cached: CachedResult | undefined;
}

/** Everything the rules want of one blob: each path (change) holding it, with its rules. */
interface BlobWork {
  oid: string;
  items: { change: FileChange; rules: ActiveRule[] }[];
}
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
const PREFETCH_BYTES = 8 * 1024 * 1024;
const BATCH_BYTES = 32 * 1024 * 1024;

function isRegularFile(change: FileChange): boolean {
  return change.newMode === '100644' || change.newMode === '100755';
}

export async function runEngine(input: EngineInput): Promise<EngineResult> {
  const { changeSet: cs, policy } = input;
  const findings: Finding[] = [];
  const stats = { commits: cs.commits.filter((c) => !c.transition).length, files: cs.changes.length, blobsRead: 0, bytesRead: 0, skipped: 0, skippedBinary: 0, rules: 0 };
  const checkDeadline = () => {
    if (Date.now() > input.deadlineAt) throw new GateError('deadline', msg.deadline(input.deadlineLabel, input.deadlineAt - input.now), msg.deadlineHint);
  };

  const paths = createPathMatcher(policy.runtimeScope, policy.caseInsensitivePaths);
  const cache = input.resultCache ?? null;
  const taint: Taint = { active: false, tainted: false };
  const active: ActiveRule[] = [];
  for (const rule of input.rules) {
    const own = input.policyFor?.(rule.meta.id);
    const rulePolicy = own ?? policy;
    const setting = rulePolicy.rules[rule.meta.id] ?? (own ? policy.rules[rule.meta.id] : undefined);
    if (!setting) throw new GateError('config', engineMsg.noRuleSettings(rule.meta.id), engineMsg.noRuleSettingsHint);
    if (setting.severity === 'off') continue;
    const cacheable = cache !== null && CACHEABLE_RULES.has(rule.meta.id);
    const ctx = {
      options: setting.options,
      severity: setting.severity,
      policy: rulePolicy,
      git: cacheable ? tracked(input.git, taint) : input.git,
      paths: own ? createPathMatcher(rulePolicy.runtimeScope, rulePolicy.caseInsensitivePaths) : paths,
      trustsLocalState: input.trustsLocalState,
      now: input.now,
      history: cacheable ? tracked(input.history, taint) : input.history,
    };
    const checker = await rule.create(ctx);
    const fresh = async () => rule.create(ctx);
    const keywords = checker.keywords ? checker.keywords.map((k) => k.toLowerCase()) : null;
    const cacheContext =
      cacheable && checker.checkFile
        ? cache.context({
            rule: rule.meta.id,
            setting,
            // Everything of the policy but the other rules' settings (and where it was read from).
            policy: { ...rulePolicy, rules: undefined, hash: undefined, sources: undefined },
            keywords,
            undecodable: checker.undecodable === true,
            trustsLocalState: input.trustsLocalState,
            objectFormat: cs.objectFormat,
          })
        : null;
    active.push({ rule, checker, fresh, severity: setting.severity, keywords, cacheContext });
  }
  stats.rules = active.length;

  const commitByOid = new Map<string | null, CommitInfo>();
  for (const c of cs.commits) commitByOid.set(c.oid, c);

  // The change whose new content a checkFile finding is about: inline exceptions and
  // fingerprints read the finding's line from it.
  const origin = new Map<Finding, FileChange>();
  const reporter = (a: ActiveRule, defaults: { path?: string | null; commit?: string | null; aliasOf?: string; change?: FileChange }): Report => {
    return (f: FindingInput) => {
      const commit = f.commit !== undefined ? f.commit : (defaults.commit ?? null);
      const info = commitByOid.get(commit);
      const path = f.path !== undefined ? f.path : (defaults.path ?? null);
      const finding: Finding = {
        rule: f.subRule ? `${a.rule.meta.id}/${f.subRule}` : a.rule.meta.id,
        severity: f.severity ?? a.severity,
        message: defaults.aliasOf ? `${f.message} (through a symlink to ${defaults.aliasOf})` : f.message,
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

  // --- files: content work once per blob id ---
  // Every (blob, path) a rule wants is collected first and grouped by blob id: the blob is read
  // once, the keyword prefilter runs once over its bytes for the union of every interested
  // rule's keywords, parsed forms are shared by all its paths, and they are freed (tree-sitter
  // trees included) when its last path is done. Groups are read in bounded batches.
  const scanner = new KeywordScanner();
  const flushGroups = async (work: BlobWork[]) => {
    checkDeadline();
    const sizes = work.map((w) => blobSizes.get(w.oid));
    let group: { work: BlobWork; plans: Planned[][]; blob: Promise<Blob | null> | null }[] = [];
    let groupBytes = 0;
    const runGroup = async () => {
      for (const g of group) await checkBlob(g.work, g.plans, g.blob ? await g.blob : null);
      group = [];
      groupBytes = 0;
    };
    for (let i = 0; i < work.length; i++) {
      const w = work[i]!;
      const size = sizes[i];
      if (size === null || size === undefined) throw new GateError('object', msg.objectMissing(w.oid), msg.objectMissingHint);
      if (size > policy.limits.maxBlobBytes) {
        for (const { change } of w.items) {
          stats.skipped++;
          findings.push({
            rule: 'oversized-file',
            severity: policy.limits.onOversized,
            message: msg.oversized(change.path, size, policy.limits.maxBlobBytes),
            path: change.path,
            line: null,
            column: null,
            commit: change.commit,
            ref: commitByOid.get(change.commit)?.refs[0] ?? null,
            remediation: msg.oversizedFix,
          });
        }
        continue;
      }
      // What the result cache already knows: a blob every rule of every path has a result for
      // is not read at all.
      const plans = w.items.map((item) =>
        item.rules.map((r): Planned => ({
          r,
          cached: r.cacheContext && lookUp ? cache!.get(r.cacheContext, ResultCache.fileKey(w.oid, item.change.newMode, item.change.path)) : undefined,
        })),
      );
      if (plans.every((p) => p.every((x) => x.cached))) {
        totalBytes -= size;
        group.push({ work: w, plans, blob: null });
        continue;
      }
      if (groupBytes + size > BATCH_BYTES && group.length > 0) await runGroup();
      group.push({ work: w, plans, blob: (input.readBlobOnce ?? input.git.readBlob)(w.oid) });
      groupBytes += size;
    }
    await runGroup();
  };

  const checkBlob = async (work: BlobWork, plans: Planned[][], blob: Blob | null) => {
    if (!blob) {
      if (!plans.every((p) => p.every((x) => x.cached))) throw new GateError('object', msg.objectMissing(work.oid), msg.objectMissingHint);
      work.items.forEach((item, i) => replay(item.change, plans[i]!));
      return;
    }
    // One pass over the raw bytes for the union of every interested rule's keywords.
    const wanted = new Set<string>();
    for (const item of work.items) for (const r of item.rules) if (r.keywords) for (const k of r.keywords) wanted.add(k);
    const found = scanner.scan(blob, [...wanted]);
    const binary = blob.isBinary;
    try {
      for (let i = 0; i < work.items.length; i++) await checkOne(work.items[i]!.change, plans[i]!, blob, found, binary);
    } finally {
      blob.dispose();
    }
    // The first blob pays for loading parsers: the pace is taken from the ones after it.
    if (paceFrom === 0) paceFrom = Date.now();
    else {
      doneBytes += blob.size;
      doneBlobs++;
    }
    checkDeadline();
    project();
  };

  // A deadline the user can trust: once a tenth of the budget has gone into reading files (the
  // first blob, which loads the parsers, not counted), the pace so far says whether the rest fits. A push that clearly cannot make it is stopped then,
  // with what it would need and how to allow it, instead of when the budget has run out (or
  // when the platform kills the hook without a word).
  const budgetMs = input.deadlineAt - input.now;
  let totalBytes = 0;
  let doneBytes = 0;
  let doneBlobs = 0;
  let paceFrom = 0;
  const project = () => {
    const now = Date.now();
    const spent = now - paceFrom;
    if (doneBlobs < 8 || doneBytes >= totalBytes || spent < Math.max(100, budgetMs * 0.1)) return;
    const projected = Math.round(now - input.now + ((totalBytes - doneBytes) * spent) / doneBytes);
    if (projected <= budgetMs * 1.25) return;
    throw new GateError(
      'deadline',
      msg.deadlineProjected(input.deadlineLabel, budgetMs, {
        commits: cs.commits.length,
        blobs: blobSizes.size,
        bytes: totalBytes,
        done: doneBytes,
        elapsed: now - input.now,
        projected,
      }),
      msg.deadlineProjectedHint(input.deadlineLabel, Math.ceil((projected * 1.5) / 1000) * 1000),
    );
  };

  const fileDefaults = (change: FileChange) => ({ path: change.path, commit: change.commit, aliasOf: change.aliasOf, change });
  /** Cached results, reported as the rule reported them. */
  const replay = (change: FileChange, plans: Planned[]) => {
    for (const { r, cached } of plans) {
      const report = reporter(r, fileDefaults(change));
      for (const f of cached!) report(f);
    }
  };

  const checkOne = async (change: FileChange, plans: Planned[], blob: Blob, found: ReadonlySet<string>, binary: boolean) => {
    stats.blobsRead++;
    stats.bytesRead += blob.size;
    let ranAny = false;
    const fileKey = ResultCache.fileKey(blob.oid, change.newMode, change.path);
    for (const { r, cached } of plans) {
      if (cached) {
        const report = reporter(r, fileDefaults(change));
        for (const f of cached) report(f);
        continue;
      }
      let hits: Set<string>;
      if (r.keywords) {
        hits = new Set(r.keywords.filter((k) => found.has(k)));
        if (hits.size === 0 && !(r.checker.undecodable && binary && !blob.isText)) {
          if (r.cacheContext) cache!.put(r.cacheContext, fileKey, []);
          continue;
        }
      } else {
        // Rules without keywords (parse checks) have nothing to say about binary content.
        if (binary) {
          if (r.cacheContext) cache!.put(r.cacheContext, fileKey, []);
          continue;
        }
        hits = new Set();
      }
      ranAny = true;
      const oldBlob = async () => (change.oldOid && change.oldMode !== '160000' ? input.git.readBlob(change.oldOid) : null);
      const report = reporter(r, fileDefaults(change));
      if (!r.cacheContext) {
        const view: FileView = { change, path: change.path, commit: commitByOid.get(change.commit) ?? null, newBlob: async () => blob, oldBlob, hits };
        await r.checker.checkFile!(view, report);
        continue;
      }
      // A cacheable rule: what it reports is recorded, and stored only if it read nothing but
      // the file and reported nothing after it returned.
      const view: FileView = {
        get change() {
          taint.tainted = true;
          return change;
        },
        path: change.path,
        get commit() {
          taint.tainted = true;
          return commitByOid.get(change.commit) ?? null;
        },
        newBlob: async () => blob,
        oldBlob: async () => {
          taint.tainted = true;
          return oldBlob();
        },
        hits,
      };
      const got: FindingInput[] = [];
      let open = true;
      let stored = false;
      const ctxKey = r.cacheContext;
      const recording: Report = (f) => {
        if (open) got.push(f);
        else if (stored) {
          stored = false;
          cache!.drop(ctxKey, fileKey);
        }
        report(f);
      };
      taint.active = true;
      taint.tainted = false;
      try {
        await r.checker.checkFile!(view, recording);
      } finally {
        taint.active = false;
        open = false;
      }
      if (!taint.tainted) {
        cache!.put(ctxKey, fileKey, got);
        stored = true;
      }
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
          readTree: input.readTree,
          workTree: input.git.workTree,
          inScope: paths.runtimeScope(),
        })
      : [];
  const seen = new Set<string>();
  const byBlob = new Map<string, BlobWork>();
  for (const change of [...cs.changes, ...aliases]) {
    if (change.status === 'D' || change.newOid === null || change.newMode === '160000') continue;
    // A ref move's version of a file is read again only when no commit of the push that lands
    // on that same ref had it (its findings would say the same thing; see dedupeMoves).
    const move = commitByOid.get(change.commit)?.transition;
    const key = move ? `${change.newOid}\0${change.path}\0${move.ref}` : `${change.newOid}\0${change.path}`;
    if (seen.has(key)) continue;
    const interested = active.filter((a) => a.checker.checkFile && (a.checker.files ? a.checker.files(change) : isRegularFile(change)));
    if (interested.length === 0) continue;
    seen.add(key);
    if (!move) for (const ref of commitByOid.get(change.commit)?.refs ?? []) seen.add(`${key}\0${ref}`);
    let w = byBlob.get(change.newOid);
    if (!w) byBlob.set(change.newOid, (w = { oid: change.newOid, items: [] }));
    w.items.push({ change, rules: interested });
  }
  seen.clear();
  // Sizes first (one batch-check round trip per chunk): the oversized are never read, and the
  // bytes to read are known before reading starts.
  const blobSizes = new Map<string, number | null>();
  const oids = [...byBlob.keys()];
  for (let i = 0; i < oids.length; i += 512) {
    const chunk = oids.slice(i, i + 512);
    const got = await Promise.all(chunk.map((oid) => input.objectSize(oid)));
    chunk.forEach((oid, k) => {
      blobSizes.set(oid, got[k] ?? null);
      const size = got[k];
      if (size !== null && size !== undefined && size <= policy.limits.maxBlobBytes) totalBytes += size;
    });
  }
  // A big cache file is read only when the run has enough blobs for it to pay.
  const lookUp = cache !== null && cache.worthReading(byBlob.size);
  let batch: BlobWork[] = [];
  for (const w of byBlob.values()) {
    batch.push(w);
    if (batch.length >= BATCH_FILES) {
      await flushGroups(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flushGroups(batch);

  // --- the run as a whole ---
  checkDeadline();
  for (const a of active) {
    if (a.checker.checkRun) await a.checker.checkRun({ changeSet: cs, commits: commitViews, refs: cs.refs }, reporter(a, {}));
  }

  dedupeMoves(findings, commitByOid);

  // --- inline exceptions (every rule, one mechanism) and content fingerprints ---
  const changeAt = new Map<string, FileChange>();
  for (const c of cs.changes) changeAt.set(`${c.commit}\0${c.path}`, c);
  const byId = new Map(active.map((a) => [a.rule.meta.id, a]));
  // What a rule reports on the previous version of a changed file: an inline exception there
  // counts as already reviewed only if it suppressed one of these (src/findings/suppress.ts).
  // Asked only for exceptions whose content key the old text holds, so it is rare: the old
  // blob goes through the same prefilter and checkFile as in its own run, on a fresh checker
  // (no state shared with this run), then checkRun, which some rules use to settle what
  // checkFile started. Rules without checkFile cannot say: null (the exception counts as new).
  const oldRuns = new Map<string, Promise<{ rule: string; line: number }[] | null>>();
  const findingsOfOldVersion = async (a: ActiveRule | undefined, change: FileChange): Promise<{ rule: string; line: number }[] | null> => {
    if (!a || !a.checker.checkFile || !change.oldOid || change.oldMode === '160000') return null;
    const old = await input.git.readBlob(change.oldOid);
    if (!old) return null;
    const hits = a.keywords ? scanner.scan(old, [...a.keywords]) : new Set<string>();
    if (a.keywords ? hits.size === 0 && !(a.checker.undecodable && old.isBinary && !old.isText) : old.isBinary) return [];
    const path = change.oldPath ?? change.path;
    // The old version seen on its own, as an addition: what the content itself holds.
    const view: FileChange = { status: 'A', path, oldPath: null, oldMode: null, newMode: change.oldMode, oldOid: null, newOid: change.oldOid, commit: change.commit };
    const got: { rule: string; line: number }[] = [];
    const report: Report = (f) => {
      const at = f.path !== undefined && f.path !== null ? f.path : path;
      if (at === path && typeof f.line === 'number') got.push({ rule: f.subRule ? `${a.rule.meta.id}/${f.subRule}` : a.rule.meta.id, line: f.line });
    };
    const checker = await a.fresh();
    await checker.checkFile!({ change: view, path, commit: null, newBlob: async () => old, oldBlob: async () => null, hits }, report);
    if (checker.checkRun) {
      await checker.checkRun({ changeSet: { ...cs, refs: [], commits: [], changes: [view] }, commits: [], refs: [] }, report);
    }
    return got;
  };
  const done = await applyInlineExceptions({
    findings,
    origin,
    changeOf: (commit, path) => changeAt.get(`${commit}\0${path}`),
    readBlob: (oid) => input.git.readBlob(oid),
    ruleSees: (rule, change) => {
      const a = byId.get(rule);
      if (!a) return false;
      return a.checker.files ? a.checker.files(change) : isRegularFile(change);
    },
    oldFindings: (rule, change) => {
      const memoKey = `${rule}\0${change.oldOid}\0${change.oldPath ?? change.path}`;
      let p = oldRuns.get(memoKey);
      if (!p) oldRuns.set(memoKey, (p = findingsOfOldVersion(byId.get(rule), change)));
      return p;
    },
    newExceptionSeverity: (rule) => {
      const sev = (policy.rules[rule]?.options as { new_exception_severity?: unknown } | undefined)?.new_exception_severity;
      return sev === 'warn' ? 'warn' : 'block';
    },
    tree: cs.origin === 'tree',
  });
  return { findings: done.findings, suppressed: done.suppressed, stats };
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
