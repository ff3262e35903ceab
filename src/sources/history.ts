// scan --history: every commit reachable from REV, from the root commits on, each with its own
// changes, as a push of the whole history to an empty repository would be checked (root commits
// against the empty tree, merges as combined diffs).
import type { ChangeSet } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg } from '../messages.js';
import type { RepoInfo } from '../git/repo.js';
import { listCommits } from './commits.js';
import type { SourceContext } from './index.js';

export async function historyChangeSet(repo: RepoInfo, ctx: SourceContext, rev: string): Promise<ChangeSet> {
  const r = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { okCodes: [0, 1, 128] });
  let tips: string[] = [];
  if (r.code === 0) tips = [r.stdout.toString('utf8').trim()];
  else {
    // An unborn HEAD has no history: nothing to scan.
    const sym = await repo.git.run(['symbolic-ref', '-q', 'HEAD'], { okCodes: [0, 1, 128] });
    if (rev !== 'HEAD' || sym.code !== 0) throw new GateError('usage', msg.badRevision(rev), msg.badRevisionHint);
  }
  const { commits, changes } = await listCommits(repo.git, tips, [], new Map(tips.map((t) => [t, [rev]])));
  return { origin: 'range', objectFormat: repo.objectFormat, refs: [], commits, changes, actor: ctx.actor, task: ctx.task };
}
