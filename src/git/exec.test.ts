import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, sandbox, type Sandbox } from '../../test/helpers/repo.js';
import { CatFile } from './cat-file.js';
import { createGitRunner, gitEnv } from './exec.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

describe('gitEnv: git children never see replaced objects or grafted history', () => {
  it('switches replacements and grafts off and drops GIT_REPLACE_REF_BASE, keeping the rest', () => {
    const env = gitEnv({ PATH: '/bin', GIT_INDEX_FILE: '/tmp/i', GIT_REPLACE_REF_BASE: 'refs/x/', GIT_NO_REPLACE_OBJECTS: '0' });
    expect(env).toMatchObject({ PATH: '/bin', GIT_INDEX_FILE: '/tmp/i', GIT_NO_REPLACE_OBJECTS: '1', GIT_GRAFT_FILE: '/dev/null' });
    expect(env.GIT_REPLACE_REF_BASE).toBeUndefined();
  });

  it('the runner and the cat-file process read the real object under a replace ref, and the real parents under a graft', async () => {
    const repo = Repo.init(sb);
    repo.write('a.txt', 'real\n');
    const first = repo.commitAll('one');
    repo.write('a.txt', 'two\n');
    const second = repo.commitAll('two');
    const real = repo.git('rev-parse', `${first}:a.txt`).trim();
    const fake = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.path, env: sb.env, input: 'fake\n', encoding: 'utf8' }).trim();
    repo.git('replace', real, fake);
    repo.write('.git/info/grafts', `${second}\n`); // `second` would have no parent
    expect(repo.git('cat-file', 'blob', real)).toBe('fake\n'); // plain git honours both
    const git = createGitRunner(repo.path, sb.env);
    expect((await git.run(['cat-file', 'blob', real])).stdout.toString()).toBe('real\n');
    expect((await git.run(['rev-list', '--count', second])).stdout.toString().trim()).toBe('2');
    const cat = new CatFile(repo.path, sb.env);
    try {
      expect((await cat.read(real))!.data.toString()).toBe('real\n');
    } finally {
      cat.close();
    }
  });
});

describe('CatFile after close', () => {
  it('refuses every later request instead of starting a process nobody would close (a hook would never exit)', async () => {
    const repo = Repo.init(sb);
    repo.write('a.txt', 'a\n');
    const c = repo.commitAll('one');
    const blob = repo.git('rev-parse', `${c}:a.txt`).trim();
    const cat = new CatFile(repo.path, sb.env);
    expect((await cat.read(blob))!.data.toString()).toBe('a\n');
    // A request queued in the same tick as close() is refused too.
    const queued = cat.read(blob);
    cat.close();
    await expect(queued).rejects.toThrow(/after the run ended/);
    await expect(cat.read(blob)).rejects.toThrow(/after the run ended/);
    cat.start();
    await expect(cat.info(blob)).rejects.toThrow(/after the run ended/);
  });
});
