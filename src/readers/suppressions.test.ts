import { describe, expect, it } from 'vitest';
import { listSuppressions, parseSuppressionLine, suppressionCovering } from './suppressions.js';

describe('parseSuppressionLine', () => {
  it.each([
    ['# safety-gate: allow live-endpoint -- guard refuses it (SEC-1)', 'guard refuses it (SEC-1)', true],
    ['url = "x"  # safety-gate: allow live-endpoint -- reviewed', 'reviewed', false],
    ['// safety-gate: allow live-endpoint -- r', 'r', true],
    ['const u = "x"; /* safety-gate: allow live-endpoint -- in a block */ foo()', 'in a block', false],
    ['<!-- safety-gate: allow live-endpoint -- html -->', 'html', true],
    ['-- safety-gate: allow live-endpoint -- sql', 'sql', true],
    ['; safety-gate: allow live-endpoint -- ini', 'ini', true],
    [' * safety-gate: allow live-endpoint -- block continuation', 'block continuation', true],
    ['{# safety-gate: allow live-endpoint -- jinja #}', 'jinja', true],
    ['REM safety-gate: allow live-endpoint -- batch', 'batch', true],
    ['#safety-gate:allow live-endpoint--tight', 'tight', true],
    ['# safety-gate: allow Live-Endpoint -- rule ids are case-insensitive', 'rule ids are case-insensitive', true],
  ])('%s', (line, reason, standalone) => {
    const s = parseSuppressionLine(line);
    expect(s).not.toBeNull();
    expect(s!.rules).toEqual(['live-endpoint']);
    expect(s!.reason).toBe(reason);
    expect(s!.standalone).toBe(standalone);
    expect(s!.column).toBe(line.search(/safety-gate/i) + 1);
  });

  it('has a null reason when the reason is missing or empty', () => {
    expect(parseSuppressionLine('# safety-gate: allow live-endpoint')!.reason).toBeNull();
    expect(parseSuppressionLine('# safety-gate: allow live-endpoint --')!.reason).toBeNull();
    expect(parseSuppressionLine('# safety-gate: allow live-endpoint --   ')!.reason).toBeNull();
    expect(parseSuppressionLine('<!-- safety-gate: allow live-endpoint -->')!.reason).toBeNull();
    expect(parseSuppressionLine('/* safety-gate: allow live-endpoint -- */')!.reason).toBeNull();
  });

  it('reads several rules', () => {
    expect(parseSuppressionLine('# safety-gate: allow live-endpoint, agent-mode -- both')!.rules).toEqual(['live-endpoint', 'agent-mode']);
  });

  it('needs a comment marker and the allow keyword', () => {
    expect(parseSuppressionLine('safety-gate: allow live-endpoint -- no marker')).toBeNull();
    expect(parseSuppressionLine('# safety-gate: deny live-endpoint -- no')).toBeNull();
    expect(parseSuppressionLine('# see safety-gate docs')).toBeNull();
    // The marker is exact: other spellings exempt nothing (and would escape --list-suppressions).
    expect(parseSuppressionLine('# SAFETY-GATE: ALLOW live-endpoint -- upper')).toBeNull();
    expect(parseSuppressionLine('# safety-gate : allow live-endpoint -- space')).toBeNull();
  });
});

describe('suppressionCovering', () => {
  const lines = (text: string) => {
    const ls = text.split('\n');
    return (n: number) => ls[n - 1] ?? '';
  };
  it('covers the same line, and the next line only from a standalone comment', () => {
    const at = lines(['# safety-gate: allow live-endpoint -- r', 'a = 1', 'b = 2 # safety-gate: allow live-endpoint -- r', 'c = 3'].join('\n'));
    expect(suppressionCovering('live-endpoint', 2, at)?.line).toBe(1);
    expect(suppressionCovering('live-endpoint', 3, at)?.line).toBe(3);
    expect(suppressionCovering('live-endpoint', 4, at)).toBeNull();
    expect(suppressionCovering('agent-mode', 2, at)).toBeNull();
    expect(suppressionCovering('live-endpoint', 1, at)?.line).toBe(1);
  });
});

describe('listSuppressions', () => {
  it('lists one entry per rule with position and reason', () => {
    const text = 'x = 1\r\n# safety-gate: allow live-endpoint, agent-mode -- why\r\ny = 2 // safety-gate: allow live-endpoint\n';
    expect(listSuppressions('a/b.py', text)).toEqual([
      { path: 'a/b.py', line: 2, column: 3, rule: 'live-endpoint', reason: 'why' },
      { path: 'a/b.py', line: 2, column: 3, rule: 'agent-mode', reason: 'why' },
      { path: 'a/b.py', line: 3, column: 10, rule: 'live-endpoint', reason: null },
    ]);
  });
});
