// scan --range A..B: every commit in the range, each with its own changes (merges as combined
// diffs), exactly as a push of those commits would be checked.
import type { ChangeSet } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg, engineMsg } from '../messages.js';
import type { RepoInfo } from '../git/repo.js';
import { listCommits } from './commits.js';
import type { SourceContext } from './index.js';

/** `A..B` (either side defaulting to HEAD, as git does). Symmetric `A...B` is refused. */
export function parseRange(range: string): { from: string; to: string } {
  const m = /^(.*?)(\.\.\.?)(.*)$/.exec(range);
  if (!m || m[2] !== '..') throw new GateError('usage', engineMsg.badRange(JSON.stringify(range)), msg.usageHint);
  return { from: m[1] || 'HEAD', to: m[3] || 'HEAD' };
}

export async function rangeChangeSet(repo: RepoInfo, ctx: SourceContext, range: string): Promise<ChangeSet> {
  const { from, to } = parseRange(range);
  const resolve = async (rev: string) => {
    const r = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { okCodes: [0, 1] });
    if (r.code !== 0) throw new GateError('usage', msg.badRevision(rev), msg.badRevisionHint);
    return r.stdout.toString('utf8').trim();
  };
  const [a, b] = await Promise.all([resolve(from), resolve(to)]);
  const { commits, changes } = await listCommits(repo.git, [b], [a], new Map([[b, [to]]]));
  return { origin: 'range', objectFormat: repo.objectFormat, refs: [], commits, changes, actor: ctx.actor, task: ctx.task };
}
