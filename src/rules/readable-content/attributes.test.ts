import { describe, expect, it } from 'vitest';
import { byteAttributes, candidatePaths } from './attributes.js';

describe('byteAttributes', () => {
  it('finds filter, export-subst, ident, working-tree-encoding, also through macros', () => {
    const t = '# *.yaml filter=x\n*.md text\n*.yaml filter=sed\n[attr]sub export-subst\nv.py sub\n*.sh -ident\n*.ps1 working-tree-encoding=UTF-16\n"a b.txt" ident\n';
    expect(byteAttributes(t).map((a) => [a.line, a.pattern, a.attrs])).toEqual([
      [3, '*.yaml', ['filter=sed']],
      [5, 'v.py', ['sub (export-subst)']],
      [7, '*.ps1', ['working-tree-encoding=UTF-16']],
      [8, 'a b.txt', ['ident']],
    ]);
  });
});

describe('candidatePaths', () => {
  it('tries basename patterns under every include prefix, anchored ones where they are', () => {
    expect(candidatePaths('', '*.yaml', ['config/**'])).toContain('config/x.yaml');
    expect(candidatePaths('', 'docs/**', ['config/**'])).toEqual(['docs/x', 'docs/x/x']);
    expect(candidatePaths('services/a', '*.json', ['services/**'])).toContain('services/a/x.json');
    expect(candidatePaths('', 'build/', ['**'])).toEqual([]);
  });
});
