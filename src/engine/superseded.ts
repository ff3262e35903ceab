// Marks file versions that a descendant commit of the same change set changes again.
import type { ChangeSet } from '../changeset/types.js';

// Ancestor sets as bitsets: n²/8 bytes, 0.5 MB for 2,000 commits. Past this size nothing is
// marked, which only means every version is checked.
const MAX_COMMITS = 8000;

export function markSuperseded(cs: ChangeSet): void {
  const n = cs.commits.length;
  if (n < 2 || n > MAX_COMMITS) return;
  const index = new Map<string, number>();
  cs.commits.forEach((c, i) => {
    if (c.oid) index.set(c.oid, i);
  });
  const words = Math.ceil(n / 32);
  const anc = new Uint32Array(n * words);
  // Commits come oldest first (topological), so parents are done before their children.
  cs.commits.forEach((c, i) => {
    for (const p of c.parents) {
      const j = index.get(p);
      if (j === undefined) continue;
      for (let w = 0; w < words; w++) anc[i * words + w]! |= anc[j * words + w]!;
      anc[i * words + (j >> 5)]! |= 1 << (j & 31);
    }
  });
  const isAncestor = (a: number, d: number) => (anc[d * words + (a >> 5)]! & (1 << (a & 31))) !== 0;

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
  for (const ch of cs.changes) {
    const i = ch.commit ? index.get(ch.commit) : undefined;
    if (i === undefined) continue;
    const later = touching.get(ch.path);
    if (later?.some((d) => d !== i && isAncestor(i, d))) ch.superseded = true;
  }
}
