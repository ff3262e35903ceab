// Merged, schema-checked configuration → the plain-JSON Policy every door and rule works from.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { changeControlShape } from './sections/change-control.js';
import type { ConfigSchema, Policy, ResolvedRule, ChangeControlPolicy, ResolvedCheck } from './schema.js';
import type { ConfigSource } from './source.js';
import { problemsFromIssues, throwProblems, type Problem } from './issues.js';
import { canonicalJson } from './canonical.js';
import { DEFAULT_DEADLINE_MS, PRE_RECEIVE_DEADLINE_MS } from './deadlines.js';

export type ParsedConfig = z.output<typeof ConfigSchema>;

export interface RuleInfo {
  id: string;
  defaultSeverity: 'block' | 'warn';
  /** null: the rule takes no options. */
  schema: z.ZodType | null;
}

const DEFAULTS = {
  maxBlobBytes: 8 * 1024 * 1024,
  onOversized: 'block',
  deadlineMs: DEFAULT_DEADLINE_MS,
  preReceiveDeadlineMs: PRE_RECEIVE_DEADLINE_MS,
  auditPath: 'safety-gate/audit.jsonl',
  policyBranch: 'refs/heads/main',
  policyPath: 'safety-gate.config.yaml',
  runtimeScope: { include: ['**'], exclude: [] as string[] },
} as const;

type Group = NonNullable<ParsedConfig['protected_groups']>[string];

function globsOf(group: Group): string[] {
  return Array.isArray(group) ? [...group] : [...group.paths];
}

function branchRef(name: string): string {
  return name.startsWith('refs/') ? name : `refs/heads/${name}`;
}

