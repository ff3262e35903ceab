// scan (no argument, or --rev REV): every file of the tree at REV, as if added. Content rules
// see every file; rules about changes (checkCommit) see no commit, since nothing is changing.
// scan --index: every file of the index (the tree the next commit would have; in a fresh CI
// checkout, HEAD's tree), read from `ls-files --stage` so nothing is written to the repository.
import type { ChangeSet, FileChange } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg, engineMsg } from '../messages.js';
import { splitZ } from '../git/exec.js';
import type { RepoInfo } from '../git/repo.js';
import type { SourceContext } from './index.js';

export async function treeChangeSet(repo: RepoInfo, ctx: SourceContext, rev: string, opts: { index?: boolean } = {}): Promise<ChangeSet> {
  const changes: FileChange[] = opts.index ? await indexFiles(repo) : await treeFiles(repo, rev);
  return { origin: 'tree', objectFormat: repo.objectFormat, refs: [], commits: [], changes, actor: ctx.actor, task: null };
}

async function treeFiles(repo: RepoInfo, rev: string): Promise<FileChange[]> {
  const resolved = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{tree}`], { okCodes: [0, 1] });
  if (resolved.code !== 0) {
    // A repository without a first commit has an empty tree at HEAD: nothing to scan, not an error.
    if (rev === 'HEAD' && (await unborn(repo))) return [];
    throw new GateError('usage', msg.badRevision(rev), msg.badRevisionHint);
  }
  const ls = await repo.git.run(['ls-tree', '-r', '-z', '--full-tree', rev]);
  const changes: FileChange[] = [];
  for (const rec of splitZ(ls.stdout)) {
    const tab = rec.indexOf('\t');
    const [mode, , oid] = rec.slice(0, tab).split(' ');
    changes.push(added(rec.slice(tab + 1), mode!, oid!));
  }
  return changes;
}

async function indexFiles(repo: RepoInfo): Promise<FileChange[]> {
  const ls = await repo.git.run(['ls-files', '--stage', '-z', '--full-name'], { okCodes: [0] });
  const changes: FileChange[] = [];
  for (const rec of splitZ(ls.stdout)) {
    const tab = rec.indexOf('\t');
    const [mode, oid, stage] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (stage !== '0') throw new GateError('usage', engineMsg.indexConflict(path), engineMsg.indexConflictHint);
    changes.push(added(path, mode!, oid!));
  }
  return changes;
}

function added(path: string, mode: string, oid: string): FileChange {
  return { status: 'A', path, oldPath: null, oldMode: null, newMode: mode, oldOid: null, newOid: oid, commit: null };
}

/** HEAD names a branch that has no commit yet. */
async function unborn(repo: RepoInfo): Promise<boolean> {
  const head = await repo.git.run(['rev-parse', '-q', '--verify', 'HEAD'], { okCodes: [0, 1, 128] });
  if (head.code === 0) return false;
  const sym = await repo.git.run(['symbolic-ref', '-q', 'HEAD'], { okCodes: [0, 1, 128] });
  return sym.code === 0;
}
