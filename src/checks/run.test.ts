// Running a check on exactly one tree: real git, a real temporary checkout.
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, sandbox, type Sandbox } from '../../test/helpers/repo.js';
import { checkEnv, runCheck, runCommand } from './run.js';
import { commandDigest } from './receipt.js';

let sb: Sandbox;
let repo: Repo;
beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  repo.write('a.txt', 'committed\n');
  repo.write('bin/run.sh', '#!/bin/sh\necho run\n', 0o755);
  repo.commitAll('one');
});
afterEach(() => sb.cleanup());

const def = (command: string[], env: Record<string, string> = {}, timeout = '10m') => ({ command, env, timeout });

describe('runCheck', () => {
  it('sees the named tree only (modes kept), never the work tree, and leaves nothing behind', async () => {
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    repo.write('a.txt', 'dirty\n');
    repo.write('untracked.txt', 'x\n');
    let out = '';
    const { receipt } = await runCheck({
      name: 'unit',
      def: def(['sh', '-c', 'cat a.txt; test ! -e untracked.txt && test -x bin/run.sh && pwd']),
      tree,
      repoId: 'r',
      repoCwd: repo.path,
      env: sb.env,
      sink: (b) => (out += b.toString()),
    });
    expect(receipt.exit_code).toBe(0);
    expect(out.split('\n')[0]).toBe('committed');
    const dir = out.split('\n')[1]!;
    expect(dir).not.toBe(repo.path);
    expect(existsSync(dir)).toBe(false);
    expect(receipt).toMatchObject({
      check: 'unit',
      tree,
      repo: 'r',
      command_digest: commandDigest(def(['sh', '-c', 'cat a.txt; test ! -e untracked.txt && test -x bin/run.sh && pwd'])),
    });
    expect(receipt.output_digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records the exit status of a failing check, and the same output gives the same digest', async () => {
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    const a = await runCheck({ name: 'x', def: def(['sh', '-c', 'echo same; exit 3']), tree, repoId: 'r', repoCwd: repo.path, env: sb.env });
    const b = await runCheck({ name: 'x', def: def(['sh', '-c', 'echo same; exit 3']), tree, repoId: 'r', repoCwd: repo.path, env: sb.env });
    expect(a.receipt.exit_code).toBe(3);
    expect(a.receipt.output_digest).toBe(b.receipt.output_digest);
  });

  it('fails closed on a tree that does not exist', async () => {
    await expect(runCheck({ name: 'x', def: def(['true']), tree: 'f'.repeat(40), repoId: 'r', repoCwd: repo.path, env: sb.env })).rejects.toThrow(/cannot read tree/);
  });
});

describe('runCommand', () => {
  it('kills a check past its time limit (exit 124) and reports a missing program as 127', async () => {
    const slow = await runCommand(['sh', '-c', 'sleep 30'], { cwd: sb.dir, env: sb.env, timeoutMs: 200 });
    expect(slow).toMatchObject({ exitCode: 124, timedOut: true });
    expect(slow.durationMs).toBeLessThan(10_000);
    const missing = await runCommand(['no-such-program-here'], { cwd: sb.dir, env: sb.env, timeoutMs: 5000 });
    expect(missing.exitCode).toBe(127);
    expect(missing.error).toContain('ENOENT');
  });

  it('gives the check the policy environment on a minimal base: no GIT_* of the caller', () => {
    const env = checkEnv(def(['x'], { TRADING_MODE: 'paper' }), 'unit', 'abc', { PATH: '/bin', GIT_DIR: '/repo/.git', GIT_INDEX_FILE: '/i', SECRET_TOKEN: 's' });
    expect(env).toEqual({ PATH: '/bin', TRADING_MODE: 'paper', SAFETY_GATE_CHECK: 'unit', SAFETY_GATE_CHECK_TREE: 'abc' });
  });
});
