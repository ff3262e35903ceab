// Refs that name a tree or a blob instead of a commit (directly or through annotated tags). No
// commit carries their content, so without this step a push of one lands as "0 files checked".
// Each such target becomes a pseudo root commit of the change set: a tree with every file added
// (exactly what a root commit with that tree would show every rule), a blob as the one file at
// the path the policy names for it. Whether the ref may exist at all is the ref-integrity rule's
// call; this only makes sure its content is read.
import type { ChangeSet, CommitInfo, FileChange, Snapshot, TreeEntry } from '../changeset/types.js';
import { splitZ, type GitRunner } from '../git/exec.js';

export interface NonCommitOptions {
  /** Path a blob target is checked as; null: blob targets are not expanded (the rule blocks them). */
  blobPath: string | null;
}

/** Adds pseudo commits for tree and blob targets; returns snapshots the engine must use for them. */
export async function addNonCommitContent(cs: ChangeSet, git: GitRunner, opts: NonCommitOptions): Promise<Map<string, Snapshot>> {
  const snapshots = new Map<string, Snapshot>();
  const byOid = new Map<string, CommitInfo>();
  for (const r of cs.refs) {
    const p = r.peeled;
    if (r.kind === 'delete' || !p || p.type === 'commit') continue;
    const known = byOid.get(p.oid);
    if (known) {
      known.refs.push(r.ref);
      continue;
    }
    let changes: FileChange[];
    if (p.type === 'tree') {
      const ls = await git.run(['ls-tree', '-r', '-z', '--full-tree', p.oid]);
      changes = splitZ(ls.stdout).map((rec) => {
        const tab = rec.indexOf('\t');
        const [mode, , oid] = rec.slice(0, tab).split(' ');
        return { status: 'A', path: rec.slice(tab + 1), oldPath: null, oldMode: null, newMode: mode!, oldOid: null, newOid: oid!, commit: p.oid } satisfies FileChange;
      });
    } else {
      if (opts.blobPath === null) continue;
      const entry: TreeEntry = { path: opts.blobPath, mode: '100644', oid: p.oid };
      changes = [{ status: 'A', path: entry.path, oldPath: null, oldMode: null, newMode: entry.mode, oldOid: null, newOid: entry.oid, commit: p.oid }];
      snapshots.set(p.oid, {
        id: p.oid,
        list: async (match) => (!match || match(entry.path, entry.mode) ? [entry] : []),
        entry: async (path) => (path === entry.path ? entry : null),
      });
    }
    const info: CommitInfo = { oid: p.oid, parents: [], tree: p.type === 'tree' ? p.oid : null, author: null, committer: null, message: null, trailers: [], refs: [r.ref] };
    byOid.set(p.oid, info);
    cs.commits.push(info);
    cs.changes.push(...changes);
  }
  return snapshots;
}
