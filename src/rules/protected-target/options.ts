import { z } from 'zod';

export const optionsSchema = z
  .object({
    /** Extra groups for this rule only (name → globs), on top of the policy's protected_targets. */
    extra_groups: z.record(z.string(), z.array(z.string())).default({}),
  })
  .strict()
  .default({ extra_groups: {} });

export type ProtectedTargetOptions = z.output<typeof optionsSchema>;
