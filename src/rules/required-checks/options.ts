import { z } from 'zod';

export const optionsSchema = z
  .object({
    /** Whose changes must show evidence: `agents` (a task envelope, or a pusher/author matching agents.identities) or `everyone`. */
    applies_to: z.enum(['agents', 'everyone']).default('agents'),
    /**
     * What counts on the client doors (pre-commit, pre-push, scan): `local` accepts unsigned receipts
     * made by `safety-gate check run` in this repository; `signed` wants the same as the server.
     * pre-receive on protected branches always wants receipts signed by `signer_role`.
     */
    client_evidence: z.enum(['local', 'signed']).default('local'),
    /** The role (approvals.roles, from the server's policy) whose keys sign receipts. */
    signer_role: z.string().min(1).default('ci'),
    /**
     * Branches pre-receive wants signed evidence on (`main` means refs/heads/main, globs allowed).
     * Default: ref-integrity's protected_branches and server.protected_branches.
     */
    protected_branches: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .prefault({});

export type RequiredChecksOptions = z.output<typeof optionsSchema>;
