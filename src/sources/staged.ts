// pre-commit (and scan --staged): the change the index would commit, read from the index
// that git says is in use (GIT_INDEX_FILE: `git commit -a` and `git commit <paths>` build a
// temporary one), compared with HEAD or, before the first commit, the empty tree.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeSet, CommitInfo } from '../changeset/types.js';
import { parseRawRecords } from '../git/diff.js';
import { splitZ } from '../git/exec.js';
import { EMPTY_TREE, type RepoInfo } from '../git/repo.js';
import type { SourceContext } from './index.js';

export async function stagedChangeSet(repo: RepoInfo, ctx: SourceContext, opts: { message?: string | null; paths?: string[] }): Promise<ChangeSet> {
  const git = repo.git;
  const headOid = repo.head;
  const base = headOid ?? EMPTY_TREE[repo.objectFormat];
  const diff = await git.run(['diff-index', '--cached', '-z', '--raw', '--no-abbrev', '-M', '--no-ext-diff', base, '--', ...(opts.paths ?? [])]);
  const { changes } = parseRawRecords(splitZ(diff.stdout), 0, null);

  // A merge in progress: the commit will have MERGE_HEAD as further parents.
  const parents = headOid ? [headOid] : [];
  const mergeHead = join(repo.gitDir, 'MERGE_HEAD');
  if (existsSync(mergeHead)) {
    for (const line of readFileSync(mergeHead, 'utf8').split('\n')) if (line.trim()) parents.push(line.trim());
  }
  const message = opts.message ?? null;
  const commit: CommitInfo = {
    oid: null,
    parents,
    tree: null,
    author: null,
    committer: null,
    message,
    trailers: message === null ? [] : await ctx.trailers(message),
    refs: [],
  };
  return {
    origin: message === null ? 'staged' : 'message',
    objectFormat: repo.objectFormat,
    refs: [],
    commits: [commit],
    changes,
    actor: ctx.actor,
    task: ctx.task,
  };
}
