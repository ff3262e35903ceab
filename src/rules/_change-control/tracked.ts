// A few kinds of tree entries that change control needs for every checked commit (symlinks,
// `.gitattributes` files, the files a sentinel covers), kept per snapshot without listing every
// commit's tree.
//
// A single-parent commit's entries are its parent's entries with the commit's own changes
// applied (the diff against the first parent is complete). So a push of N linear commits lists
// one tree (the base) instead of N; merges, and parents that were not computed in this run, are
// listed in full. The index is listed (one `git ls-files`), and HEAD's entries are the index's
// with the staged diff undone. A small LRU bounds memory whatever the size of the push.
import type { FileChange, Snapshot, TreeEntry } from '../../changeset/types.js';
import type { CommitView, GitAccess } from '../types.js';
import { perRun } from '../../engine/run-cache.js';

export interface EntryFilter {
  /** Stable id of the filter within a run (memo key). */
  id: string;
  match(path: string, mode: string): boolean;
}

type Entries = Map<string, TreeEntry>;

const LRU_SIZE = 32;

class Lru {
  private readonly map = new Map<string, Promise<Entries>>();
  get(key: string): Promise<Entries> | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: Promise<Entries>): void {
    this.map.set(key, v);
    if (this.map.size > LRU_SIZE) this.map.delete(this.map.keys().next().value!);
  }
}

function lruFor(git: GitAccess, filter: EntryFilter): Lru {
  return perRun(git, `tracked:${filter.id}`, () => new Lru());
}

async function listAll(git: GitAccess, snapshot: Snapshot, filter: EntryFilter): Promise<Entries> {
  // One matcher per filter id for the run (the id names the filter): the snapshot memoises what
  // it selects, so listing the next commit reads no tree (src/git/snapshot.ts).
  const match = perRun(git, `tracked-match:${filter.id}`, () => filter.match);
  const out: Entries = new Map();
  for (const e of await snapshot.list(match, { memo: true })) out.set(e.path, e);
  return out;
}

/** Entries of a snapshot that pass the filter (full listing unless memoised). */
function trackedOfSnapshot(git: GitAccess, filter: EntryFilter, snapshot: Snapshot): Promise<Entries> {
  const lru = lruFor(git, filter);
  let p = lru.get(snapshot.id);
  if (!p) {
    p = listAll(git, snapshot, filter);
    lru.set(snapshot.id, p);
  }
  return p;
}

/** Apply a commit's changes (against its first parent) to the parent's entries. */
export function applyChanges(parent: Entries, changes: readonly FileChange[], filter: EntryFilter): Entries {
  const out: Entries = new Map(parent);
  for (const ch of changes) {
    if (ch.status === 'R' && ch.oldPath !== null) out.delete(ch.oldPath);
    if (ch.status !== 'C') out.delete(ch.path);
    if (ch.status !== 'D' && ch.newMode !== null && ch.newOid !== null && filter.match(ch.path, ch.newMode)) {
      out.set(ch.path, { path: ch.path, mode: ch.newMode, oid: ch.newOid });
    }
  }
  return out;
}

/** Entries after the commit (its snapshot). */
export function trackedAfter(git: GitAccess, filter: EntryFilter, view: CommitView): Promise<Entries> {
  const lru = lruFor(git, filter);
  const key = view.snapshot.id;
  const hit = lru.get(key);
  if (hit) return hit;
  let p: Promise<Entries>;
  if (key === 'index' || view.info.parents.length > 1) {
    // Merges: the combined diff is not against the first parent alone. The index lists in one
    // `git ls-files`, cheaper than walking HEAD's trees.
    p = listAll(git, view.snapshot, filter);
  } else if (view.parentSnapshot === null) {
    p = Promise.resolve(applyChanges(new Map(), view.changes, filter));
  } else {
    const parent = view.parentSnapshot;
    p = trackedOfSnapshot(git, filter, parent).then((base) => applyChanges(base, view.changes, filter));
  }
  lru.set(key, p);
  return p;
}

/** Undo a change set: the entries before it, from the entries after it. */
export function undoChanges(after: Entries, changes: readonly FileChange[], filter: EntryFilter): Entries {
  const out: Entries = new Map(after);
  for (const ch of changes) {
    if (ch.status !== 'D') out.delete(ch.path);
  }
  for (const ch of changes) {
    if (ch.status === 'A' || ch.oldMode === null || ch.oldOid === null) continue;
    const oldPath = ch.oldPath ?? ch.path;
    if (filter.match(oldPath, ch.oldMode)) out.set(oldPath, { path: oldPath, mode: ch.oldMode, oid: ch.oldOid });
  }
  return out;
}

/**
 * Entries before the commit (its first parent; empty for a root commit). For the staged change
 * they are the index's with the staged diff undone (the diff against HEAD is complete unless a
 * scan narrows it to paths), which spares walking HEAD's trees.
 */
export function trackedBefore(git: GitAccess, filter: EntryFilter, view: CommitView): Promise<Entries> {
  if (view.parentSnapshot === null) return Promise.resolve(new Map());
  if (view.snapshot.id === 'index') {
    const lru = lruFor(git, filter);
    const key = `before-index:${view.parentSnapshot.id}`;
    let p = lru.get(key);
    if (!p) {
      p = trackedAfter(git, filter, view).then((after) => undoChanges(after, view.changes, filter));
      lru.set(key, p);
    }
    return p;
  }
  return trackedOfSnapshot(git, filter, view.parentSnapshot);
}

export const SYMLINKS: EntryFilter = { id: 'symlinks', match: (_p, mode) => mode === '120000' };

export const GITATTRIBUTES: EntryFilter = {
  id: 'gitattributes',
  match: (p, mode) => (p === '.gitattributes' || p.endsWith('/.gitattributes')) && mode !== '120000' && mode !== '160000',
};
