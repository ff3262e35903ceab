// pre-push: the commits the push makes new for the remote (git's stdin lines), built on the
// remote's old tip of the pushed ref; each pushed commit is judged by the baseline of its parent.
// The client's policy, the agent task named by SAFETY_GATE_TASK, the platform's actor or the
// local login. The server checks it all again (pre-receive): this door is for early answers.
import type { DoorSpec, HookInput } from './door.js';
import type { SourceRequest } from '../sources/index.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const prePush: DoorSpec = { server: false, policy: clientPolicy, task: taskFromEnv, actor: clientActor, request: pushRequest };

/** `pre-push <remote> <url>` with git's `<local ref> <local oid> <remote ref> <remote oid>` lines on stdin. */
async function pushRequest(input: HookInput): Promise<SourceRequest> {
  let remote = input.args[0] ?? '';
  let stdin = await input.stdin();
  if (stdin.trim() === '' && input.env.PRE_COMMIT_REMOTE_NAME) {
    // The pre-commit framework keeps git's stdin and passes one ref in its environment.
    ({ remote, stdin } = await pushLineFromPreCommit(input));
  }
  return { kind: 'push', remote, stdin };
}

/**
 * Rebuilds git's pre-push line from the pre-commit framework's variables. The framework passes
 * only the first ref of a push; the server hook checks every ref.
 */
async function pushLineFromPreCommit({ cwd, env }: HookInput): Promise<{ remote: string; stdin: string }> {
  const { openRepo, zeroOid } = await import('../git/repo.js');
  const repo = await openRepo(cwd, env);
  const zero = zeroOid(repo.objectFormat);
  const local = env.PRE_COMMIT_LOCAL_BRANCH ?? 'HEAD';
  let to = env.PRE_COMMIT_TO_REF;
  if (!to) to = (await repo.git.run(['rev-parse', '--verify', `${local}^{commit}`])).stdout.toString('utf8').trim();
  const from = env.PRE_COMMIT_FROM_REF || zero;
  const remoteRef = env.PRE_COMMIT_REMOTE_BRANCH ?? local;
  return { remote: env.PRE_COMMIT_REMOTE_NAME ?? '', stdin: `${local} ${to} ${remoteRef} ${from}\n` };
}
