// The change set a door hands the engine, built in three steps around the policy load:
// started before the policy is known (it does not depend on it, so both load at once),
// completed once it is (refs naming trees or blobs, each ref move of a push as a whole), and
// settled just before the rules run (the author of the commit being made, signed task
// envelopes verified once).
import type { Actor, ChangeSet, TaskEnvelope } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { CatFile } from '../git/cat-file.js';
import type { RepoInfo } from '../git/repo.js';
import { parseTrailers } from '../sources/commits.js';
import { buildChangeSet, type SourceRequest } from '../sources/index.js';
import { addNonCommitContent } from '../sources/non-commit.js';
import { addRefTransitions } from '../sources/ref-transitions.js';
import type { RunGit } from './git-access.js';

/** The door's request turned into commits, file changes and ref updates; the actor and task ride along. */
export function startChangeSet(repo: RepoInfo, objects: CatFile, who: { actor: Actor; task: TaskEnvelope | null }, request: SourceRequest): Promise<ChangeSet> {
  const changeSet = buildChangeSet(
    repo,
    {
      objects,
      actor: who.actor,
      task: who.task,
      trailers: async (message) => {
        const r = await repo.git.run(['interpret-trailers', '--parse'], { input: message });
        return parseTrailers(r.stdout.toString('utf8'));
      },
    },
    request,
  );
  // Awaited after the policy load; a failure then is the one reported.
  changeSet.catch(() => undefined);
  return changeSet;
}

/** What the policy adds to the change set: non-commit refs' content, and (pre-receive) every ref move judged as a whole. */
export async function completeChangeSet(changeSet: ChangeSet, repo: RepoInfo, objects: CatFile, policy: Policy, run: RunGit): Promise<void> {
  for (const c of changeSet.commits) if (c.oid && c.tree) run.commitTrees.set(c.oid, c.tree);
  // A listed commit's tree listing is derived from its parent's by the diff (no tree walk).
  run.trees.learn(changeSet.commits, changeSet.changes);
  // Refs that name trees or blobs: their content is checked like a root commit's.
  const refOptions = policy.rules['ref-integrity']?.options as { non_commit_blob_path?: string | null } | undefined;
  for (const [id, snap] of await addNonCommitContent(changeSet, repo.git, { blobPath: refOptions?.non_commit_blob_path ?? null })) run.snapshots.set(id, snap);
  // pre-receive: each ref update is also judged as a whole (old tip -> new tip on that ref).
  if (changeSet.origin === 'receive') {
    const moves = await addRefTransitions(changeSet, repo.git, objects, { protectedBranches: policy.server.protectedBranches });
    for (const [id, rev] of moves) run.snapshots.set(id, run.snapshot(rev));
  }
}

/** The last facts about the commits, just before the rules read them. */
export async function settleCommits(changeSet: ChangeSet, repo: RepoInfo, policy: Policy, run: RunGit, server: boolean, now: number): Promise<void> {
  // The commit being made has no author yet: with agent identities to match (clients read the
  // author email), ask git who it will be, as `git commit` will (GIT_AUTHOR_*, user.email).
  const pendingCommit = changeSet.commits.length === 1 && changeSet.commits[0]!.oid === null ? changeSet.commits[0]! : null;
  if (pendingCommit && pendingCommit.author === null && !server && (policy.changeControl.agents?.identities?.length ?? 0) > 0) {
    const r = await repo.git.run(['var', 'GIT_AUTHOR_IDENT'], { okCodes: [0, 128] });
    const m = r.code === 0 ? /^(.*?) <([^>]*)> (\d+)/.exec(r.stdout.toString('utf8')) : null;
    if (m) pendingCommit.author = { name: m[1]!, email: m[2]!, time: Number(m[3]) };
  }
  // Signed task envelopes (Task-Envelope trailers): verified once, before any rule reads them.
  if (changeSet.commits.some((c) => !c.transition && c.trailers.some((t) => t.key.toLowerCase() === 'task-envelope'))) {
    const { attachSignedTasks } = await import('../sources/signed-task.js');
    await attachSignedTasks(changeSet, policy, run.git, server, now);
  }
}
