// The refs a finding's commit lands on (approval ref binding): new commits through the change
// set's graph, commits already in the repository through real `git merge-base --is-ancestor`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeSet, CommitInfo, RefUpdate } from '../changeset/types.js';
import type { GitAccess } from '../rules/types.js';
import { refsReaching } from './apply.js';

let dir: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@x', GIT_CONFIG_NOSYSTEM: '1', HOME: tmpdir() };
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' }).trim();
const commit = (msg: string, parents: string[]) => git('commit-tree', git('write-tree'), ...parents.flatMap((p) => ['-p', p]), '-m', msg);
const access = () =>
  ({
    run: async (args: readonly string[]) => {
      const r = spawnSync('git', args as string[], { cwd: dir, env });
      return { stdout: r.stdout, code: r.status ?? 1 };
    },
  }) as unknown as GitAccess;
const info = (oid: string, parents: string[]): CommitInfo => ({ oid, parents, tree: null, author: null, committer: null, message: '', trailers: [], refs: [] });
const update = (ref: string, oid: string): RefUpdate => ({
  ref,
  localRef: null,
  oldOid: '0'.repeat(40),
  newOid: oid,
  kind: 'create',
  forced: false,
  isTag: false,
  isBranch: true,
  targetType: 'commit',
  peeled: { oid, type: 'commit' },
});

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sg-refs-'));
  execFileSync('git', ['init', '-q', dir], { env });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('refs a commit lands on', () => {
  it('every updated ref whose tip is or descends from the commit, new or already there', async () => {
    const old = commit('old', []);
    const c = commit('approved for release', [old]);
    const d = commit('on top', [c]);
    const other = commit('elsewhere', [old]);
    const cs = {
      refs: [
        update('refs/heads/release/1', c),
        update('refs/heads/main', d),
        update('refs/heads/other', other),
        { ...update('refs/heads/gone', c), kind: 'delete' as const, peeled: null },
      ],
      commits: [info(c, [old]), info(d, [c]), info(other, [old])],
    } as unknown as ChangeSet;
    const lands = refsReaching(cs, access());
    expect(await lands(c)).toEqual(['refs/heads/release/1', 'refs/heads/main']);
    expect(await lands(d)).toEqual(['refs/heads/main']);
    // Not a commit of the change set (already in the repository): asked of git.
    expect(await lands(old)).toEqual(['refs/heads/release/1', 'refs/heads/main', 'refs/heads/other']);
  });
});
