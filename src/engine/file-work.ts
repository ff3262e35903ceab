// Step 3 of a run, the file phase: content work once per blob id. Every (blob, path) a rule
// wants is collected first and grouped by blob id, so that the blob is read once, the keyword
// prefilter runs once over its bytes for the union of every interested rule's keywords, parsed
// forms are shared by all its paths, and they are freed (tree-sitter trees included) when its
// last path is done. Groups are read in bounded batches so memory does not grow with a push.
import type { Blob } from '../changeset/blob.js';
import type { FileChange } from '../changeset/types.js';
import { GateError } from '../errors.js';
import type { FindingInput } from '../findings/types.js';
import { msg } from '../messages.js';
import type { FileView, Report } from '../rules/types.js';
import type { ActiveRule } from './checkers.js';
import { ResultCache, type CachedResult } from './result-cache.js';
import { symlinkAliases } from './symlink-aliases.js';
import type { EngineRun } from './run.js';

/** Blob groups handed to one flush (a deadline check and a bounded read between them). */
const BATCH_FILES = 64;
/** Bytes of blobs read ahead at once within a flush. */
const BATCH_BYTES = 32 * 1024 * 1024;

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

/** What the file phase knows of the blobs before reading any: their sizes, whether to consult the result cache. */
interface FilePhase {
  sizes: Map<string, number | null>;
  lookUp: boolean;
}

/** A rule sees a change when its `files` says so, by default when the change is a regular file. */
export function ruleSees(a: ActiveRule, change: FileChange): boolean {
  return a.checker.files ? a.checker.files(change) : isRegularFile(change);
}

function isRegularFile(change: FileChange): boolean {
  return change.newMode === '100644' || change.newMode === '100755';
}

/** Runs checkFile of every interested rule over every changed file (and every path a symlink gives it). */
export async function runFileChecks(run: EngineRun): Promise<void> {
  const byBlob = collectFileWork(run, await aliasesOf(run));
  const phase: FilePhase = { sizes: await measureBlobs(run, byBlob), lookUp: false };
  // A big cache file is read only when the run has enough blobs for it to pay.
  phase.lookUp = run.cache !== null && run.cache.worthReading(byBlob.size);
  let batch: BlobWork[] = [];
  for (const w of byBlob.values()) {
    batch.push(w);
    if (batch.length >= BATCH_FILES) {
      await flushGroups(run, phase, batch);
      batch = [];
    }
  }
  if (batch.length > 0) await flushGroups(run, phase, batch);
}

/**
 * Content reached through symlinks (and files outside runtime scope a link brings into it) is
 * judged under the path it is read by. Tree scans have no commits: every file, links included,
 * is in `changes` already.
 */
async function aliasesOf(run: EngineRun): Promise<FileChange[]> {
  const { input, paths } = run;
  const cs = input.changeSet;
  if (cs.commits.length === 0 || !cs.changes.some((c) => c.newMode === '120000' || c.oldMode === '120000' || !paths.runtimeScope()(c.path))) return [];
  return symlinkAliases(cs.commits, cs.changes, {
    readBlob: (oid) => input.git.readBlob(oid),
    snapshot: input.snapshot,
    readTree: input.readTree,
    workTree: input.git.workTree,
    inScope: paths.runtimeScope(),
  });
}

