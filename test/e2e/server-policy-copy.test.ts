// A bare repository copied with its safety-gate directory (cache included) is its own server:
// `install --server --force` into the copy must take effect on the copy's next push, and the
// original keeps judging by its own policy. Regression test for a cache keyed by absolute paths.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const CACHE = 'safety-gate/cache/server-policy-v2.json';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function install(bare: string, policy: string, name: string) {
  const file = join(sb.dir, name);
  writeFileSync(file, policy);
  const r = runCli(['install', '--server', bare, '--config', file, '--force'], { cwd: sb.dir, env: sb.env });
  expect(r.code, r.stderr).toBe(0);
}

function cloneOf(bare: string, name: string): Repo {
  execFileSync('git', ['clone', '-q', bare, join(sb.dir, name)], { env: sb.env });
  return new Repo(join(sb.dir, name), sb.env);
}

describe('server policy cache and a copied bare repository', () => {
  it('the copy is judged by the policy installed into it, the original by its own', () => {
    const original = join(sb.dir, 'original.git');
    execFileSync('git', ['init', '-q', '--bare', original], { env: sb.env });
    install(original, 'extends: recommended\nprotected_targets:\n  locked: ["locked/**"]\n', 'a.yaml');

    const work = cloneOf(original, 'work');
    work.write('README.md', 'hello\n');
    work.commitAll('base');
    const first = work.gitResult(['push', 'origin', 'main']);
    expect(first.status, first.stderr).toBe(0);
    // The push left a cached policy inside the original: the copy below carries it along.
    expect(existsSync(join(original, CACHE))).toBe(true);

    const copy = join(sb.dir, 'copy.git');
    cpSync(original, copy, { recursive: true });
    expect(readFileSync(join(copy, CACHE), 'utf8')).toBe(readFileSync(join(original, CACHE), 'utf8'));
    install(copy, 'extends: recommended\nprotected_targets:\n  vault: ["vault/**"]\n', 'b.yaml');

    const w2 = cloneOf(copy, 'work2');
    w2.write('vault/key', 'k\n');
    w2.commitAll('touch vault');
    const blocked = w2.gitResult(['push', 'origin', 'main']);
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toMatch(/remote: .*protected-target.*vault\/key|remote: .*vault\/key.*protected-target/);
    expect(blocked.stderr).toContain('pre-receive hook declined');

    // `locked/` is no longer protected in the copy.
    w2.git('reset', '-q', '--hard', 'HEAD~1');
    w2.write('locked/x', 'x\n');
    w2.commitAll('touch locked');
    const passed = w2.gitResult(['push', 'origin', 'main']);
    expect(passed.status, passed.stderr).toBe(0);

    // The original still protects locked/ and not vault/.
    work.write('locked/x', 'x\n');
    work.commitAll('touch locked in the original');
    const orig = work.gitResult(['push', 'origin', 'main']);
    expect(orig.status).not.toBe(0);
    expect(orig.stderr).toMatch(/remote: .*locked\/x/);
  });
});
