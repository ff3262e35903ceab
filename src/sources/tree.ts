// scan (no argument, or --rev REV): every file of the tree at REV, as if added. Content rules
// see every file; rules about changes (checkCommit) see no commit, since nothing is changing.
import type { ChangeSet, FileChange } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg } from '../messages.js';
import { splitZ } from '../git/exec.js';
import type { RepoInfo } from '../git/repo.js';
import type { SourceContext } from './index.js';

export async function treeChangeSet(repo: RepoInfo, ctx: SourceContext, rev: string): Promise<ChangeSet> {
  const resolved = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{tree}`], { okCodes: [0, 1] });
  if (resolved.code !== 0) throw new GateError('usage', msg.badRevision(rev), msg.badRevisionHint);
  const ls = await repo.git.run(['ls-tree', '-r', '-z', '--full-tree', rev]);
  const changes: FileChange[] = [];
  for (const rec of splitZ(ls.stdout)) {
    const tab = rec.indexOf('\t');
    const [mode, , oid] = rec.slice(0, tab).split(' ');
    changes.push({ status: 'A', path: rec.slice(tab + 1), oldPath: null, oldMode: null, newMode: mode!, oldOid: null, newOid: oid!, commit: null });
  }
  return { origin: 'tree', objectFormat: repo.objectFormat, refs: [], commits: [], changes, actor: ctx.actor, task: null };
}
