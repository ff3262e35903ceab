// The one schema of safety-gate configuration. Everything else (types, defaults, `safety-gate
// config`, README's configuration reference) derives from it. Loaded only when a policy is
// validated (never on a hook's cached hot path), so zod's start-up cost is paid once per change
// of configuration.

import { z } from 'zod';
import { changeControlShape } from './sections/change-control.js';
import { approvalsShape } from './sections/approvals.js';
import { releaseTagsShape, type ReleaseTagsPolicy } from './sections/release-tags.js';
import { checksShape } from './sections/checks.js';
import { parseRunWindow, validTimezone } from '../rules/policy-record/run-windows.js';

const SeveritySetting = z.enum(['block', 'warn', 'off']);

const GlobList = z.array(z.string().min(1));

/** `rules.<id>`: a severity, or `{severity, options}`. Options are validated by the rule's own schema. */
const RuleSetting = z.union([
  SeveritySetting,
  z
    .object({
      severity: SeveritySetting.optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
]);

/** A protected group: a list of globs, or an object with globs and a description. */
const ProtectedGroup = z.union([
  GlobList,
  z
    .object({
      paths: GlobList,
      description: z.string().optional(),
    })
    .strict(),
]);

export const ConfigSchema = z
  .object({
    $schema: z.string().optional(),
    /** Preset names (`recommended`, `agenttrader-v2`) or relative paths; later entries override earlier ones. */
    extends: z.union([z.string(), z.array(z.string())]).optional(),

    // --- The SPEC-260 automation policy record, valid as it stands. ---
    policy_id: z.string().optional(),
    requires_approval: z.boolean().optional(),
    max_cost_usd: z.number().nonnegative().optional(),
    allowed_models: z.array(z.string()).optional(),
    run_windows: z
      .array(
        z.string().superRefine((v, ctx) => {
          const w = parseRunWindow(v);
          if (typeof w === 'string') ctx.addIssue({ code: 'custom', message: w });
        }),
      )
      .optional(),
    /** IANA timezone the run windows are written in (default UTC). */
    run_windows_timezone: z.string().refine(validTimezone, { message: 'is not a timezone the runtime knows (an IANA name such as Europe/Berlin)' }).optional(),
    required_checks: z.array(z.string()).optional(),
    /** SPEC-260 form: group names (defined under `protected_groups` or by a preset); or a map name → globs. */
    protected_targets: z.union([z.array(z.string()), z.record(z.string(), ProtectedGroup)]).optional(),
    max_retries_per_task: z.number().int().nonnegative().optional(),

    /** Definitions of protected groups referenced by name from `protected_targets`. */
    protected_groups: z.record(z.string(), ProtectedGroup).optional(),

    /** Which files are runnable code and config. */
    runtime_scope: z.object({ include: GlobList.optional(), exclude: GlobList.optional() }).strict().optional(),

    /** Declare that paths are case-insensitive (macOS/Windows clients): `Config.YAML` is `config.yaml`. */
    case_insensitive_paths: z.boolean().optional(),

    rules: z.record(z.string(), RuleSetting).optional(),

    limits: z
      .object({
        /** Blobs larger than this are not read; they are reported as skipped. */
        max_blob_bytes: z.number().int().positive().optional(),
        /** What a skipped oversized blob means for the decision. */
        on_oversized: z.enum(['block', 'warn']).optional(),
        /** Deadline per door in milliseconds. */
        deadline_ms: z
          .object({
            default: z.number().int().positive().optional(),
            'pre-receive': z.number().int().positive().optional(),
            'pre-push': z.number().int().positive().optional(),
            'pre-commit': z.number().int().positive().optional(),
            'commit-msg': z.number().int().positive().optional(),
            scan: z.number().int().positive().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),

    audit: z
      .object({
        enabled: z.boolean().optional(),
        /** Override the log path (relative to $GIT_DIR). */
        path: z
          .string()
          .min(1)
          .refine((p) => !/^(?:[\\/]|[A-Za-z]:)/.test(p) && !p.split(/[\\/]/).includes('..'), {
            message: 'must be a relative path inside $GIT_DIR (no leading /, no ..)',
          })
          .optional(),
        /** Retention class written into every record (SPEC: pr-30d, main-180d, release-7y, override-7y). */
        retention_class: z.string().optional(),
      })
      .strict()
      .optional(),

    /** Client conveniences. The server never honours them. */
    client: z
      .object({
        /** Honour SAFETY_GATE_SKIP=1 in client hooks (default true). */
        allow_skip: z.boolean().optional(),
      })
      .strict()
      .optional(),

    /** Test hooks of the gate itself. */
    testing: z
      .object({
        /** Honour SAFETY_GATE_TEST_NOW (an ISO time) as the clock on the server too; clients always do. */
        allow_clock_override: z.boolean().optional(),
      })
      .strict()
      .optional(),

    /** Where pre-receive takes its policy from. */
    server: z
      .object({
        /** `file`: the file given to `install --server` (default). `branch`: the config at the tip of a protected branch. */
        policy_source: z.enum(['file', 'branch']).optional(),
        /**
         * Let pre-receive run when NODE_OPTIONS preloads code (--require, --import, --loader).
         * Off by default: the hook installed by `install --server` clears the pusher's Node
         * settings, and the CLI refuses (exit 2) when they still reach it.
         */
        allow_node_options: z.boolean().optional(),
        /** Branch whose current tip holds the policy (`main` means `refs/heads/main`). */
        policy_branch: z.string().min(1).optional(),
        /** Path of the policy file in that branch; YAML or JSON, never code. */
        policy_path: z
          .string()
          .regex(/^(?![\\/])(?!.*(?:^|[\\/])\.\.(?:[\\/]|$)).*\.(?:ya?ml|json)$/i, {
            message: 'must be a relative .yaml, .yml or .json path (the server never runs configuration code)',
          })
          .optional(),
        /**
         * Branches whose every move is judged by what it changes on them and which may not be
         * deleted (`main` means `refs/heads/main`). Default: the policy branch and main.
         */
        protected_branches: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),

    /**
     * Findings recorded by `safety-gate baseline` (default `.safety-gate/baseline.json`, used when
     * present): a path in the repository, read from the commit before the change (the server: the
     * policy branch's tip before the push), or an absolute path to a file of the machine's own.
     */
    baseline: z.string().min(1).optional(),

    ...changeControlShape,
    ...approvalsShape,
    ...releaseTagsShape,
    ...checksShape,
  })
  .strict();

export type Config = z.input<typeof ConfigSchema>;

export interface ResolvedRule {
  severity: 'block' | 'warn' | 'off';
  /** Validated by the rule's own schema, defaults applied. */
  options: Record<string, unknown>;
}

/**
 * The resolved policy every rule and door works from: presets merged, defaults applied,
 * rule options validated. Plain JSON, so it can be cached and hashed.
 */
export interface Policy {
  /** sha256 of the canonical JSON of this policy (goes into every audit record). */
  hash: string;
  /** Files the policy came from, in merge order ('preset:recommended', '/abs/path.yaml'). */
  sources: string[];
  policyId: string | null;
  record: {
    requires_approval: boolean | null;
    max_cost_usd: number | null;
    allowed_models: string[];
    run_windows: string[];
    run_windows_timezone: string;
    required_checks: string[];
    max_retries_per_task: number | null;
  };
  /** Group name → globs. Only active groups (those named by `protected_targets`). */
  protectedTargets: Record<string, string[]>;
  runtimeScope: { include: string[]; exclude: string[] };
  caseInsensitivePaths: boolean;
  rules: Record<string, ResolvedRule>;
  limits: {
    maxBlobBytes: number;
    onOversized: 'block' | 'warn';
    deadlineMs: Record<'default' | 'pre-receive' | 'pre-push' | 'pre-commit' | 'commit-msg' | 'scan', number>;
  };
  audit: { enabled: boolean; path: string; retentionClass: string | null };
  client: { allowSkip: boolean };
  testing: { allowClockOverride: boolean };
  server: { policySource: 'file' | 'branch'; policyBranch: string; policyPath: string; protectedBranches: string[]; allowNodeOptions?: true };
  /** Sections owned by the change-control rules (generators, sentinels, stages, agents), validated. */
  changeControl: ChangeControlPolicy;
  /** `approvals:` (signed approvals, roles, break-glass); null when the policy has none. */
  approvals: ApprovalsPolicy | null;
  /** `baseline:` as configured; null: the default `.safety-gate/baseline.json` when present. */
  baseline?: string | null;
  /** `release_tags:` (the release-tags rule); null or absent when the policy has none. */
  releaseTags?: ReleaseTagsPolicy | null;
  /** `checks:` with `check_defaults:` applied (env merged, timeout filled); absent: no checks defined. */
  checks?: Record<string, ResolvedCheck>;
}

/** One named check as the policy resolves it: what `safety-gate check run` executes. */
export interface ResolvedCheck {
  command: string[];
  env: Record<string, string>;
  /** A duration (`10m`). */
  timeout: string;
}

export type ChangeControlPolicy = z.output<z.ZodObject<typeof changeControlShape>>;

export type ApprovalsPolicy = NonNullable<z.output<typeof approvalsShape.approvals>>;
