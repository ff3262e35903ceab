// Configuration sections of the change-control family (issue: change control).
// Owned by the change-control rules; merged into the main schema by spreading this shape.
import { z } from 'zod';

export const changeControlShape = {
  /** Approved generators: `safety-gate generate <id>` runs exactly this argv. */
  generators: z
    .record(
      z.string(),
      z
        .object({
          command: z.array(z.string()).min(1),
          inputs: z.array(z.string()).default([]),
          outputs: z.array(z.string()).min(1),
          verify: z.enum(['receipt', 'regenerate']).default('receipt'),
          /** Set false for generators that cannot run on the server: their outputs then need an approval. */
          server: z.boolean().default(true),
          timeout_ms: z.number().int().positive().default(60000),
        })
        .strict(),
    )
    .optional(),
  sentinels: z
    .array(
      z
        .object({
          path: z.string(),
          covers: z.array(z.string()).min(1),
          format: z.enum(['sha256sum', 'json']).default('sha256sum'),
          generator: z.string().optional(),
        })
        .strict(),
    )
    .optional(),
  /** Task stages: name → globs, for `task_scope.kind: stage`. */
  stages: z.record(z.string(), z.array(z.string())).optional(),
  agents: z
    .object({
      /** Patterns (globs) on author email or pusher name that identify agents. */
      identities: z.array(z.string()).default([]),
      /** Commits from agent identities must carry a Task-Scope trailer. */
      require_scope: z.boolean().default(false),
    })
    .strict()
    .optional(),
} as const;
