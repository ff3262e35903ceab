// Marks file versions that do not land: a version is superseded only when EVERY way from its
// commit to a ref tip of the change set passes through a later commit that changes the path
// again. A push of many refs lands each ref's own history, so a broken version that one ref
// points at is reported even when another branch of the same push fixes it; and a merge that
// keeps this version while the other side changed the path does not hide it either (the merge's
// combined diff does not list a path it takes unchanged from one parent).
//
// Ref tips are the commits no other commit of the change set descends from, plus every
// commit a ref update names, directly or through annotated tags (a tag object peeled to its
// commit: `RefUpdate.peeled`, resolved by the source). A ref whose target is not known here
// (not peeled) marks nothing: every version is checked — more findings, never fewer.
//
// Versions are judged by content: when the same blob at the same path lands anywhere, no copy
// of it is marked (the engine reads each (blob, path) once).
import type { ChangeSet } from '../changeset/types.js';

// Ancestor sets as bitsets: n²/8 bytes, 8 MB for 8,000 commits. Past this size nothing is
// marked, which only means every version is checked.
const MAX_COMMITS = 8000;

export function markSuperseded(cs: ChangeSet): void {
  const n = cs.commits.length;
  if (n < 2 || n > MAX_COMMITS) return;
  const index = new Map<string, number>();
  cs.commits.forEach((c, i) => {
    if (c.oid) index.set(c.oid, i);
  });
  const tips = new Set<number>();
  for (const r of cs.refs) {
    if (r.kind === 'delete') continue;
    // Where an annotated tag lands is the commit it peels to; not peeled: not known, mark nothing.
    const target = r.targetType === 'commit' ? r.newOid : r.peeled ? (r.peeled.type === 'commit' ? r.peeled.oid : null) : undefined;
    if (target === undefined) return;
    if (target === null) continue; // a tree or blob: its pseudo commit holds its content (a tip of its own)
    const t = index.get(target);
    if (t !== undefined) tips.add(t);
  }
  const words = Math.ceil(n / 32);
  const anc = new Uint32Array(n * words);
  const children: number[][] = Array.from({ length: n }, () => []);
  // Commits come oldest first (topological), so parents are done before their children.
  cs.commits.forEach((c, i) => {
    for (const p of c.parents) {
      const j = index.get(p);
      if (j === undefined) continue;
      children[j]!.push(i);
      for (let w = 0; w < words; w++) anc[i * words + w]! |= anc[j * words + w]!;
      anc[i * words + (j >> 5)]! |= 1 << (j & 31);
    }
  });
  const isAncestor = (a: number, d: number) => (anc[d * words + (a >> 5)]! & (1 << (a & 31))) !== 0;
  /** a is d or an ancestor of d. */
  const reaches = (a: number, d: number) => a === d || isAncestor(a, d);
  for (let i = 0; i < n; i++) if (children[i]!.length === 0) tips.add(i);
  // A merge below a commit is the only way two of its ways to a tip can differ: without one,
  // "some later change reaches every tip" already means "every way passes through one".
  const mergeBelow = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    for (const c of children[i]!) if (cs.commits[c]!.parents.length > 1 || mergeBelow[c]) mergeBelow[i] = 1;
  }

  // For each path: the commits that change it (as new or old path).
  const touching = new Map<string, number[]>();
  const note = (path: string | null, i: number) => {
    if (path === null) return;
    const list = touching.get(path);
    if (!list) touching.set(path, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  for (const ch of cs.changes) {
    const i = ch.commit ? index.get(ch.commit) : undefined;
    if (i === undefined) continue;
    note(ch.path, i);
    if (ch.oldPath !== ch.path) note(ch.oldPath, i);
  }
  const stamp = new Uint32Array(n);
  let generation = 0;
  /** Whether some tip is reached from `i` without passing a commit of `changers` (other than `i`): each commit visited once. */
  const landsFrom = (i: number, changers: ReadonlySet<number>): boolean => {
    generation++;
    const stack = [i];
    stamp[i] = generation;
    while (stack.length > 0) {
      const j = stack.pop()!;
      if (tips.has(j)) return true;
      for (const c of children[j]!) {
        if (stamp[c] === generation || changers.has(c)) continue;
        stamp[c] = generation;
        stack.push(c);
      }
    }
    return false;
  };
  const changerSets = new Map<string, Set<number>>();
  const changersOf = (path: string) => {
    let s = changerSets.get(path);
    if (!s) changerSets.set(path, (s = new Set(touching.get(path))));
    return s;
  };
  const landed = new Set<string>();
  for (const ch of cs.changes) {
    const i = ch.commit ? index.get(ch.commit) : undefined;
    if (i === undefined) continue;
    const later = (touching.get(ch.path) ?? []).filter((d) => d !== i && isAncestor(i, d));
    let superseded = later.length > 0;
    if (superseded) {
      // Every tip that contains this version must see a later change of the path first.
      for (const t of tips) {
        if (!reaches(i, t)) continue;
        if (!later.some((d) => reaches(d, t))) {
          superseded = false;
          break;
        }
      }
    }
    // ... on every way there, not only on one (a merge can take this version from its side).
    if (superseded && mergeBelow[i]) superseded = !landsFrom(i, changersOf(ch.path));
    if (superseded) ch.superseded = true;
    else if (ch.newOid) landed.add(`${ch.newOid}\0${ch.path}`);
  }
  for (const ch of cs.changes) {
    if (ch.superseded && ch.newOid && landed.has(`${ch.newOid}\0${ch.path}`)) ch.superseded = false;
  }
}
