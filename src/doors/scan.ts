// scan (CI and by hand): a tree (HEAD, --rev, the index), a range A..B, a whole history, or the
// staged change. A range is judged by the policy committed at its base A (configuration code
// there is refused), anything else by the client's policy; the agent task named by
// SAFETY_GATE_TASK, the platform's actor (CI) or the local login.
import type { DoorSpec } from './door.js';
import { clientActor } from './identity.js';
import { scanPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const scan: DoorSpec = { server: false, policy: scanPolicy, task: taskFromEnv, actor: clientActor };
