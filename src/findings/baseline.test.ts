import { describe, expect, it } from 'vitest';
import { applyBaseline, buildBaseline, formatBaseline, parseBaseline } from './baseline.js';
import { findingFingerprint } from './fingerprint.js';
import type { Finding } from './types.js';

function f(over: Partial<Finding> & { content?: string }): Finding {
  const base: Finding = { rule: 'agent-mode', severity: 'block', message: 'm', path: 'config/a.env', line: 1, column: 1, commit: null, ref: null, remediation: null };
  const out = { ...base, ...over };
  return { ...out, fingerprint: findingFingerprint({ ...out, content: over.content ?? 'AGENT_MODE=EXECUTE' }) };
}

describe('baseline', () => {
  it('counts occurrences: a third copy of a line recorded twice is new (per commit)', async () => {
    const recorded = buildBaseline([f({ line: 1 }), f({ line: 5 })], { rev: null, policyHash: null });
    expect(recorded.findings).toMatchObject([{ rule: 'agent-mode', path: 'config/a.env', count: 2, line: 1 }]);
    const baseline = await parseBaseline(formatBaseline(recorded), 'b.json');
    const now = [f({ line: 2 }), f({ line: 7 }), f({ line: 9 }), f({ line: 3, content: 'TRADING_MODE=live' })];
    const r = applyBaseline(now, baseline);
    expect(r.baselined.map((x) => x.line)).toEqual([2, 7]);
    expect(r.findings.map((x) => x.line)).toEqual([3, 9]);
    // Two commits of a push: each is a state of its own.
    const push = applyBaseline([f({ commit: 'a'.repeat(40) }), f({ commit: 'b'.repeat(40) })], baseline);
    expect(push.findings).toEqual([]);
  });

  it('never accepts findings about changes, whatever the file says', async () => {
    const pt = f({ rule: 'protected-target', line: null, content: undefined });
    const ne = f({ rule: 'agent-mode/new-exception' });
    const file = { schema: 'safety-gate/baseline@1', findings: [pt, ne].map((x) => ({ fingerprint: x.fingerprint, rule: x.rule, path: x.path, count: 1 })) };
    const r = applyBaseline([pt, ne], await parseBaseline(JSON.stringify(file), 'b.json'));
    expect(r.baselined).toEqual([]);
    expect(buildBaseline([pt, ne], { rev: null, policyHash: null }).findings).toEqual([]);
  });

  it('rejects what is not a baseline with one line naming the place', async () => {
    await expect(parseBaseline('{', 'b.json')).rejects.toThrow(/^b\.json: not valid JSON/);
    await expect(parseBaseline('{"schema":"other","findings":[]}', 'b.json')).rejects.toThrow('b.json: schema: expected "safety-gate/baseline@1"');
    await expect(parseBaseline('{"schema":"safety-gate/baseline@1","findings":[{"fingerprint":"x","rule":"r","path":null,"count":1}]}', 'b.json')).rejects.toThrow(
      'b.json: findings.0.fingerprint: expected 64 hex digits',
    );
    const ok = `{"schema":"safety-gate/baseline@1","findings":[{"fingerprint":"${'a'.repeat(64)}","rule":"r","path":null,"count":0}]}`;
    await expect(parseBaseline(ok, 'b.json')).rejects.toThrow('b.json: findings.0.count: expected a positive integer');
    await expect(parseBaseline('{"schema":"safety-gate/baseline@1","findings":[],"extra":1}', 'b.json')).rejects.toThrow('b.json: extra: unknown key');
  });
});
