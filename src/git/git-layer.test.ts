// The object reader and snapshots against a real repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFile } from './cat-file.js';
import { createGitRunner } from './exec.js';
import { openRepo } from './repo.js';
import { commitSnapshot, indexSnapshot, TreeCache } from './snapshot.js';
import { Repo, sandbox, type Sandbox } from '../../test/helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
beforeAll(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  repo
    .write('a.txt', 'alpha\n')
    .write('dir/sub/b.bin', Buffer.from([0, 1, 2, 10, 10, 255]))
    .write('dir/sp ace ü.txt', 'x\n');
  repo.commitAll('one');
  repo.git('symbolic-ref', 'HEAD', 'refs/heads/main');
});
afterAll(() => sb.cleanup());

describe('CatFile', () => {
  it('reads many objects through one process, binary-safe, and reports missing ones as null', async () => {
    const cf = new CatFile(repo.path, sb.env);
    const ids = repo.git('ls-tree', '-r', '--format=%(objectname)', 'HEAD').trim().split('\n');
    const [one, two, three, missing, info] = await Promise.all([cf.read(ids[0]!), cf.read(ids[1]!), cf.read(ids[2]!), cf.read('1'.repeat(40)), cf.info(ids[0]!)]);
    cf.close();
    expect(one!.data.toString()).toBe('alpha\n');
    expect([two!.data, three!.data].some((d) => d.equals(Buffer.from([0, 1, 2, 10, 10, 255])))).toBe(true);
    expect(missing).toBeNull();
    expect(info).toMatchObject({ type: 'blob', size: 6 });
  });

  it('refuses object names that would desynchronise the protocol', async () => {
    const cf = new CatFile(repo.path, sb.env);
    await expect(cf.read('HEAD\ninfo x')).rejects.toThrow(/cannot be read/);
    cf.close();
  });

  it('fails every pending request when git cannot start', async () => {
    const cf = new CatFile(repo.path, { ...sb.env, PATH: '/nonexistent' });
    await expect(cf.read('a'.repeat(40))).rejects.toThrow(/git/);
  });
});

describe('snapshots', () => {
  it('a commit tree walked through cat-file lists what ls-tree lists', async () => {
    const info = await openRepo(repo.path, sb.env);
    const cf = new CatFile(repo.path, sb.env);
    const snap = commitSnapshot(cf, new TreeCache(cf, 20), info.git, 'HEAD');
    const listed = (await snap.list()).map((e) => `${e.mode} ${e.oid} ${e.path}`);
    const lsTree = repo
      .git('ls-tree', '-r', '-z', 'HEAD')
      .split('\0')
      .filter(Boolean)
      .map((r) => r.replace(/ blob /, ' ').replace('\t', ' '));
    expect(listed.sort()).toEqual(lsTree.sort());
    expect(await snap.entry('dir/sub/b.bin')).toMatchObject({ mode: '100644' });
    expect(await snap.entry('dir/missing')).toBeNull();
    expect(await snap.entry('a.txt/x')).toBeNull();
    cf.close();
  });

  it('the index snapshot sees staged content', async () => {
    repo.write('staged.txt', 's\n');
    repo.git('add', 'staged.txt');
    const snap = indexSnapshot(createGitRunner(repo.path, sb.env));
    expect((await snap.entry('staged.txt'))?.oid).toBe(repo.git('rev-parse', ':staged.txt').trim());
  });
});

describe('openRepo', () => {
  it('finds the work tree from a subdirectory and HEAD in the same call', async () => {
    const info = await openRepo(`${repo.path}/dir`, sb.env, { withHead: true });
    expect(info.workTree).toBe(repo.path);
    expect(info.head).toBe(repo.head());
    expect(info.bare).toBe(false);
  });
  it('says clearly when there is no repository', async () => {
    await expect(openRepo(sb.home, sb.env)).rejects.toThrow(/not inside a git repository/);
  });
});
