// Listed commits against real git: their changes are complete diffs, so a memoised snapshot
// listing is derived from the nearest listed ancestor without reading a tree.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFile } from '../git/cat-file.js';
import { openRepo } from '../git/repo.js';
import { commitSnapshot, TreeCache } from '../git/snapshot.js';
import { listCommits } from './commits.js';
import { Repo, sandbox, type Sandbox } from '../../test/helpers/repo.js';

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe('listing derived from diffs', () => {
  it('selects what walking each tree selects: adds, edits, deletes, renames, mode and type changes, commits that touch nothing listed', async () => {
    const r = Repo.init(sb, 'derive');
    r.write('scripts/a.sh', 'a\n').write('scripts/deep/b.py', 'b\n').write('src/x.ts', 'x\n');
    const base = r.commitAll('base');
    const revs: string[] = [];
    r.write('src/y.ts', 'y\n');
    revs.push(r.commitAll('outside'));
    r.write('scripts/deep/c.sh', 'c\n').rm('scripts/a.sh');
    revs.push(r.commitAll('add and delete'));
    r.git('mv', 'scripts/deep/b.py', 'scripts/moved.py');
    revs.push(r.commitAll('rename'));
    r.write('scripts/deep/c.sh', 'c\n', 0o755);
    revs.push(r.commitAll('mode'));
    r.rm('scripts/moved.py');
    symlinkSync('deep/c.sh', join(r.path, 'scripts/link'));
    revs.push(r.commitAll('delete, and a link'));
    r.rm('scripts/deep').write('scripts/deep', 'now a file\n');
    revs.push(r.commitAll('a directory becomes a file'));
    const info = await openRepo(r.path, sb.env);
    const cf = new CatFile(r.path, sb.env);
    let reads = 0;
    const counting = { info: (o: string) => cf.info(o), read: (o: string) => (reads++, cf.read(o)), close: () => cf.close() };
    const { commits, changes } = await listCommits(info.git, [revs.at(-1)!], [base], new Map());
    expect(commits.map((c) => c.oid)).toEqual(revs);
    const trees = new TreeCache(counting, 20);
    trees.learn(commits, changes);
    const treeOf = new Map(commits.map((c) => [c.oid!, c.tree!]));
    const match = (p: string, mode: string) => p.startsWith('scripts/') && mode !== '160000';
    const show = (l: { path: string; mode: string; oid: string }[]) => l.map((e) => `${e.mode} ${e.oid} ${e.path}`);
    // The first listing walks the pushed-onto commit once; every later one derives.
    for (const [i, rev] of revs.entries()) {
      if (i === 0) continue; // a commit that nothing lists: the chain walks back past it
      reads = 0;
      const derived = show(await commitSnapshot(counting, trees, info.git, rev, (x) => treeOf.get(x)).list(match, { memo: true }));
      const walkedReads = reads;
      const walked = show(await commitSnapshot(counting, new TreeCache(counting, 20), info.git, rev, (x) => treeOf.get(x)).list(match));
      expect(derived).toEqual(walked);
      if (i > 1) expect(walkedReads).toBe(0);
    }
    cf.close();
  });
});