/** Every (blob, path) some rule's checkFile wants, grouped by blob id, each path once. */
function collectFileWork(run: EngineRun, aliases: FileChange[]): Map<string, BlobWork> {
  const { commitByOid } = run;
  const seen = new Set<string>();
  const byBlob = new Map<string, BlobWork>();
  for (const change of [...run.input.changeSet.changes, ...aliases]) {
    if (change.status === 'D' || change.newOid === null || change.newMode === '160000') continue;
    // A ref move's version of a file is read again only when no commit of the push that lands
    // on that same ref had it (its findings would say the same thing; see dedupeMoves).
    const move = commitByOid.get(change.commit)?.transition;
    const key = move ? `${change.newOid}\0${change.path}\0${move.ref}` : `${change.newOid}\0${change.path}`;
    if (seen.has(key)) continue;
    const interested = run.active.filter((a) => a.checker.checkFile && ruleSees(a, change));
    if (interested.length === 0) continue;
    seen.add(key);
    if (!move) for (const ref of commitByOid.get(change.commit)?.refs ?? []) seen.add(`${key}\0${ref}`);
    let w = byBlob.get(change.newOid);
    if (!w) byBlob.set(change.newOid, (w = { oid: change.newOid, items: [] }));
    w.items.push({ change, rules: interested });
  }
  return byBlob;
}

/**
 * Sizes first (one batch-check round trip per chunk): the oversized are never read, and the
 * bytes to read are known before reading starts (the deadline's projection needs them).
 */
async function measureBlobs(run: EngineRun, byBlob: Map<string, BlobWork>): Promise<Map<string, number | null>> {
  const { input, deadline } = run;
  const sizes = new Map<string, number | null>();
  const oids = [...byBlob.keys()];
  for (let i = 0; i < oids.length; i += 512) {
    const chunk = oids.slice(i, i + 512);
    const got = await Promise.all(chunk.map((oid) => input.objectSize(oid)));
    chunk.forEach((oid, k) => {
      sizes.set(oid, got[k] ?? null);
      const size = got[k];
      if (size !== null && size !== undefined && size <= input.policy.limits.maxBlobBytes) deadline.totalBytes += size;
    });
  }
  return sizes;
}

/**
 * One batch of blob groups: oversized blobs become findings without a read, blobs whose every
 * result is cached are not read at all, the rest are read ahead up to BATCH_BYTES at a time.
 */
async function flushGroups(run: EngineRun, phase: FilePhase, work: BlobWork[]): Promise<void> {
  const { input, deadline, cache } = run;
  const { policy } = input;
  deadline.check();
  const sizes = work.map((w) => phase.sizes.get(w.oid));
  let group: { work: BlobWork; plans: Planned[][]; blob: Promise<Blob | null> | null }[] = [];
  let groupBytes = 0;
  const runGroup = async () => {
    for (const g of group) await checkBlob(run, phase, g.work, g.plans, g.blob ? await g.blob : null);
    group = [];
    groupBytes = 0;
  };
  for (let i = 0; i < work.length; i++) {
    const w = work[i]!;
    const size = sizes[i];
    if (size === null || size === undefined) throw new GateError('object', msg.objectMissing(w.oid), msg.objectMissingHint);
    if (size > policy.limits.maxBlobBytes) {
      reportOversized(run, w, size);
      continue;
    }
    // What the result cache already knows: a blob every rule of every path has a result for
    // is not read at all.
    const plans = w.items.map((item) =>
      item.rules.map((r): Planned => ({
        r,
        cached: r.cacheContext && phase.lookUp ? cache!.get(r.cacheContext, ResultCache.fileKey(w.oid, item.change.newMode, item.change.path)) : undefined,
      })),
    );
    if (plans.every((p) => p.every((x) => x.cached))) {
      deadline.totalBytes -= size;
      group.push({ work: w, plans, blob: null });
      continue;
    }
    if (groupBytes + size > BATCH_BYTES && group.length > 0) await runGroup();
    group.push({ work: w, plans, blob: (input.readBlobOnce ?? input.git.readBlob)(w.oid) });
    groupBytes += size;
  }
  await runGroup();
}

/** A blob over limits.max_blob_bytes is never read: each of its paths says so, at the policy's severity. */
function reportOversized(run: EngineRun, w: BlobWork, size: number): void {
  const { policy } = run.input;
  for (const { change } of w.items) {
    run.stats.skipped++;
    run.findings.push({
      rule: 'oversized-file',
      severity: policy.limits.onOversized,
      message: msg.oversized(change.path, size, policy.limits.maxBlobBytes),
      path: change.path,
      line: null,
      column: null,
      commit: change.commit,
      ref: run.commitByOid.get(change.commit)?.refs[0] ?? null,
      remediation: msg.oversizedFix,
    });
  }
}

