import { z } from 'zod';

// policy-record has no options of its own: it enforces the SPEC-260 automation policy record
// (run_windows, run_windows_timezone, allowed_models, max_cost_usd) and `agents:` of the policy.
export const optionsSchema = z.object({}).strict().default({});

export type PolicyRecordOptions = z.output<typeof optionsSchema>;
