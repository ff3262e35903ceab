import { describe, expect, it } from 'vitest';
import { Re2Error, translateRe2 } from './re2.js';

const re = (p: string) => {
  const t = translateRe2(p);
  return new RegExp(t.source, t.flags);
};

/** Each pattern, translated, matches the texts of its first list and none of its second. */
const expectMatches = (cases: [pattern: string, matching: string[], notMatching: string[]][]) => {
  for (const [pattern, matching, notMatching] of cases) {
    for (const text of matching) expect(re(pattern).test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(true);
    for (const text of notMatching) expect(re(pattern).test(text), `${pattern} on ${JSON.stringify(text)}`).toBe(false);
  }
};

describe('RE2 → JavaScript', () => {
  it('(?i) at the start becomes the i flag', () => {
    const t = translateRe2('(?i)secret');
    expect(t.flags).toBe('i');
    expect(re('(?i)secret').test('SeCrEt')).toBe(true);
  });

  it('scoped and mid-pattern flags expand letters, classes included', () => {
    const r = re('key=(?i:abc[d-f])X');
    expect(r.test('key=ABCEX')).toBe(true);
    expect(r.test('key=abcfX')).toBe(true);
    expect(r.test('KEY=abcdX')).toBe(false);
    expect(r.test('key=abcdx')).toBe(false);
    const mid = re('A(?i)b');
    expect(mid.test('AB')).toBe(true);
    expect(mid.test('aB')).toBe(false);
  });

  it('(?s) and . ; ^ $ under (?m); \\A and \\z', () => {
    expectMatches([
      ['a.b', ['a\rb'], ['a\nb']],
      ['(?s)a.b', ['a\nb'], []],
      ['(?m)^x$', ['a\nx\nb'], []],
      ['^x$', [], ['a\nx\nb']],
      ['\\Ax', ['xa'], ['ax']],
      ['x\\z', ['ax'], ['x\n']],
    ]);
  });

  it('named groups, POSIX classes, \\Q…\\E, \\x{…}, octal, punctuation escapes', () => {
    const m = re('(?P<tok>[[:alpha:]][[:digit:]]+)').exec('-- a12 --');
    expect(m?.groups?.tok).toBe('a12');
    expectMatches([
      ['\\Qa.b*\\E', ['a.b*'], ['aXb']],
      ['\\x{41}\\101', ['AA'], []],
      ['\\@\\_x', ['@_x'], []],
      ['[^[:space:]]{3}', ['abc'], []],
      ['\\pL+', ['é'], []],
    ]);
  });

  it('refuses what has no safe equivalent', () => {
    for (const p of ['(?U)a+', 'a\\C', '(a)\\1', '(?=x)', '(?<!x)y', '[[:^alpha:]]', '(?i:[0-z])', 'a{1001}', '(unclosed']) {
      expect(() => translateRe2(p), p).toThrow(Re2Error);
    }
  });

  it('(?i) turned off again inside: letters expanded rather than the flag', () => {
    const t = translateRe2('(?i)key(?-i:[A-Z]{2})');
    expect(t.flags).toBe('');
    const r = new RegExp(t.source, t.flags);
    expect(r.test('KEYAB')).toBe(true);
    expect(r.test('keyAB')).toBe(true);
    expect(r.test('keyab')).toBe(false);
  });

  it("\\S inside a class is RE2's: vertical tab and no-break space are not space there", () => {
    const r = re('^[\\S]+$');
    expect(r.test('a\vb\u00a0c')).toBe(true);
    expect(r.test('a b')).toBe(false);
    expect(re('^[^\\S]$').test('\v')).toBe(false);
  });

  it('translates the constructs assignment-style rules use', () => {
    const p = String.raw`(?i)(?:acme)(?:[0-9a-z\-_\t .]{0,20})(?:[\s|']|[\s|"]){0,3}(?:=|>|:{1,3}=|\|\|:|<=|=>|:|\?=)(?:'|\"|\s|=|\x60){0,5}([a-z0-9_-]{24})(?:['|\"|\n|\r|\s|\x60|;]|$)`;
    const r = re(p);
    expect(r.exec('ACME_KEY = "0123456789abcdef01234567"')?.[1]).toBe('0123456789abcdef01234567');
  });
});
