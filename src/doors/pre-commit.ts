// pre-commit: the index as the next commit will hold it (GIT_INDEX_FILE respected: `git commit
// -a` and `git commit <paths>` use a temporary index), built on HEAD. Judged by the client's
// policy (protected targets by the one committed at HEAD), with the agent task named by
// SAFETY_GATE_TASK; the actor is the platform's (CI) or the local login.
import type { DoorSpec } from './door.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const preCommit: DoorSpec = {
  server: false,
  policy: clientPolicy,
  task: taskFromEnv,
  actor: clientActor,
  // File names (lint-staged) are ignored: the gate reads the index itself and checks all of it.
  request: () => Promise.resolve({ kind: 'staged' }),
};
