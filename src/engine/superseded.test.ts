import { describe, expect, it } from 'vitest';
import type { ChangeSet, CommitInfo, FileChange } from '../changeset/types.js';
import { markSuperseded } from './superseded.js';

const commit = (oid: string, parents: string[]): CommitInfo => ({ oid, parents, tree: null, author: null, committer: null, message: '', trailers: [], refs: [] });
const change = (commit: string, path: string, oldPath: string | null = path): FileChange => ({
  status: oldPath === path ? 'M' : 'R', path, oldPath, oldMode: '100644', newMode: '100644', oldOid: 'a', newOid: 'b', commit,
});
const cs = (commits: CommitInfo[], changes: FileChange[]): ChangeSet => ({ origin: 'receive', objectFormat: 'sha1', refs: [], commits, changes, actor: { source: 'x', name: null }, task: null });

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
});
