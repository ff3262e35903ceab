import { describe, expect, it } from 'vitest';
import { redact, secretHash } from './redact.js';

describe('redact', () => {
  it('first and last 4 characters, fewer for short values, none for very short ones', () => {
    for (const [secret, shown] of [
      ['0123456789abcdefghijKLMN', '0123…KLMN (24 chars)'],
      ['0123456789abcdef', '01…ef (16 chars)'],
      ['01234567ab', '0…b (10 chars)'],
      ['secret1', '*** (7 chars)'],
    ] as const)
      expect(redact(secret), secret).toBe(shown);
    expect(redact('ab\ncd\u0000efghijklmnopqrstu')).not.toMatch(/[\n\u0000]/);
  });
  it('hashes with a domain prefix (never the bare sha256 of the secret)', () => {
    expect(secretHash('x')).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash('x')).not.toBe('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
  });
});
