import { describe, expect, it } from 'vitest';
import { parseDiffTreeStdin, parseRawRecords } from './diff.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const Z = '0'.repeat(40);

describe('parseRawRecords', () => {
  it('reads adds, deletes, modifications, mode and type changes', () => {
    const fields = [
      `:000000 100644 ${Z} ${A} A`,
      'new file',
      `:100644 000000 ${A} ${Z} D`,
      'gone',
      `:100644 100755 ${A} ${A} M`,
      'chmod',
      `:100644 120000 ${A} ${B} T`,
      'now-a-link',
    ];
    const { changes, next } = parseRawRecords(fields, 0, null);
    expect(next).toBe(fields.length);
    expect(changes.map((c) => [c.status, c.path, c.oldPath, c.oldMode, c.newMode, c.oldOid, c.newOid])).toEqual([
      ['A', 'new file', null, null, '100644', null, A],
      ['D', 'gone', 'gone', '100644', null, A, null],
      ['M', 'chmod', 'chmod', '100644', '100755', A, A],
      ['T', 'now-a-link', 'now-a-link', '100644', '120000', A, B],
    ]);
  });

  it('reads renames and copies with both paths, including odd names', () => {
    const { changes } = parseRawRecords([`:100644 100644 ${A} ${A} R100`, 'old\nname', ':odd:new', `:100644 100644 ${A} ${B} C075`, 'src', 'dst'], 0, 'c1');
    expect(changes[0]).toMatchObject({ status: 'R', oldPath: 'old\nname', path: ':odd:new', commit: 'c1' });
    expect(changes[1]).toMatchObject({ status: 'C', oldPath: 'src', path: 'dst', oldOid: A, newOid: B });
  });

  it('reads combined diffs of merges: only paths that differ from every parent', () => {
    const { changes } = parseRawRecords([`::100644 100644 100644 ${A} ${B} ${C} MM`, 'both.txt', `::000000 000000 100644 ${Z} ${Z} ${C} AA`, 'evil.txt'], 0, 'm');
    expect(changes[0]).toMatchObject({
      status: 'M',
      path: 'both.txt',
      oldOid: A,
      newOid: C,
      parents: [
        { mode: '100644', oid: A },
        { mode: '100644', oid: B },
      ],
    });
    expect(changes[1]).toMatchObject({ status: 'A', path: 'evil.txt', oldOid: null, newOid: C });
  });

  it('rejects truncated output instead of guessing', () => {
    expect(() => parseRawRecords([`:100644 100644 ${A} ${B} M`], 0, null)).toThrow(/unexpected diff output/);
  });
});

describe('parseDiffTreeStdin', () => {
  it('attributes records to the commit id that precedes them', () => {
    const m = parseDiffTreeStdin([A, `:000000 100644 ${Z} ${B} A`, 'x', B, `:100644 100644 ${B} ${C} M`, 'x']);
    expect([...m.keys()]).toEqual([A, B]);
    expect(m.get(B)![0]).toMatchObject({ path: 'x', commit: B, newOid: C });
  });
  it('accepts 64-digit ids of SHA-256 repositories', () => {
    const id = 'd'.repeat(64);
    const m = parseDiffTreeStdin([id, `:000000 100644 ${'0'.repeat(64)} ${'e'.repeat(64)} A`, 'y']);
    expect(m.get(id)![0]!.newOid).toBe('e'.repeat(64));
  });
});
