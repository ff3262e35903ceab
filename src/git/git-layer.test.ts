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

  it('peels <id>^{tree} and ^{commit} as rev-parse does, through the same process', async () => {
    const cf = new CatFile(repo.path, sb.env);
    const head = repo.head();
    expect(await cf.peel(`${head}^{tree}`)).toBe(repo.git('rev-parse', `${head}^{tree}`).trim());
    expect(await cf.peel(`${head}^{commit}`)).toBe(head);
    const blob = repo.git('rev-parse', `${head}:a.txt`).trim();
    expect(await cf.peel(`${blob}^{tree}`)).toBeNull();
    expect(await cf.peel(`${'1'.repeat(40)}^{tree}`)).toBeNull();
    await expect(cf.peel(`${head}^{tree}\ninfo x`)).rejects.toThrow(/cannot be read/);
    await expect(cf.peel('HEAD^{tree}')).rejects.toThrow(/cannot be read/);
    cf.close();
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

  it('a memoised filtered listing selects what the plain one does, commit after commit, reading only new trees', async () => {
    const r = Repo.init(sb, 'memo');
    r.write('scripts/a.sh', 'a\n').write('scripts/deep/b.py', 'b\n').write('src/x.ts', 'x\n').write('docs/d.md', 'd\n');
    const first = r.commitAll('one');
    r.write('src/y.ts', 'y\n');
    const second = r.commitAll('two');
    r.write('scripts/deep/c.sh', 'c\n').rm('scripts/a.sh');
    const third = r.commitAll('three');
    const info = await openRepo(r.path, sb.env);
    const cf = new CatFile(r.path, sb.env);
    let reads = 0;
    const counting = { info: (o: string) => cf.info(o), read: (o: string) => (reads++, cf.read(o)), close: () => cf.close() };
    const trees = new TreeCache(counting, 20);
    const match = (p: string, mode: string) => p.startsWith('scripts/') && mode !== '120000';
    const listings: string[][] = [];
    for (const rev of [first, second, third]) {
      const snap = commitSnapshot(counting, trees, info.git, rev);
      const memo = (await snap.list(match, { memo: true })).map((e) => `${e.mode} ${e.oid} ${e.path}`);
      expect(memo).toEqual((await snap.list(match)).map((e) => `${e.mode} ${e.oid} ${e.path}`));
      listings.push(memo.map((l) => l.split(' ')[2]!));
    }
    expect(listings).toEqual([
      ['scripts/a.sh', 'scripts/deep/b.py'],
      ['scripts/a.sh', 'scripts/deep/b.py'],
      ['scripts/deep/b.py', 'scripts/deep/c.sh'],
    ]);
    // A fresh cache: after the first commit, the second's listing reads its root tree and its new
    // src/ tree, nothing under scripts/ or docs/ (a plain listing walks all five trees).
    const tree = (rev: string) => r.git('rev-parse', `${rev}^{tree}`).trim();
    const fresh = new TreeCache(counting, 20);
    await commitSnapshot(counting, fresh, info.git, first, tree).list(match, { memo: true });
    reads = 0;
    await commitSnapshot(counting, fresh, info.git, second, tree).list(match, { memo: true });
    expect(reads).toBe(2);
    reads = 0;
    await commitSnapshot(counting, new TreeCache(counting, 20), info.git, second, tree).list(match);
    expect(reads).toBe(5);
    cf.close();
  });

  it('the tree cache holds trees up to a bound on their entries, newest first, and lists the same after evicting', async () => {
    const info = await openRepo(repo.path, sb.env);
    const cf = new CatFile(repo.path, sb.env);
    let reads = 0;
    const counting = { info: (o: string) => cf.info(o), read: (o: string) => (reads++, cf.read(o)), close: () => cf.close() };
    const roomy = new TreeCache(counting, 20);
    const tight = new TreeCache(counting, 20, 20000, 1);
    const listing = async (t: TreeCache) => (await commitSnapshot(counting, t, info.git, 'HEAD').list()).map((e) => `${e.mode} ${e.path}`);
    const want = await listing(roomy);
    reads = 0;
    expect(await listing(roomy)).toEqual(want);
    expect(reads).toBe(0); // every tree held (HEAD resolves through rev-parse)
    expect(await listing(tight)).toEqual(want);
    reads = 0;
    await listing(tight);
    expect(reads).toBeGreaterThan(1); // one entry of room: the trees are read again
    expect(want).toContain('100644 a.txt');
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
