// Marks file versions that do not land: a version is superseded only when, on the way from its
// commit to EVERY ref tip of the change set that contains it, a later commit changes the path
// again. A push of many refs lands each ref's own history, so a broken version that one ref
// points at is reported even when another branch of the same push fixes it.
//
// Ref tips are the commits no other commit of the change set descends from, plus every
// commit a ref update names directly. An annotated tag names a tag object, not a commit: when
// one is pushed, where it lands is not known here, so nothing is marked (every version is
// checked — more findings, never fewer).
//
// Versions are judged by content: when the same blob at the same path lands anywhere, no copy
// of it is marked (the engine reads each (blob, path) once).
import type { ChangeSet } from '../changeset/types.js';

// Ancestor sets as bitsets: n²/8 bytes, 0.5 MB for 2,000 commits. Past this size nothing is
// marked, which only means every version is checked.
const MAX_COMMITS = 8000;

export function markSuperseded(cs: ChangeSet): void {
  const n = cs.commits.length;
  if (n < 2 || n > MAX_COMMITS) return;
  if (cs.refs.some((r) => r.kind !== 'delete' && r.targetType !== 'commit' && r.targetType !== null)) return;
  const index = new Map<string, number>();
  cs.commits.forEach((c, i) => {
    if (c.oid) index.set(c.oid, i);
  });
  const words = Math.ceil(n / 32);
  const anc = new Uint32Array(n * words);
  const hasChild = new Uint8Array(n);
  // Commits come oldest first (topological), so parents are done before their children.
  cs.commits.forEach((c, i) => {
    for (const p of c.parents) {
      const j = index.get(p);
      if (j === undefined) continue;
      hasChild[j] = 1;
      for (let w = 0; w < words; w++) anc[i * words + w]! |= anc[j * words + w]!;
      anc[i * words + (j >> 5)]! |= 1 << (j & 31);
    }
  });
  const isAncestor = (a: number, d: number) => (anc[d * words + (a >> 5)]! & (1 << (a & 31))) !== 0;
  /** a is d or an ancestor of d. */
  const reaches = (a: number, d: number) => a === d || isAncestor(a, d);

  const tips = new Set<number>();
  for (let i = 0; i < n; i++) if (!hasChild[i]) tips.add(i);
  for (const r of cs.refs) {
    const t = index.get(r.newOid);
    if (t !== undefined) tips.add(t);
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
    if (superseded) ch.superseded = true;
    else if (ch.newOid) landed.add(`${ch.newOid}\0${ch.path}`);
  }
  for (const ch of cs.changes) {
    if (ch.superseded && ch.newOid && landed.has(`${ch.newOid}\0${ch.path}`)) ch.superseded = false;
  }
}
