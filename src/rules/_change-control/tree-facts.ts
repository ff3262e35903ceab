// Facts about a commit's trees that protection depends on: where its symlinks point (after the
// commit) and which paths the previous tree's .gitattributes marks linguist-generated. Both are
// memoised per snapshot for the run and built from the incremental tracked entries.
import type { CommitView, GitAccess } from '../types.js';
import { attributesDir, parseAttributes, type AttributesFile } from './gitattributes.js';
import { pathKey, resolveLinkTarget, type LinkInfo } from '../../engine/spellings.js';
import { perRun } from '../../engine/run-cache.js';
import { GITATTRIBUTES, SYMLINKS, trackedAfter, trackedBefore } from './tracked.js';

/** Symlinks of the tree after the commit, keyed by pathKey. */
export function linksAfter(git: GitAccess, view: CommitView, caseInsensitive: boolean): Promise<Map<string, LinkInfo>> {
  return perRun(git, `links:${view.snapshot.id}:${caseInsensitive}`, async () => linkInfos(git, await trackedAfter(git, SYMLINKS, view), caseInsensitive));
}

/** Symlinks of the tree before the commit (its first parent; none for a root commit), keyed by pathKey. */
export function linksBefore(git: GitAccess, view: CommitView, caseInsensitive: boolean): Promise<Map<string, LinkInfo>> {
  if (view.parentSnapshot === null) return Promise.resolve(new Map());
  // The same memo key as linksAfter of the parent commit: in a push, computed once per tree.
  return perRun(git, `links:${view.parentSnapshot.id}:${caseInsensitive}`, async () => linkInfos(git, await trackedBefore(git, SYMLINKS, view), caseInsensitive));
}

async function linkInfos(git: GitAccess, entries: Map<string, { path: string; oid: string }>, caseInsensitive: boolean): Promise<Map<string, LinkInfo>> {
  const out = new Map<string, LinkInfo>();
  await Promise.all(
    [...entries.values()].map(async (e) => {
      const blob = await git.readBlob(e.oid);
      const target = blob ? resolveLinkTarget(e.path, blob.text, git.workTree) : null;
      out.set(pathKey(e.path, caseInsensitive), { path: e.path, target });
    }),
  );
  return out;
}

/** Parsed .gitattributes files of the tree before the commit (the trusted side). */
export function attributesBefore(git: GitAccess, view: CommitView, caseInsensitive: boolean): Promise<AttributesFile[]> {
  const id = view.parentSnapshot?.id ?? '(root)';
  // Prime this commit's own entries (derived from its parent's), so that the next commit of a
  // push finds its "before" memoised instead of listing a whole tree.
  void trackedAfter(git, GITATTRIBUTES, view).catch(() => undefined);
  return perRun(git, `attributes:${id}:${caseInsensitive}`, async () => {
    const entries = await trackedBefore(git, GITATTRIBUTES, view);
    const files: AttributesFile[] = [];
    for (const e of [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      const blob = await git.readBlob(e.oid);
      if (blob) files.push(parseAttributes(blob.text, attributesDir(e.path), caseInsensitive));
    }
    return files;
  });
}
