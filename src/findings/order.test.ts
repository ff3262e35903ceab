import { describe, expect, it } from 'vitest';
import { decide, dedupeFindings, normalizeFindings, sortFindings } from './order.js';
import type { Finding } from './types.js';

function f(over: Partial<Finding>): Finding {
  return {
    rule: 'r',
    severity: 'block',
    message: 'm',
    path: 'a.txt',
    line: 1,
    column: 1,
    commit: null,
    ref: null,
    remediation: null,
    ...over,
  };
}

describe('sortFindings', () => {
  it('orders by path, line, column, rule; path-less last; whole-file before positions', () => {
    const input = [
      f({ path: null, rule: 'z' }),
      f({ path: 'b', line: 2 }),
      f({ path: 'b', line: null }),
      f({ path: 'a', line: 10, column: 2, rule: 'y' }),
      f({ path: 'a', line: 10, column: 2, rule: 'x' }),
      f({ path: 'a', line: 9 }),
      f({ path: 'B' }),
    ];
    const out = sortFindings(input).map((x) => [x.path, x.line, x.column, x.rule]);
    expect(out).toEqual([
      ['B', 1, 1, 'r'],
      ['a', 9, 1, 'r'],
      ['a', 10, 2, 'x'],
      ['a', 10, 2, 'y'],
      ['b', null, 1, 'r'],
      ['b', 2, 1, 'r'],
      [null, 1, 1, 'z'],
    ]);
  });

  it('is a total order: any input permutation gives the same output', () => {
    const input = [f({ message: 'b' }), f({ message: 'a' }), f({ severity: 'warn' }), f({ commit: 'c1' }), f({ ref: 'refs/heads/x' })];
    const a = JSON.stringify(sortFindings(input));
    const b = JSON.stringify(sortFindings([...input].reverse()));
    expect(a).toBe(b);
  });

  it('does not mutate its input', () => {
    const input = [f({ path: 'b' }), f({ path: 'a' })];
    sortFindings(input);
    expect(input[0]!.path).toBe('b');
  });
});

describe('dedupeFindings', () => {
  it('drops repeats of rule+path+line+column+message+commit, keeping the first', () => {
    const out = dedupeFindings([f({ ref: 'refs/heads/a' }), f({ ref: 'refs/heads/b' }), f({ commit: 'c2' })]);
    expect(out).toHaveLength(2);
    expect(out[0]!.ref).toBe('refs/heads/a');
  });

  it('never weakens: a blocking repeat upgrades a kept warning', () => {
    const out = dedupeFindings([f({ severity: 'warn' }), f({ severity: 'block' })]);
    expect(out).toHaveLength(1);
    expect(out[0]!.severity).toBe('block');
  });

  it('keeps findings that differ in message or column', () => {
    expect(dedupeFindings([f({}), f({ message: 'other' }), f({ column: 2 })])).toHaveLength(3);
  });
});

describe('decide', () => {
  it('blocks when any finding blocks, passes on warnings only or nothing', () => {
    expect(decide([])).toBe('pass');
    expect(decide([f({ severity: 'warn' })])).toBe('pass');
    expect(decide([f({ severity: 'warn' }), f({ severity: 'block' })])).toBe('block');
  });
});

describe('normalizeFindings', () => {
  it('keeps the same duplicate whatever the input order', () => {
    const a = f({ ref: 'refs/heads/b' });
    const b = f({ ref: 'refs/heads/a' });
    expect(normalizeFindings([a, b])).toEqual(normalizeFindings([b, a]));
    expect(normalizeFindings([a, b])[0]!.ref).toBe('refs/heads/a');
  });
});
