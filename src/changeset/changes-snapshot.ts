// A Snapshot made of a tree scan's changes. A full-tree scan has no commits (nothing changes):
// every file of the tree is in the change set as an addition, so the change set IS the tree.
// Rules that judge a whole tree (the script-risk manifest, packages of entrypoints) use this
// to run on a scan as they run on a commit's snapshot.
import type { FileChange, Snapshot, TreeEntry } from './types.js';

export function snapshotOfChanges(changes: readonly FileChange[], id = 'scan'): Snapshot {
  let entries: TreeEntry[] | null = null;
  let byPath: Map<string, TreeEntry> | null = null;
  const all = (): TreeEntry[] => {
    if (entries === null) {
      entries = [];
      for (const c of changes) {
        if (c.status === 'D' || c.newOid === null || c.newMode === null || c.aliasOf) continue;
        entries.push({ path: c.path, mode: c.newMode, oid: c.newOid });
      }
      byPath = new Map(entries.map((e) => [e.path, e]));
    }
    return entries;
  };
  return {
    id,
    async list(match) {
      return match ? all().filter((e) => match(e.path, e.mode)) : [...all()];
    },
    async entry(path) {
      all();
      return byPath!.get(path) ?? null;
    },
  };
}

/** True when the run is a full-tree scan: no commit at all, every change an addition without a commit. */
export function isTreeScan(commits: readonly unknown[], changes: readonly FileChange[]): boolean {
  return commits.length === 0 && changes.length > 0 && changes.every((c) => c.commit === null && c.status === 'A');
}
