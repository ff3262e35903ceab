import { z } from 'zod';

// task-scope has no options of its own: scopes come from the task (SAFETY_GATE_TASK envelope or
// commit trailers), stages from `stages:` and agent identities from `agents:` in the policy.
export const optionsSchema = z.object({}).strict().default({});

export type TaskScopeOptions = z.output<typeof optionsSchema>;