/** One blob for all its paths: one keyword pass, then each path's rules; freed when done. */
async function checkBlob(run: EngineRun, phase: FilePhase, work: BlobWork, plans: Planned[][], blob: Blob | null): Promise<void> {
  if (!blob) {
    if (!plans.every((p) => p.every((x) => x.cached))) throw new GateError('object', msg.objectMissing(work.oid), msg.objectMissingHint);
    work.items.forEach((item, i) => replay(run, item.change, plans[i]!));
    return;
  }
  // One pass over the raw bytes for the union of every interested rule's keywords.
  const found = run.scanner.scanUnion(
    blob,
    work.items.flatMap((item) => item.rules.map((r) => r.keywords)),
  );
  const binary = blob.isBinary;
  try {
    for (let i = 0; i < work.items.length; i++) await checkOne(run, work.items[i]!.change, plans[i]!, blob, found, binary);
  } finally {
    blob.dispose();
  }
  run.deadline.blobDone(blob.size);
  run.deadline.check();
  run.deadline.project({ commits: run.input.changeSet.commits.length, blobs: phase.sizes.size });
}

const fileDefaults = (change: FileChange) => ({ path: change.path, commit: change.commit, aliasOf: change.aliasOf, change });

/** Cached results, reported as the rule reported them. */
function replay(run: EngineRun, change: FileChange, plans: Planned[]): void {
  for (const { r, cached } of plans) {
    const report = run.reporter(r, fileDefaults(change));
    for (const f of cached!) report(f);
  }
}

/**
 * One path of a blob: each rule whose keyword occurs (or that reads binaries it cannot decode,
 * or has no keywords and the content is text) gets checkFile; a cached result is replayed; a
 * cacheable rule's result is stored when it read nothing but the file.
 */
async function checkOne(run: EngineRun, change: FileChange, plans: Planned[], blob: Blob, found: ReadonlySet<string>, binary: boolean): Promise<void> {
  const { input, stats, cache } = run;
  stats.blobsRead++;
  stats.bytesRead += blob.size;
  let ranAny = false;
  const fileKey = ResultCache.fileKey(blob.oid, change.newMode, change.path);
  for (const { r, cached } of plans) {
    if (cached) {
      const report = run.reporter(r, fileDefaults(change));
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
    const report = run.reporter(r, fileDefaults(change));
    if (!r.cacheContext) {
      const view: FileView = { change, path: change.path, commit: run.commitByOid.get(change.commit) ?? null, newBlob: async () => blob, oldBlob, hits };
      await r.checker.checkFile!(view, report);
      continue;
    }
    await checkCacheable(run, { r, ctxKey: r.cacheContext, change, blob, hits, fileKey, oldBlob, report });
  }
  if (binary && !ranAny) stats.skippedBinary++;
}

/**
 * A cacheable rule's checkFile: what it reports is recorded, and stored in the result cache only
 * if it read nothing but the file (the taint flag) and reported nothing after it returned.
 */
async function checkCacheable(
  run: EngineRun,
  job: { r: ActiveRule; ctxKey: string; change: FileChange; blob: Blob; hits: Set<string>; fileKey: string; oldBlob: () => Promise<Blob | null>; report: Report },
): Promise<void> {
  const { r, ctxKey, change, blob, hits, fileKey, oldBlob, report } = job;
  const { cache, taint } = run;
  const view: FileView = {
    get change() {
      taint.tainted = true;
      return change;
    },
    path: change.path,
    get commit() {
      taint.tainted = true;
      return run.commitByOid.get(change.commit) ?? null;
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
