import { describe, expect, it } from 'vitest';
import { normalizeRepoPath } from './paths.js';

// The reference: what normalisation means, without the fast path.
const reference = (path: string) => {
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
};

describe('normalizeRepoPath', () => {
  it('agrees with segment-wise normalisation, canonical paths returned as they are', () => {
    const cases = [
      '',
      '.',
      '..',
      'a',
      'a/b',
      './a',
      'a/./b',
      'a/../b',
      '../a',
      'a/..',
      'a/.',
      '/a',
      'a/',
      'a//b',
      'a\\b',
      '.a/b',
      'a/.b',
      'a/..b',
      'a..',
      '...',
      'a/.../b',
      '.github/workflows/ci.yml',
    ];
    for (const c of cases) expect(normalizeRepoPath(c), c).toBe(reference(c));
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = ['a', '.', '/', '\\', 'b'];
    for (let i = 0; i < 2000; i++) {
      const p = Array.from({ length: Math.floor(rnd() * 8) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
      expect(normalizeRepoPath(p), p).toBe(reference(p));
    }
  });
});
