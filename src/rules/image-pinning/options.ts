import { z } from 'zod';

const Globs = z.array(z.string().min(1));

export const optionsSchema = z
  .object({
    /** Tags that are as mutable as `latest` (case-insensitive), e.g. `stable`, `edge`. */
    mutable_tags: z.array(z.string().min(1)).default(['latest']),
    /** Only a digest (`@sha256:…`) pins; a version tag is a finding too. */
    require_digest: z.boolean().default(false),
    /** Image names (without tag) that may stay unpinned: `*` within a path segment, `**` across. */
    allow_images: Globs.default([]),
    /** Narrow or widen the policy's runtime scope for this rule (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ mutable_tags: ['latest'], require_digest: false, allow_images: [], scope: {} });

export type ImagePinningOptions = z.output<typeof optionsSchema>;