export function resolvePolicy(config: ParsedConfig, layers: readonly ConfigSource[], rules: readonly RuleInfo[], sources: string[]): Policy {
  const problems: Problem[] = [];

  const groups = new Map<string, string[]>();
  for (const [name, g] of Object.entries(config.protected_groups ?? {})) groups.set(name, globsOf(g));
  const protectedTargets: Record<string, string[]> = {};
  const targets = config.protected_targets;
  if (Array.isArray(targets)) {
    targets.forEach((name, i) => {
      const globs = groups.get(name);
      if (globs) protectedTargets[name] = globs;
      else {
        const defined = [...groups.keys()].sort().join(', ') || 'none';
        problems.push({ path: ['protected_targets', i], message: `unknown protected group "${name}" (defined: ${defined})` });
      }
    });
  } else if (targets) {
    for (const [name, g] of Object.entries(targets)) protectedTargets[name] = globsOf(g);
  }
  if (problems.length) throwProblems(problems, layers, 'define the group under protected_groups, or extend a preset that does');

  // `checks:` with `check_defaults:` applied; `required_checks` must name defined checks. A policy
  // with no `checks:` at all (the SPEC-260 record as it stands) still loads: rule required-checks
  // then refuses every change it judges with "the policy does not define check …" (fail closed).
  const checks: Record<string, ResolvedCheck> = {};
  const defaults = config.check_defaults ?? { env: {}, timeout: '10m' };
  for (const [name, c] of Object.entries(config.checks ?? {})) {
    checks[name] = { command: [...c.command], env: { ...defaults.env, ...c.env }, timeout: c.timeout ?? defaults.timeout };
  }
  if (config.checks !== undefined)
    (config.required_checks ?? []).forEach((name, i) => {
      if (!(name in checks)) {
        const defined = Object.keys(checks).sort().join(', ') || 'none';
        problems.push({ path: ['required_checks', i], message: `required check "${name}" is not defined under checks: (defined: ${defined})` });
      }
    });
  if (problems.length) throwProblems(problems, layers, 'define each required check under checks: (name → {command: [argv…], env: {…}})');

  const resolvedRules: Record<string, ResolvedRule> = {};
  for (const rule of rules) {
    const setting = config.rules?.[rule.id];
    const obj = typeof setting === 'object' ? setting : setting ? { severity: setting } : {};
    const base = ['rules', rule.id, 'options'];
    let options: Record<string, unknown> = {};
    if (rule.schema) {
      const parsed = rule.schema.safeParse(obj.options);
      if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, rule.schema, base));
      else options = (parsed.data ?? {}) as Record<string, unknown>;
    } else if (obj.options && Object.keys(obj.options).length > 0) {
      problems.push({ path: base, message: `rule "${rule.id}" takes no options` });
    }
    resolvedRules[rule.id] = { severity: obj.severity ?? rule.defaultSeverity, options };
  }
  if (problems.length) throwProblems(problems, layers, `run \`safety-gate explain <rule>\` for the rule's options`);

  const d = config.limits?.deadline_ms ?? {};
  const dflt = d.default ?? DEFAULTS.deadlineMs;
  const changeControl: Record<string, unknown> = {};
  for (const key of Object.keys(changeControlShape)) {
    const v = (config as Record<string, unknown>)[key];
    if (v !== undefined) changeControl[key] = v;
  }

  const body: Omit<Policy, 'hash' | 'sources'> = {
    policyId: config.policy_id ?? null,
    record: {
      requires_approval: config.requires_approval ?? null,
      max_cost_usd: config.max_cost_usd ?? null,
      allowed_models: config.allowed_models ?? [],
      run_windows: config.run_windows ?? [],
      run_windows_timezone: config.run_windows_timezone ?? 'UTC',
      required_checks: config.required_checks ?? [],
      max_retries_per_task: config.max_retries_per_task ?? null,
    },
    protectedTargets,
    runtimeScope: {
      include: config.runtime_scope?.include ?? [...DEFAULTS.runtimeScope.include],
      exclude: config.runtime_scope?.exclude ?? [...DEFAULTS.runtimeScope.exclude],
    },
    caseInsensitivePaths: config.case_insensitive_paths ?? false,
    rules: resolvedRules,
    limits: {
      maxBlobBytes: config.limits?.max_blob_bytes ?? DEFAULTS.maxBlobBytes,
      onOversized: config.limits?.on_oversized ?? DEFAULTS.onOversized,
      deadlineMs: {
        default: dflt,
        'pre-receive': d['pre-receive'] ?? DEFAULTS.preReceiveDeadlineMs,
        'pre-push': d['pre-push'] ?? dflt,
        'pre-commit': d['pre-commit'] ?? dflt,
        'commit-msg': d['commit-msg'] ?? dflt,
        scan: d.scan ?? dflt,
      },
    },
    audit: {
      enabled: config.audit?.enabled ?? true,
      path: config.audit?.path ?? DEFAULTS.auditPath,
      retentionClass: config.audit?.retention_class ?? null,
    },
    client: { allowSkip: config.client?.allow_skip ?? true },
    testing: { allowClockOverride: config.testing?.allow_clock_override ?? false },
    server: {
      policySource: config.server?.policy_source ?? 'file',
      policyBranch: branchRef(config.server?.policy_branch ?? DEFAULTS.policyBranch),
      policyPath: config.server?.policy_path ?? DEFAULTS.policyPath,
      protectedBranches: [...new Set((config.server?.protected_branches ?? [config.server?.policy_branch ?? DEFAULTS.policyBranch, 'main']).map(branchRef))],
      ...(config.server?.allow_node_options === true ? { allowNodeOptions: true as const } : {}),
    },
    changeControl: changeControl as ChangeControlPolicy,
    approvals: (config as { approvals?: Policy['approvals'] }).approvals ?? null,
    baseline: config.baseline ?? null,
    releaseTags: (config as { release_tags?: Policy['releaseTags'] }).release_tags ?? null,
    ...(Object.keys(checks).length > 0 ? { checks } : {}),
  };
  // Round-trip through JSON so the policy is exactly what a cache read gives back.
  return withHash(JSON.parse(JSON.stringify(body)) as Omit<Policy, 'hash' | 'sources'>, sources);
}

/** sha256 of the canonical JSON of the policy without `hash` and `sources`. */
export function policyHash(policy: Omit<Policy, 'hash' | 'sources'> & Partial<Pick<Policy, 'hash' | 'sources'>>): string {
  const { hash: _h, sources: _s, ...body } = policy;
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

export function withHash(body: Omit<Policy, 'hash' | 'sources'> & Partial<Pick<Policy, 'hash' | 'sources'>>, sources: string[]): Policy {
  const { hash: _h, sources: _s, ...rest } = body;
  return { hash: policyHash(rest), sources, ...rest } as Policy;
}
