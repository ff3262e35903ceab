import { describe, expect, it } from 'vitest';
import { Blob } from '../changeset/blob.js';
import { base64Fragments, resolvedStrings } from './literal-strings.js';

const blob = (text: string) => new Blob('0'.repeat(40), Buffer.from(text, 'utf8'));
const frags = base64Fragments('alpaca');
const views = async (path: string, text: string) => (await resolvedStrings(path, blob(text), ['alpaca'], frags)).map((v) => [v.via, v.text]);

describe('resolvedStrings', () => {
  it('base64 fragments hold at every alignment and are found inside any encoding of the word', () => {
    for (const pre of ['', 'x', 'xy', 'https://api.']) {
      const enc = Buffer.from(`${pre}alpaca.markets`).toString('base64');
      expect(
        frags.some((f) => enc.includes(f)),
        pre,
      ).toBe(true);
    }
    expect(base64Fragments('abc')).toEqual([]);
  });

  it('reads folded YAML scalars (as folded and lines joined), joins, shell variables and base64 text', async () => {
    expect(await views('c.yaml', 'url: >-\n  https://api.alpaca.\n  markets/v2\n')).toEqual([
      ['YAML scalar', 'https://api.alpaca. markets/v2'],
      ['YAML scalar, lines joined', 'https://api.alpaca.markets/v2'],
    ]);
    expect(await views('b.py', 'B = ".".join(["api", "alpaca", "markets"])\n')).toEqual([['constant expression', 'api.alpaca.markets']]);
    expect(await views('b.ts', 'const B = ["api", "alpaca.markets"].join(".");\n')).toEqual([['constant expression', 'api.alpaca.markets']]);
    expect(await views('b.sh', 'D=alpaca.markets\ncurl https://api.$D/x\n')).toEqual([['shell variable', 'curl https://api.alpaca.markets/x']]);
    expect(await views('b.py', 'B = b64decode("aHR0cHM6Ly9hcGkuYWxwYWNhLm1hcmtldHM=")\n')).toEqual([['base64', 'https://api.alpaca.markets']]);
  });

  it('leaves alone what it cannot resolve: variables set twice or by commands, non-text base64, joins with non-literals', async () => {
    expect(await views('b.sh', 'D=alpaca.markets\nD=example.com\ncurl https://api.$D/\nE=$(cat f)\ncurl https://api.$E/\n')).toEqual([]);
    expect(await views('b.py', 'B = ".".join([prefix, "alpaca", "markets"])\nX = "YWxwYWNhAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBka"\n')).toEqual([]);
  });
});
