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
          /** Globs, or names of protected groups (their globs). These files are protected: only this generator may change them. */
          outputs: z.array(z.string()).min(1),
          verify: z.enum(['receipt', 'regenerate']).default('receipt'),
          /** Set false for generators that cannot run on the server: their outputs then need an approval. */
          server: z.boolean().default(true),
          /**
           * The argv pre-receive runs instead of `command` (a tool installed on the server). The server never runs a
           * program or script taken from the pushed tree, so a `command` naming a file of the repository needs this.
           */
          server_command: z.array(z.string()).min(1).optional(),
          /** Optional argv whose output (e.g. `protoc --version`) is recorded in receipts as the tool version. */
          version_command: z.array(z.string()).min(1).optional(),
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
          /** The generator that may change the sentinel (default: one whose outputs match it, else the built-in `sentinel:<path>`). */
          generator: z.string().optional(),
          /** Paths inside the sentinel are relative to the repository root (default) or to the sentinel's directory. */
          relative_to: z.enum(['root', 'sentinel']).default('root'),
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
      /**
       * Agent commits count a task scope only from an envelope signed by the orchestrator role
       * (`Task-Envelope:` trailer, `safety-gate task sign`); a scope the agent writes itself is refused.
       */
      require_signed_tasks: z.boolean().optional(),
    })
    .strict()
    .optional(),
} as const;
