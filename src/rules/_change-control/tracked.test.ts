import { describe, expect, it } from 'vitest';
import type { FileChange, TreeEntry } from '../../changeset/types.js';
import { applyChanges, undoChanges, type EntryFilter } from './tracked.js';

const ALL: EntryFilter = { id: 'all', match: () => true };
const e = (path: string, oid: string, mode = '100644'): [string, TreeEntry] => [path, { path, oid, mode }];
const ch = (c: Partial<FileChange> & Pick<FileChange, 'status' | 'path'>): FileChange => ({
  oldPath: c.status === 'A' ? null : c.path,
  oldMode: null,
  newMode: null,
  oldOid: null,
  newOid: null,
  commit: null,
  ...c,
});

describe('tracked entries follow a commit forwards and backwards', () => {
  const before = new Map([e('a', '1'), e('b', '2'), e('c', '3')]);
  const changes = [
    ch({ status: 'M', path: 'a', oldMode: '100644', newMode: '100755', oldOid: '1', newOid: '9' }),
    ch({ status: 'D', path: 'b', oldMode: '100644', oldOid: '2' }),
    ch({ status: 'R', path: 'd', oldPath: 'c', oldMode: '100644', newMode: '100644', oldOid: '3', newOid: '3' }),
    ch({ status: 'A', path: 'l', newMode: '120000', newOid: '7' }),
  ];
  const after = new Map([e('a', '9', '100755'), e('d', '3'), e('l', '7', '120000')]);

  it('applyChanges', () => {
    expect(applyChanges(before, changes, ALL)).toEqual(after);
  });
  it('undoChanges', () => {
    expect(undoChanges(after, changes, ALL)).toEqual(before);
  });
  it('filters', () => {
    const links: EntryFilter = { id: 'links', match: (_p, m) => m === '120000' };
    expect([...applyChanges(new Map(), changes, links).keys()]).toEqual(['l']);
    expect([...undoChanges(new Map([e('l', '7', '120000')]), changes, links).keys()]).toEqual([]);
  });
});
