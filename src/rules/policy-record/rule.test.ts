// policy-record over the real engine (a staged change in a temporary repository).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../findings/types.js';
import { checkChange } from '../../../test/helpers/rule-harness.js';

const RUN = '3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b';
const base = { extends: ['recommended'], allowed_models: ['gpt-5.2-codex', 'gpt-5.2'], max_cost_usd: 500 };
const task = (extra: Record<string, unknown>) => ({ run_id: RUN, task_scope: { kind: 'file', target: 'src/**' }, ...extra });
const ours = (findings: Finding[]) => findings.filter((f) => f.rule.startsWith('policy-record'));

describe('policy-record', () => {
  it('refuses a task routed to a model the policy does not allow', async () => {
    const r = await checkChange({ config: base, files: { 'src/a.py': 'x = 1\n' }, task: task({ model: 'gpt-4o-mini' }) });
    expect(ours(r.findings).map((f) => [f.rule, f.severity])).toEqual([['policy-record/model', 'block']]);
    expect(r.report.decision).toBe('block');
    expect(ours(r.findings)[0]!.message).toContain('routes to model gpt-4o-mini');
    const none = await checkChange({ config: base, files: { 'src/a.py': 'x = 1\n' }, task: task({}) });
    expect(ours(none.findings)).toEqual([]);
  });

  it('passes a task on an allowed model within the cost ceiling', async () => {
    const r = await checkChange({ config: base, files: { 'src/a.py': 'x = 1\n' }, task: task({ model: 'gpt-5.2', cost_usd: 499.5 }) });
    expect(ours(r.findings)).toEqual([]);
    expect(r.report.decision).toBe('pass');
  });

  it('refuses a declared cost over max_cost_usd', async () => {
    const r = await checkChange({ config: base, files: { 'src/a.py': 'x = 1\n' }, task: task({ model: 'gpt-5.2', max_cost_usd: 750 }) });
    expect(ours(r.findings).map((f) => [f.rule, f.severity])).toEqual([['policy-record/cost', 'block']]);
    expect(ours(r.findings)[0]!.message).toContain('750 USD');
  });

  it('leaves people alone: no envelope, no agent identity, nothing to enforce', async () => {
    const r = await checkChange({ config: { ...base, run_windows: ['sun:00:00-00:01'] }, files: { 'src/a.py': 'x = 1\n' } });
    expect(ours(r.findings)).toEqual([]);
  });

  it('is no push, so no run window applies to a commit', async () => {
    const r = await checkChange({
      config: { ...base, run_windows: ['sun:00:00-00:01'] },
      files: { 'src/a.py': 'x = 1\n' },
      task: task({ model: 'gpt-5.2' }),
      env: { SAFETY_GATE_TEST_NOW: '2026-12-02T12:00:00Z' },
    });
    expect(ours(r.findings)).toEqual([]);
  });
});
