import { describe, expect, it } from 'vitest';
import { runBounded, TimeBoundExceeded } from './bounded.js';

describe('runBounded', () => {
  it('returns what the call returns, and rethrows what it throws', () => {
    expect(runBounded(() => 42, 1000)).toBe(42);
    expect(() =>
      runBounded(() => {
        throw new RangeError('inner');
      }, 1000),
    ).toThrow(RangeError);
  });

  it('interrupts a regular expression that backtracks, inside V8, at the bound', () => {
    const started = Date.now();
    expect(() => runBounded(() => /^(a+)+$/.test(`${'a'.repeat(40)}b`), 200)).toThrow(TimeBoundExceeded);
    expect(Date.now() - started).toBeLessThan(5000);
    // The process is fine afterwards: the next bounded call runs normally.
    expect(runBounded(() => /^(a+)+$/.test('aaa'), 200)).toBe(true);
  });

  it('refuses to start with no time left', () => {
    expect(() => runBounded(() => 1, 0)).toThrow(TimeBoundExceeded);
  });
});
