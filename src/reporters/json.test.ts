import { describe, expect, it } from 'vitest';
import { formatJson } from './json.js';
import { formatSarif, FINGERPRINT_KEY } from './sarif.js';
import { finding, report } from './fixtures.test-helper.js';
import { findingFingerprint } from '../findings/fingerprint.js';

const KEYS = ['rule', 'severity', 'message', 'path', 'line', 'column', 'commit', 'ref', 'remediation', 'fingerprint', 'covers', 'messageId'];

describe('formatJson', () => {
  it('prints exactly the report@1 shape, keys in contract order', () => {
    const out = JSON.parse(formatJson(report([finding()])));
    expect(Object.keys(out)).toEqual(['schema', 'decision', 'findings', 'baselined', 'suppressed', 'baseline', 'stats']);
    expect(out.schema).toBe('safety-gate/report@1');
    expect(out.decision).toBe('block');
    // Every field of the finding as it is, plus its fingerprint and what an approval covers.
    expect(out.findings).toEqual([{ ...finding(), fingerprint: findingFingerprint(finding()), covers: null, messageId: null }]);
    expect(Object.keys(out.findings[0])).toEqual(KEYS);
    expect(Object.keys(out.stats).slice(0, 7)).toEqual(['commits', 'files', 'blobsRead', 'bytesRead', 'skipped', 'durationMs', 'rules']);
  });

  it('fills every unknown value with null (never omits a key)', () => {
    const bare = finding({ path: null, line: null, column: null, commit: null, ref: null, remediation: null });
    // A finding built loosely (undefined instead of null) still gets all nine keys.
    const loose = { rule: 'x', severity: 'warn', message: 'm' } as unknown as ReturnType<typeof finding>;
    const out = JSON.parse(formatJson(report([bare, loose])));
    for (const f of out.findings) {
      expect(Object.keys(f)).toEqual(KEYS);
    }
    const x = out.findings.find((f: { rule: string }) => f.rule === 'x');
    expect(x).toEqual({
      rule: 'x',
      severity: 'warn',
      message: 'm',
      path: null,
      line: null,
      column: null,
      commit: null,
      ref: null,
      remediation: null,
      fingerprint: findingFingerprint({ rule: 'x', path: null, message: 'm' }),
      covers: null,
      messageId: null,
    });
  });

  it("carries the finding's messageId when the rule declared it", () => {
    const out = JSON.parse(formatJson(report([finding({ messageId: 'forbiddenValue' })])));
    expect(out.findings[0].messageId).toBe('forbiddenValue');
  });

  it('is deterministic: same findings in any order and stats keys in any order give identical bytes', () => {
    const a = [finding({ path: 'b' }), finding({ path: 'a', severity: 'warn' }), finding({ path: null })];
    const r1 = report(a, { stats: { commits: 1, files: 2, blobsRead: 0, bytesRead: 0, skipped: 0, durationMs: 5, rules: 1, zeta: 1, alpha: 2 } });
    const r2 = report([...a].reverse(), { stats: { alpha: 2, zeta: 1, rules: 1, durationMs: 5, skipped: 0, bytesRead: 0, blobsRead: 0, files: 2, commits: 1 } });
    expect(formatJson(r1)).toBe(formatJson(r2));
    expect(Object.keys(JSON.parse(formatJson(r1)).stats).slice(7)).toEqual(['alpha', 'zeta']);
  });

  it('dedupes identical findings and never says pass next to a blocking finding', () => {
    const out = JSON.parse(formatJson(report([finding(), finding()], { decision: 'pass' })));
    expect(out.findings).toHaveLength(1);
    expect(out.decision).toBe('block');
  });

  it('passes with warnings only; ends with a newline', () => {
    const text = formatJson(report([finding({ severity: 'warn' })]));
    expect(JSON.parse(text).decision).toBe('pass');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('keeps paths with newlines and non-ASCII intact (JSON escapes them)', () => {
    const out = JSON.parse(formatJson(report([finding({ path: 'dir/new\nline ü.env' })])));
    expect(out.findings[0].path).toBe('dir/new\nline ü.env');
  });

  it('prints the engine fingerprint, the same value SARIF carries, and lists baselined and suppressed findings apart', () => {
    const fp = findingFingerprint({ rule: 'forbidden-value', path: 'config/app.env', message: 'ignored', content: '  AGENT_MODE=EXECUTE ' });
    const r = report([finding({ fingerprint: fp })], {
      baselined: [finding({ path: 'old.env', fingerprint: 'b'.repeat(64) })],
      baseline: 'HEAD:.safety-gate/baseline.json',
      suppressed: [{ ...finding({ path: 's.env', severity: 'warn' }), reason: 'SEC-1', exceptionLine: 2, exceptionColumn: 3, exceptionRule: 'forbidden-value' }],
    });
    const out = JSON.parse(formatJson(r));
    expect(out.findings[0].fingerprint).toBe(fp);
    // Normalised content: surrounding and repeated whitespace do not matter.
    expect(fp).toBe(findingFingerprint({ rule: 'forbidden-value', path: 'config/app.env', message: 'other', content: 'AGENT_MODE=EXECUTE' }));
    expect(out.baselined.map((f: { path: string; fingerprint: string }) => [f.path, f.fingerprint])).toEqual([['old.env', 'b'.repeat(64)]]);
    expect(out.baseline).toBe('HEAD:.safety-gate/baseline.json');
    expect(out.suppressed[0]).toMatchObject({ path: 's.env', reason: 'SEC-1', exceptionLine: 2 });
    const sarif = JSON.parse(formatSarif(r, [], { version: '0.0.0' }));
    const results = sarif.runs[0].results as { partialFingerprints: Record<string, string>; baselineState?: string; suppressions?: { kind: string }[] }[];
    expect(results[0]!.partialFingerprints[FINGERPRINT_KEY]).toBe(fp);
    expect(results.map((x) => [x.baselineState, x.suppressions?.[0]?.kind ?? null])).toEqual([
      ['new', null],
      ['unchanged', 'external'],
      ['new', 'inSource'],
    ]);
  });
});
