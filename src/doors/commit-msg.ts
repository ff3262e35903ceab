// commit-msg: the pre-commit door's change (the index on HEAD) with the message git is about to
// record, so that rules reading trailers (task envelopes, approvals, run ids) see them before the
// commit exists. Resolved like pre-commit.
import type { DoorSpec } from './door.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const commitMsg: DoorSpec = { server: false, policy: clientPolicy, task: taskFromEnv, actor: clientActor };
