import { z } from 'zod';

// retry-budget takes its budget from the SPEC-260 record (`max_retries_per_task`).
export const optionsSchema = z.object({}).strict().default({});

export type RetryBudgetOptions = z.output<typeof optionsSchema>;
