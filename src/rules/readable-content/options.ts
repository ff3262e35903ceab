import { z } from 'zod';

const Globs = z.array(z.string().min(1));

export const optionsSchema = z
  .object({
    /** Narrow or widen the policy's runtime scope for this rule (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ scope: {} });

export type ReadableContentOptions = z.output<typeof optionsSchema>;
