// The git the rules see, assembled once per run over the run's single `git cat-file` process:
// blobs (a small shared cache), snapshots of commits and of the index, object types and sizes,
// plain git commands. The door builds it and hands it to the engine; the engine never opens a
// repository.
import { Blob } from '../changeset/blob.js';
import type { Snapshot } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import { GateError } from '../errors.js';
import type { CatFile } from '../git/cat-file.js';
import type { RepoInfo } from '../git/repo.js';
import { commitSnapshot, indexSnapshot, parseTree, TreeCache } from '../git/snapshot.js';
import { msg } from '../messages.js';
import type { GitAccess } from '../rules/types.js';
import type { ReadAt } from './door.js';

export interface RunGit {
  git: GitAccess;
  /** Snapshot of a commit id, or of the index ('index'); a ref move's or a non-commit ref's id once registered. */
  snapshot(rev: string): Snapshot;
  snapshots: Map<string, Snapshot>;
  /** Root trees of the listed commits (git log %T): a snapshot of one of them starts at its tree. */
  commitTrees: Map<string, string>;
  /** The parsed trees the rules' snapshots share (4,000 at the most). */
  trees: TreeCache;
  /** Reads a blob without keeping it in the shared cache (the file phase reads each blob once). */
  readBlobOnce(oid: string): Promise<Blob | null>;
  readTree(oid: string): Promise<{ name: string; mode: string; oid: string }[]>;
  objectSize(oid: string): Promise<number | null>;
}

const hashBytes = (repo: RepoInfo) => (repo.objectFormat === 'sha1' ? 20 : 32);

/**
 * Files as committed at a revision, for the policy and the baseline of the state before the
 * change (snapshots of their own: the rules' tree cache is sized for the change).
 */
export function committedFiles(repo: RepoInfo, objects: CatFile): ReadAt {
  const policyTrees = new TreeCache(objects, hashBytes(repo));
  const policySnapshots = new Map<string, Snapshot>();
  return async (rev, path) => {
    let snap = policySnapshots.get(rev);
    if (!snap) policySnapshots.set(rev, (snap = commitSnapshot(objects, policyTrees, repo.git, rev)));
    const entry = await snap.entry(path);
    if (!entry || (entry.mode !== '100644' && entry.mode !== '100755')) return null;
    const o = await objects.read(entry.oid);
    // A policy file that exists but cannot be read is not an absent one (no quieter fallback).
    if (!o) throw new GateError('object', msg.objectMissing(entry.oid), msg.objectMissingHint);
    return o.data.toString('utf8');
  };
}

export function runGit(repo: RepoInfo, objects: CatFile, policy: Policy): RunGit {
  const sizes = new Map<string, number | null>();
  const objectSize = async (oid: string) => {
    if (!sizes.has(oid)) sizes.set(oid, (await objects.info(oid))?.size ?? null);
    return sizes.get(oid)!;
  };
  // Small bounded cache: a blob read by one rule (a manifest, an old version) is shared. Each
  // entry is charged four times its size (the bytes, the decoded text, its lower-case copy and
  // line index, which rules fill in as they read it) plus its bookkeeping, 32 MiB in all, and
  // at most 2,048 entries, so a push's memory stays flat (charged at twice the size it held
  // ~11,000 small old versions, ~65 MiB, on a linear push of 8,000 commits); the file phase
  // reads around it (readBlobOnce). A prefetch window (64 commits) needs a few hundred.
  const blobs = new Map<string, Blob>();
  let cachedBytes = 0;
  // A missing object is never "no content": whatever side it is on (the previous version of a
  // generated file, a link target, a sentinel), the gate cannot decide and says so (exit 2).
  // Only a blob over limits.max_blob_bytes reads as null; the engine reports those it skips.
  const readBlob = async (oid: string): Promise<Blob | null> => {
    const hit = blobs.get(oid);
    if (hit) return hit;
    const size = await objectSize(oid);
    if (size === null) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
    if (size > policy.limits.maxBlobBytes) return null;
    const data = await objects.read(oid);
    if (!data) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
    if (data.type !== 'blob') throw new GateError('object', msg.objectNotBlob(oid, data.type), msg.objectMissingHint);
    const blob = new Blob(oid, data.data);
    const charge = 4 * blob.size + 512;
    if (cachedBytes + charge > 32 * 1024 * 1024 || blobs.size >= 2048) {
      blobs.clear();
      cachedBytes = 0;
    }
    blobs.set(oid, blob);
    cachedBytes += charge;
    return blob;
  };
  // 4,000 parsed trees hold every subtree that consecutive commits share (a real repository's
  // snapshot has a few hundred) without growing with the number of commits.
  const trees = new TreeCache(objects, hashBytes(repo), 4000);
  const snapshots = new Map<string, Snapshot>();
  const commitTrees = new Map<string, string>();
  const snapshot = (rev: string): Snapshot => {
    let s = snapshots.get(rev);
    if (!s) {
      s = rev === 'index' ? indexSnapshot(repo.git) : commitSnapshot(objects, trees, repo.git, rev, (r) => commitTrees.get(r));
      snapshots.set(rev, s);
    }
    return s;
  };
  const git: GitAccess = {
    readBlob,
    snapshot,
    objectType: async (oid) => (await objects.info(oid))?.type ?? null,
    peel: (rev) => objects.peel(rev),
    run: async (args, input) => {
      const r = await repo.git.run(args, { input, okCodes: [0, 1, 2, 128] });
      return { stdout: r.stdout, code: r.code };
    },
    workTree: repo.workTree,
    gitDir: repo.commonDir,
    objectFormat: repo.objectFormat,
  };
  return {
    git,
    snapshot,
    snapshots,
    commitTrees,
    trees,
    objectSize,
    readBlobOnce: async (oid) => {
      const hit = blobs.get(oid);
      if (hit) return hit;
      const data = await objects.read(oid);
      // Missing is never "no content" (see readBlob): the gate cannot decide.
      if (!data) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
      if (data.type !== 'blob') throw new GateError('object', msg.objectNotBlob(oid, data.type), msg.objectMissingHint);
      return new Blob(oid, data.data);
    },
    readTree: async (oid) => {
      const o = await objects.read(oid);
      if (!o || o.type !== 'tree') throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
      return parseTree(o.data, hashBytes(repo));
    },
  };
}
