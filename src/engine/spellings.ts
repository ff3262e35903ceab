// Path spellings and symlink resolution for change control.
//
// Git stores paths as bytes, but a checkout lands on a filesystem that may fold case, compose
// Unicode (macOS) and follow symlinks. A protected path must be recognised under every spelling
// the checkout would treat as the same file: `./` and `..` segments, different case and
// decomposed Unicode when the policy declares a case-insensitive filesystem, and paths reached
// through a symlink stored in the same tree.
import { posix } from 'node:path';
import { normalizeInside } from './paths.js';

// Code points HFS+ ignores in names (CVE-2014-9390 class): zero-width joiners and marks.
const IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

export { normalizeInside } from './paths.js';

/**
 * The key two spellings share when a checkout would make them the same file. Case-insensitive
 * filesystems also compose Unicode (NFC) and drop ignorable code points.
 */
export function pathKey(path: string, caseInsensitive: boolean): string {
  const n = normalizeInside(path) ?? path;
  if (!caseInsensitive) return n;
  return n.normalize('NFC').replace(IGNORABLE, '').toLowerCase();
}

/** Every spelling worth matching globs against (the raw path, its normal form, its folded form). */
export function spellings(path: string, caseInsensitive: boolean): string[] {
  const out = new Set<string>([path]);
  const n = normalizeInside(path);
  if (n !== null) out.add(n);
  if (caseInsensitive) out.add(pathKey(path, true));
  return [...out];
}

/**
 * Where a symlink stored at `linkPath` with content `target` points, as a repository path.
 * Relative targets resolve against the link's directory; absolute targets only count when they
 * fall inside the known work tree. null: the target leaves the repository (or cannot be known).
 */
export function resolveLinkTarget(linkPath: string, target: string, workTree: string | null): string | null {
  const t = target.replace(/\0.*$/s, '');
  if (t === '') return null;
  if (t.startsWith('/')) {
    if (!workTree) return null;
    const root = workTree.endsWith('/') ? workTree : `${workTree}/`;
    if (t === workTree) return '';
    if (!t.startsWith(root)) return null;
    return normalizeInside(t.slice(root.length));
  }
  const dir = posix.dirname(linkPath);
  return normalizeInside(dir === '.' ? t : `${dir}/${t}`);
}

/** A symlink of a snapshot: where it lives and where it points (null: outside the repository). */
export interface LinkInfo {
  path: string;
  target: string | null;
}

/**
 * Resolve the directory part of `path` through symlinks of the same tree: `alias/x` with
 * `alias -> protected` is `protected/x` on disk. The last segment is not followed (a change to a
 * link is a change to the link). Returns the resolved path and the links crossed; null when a
 * link leads outside the repository or the chain loops.
 */
export function resolveThroughLinks(path: string, links: ReadonlyMap<string, LinkInfo>, caseInsensitive: boolean): { path: string; via: string[] } | null {
  if (links.size === 0) return { path, via: [] };
  const start = normalizeInside(path);
  if (start === null) return null;
  let current: string = start;
  const via: string[] = [];
  for (let hops = 0; hops < 40; hops++) {
    const parts: string[] = current.split('/');
    let replaced = false;
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      const link = links.get(pathKey(prefix, caseInsensitive));
      if (!link) continue;
      if (link.target === null) return null;
      via.push(link.path);
      const rest: string = parts.slice(i).join('/');
      current = link.target === '' ? rest : `${link.target}/${rest}`;
      replaced = true;
      break;
    }
    if (!replaced) return { path: current, via };
  }
  return null;
}

/**
 * Other names of `path` in a checkout: for every symlink `L -> T` of the tree where `path` is `T`
 * itself (a file link) or lies under `T` (a directory link), the same file is also `L/<rest>`;
 * and so on through chains of links (`L -> M`, `M -> T`), to a fixed point. A link that sits at a
 * protected path so makes what it points at protected: a reader of `L` reads `T`. `via` lists
 * the links crossed, nearest first. Lookups go through an index of the links by target (built
 * once per link map), so the cost is a few map lookups per segment of the path.
 *
 * `complete` is false when the names exceed `maxNames` (links to `.` multiply names): the
 * caller cannot know every name and should fail closed.
 */
export function aliasesOf(
  path: string,
  links: ReadonlyMap<string, LinkInfo>,
  caseInsensitive: boolean,
  maxNames = 2000,
): { names: { alias: string; link: string; via: string[] }[]; complete: boolean } {
  const names: { alias: string; link: string; via: string[] }[] = [];
  if (links.size === 0) return { names, complete: true };
  const index = linkIndex(links, caseInsensitive);
  const start = normalizeInside(path);
  if (start === null) return { names, complete: true };
  const seen = new Set<string>([pathKey(start, caseInsensitive)]);
  const queue: { path: string; via: string[] }[] = [{ path: start, via: [] }];
  for (let q = 0; q < queue.length; q++) {
    const cur = queue[q]!;
    if (cur.via.length >= 40) continue; // the kernel gives up after 40 links (ELOOP)
    const key = pathKey(cur.path, caseInsensitive);
    const keyParts = key === '' ? [] : key.split('/');
    const rawParts = caseInsensitive ? keyParts : cur.path === '' ? [] : cur.path.split('/');
    for (let i = 0; i <= keyParts.length; i++) {
      const hits = index.get(keyParts.slice(0, i).join('/'));
      if (!hits) continue;
      const rest = rawParts.slice(i).join('/');
      for (const link of hits) {
        const alias = rest === '' ? link.path : `${link.path}/${rest}`;
        const k = pathKey(alias, caseInsensitive);
        if (seen.has(k)) continue;
        seen.add(k);
        const via = [link.path, ...cur.via];
        names.push({ alias, link: link.path, via });
        if (names.length > maxNames) return { names, complete: false };
        queue.push({ path: alias, via });
      }
    }
  }
  return { names, complete: true };
}

const INDEXES = new WeakMap<ReadonlyMap<string, LinkInfo>, { ci: boolean; byTarget: Map<string, LinkInfo[]> }>();

/** Links of a tree by the key of their target (memoised per link map). */
function linkIndex(links: ReadonlyMap<string, LinkInfo>, caseInsensitive: boolean): Map<string, LinkInfo[]> {
  const hit = INDEXES.get(links);
  if (hit && hit.ci === caseInsensitive) return hit.byTarget;
  const byTarget = new Map<string, LinkInfo[]>();
  for (const link of links.values()) {
    if (link.target === null) continue;
    const t = pathKey(link.target, caseInsensitive);
    const list = byTarget.get(t);
    if (list) list.push(link);
    else byTarget.set(t, [link]);
  }
  INDEXES.set(links, { ci: caseInsensitive, byTarget });
  return byTarget;
}
