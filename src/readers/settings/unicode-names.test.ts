import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { python3Has } from '../../../test/helpers/tools.js';
import { unicodeNamed } from './unicode-names.js';

describe('unicodeNamed (\\N{…} as Python decodes it)', () => {
  it('decodes the names of Latin letters, digits and punctuation, case-insensitively', () => {
    expect(unicodeNamed('LATIN CAPITAL LETTER E')).toBe('E');
    expect(unicodeNamed('latin small letter x')).toBe('x');
    expect(unicodeNamed('DIGIT SEVEN')).toBe('7');
    expect(unicodeNamed('LOW LINE')).toBe('_');
    expect(unicodeNamed('LF')).toBe('\n');
  });
  it('knows no other name (the tokenizer fails closed on it), and no spacing CPython rejects', () => {
    expect(unicodeNamed('LATIN CAPITAL LETTER E WITH ACUTE')).toBeUndefined();
    expect(unicodeNamed(' LATIN CAPITAL LETTER E')).toBeUndefined();
    expect(unicodeNamed('LATIN  CAPITAL LETTER E')).toBeUndefined();
  });
  it.skipIf(!python3Has())('agrees with python3 on every name it decodes', () => {
    const names: string[] = [];
    for (let k = 0; k < 26; k++) names.push(`LATIN CAPITAL LETTER ${String.fromCharCode(65 + k)}`, `latin small letter ${String.fromCharCode(97 + k)}`);
    names.push('DIGIT ZERO', 'DIGIT NINE', 'LOW LINE', 'HYPHEN-MINUS', 'FULL STOP', 'SOLIDUS', 'COLON', 'EQUALS SIGN', 'SP', 'NUL', 'TAB', 'CR', 'EOL');
    const script = `import sys, json\nprint(json.dumps([eval('"\\\\N{' + n + '}"') for n in json.loads(sys.argv[1])]))`;
    const got = JSON.parse(execFileSync('python3', ['-c', script, JSON.stringify(names)], { encoding: 'utf8' })) as string[];
    expect(names.map((n) => unicodeNamed(n))).toEqual(got);
  });
});
