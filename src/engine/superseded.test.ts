import { describe, expect, it } from 'vitest';
import type { ChangeSet, CommitInfo, FileChange } from '../changeset/types.js';
import { markSuperseded } from './superseded.js';

const commit = (oid: string, parents: string[]): CommitInfo => ({ oid, parents, tree: null, author: null, committer: null, message: '', trailers: [], refs: [] });
const change = (commit: string, path: string, oldPath: string | null = path): FileChange => ({
  status: oldPath === path ? 'M' : 'R',
  path,
  oldPath,
  oldMode: '100644',
  newMode: '100644',
  oldOid: 'a',
  newOid: `${commit}-${path}`,
  commit,
});
const cs = (commits: CommitInfo[], changes: FileChange[], refs: ChangeSet['refs'] = []): ChangeSet => ({
  origin: 'receive',
  objectFormat: 'sha1',
  refs,
  commits,
  changes,
  actor: { source: 'x', name: null },
  task: null,
});
const ref = (name: string, newOid: string, targetType: 'commit' | 'tag' = 'commit'): ChangeSet['refs'][number] => ({
  ref: name,
  localRef: null,
  oldOid: '0'.repeat(40),
  newOid,
  kind: 'create',
  forced: false,
  isTag: targetType === 'tag',
  isBranch: targetType !== 'tag',
  targetType,
});

describe('markSuperseded', () => {
  it('marks a version a descendant changes again, not the last one', () => {
    const changes = [change('c1', 'a.py'), change('c2', 'b.py'), change('c3', 'a.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('c3', ['c2'])], changes));
    expect(changes.map((c) => !!c.superseded)).toEqual([true, false, false]);
  });

  it('does not mark a version changed again only on a sibling branch', () => {
    const changes = [change('l', 'a.py'), change('r', 'a.py')];
    markSuperseded(cs([commit('l', ['base']), commit('r', ['base'])], changes));
    expect(changes.map((c) => !!c.superseded)).toEqual([false, false]);
  });

  it('a rename away supersedes the version at the old path; merges see both sides', () => {
    const changes = [change('c1', 'a.py'), change('c2', 'b.py', 'a.py'), change('x', 'c.py'), change('m', 'c.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('x', ['base']), commit('m', ['c2', 'x'])], changes));
    expect(changes.map((c) => !!c.superseded)).toEqual([true, false, true, false]);
  });

  it('a ref that lands the broken version keeps it checked, even when another pushed branch fixes it', () => {
    // refs/heads/broken -> c1 (a.py broken); refs/heads/fixed -> c2 (child of c1, fixes a.py)
    const changes = [change('c1', 'a.py'), change('c2', 'a.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1'])], changes, [ref('refs/heads/broken', 'c1'), ref('refs/heads/fixed', 'c2')]));
    expect(changes.map((c) => !!c.superseded)).toEqual([false, false]);
  });

  it('an annotated tag (landing point unknown here) marks nothing', () => {
    const changes = [change('c1', 'a.py'), change('c2', 'a.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1'])], changes, [ref('refs/tags/v1', 'tagobj', 'tag')]));
    expect(changes.map((c) => !!c.superseded)).toEqual([false, false]);
  });

  it('the same blob landing later at the same path is never hidden behind its superseded twin', () => {
    // c1 adds blob b (broken), c2 changes it, c3 restores the same blob b: b lands.
    const c1 = { ...change('c1', 'a.py'), newOid: 'bad' };
    const c2 = { ...change('c2', 'a.py'), newOid: 'good' };
    const c3 = { ...change('c3', 'a.py'), newOid: 'bad' };
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('c3', ['c2'])], [c1, c2, c3]));
    expect([c1, c2, c3].map((c) => !!c.superseded)).toEqual([false, true, false]);
  });
});

describe('markSuperseded: tags and merges', () => {
  it('an annotated tag lands where it peels to: the versions it holds stay checked, the rest are marked', () => {
    const changes = [change('c1', 'a.py'), change('c2', 'a.py'), change('c3', 'a.py')];
    const tag = { ...ref('refs/tags/v1', 'tagobj', 'tag'), peeled: { oid: 'c2', type: 'commit' as const } };
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('c3', ['c2'])], changes, [tag, ref('refs/heads/main', 'c3')]));
    expect(changes.map((c) => !!c.superseded)).toEqual([true, false, false]);
  });

  it('a tag peeled to a tree marks as if it were not there (its content is a pseudo commit of its own)', () => {
    const changes = [change('c1', 'a.py'), change('c2', 'a.py')];
    const tag = { ...ref('refs/tags/t', 'tagobj', 'tag'), peeled: { oid: 'tree1', type: 'tree' as const } };
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1'])], changes, [tag]));
    expect(changes.map((c) => !!c.superseded)).toEqual([true, false]);
  });

  it('a merge that keeps a version while its other side changed the path lands that version', () => {
    // x forks from c1 and changes a.py; m merges c2 (a.py as c1 left it) and x, keeping c1's
    // a.py: m's combined diff does not list a.py, and c1's version is what m holds.
    const changes = [change('c1', 'a.py'), change('c2', 'b.py'), change('x', 'a.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('x', ['c1']), commit('m', ['c2', 'x'])], changes));
    expect(changes.map((c) => !!c.superseded)).toEqual([false, false, false]);
  });

  it('a merge that changes the path again supersedes both sides', () => {
    const changes = [change('c1', 'a.py'), change('x', 'a.py'), change('m', 'a.py')];
    markSuperseded(cs([commit('c1', ['base']), commit('c2', ['c1']), commit('x', ['c1']), commit('m', ['c2', 'x'])], changes));
    expect(changes.map((c) => !!c.superseded)).toEqual([true, true, false]);
  });
});
