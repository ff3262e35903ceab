// The SPEC-260 automation policy record as the policy carries it (test/fixtures/spec-260-automation-policy-record.json
// read through the loader, or the agenttrader-v2 preset).
export const SPEC_260_RECORD = {
  requires_approval: true,
  max_cost_usd: 500,
  allowed_models: ['gpt-5.2-codex', 'gpt-5.2'],
  run_windows: ['weekday:09:00-18:00'],
  run_windows_timezone: 'UTC',
  required_checks: ['build-and-verify', 'test-suite'],
  max_retries_per_task: 30,
};
