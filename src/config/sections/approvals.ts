// Configuration section `approvals:` (issue 7): who may say yes. Trust comes only from the
// server's own files: `allowed_signers` is a path on the machine that runs the gate (absolute, or
// relative to $GIT_DIR in pre-receive and to the work tree on the client), never a file of the
// pushed tree. Roles map names to principals exactly as they appear in that file.
import { z } from 'zod';

const Roles = z.array(z.string().min(1));
const Duration = z.string().regex(/^\d+(?:\.\d+)?\s*[smhdw]$/, { message: 'must be a duration like 30m, 4h, 7d' });

/** A protected group's approvers: any of these roles (one approver), or roles with a threshold of distinct approvers. */
const ApprovalRequirement = z.union([Roles, z.object({ roles: Roles.min(1), threshold: z.number().int().min(1).default(1) }).strict()]);

export const approvalsShape = {
  approvals: z
    .object({
      /** The repository id every statement must name (default: policy_id, else "default"). */
      repo_id: z.string().min(1).optional(),
      /** ssh-keygen ALLOWED SIGNERS file of the server; `@revoked` lines revoke a key. */
      allowed_signers: z.string().min(1).optional(),
      /** Role → principals (as in allowed_signers). */
      roles: z.record(z.string(), z.array(z.string().min(1))).default({}),
      /** Protected group → roles whose approval lets it change. Each group of a path is satisfied on its own. */
      protected: z.record(z.string(), ApprovalRequirement).default({}),
      /** Roles for protected findings of no group listed above (generator outputs, sentinels, generated files). */
      default: ApprovalRequirement.default(['security']),
      /** Who may approve new inline exceptions of every rule (`<rule>/new-exception`) and live allow_hosts edits. */
      exceptions: ApprovalRequirement.default(['security']),
      /** Who may approve task-scope "pending review" findings. */
      task_scope: ApprovalRequirement.default(['security']),
      /** Roles whose keys sign task envelopes (`safety-gate task sign`): the scope an agent works in. */
      task_signers: Roles.min(1).default(['orchestrator']),
      /** Roles whose signed `approve --reset-lane` restarts a task lane's retry budget. */
      lane_reset: Roles.min(1).default(['security']),
      /** Further rules an approval may close: rule id → roles. Other rules only yield to break-glass. */
      rules: z.record(z.string(), ApprovalRequirement).default({}),
      /** Break-glass: one approver from each of these roles, distinct people. */
      break_glass: z.array(z.string().min(1)).default([]),
      /** Longest validity of a break-glass statement (default 4h). */
      break_glass_window: Duration.default('4h'),
      /** Platform user name (GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER) → principal(s). */
      identities: z.record(z.string(), z.union([z.string().min(1), z.array(z.string().min(1))])).default({}),
    })
    .strict()
    .optional(),
} as const;
