// Content seen through symlinks. A runtime that opens `k8s/deploy.yaml` reads whatever the link
// points at, so a link in runtime scope to a file outside it (docs/, tests/) must not launder
// that file's content: the link's target is checked as if it were at the link's path, both when
// the link is added or changed and when a later change edits the target.
import type { CommitInfo, FileChange, Snapshot, TreeEntry } from '../changeset/types.js';
import type { Blob } from '../changeset/blob.js';
import { resolveLinkTarget } from './spellings.js';

const MAX_ALIASES_PER_LINK = 10000;
const isRegular = (mode: string | null) => mode === '100644' || mode === '100755';

export interface AliasDeps {
  readBlob(oid: string): Promise<Blob | null>;
  /** Entries of one tree object (not cached by the caller: link lists are memoised here). */
  readTree?(oid: string): Promise<{ name: string; mode: string; oid: string }[]>;
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
  for (const c of changes) {
    const list = byCommit.get(c.commit);
    if (list) list.push(c);
    else byCommit.set(c.commit, [c]);
  }
  const linkList = deps.readTree ? treeLinks(deps.readTree) : null;
  // The links of a commit's tree: from the per-tree-id link lists (only tree objects not seen
  // before are read, and only their links are kept), or by listing the snapshot.
  const linksOf = async (commit: CommitInfo, snap: Snapshot): Promise<TreeEntry[]> =>
    linkList && commit.tree ? linkList(commit.tree) : (await snap.list()).filter((e) => e.mode === '120000');

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
    const links = await linksOf(commit, snap);
    for (const link of links) {
      const target = await targetOf(link);
      if (target === null) continue;
      for (const ch of hidden) {
        if (ch.path === target) out.push(alias(link.path, ch.path, { path: ch.path, mode: ch.newMode!, oid: ch.newOid! }, ch.commit, ch.oldOid));
        else if (ch.path.startsWith(`${target}/`))
          out.push(alias(`${link.path}${ch.path.slice(target.length)}`, ch.path, { path: ch.path, mode: ch.newMode!, oid: ch.newOid! }, ch.commit, ch.oldOid));
      }
    }
  }
  return out;
}

interface Link {
  path: string;
  mode: string;
  oid: string;
}

const MAX_MEMO_TREES = 200_000;

/**
 * Symlinks of a tree, by tree id, sorted by path like a snapshot listing. Each tree object's
 * list is built once from its entries and its subtrees' lists, so consecutive commits (which
 * share nearly every subtree) cost one read per new tree object and no walk of the whole tree.
 * Memory: one (mostly empty) list per distinct tree id, bounded.
 */
function treeLinks(readTree: NonNullable<AliasDeps['readTree']>): (tree: string) => Promise<Link[]> {
  const memo = new Map<string, Promise<Link[]>>();
  const NONE: Link[] = [];
  const of = (tree: string): Promise<Link[]> => {
    let p = memo.get(tree);
    if (!p) {
      p = (async () => {
        const entries = await readTree(tree);
        const out: Link[] = [];
        const subs: { name: string; links: Promise<Link[]> }[] = [];
        for (const e of entries) {
          if (e.mode === '120000') out.push({ path: e.name, mode: e.mode, oid: e.oid });
          else if (e.mode === '040000') subs.push({ name: e.name, links: of(e.oid) });
        }
        for (const s of subs) for (const l of await s.links) out.push({ path: `${s.name}/${l.path}`, mode: l.mode, oid: l.oid });
        if (out.length === 0) return NONE;
        return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      })();
      if (memo.size >= MAX_MEMO_TREES) memo.clear();
      memo.set(tree, p);
    }
    return p;
  };
  return of;
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
