import { describe, expect, it } from 'vitest';
import { formatText } from './text.js';
import { finding, report } from './fixtures.test-helper.js';

const ESC = '\u001b';

describe('formatText', () => {
  it('prints path:line:col  rule  message, an indented fix line, and the verdict', () => {
    const out = formatText(report([finding()]), { color: false });
    const lines = out.trimEnd().split('\n');
    expect(lines).toContain(`config/app.env:3:1  forbidden-value  AGENT_MODE=EXECUTE is committed  [${'a'.repeat(12)} refs/heads/main]`);
    expect(lines).toContain('    fix: set AGENT_MODE to a non-execute mode');
    expect(lines.some((l) => l === 'safety-gate: blocked — 1 finding (1 blocking)')).toBe(true);
    expect(out.endsWith('\n')).toBe(true);
    expect(out).not.toContain(ESC);
  });

  it('groups blocking findings before warnings and counts both', () => {
    const out = formatText(report([finding({ path: 'a.yaml', severity: 'warn', rule: 'ci-posture' }), finding({ path: 'z.env' }), finding({ path: 'b.env' })]), { color: false });
    const lines = out.trimEnd().split('\n');
    const iBlock = lines.indexOf('blocking:');
    const iWarn = lines.indexOf('warnings:');
    expect(iBlock).toBeGreaterThanOrEqual(0);
    expect(iWarn).toBeGreaterThan(iBlock);
    const locs = lines.filter((l) => /^\S+\.(env|yaml):/.test(l)).map((l) => l.split(' ')[0]);
    expect(locs).toEqual(['b.env:3:1', 'z.env:3:1', 'a.yaml:3:1']);
    expect(lines.at(-2)).toBe('safety-gate: blocked — 3 findings (2 blocking)');
    expect(lines.at(-1)).toBe('details: safety-gate explain forbidden-value');
  });

  it('omits unknown line/column and places path-less findings at their commit or ref', () => {
    const out = formatText(
      report([
        finding({ line: null, column: null }),
        finding({ path: 'x', column: null, line: 7 }),
        finding({ path: null, line: null, column: null, commit: 'b'.repeat(40), rule: 'required-checks' }),
        finding({ path: null, line: null, column: null, commit: null, ref: 'refs/tags/v1', rule: 'release-tag' }),
        finding({ path: null, line: null, column: null, commit: null, ref: null, rule: 'retry-budget' }),
      ]),
      { color: false },
    );
    expect(out).toMatch(/^config\/app\.env {2}forbidden-value/m);
    expect(out).toMatch(/^x:7 {2}forbidden-value/m);
    expect(out).toMatch(new RegExp(`^commit ${'b'.repeat(12)}  required-checks  .*\\[refs/heads/main\\]$`, 'm'));
    expect(out).toMatch(/^refs\/tags\/v1 {2}release-tag/m);
    expect(out).toMatch(/^\(repository\) {2}retry-budget/m);
  });

  it('passes with a summary, or with the number of warnings', () => {
    expect(formatText(report([]), { color: false })).toBe('safety-gate: passed — 1 commit, 4 files checked\n');
    const warned = formatText(report([finding({ severity: 'warn' })]), { color: false, door: 'pre-push' });
    expect(warned.trimEnd().split('\n').at(-1)).toBe('safety-gate: passed with 1 warning (pre-push)');
  });

  it('names the door in the verdict', () => {
    const out = formatText(report([finding()]), { color: false, door: 'pre-receive' });
    expect(out).toContain('safety-gate: blocked — 1 finding (1 blocking) (pre-receive)');
  });

  it('colours only when asked', () => {
    const out = formatText(report([finding()]), { color: true });
    expect(out).toContain(`${ESC}[31m`);
    expect(out.replace(/\u001b\[\d+m/g, '')).toBe(formatText(report([finding()]), { color: false }));
  });

  it('neutralises control characters and bidi overrides from pushed paths and messages', () => {
    const evil = finding({
      path: 'a\nsafety-gate: passed\u001b[2K.env',
      message: 'msg \u202eevil\u202c',
      remediation: 'fix\rnow',
    });
    const out = formatText(report([evil]), { color: false });
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u202e');
    expect(out).not.toContain('\r');
    expect(out).toContain('a\\nsafety-gate: passed\\u001b[2K.env:3:1');
    // The only line that starts with the verdict prefix is the real verdict.
    expect(out.split('\n').filter((l) => l.startsWith('safety-gate: '))).toEqual(['safety-gate: blocked — 1 finding (1 blocking)']);
  });

  it('is deterministic whatever the input order', () => {
    const list = [finding({ path: 'b' }), finding({ path: 'a', severity: 'warn' }), finding({ path: null })];
    expect(formatText(report(list), { color: false })).toBe(formatText(report([...list].reverse()), { color: false }));
  });

  it('still says blocked when the engine blocked without findings', () => {
    expect(formatText(report([], { decision: 'block' }), { color: false })).toBe('safety-gate: blocked — policy could not be satisfied\n');
  });
});
