import { describe, expect, it } from 'vitest';
import { normalizeRepoPath } from './paths.js';
import { seeded, wordsOf } from '../../test/helpers/random.js';

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
    const rnd = seeded(3);
    const word = wordsOf(['a', '.', '/', '\\', 'b'], rnd);
    for (let i = 0; i < 2000; i++) {
      const p = word(Math.floor(rnd() * 8));
      expect(normalizeRepoPath(p), p).toBe(reference(p));
    }
  });
});
