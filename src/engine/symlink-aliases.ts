// Content seen through symlinks. A runtime that opens `k8s/deploy.yaml` reads whatever the link
// points at, so a link in runtime scope to a file outside it (docs/, tests/) must not launder
// that file's content: the link's target is checked as if it were at the link's path, both when
// the link is added or changed and when a later change edits the target.
import type { CommitInfo, FileChange, Snapshot, TreeEntry } from '../changeset/types.js';
import type { Blob } from '../changeset/blob.js';
import { resolveLinkTarget } from '../change-control/paths.js';

const MAX_ALIASES_PER_LINK = 10000;
const isRegular = (mode: string | null) => mode === '100644' || mode === '100755';

export interface AliasDeps {
  readBlob(oid: string): Promise<Blob | null>;
  snapshot(rev: string): Snapshot;
  workTree: string | null;
  /** Paths whose content the rules see anyway: no alias needed for a change there. */
  inScope(path: string): boolean;
}

export async function symlinkAliases(commits: CommitInfo[], changes: FileChange[], deps: AliasDeps): Promise<FileChange[]> {
  const out: FileChange[] = [];
  const targetOf = async (link: { path: string; oid: string }) => {
    const blob = await deps.readBlob(link.oid);
    return blob ? resolveLinkTarget(link.path, blob.text, deps.workTree) : null;
  };
  const byCommit = new Map<string | null, FileChange[]>();
  for (const c of changes) byCommit.set(c.commit, [...(byCommit.get(c.commit) ?? []), c]);

  // Reverse aliasing needs the links of each commit's tree. Links come from the tree the change
  // set starts from or are added by it: when neither has any, no commit's tree can have one.
  const linksPossible = changes.some((c) => c.newMode === '120000') || (await boundaryHasLinks(commits, deps));

  for (const commit of commits) {
    const own = byCommit.get(commit.oid) ?? [];
    const snap = deps.snapshot(commit.oid ?? 'index');
    // A link added or changed: what it now points at.
    for (const ch of own) {
      if (ch.newMode !== '120000' || !ch.newOid) continue;
      const target = await targetOf({ path: ch.path, oid: ch.newOid });
      if (target === null) continue;
      const entry = await snap.entry(target);
      if (entry && isRegular(entry.mode)) {
        out.push(alias(ch.path, target, entry, ch.commit));
      } else if (entry && entry.mode === '040000') {
        const inside = (await snap.list((p) => p.startsWith(`${target}/`))).slice(0, MAX_ALIASES_PER_LINK);
        for (const e of inside) if (isRegular(e.mode)) out.push(alias(`${ch.path}${e.path.slice(target.length)}`, e.path, e, ch.commit));
      }
    }
    // A target edited where the rules would not look: the links of this tree that show it.
    const hidden = linksPossible ? own.filter((ch) => ch.newOid && isRegular(ch.newMode) && !deps.inScope(ch.path)) : [];
    if (hidden.length === 0) continue;
    const links = (await snap.list()).filter((e) => e.mode === '120000');
    for (const link of links) {
      const target = await targetOf(link);
      if (target === null) continue;
      for (const ch of hidden) {
        if (ch.path === target) out.push(alias(link.path, ch.path, { path: ch.path, mode: ch.newMode!, oid: ch.newOid! }, ch.commit, ch.oldOid));
        else if (ch.path.startsWith(`${target}/`)) out.push(alias(`${link.path}${ch.path.slice(target.length)}`, ch.path, { path: ch.path, mode: ch.newMode!, oid: ch.newOid! }, ch.commit, ch.oldOid));
      }
    }
  }
  return out;
}

/** Whether any tree the change set builds on (parents outside it) holds a symlink. */
async function boundaryHasLinks(commits: CommitInfo[], deps: AliasDeps): Promise<boolean> {
  const inside = new Set(commits.map((c) => c.oid));
  const bases = new Set<string>();
  for (const c of commits) for (const p of c.parents) if (!inside.has(p)) bases.add(p);
  for (const base of bases) {
    if ((await deps.snapshot(base).list()).some((e) => e.mode === '120000')) return true;
  }
  return false;
}

function alias(path: string, real: string, entry: TreeEntry, commit: string | null, oldOid: string | null = null): FileChange {
  return {
    status: oldOid ? 'M' : 'A',
    path,
    oldPath: oldOid ? path : null,
    oldMode: oldOid ? entry.mode : null,
    newMode: entry.mode,
    oldOid,
    newOid: entry.oid,
    commit,
    aliasOf: real,
  };
}
