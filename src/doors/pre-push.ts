// pre-push: the commits the push makes new for the remote (git's stdin lines), built on the
// remote's old tip of the pushed ref; each pushed commit is judged by the baseline of its parent.
// The client's policy, the agent task named by SAFETY_GATE_TASK, the platform's actor or the
// local login. The server checks it all again (pre-receive): this door is for early answers.
import type { DoorSpec } from './door.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const prePush: DoorSpec = { server: false, policy: clientPolicy, task: taskFromEnv, actor: clientActor };
