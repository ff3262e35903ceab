import { z } from 'zod';

const Globs = z.array(z.string().min(1));

export const optionsSchema = z
  .object({
    /** Manifests (path globs) whose every workload must stay at `max_replicas`. */
    globs: Globs.default([]),
    /**
     * Workload names (globs, case-insensitive; `-`, `_` and `.` are ignored, so
     * `*execution-agent*` also matches `execution_agent` and `executionAgent`) that must stay at
     * `max_replicas` in any manifest in scope.
     */
    workload_names: Globs.default([]),
    /** The most replicas allowed (0: scaled to zero). */
    max_replicas: z.number().int().nonnegative().default(0),
    /** Narrow or widen the policy's runtime scope for this rule (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ globs: [], workload_names: [], max_replicas: 0, scope: {} });

export type ReplicasOptions = z.output<typeof optionsSchema>;
