import { describe, expect, it } from 'vitest';
import { attributeValue, parseAttributes } from './gitattributes.js';

describe('linguist-generated from .gitattributes', () => {
  it('matches basenames at any depth and anchored patterns relative to the file', () => {
    const root = parseAttributes('*.pb.go linguist-generated\n/gen/** linguist-generated=true\ndocs/*.md -linguist-generated\n', '', false);
    expect(attributeValue('api/x.pb.go', [root])).toBe(true);
    expect(attributeValue('gen/a/b.ts', [root])).toBe(true);
    expect(attributeValue('src/gen/b.ts', [root])).toBe(false);
    expect(attributeValue('docs/a.md', [root])).toBe(false);
  });
  it('lets later lines and deeper files override', () => {
    const root = parseAttributes('gen/** linguist-generated\ngen/keep.ts -linguist-generated\n', '', false);
    const sub = parseAttributes('hand.ts linguist-generated=false\nreset.ts !linguist-generated\n', 'gen', false);
    expect(attributeValue('gen/a.ts', [root, sub])).toBe(true);
    expect(attributeValue('gen/keep.ts', [root, sub])).toBe(false);
    expect(attributeValue('gen/hand.ts', [sub, root])).toBe(false);
    expect(attributeValue('gen/reset.ts', [root, sub])).toBe(false);
  });
  it('ignores directory patterns, comments and macros; honours quoted patterns and case folding', () => {
    const f = parseAttributes('# x linguist-generated\ngen/ linguist-generated\n[attr]gen linguist-generated\n"a b.txt" linguist-generated\n', '', true);
    expect(attributeValue('gen/x', [f])).toBe(false);
    expect(attributeValue('A B.TXT', [f])).toBe(true);
  });
});
