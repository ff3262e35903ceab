// The resolved Policy written back as configuration: the schema's own snake_case keys, every
// default spelled out and `extends: []`, so `safety-gate config --format yaml` prints a file
// that loads to the same policy (same hash) on its own.
import type { Config, Policy } from './schema.js';

export function policyToConfig(policy: Policy): Config {
  const r = policy.record;
  const out: Record<string, unknown> = { extends: [] };
  if (policy.policyId !== null) out.policy_id = policy.policyId;
  if (r.requires_approval !== null) out.requires_approval = r.requires_approval;
  if (r.max_cost_usd !== null) out.max_cost_usd = r.max_cost_usd;
  out.allowed_models = r.allowed_models;
  out.run_windows = r.run_windows;
  out.run_windows_timezone = r.run_windows_timezone;
  out.required_checks = r.required_checks;
  if (r.max_retries_per_task !== null) out.max_retries_per_task = r.max_retries_per_task;
  out.protected_targets = policy.protectedTargets;
  out.runtime_scope = policy.runtimeScope;
  out.case_insensitive_paths = policy.caseInsensitivePaths;
  out.rules = Object.fromEntries(
    Object.entries(policy.rules).map(([id, rule]) => [id, Object.keys(rule.options).length ? { severity: rule.severity, options: rule.options } : rule.severity]),
  );
  out.limits = { max_blob_bytes: policy.limits.maxBlobBytes, on_oversized: policy.limits.onOversized, deadline_ms: policy.limits.deadlineMs };
  out.audit = {
    enabled: policy.audit.enabled,
    path: policy.audit.path,
    ...(policy.audit.retentionClass !== null ? { retention_class: policy.audit.retentionClass } : {}),
  };
  out.client = { allow_skip: policy.client.allowSkip };
  out.testing = { allow_clock_override: policy.testing.allowClockOverride };
  out.server = {
    policy_source: policy.server.policySource,
    policy_branch: policy.server.policyBranch,
    policy_path: policy.server.policyPath,
    protected_branches: policy.server.protectedBranches,
    ...(policy.server.allowNodeOptions ? { allow_node_options: true } : {}),
  };
  Object.assign(out, policy.changeControl);
  if (policy.approvals) out.approvals = policy.approvals;
  if (policy.baseline) out.baseline = policy.baseline;
  if (policy.releaseTags) out.release_tags = policy.releaseTags;
  if (policy.checks) out.checks = policy.checks;
  return out as Config;
}
