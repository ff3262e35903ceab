import { describe, expect, it } from 'vitest';
import { inWindow, parseRunWindow, validTimezone, type RunWindow } from './run-windows.js';

const w = (text: string): RunWindow => {
  const r = parseRunWindow(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};
// 2026-12-02 is a Wednesday.
const at = (iso: string) => Date.parse(iso);

describe('run windows', () => {
  it.each([
    ['weekday:09:00-18:00', '2026-12-02T09:00:00Z', true],
    ['weekday:09:00-18:00', '2026-12-02T17:59:00Z', true],
    ['weekday:09:00-18:00', '2026-12-02T18:00:00Z', false],
    ['weekday:09:00-18:00', '2026-12-02T08:59:00Z', false],
    ['weekday:09:00-18:00', '2026-12-05T10:00:00Z', false],
    ['weekend:10:00-14:00', '2026-12-06T11:00:00Z', true],
    ['daily:00:00-24:00', '2026-12-05T23:59:00Z', true],
    ['mon,wed,fri:08:30-12:00', '2026-12-02T08:45:00Z', true],
    ['mon,wed,fri:08:30-12:00', '2026-12-03T08:45:00Z', false],
    ['Mon-Wed:10:00-11:00', '2026-12-01T10:30:00Z', true],
    ['fri-mon:10:00-11:00', '2026-12-06T10:30:00Z', true],
    ['fri-mon:10:00-11:00', '2026-12-02T10:30:00Z', false],
    ['wed:22:00-02:00', '2026-12-02T23:00:00Z', true],
    ['wed:22:00-02:00', '2026-12-03T01:00:00Z', true],
    ['wed:22:00-02:00', '2026-12-03T03:00:00Z', false],
    ['wed:22:00-02:00', '2026-12-02T01:00:00Z', false],
  ])('%s at %s → %s', (text, iso, expected) => {
    expect(inWindow(w(text), at(iso), 'UTC')).toBe(expected);
  });

  it("reads the time in the policy's timezone", () => {
    // 08:30 UTC is 09:30 in Berlin (CET, UTC+1) on a Wednesday.
    expect(inWindow(w('weekday:09:00-18:00'), at('2026-12-02T08:30:00Z'), 'Europe/Berlin')).toBe(true);
    expect(inWindow(w('weekday:09:00-18:00'), at('2026-12-02T08:30:00Z'), 'UTC')).toBe(false);
    expect(validTimezone('Europe/Berlin')).toBe(true);
    expect(validTimezone('Mars/Olympus')).toBe(false);
  });

  it.each(['not-a-window', 'weekday', 'weekday:9-18', 'weekday:09:00-25:00', 'someday:09:00-10:00', 'mon-xyz:09:00-10:00', 'daily:10:00-10:00', 'daily:24:00-02:00', ''])(
    'refuses %j with a reason',
    (text) => {
      expect(typeof parseRunWindow(text)).toBe('string');
    },
  );
});
