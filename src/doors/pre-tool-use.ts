// pre-tool-use: a coding agent's tool call, judged before it runs. src/cli/pre-tool-use.ts turns
// the call into a private index holding the edit (sources/tool-call/); from there it is the
// pre-commit door's change, with the same policy, task and actor, and only the rules an edit can
// break before it is committed.
import type { DoorSpec } from './door.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const preToolUse: DoorSpec = { server: false, policy: clientPolicy, task: taskFromEnv, actor: clientActor };
