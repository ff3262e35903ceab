// Change control at the server: real `git push` (commits made with --no-verify) to a bare
// repository whose pre-receive hook runs the built CLI. Receipts prove nothing there; generators
// with `verify: regenerate` are rerun on the pushed commit; sentinels are checked in every commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';

const AT = '@';
const NODE = process.execPath;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

// A generator: upper-cases src/data.txt into out/data.txt.
const GEN = `import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
mkdirSync('out', { recursive: true });
writeFileSync('out/data.txt', readFileSync('src/data.txt', 'utf8').toUpperCase());
`;

let sb: Sandbox;
let server: Server;
let repo: Repo;
let trusted: string;
let clientConfig: string;

beforeEach(() => {
  sb = sandbox();
  trusted = join(sb.dir, 'trusted');
  mkdirSync(trusted);
  writeFileSync(join(trusted, 'gen.mjs'), GEN);
});
afterEach(() => sb.cleanup());

const LIMITS = { deadline_ms: { 'pre-receive': 60000 } };

function setup(policy: Record<string, unknown>, hookEnv = ''): void {
  server = createServer(sb, { extends: [], limits: LIMITS, ...policy }, { hookEnv: `export SAFETY_GATE_DEADLINE_MS=60000\n${hookEnv}` });
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  // The client's copy of the policy, kept outside the repository (the server never reads it).
  clientConfig = join(sb.dir, 'client-policy.yaml');
  writeFileSync(clientConfig, stringify({ extends: [], ...policy }));
}

function pushMain(): { code: number | null; out: string } {
  return push(repo, ['origin', 'HEAD:refs/heads/main']);
}

function generate(id: string): void {
  const r = runCli(['generate', id, '--stage', '--config', clientConfig], { cwd: repo.path, env: repo.env });
  expect(r.code, r.stderr).toBe(0);
}

const upper = (extra: Record<string, unknown> = {}) => ({
  generators: { upper: { command: [NODE, 'tools/gen.mjs'], inputs: ['src/**', 'tools/**'], outputs: ['out/**'], ...extra } },
});

describe('approved generators at the server', () => {
  it('client receipts prove nothing on the server', () => {
    setup(upper({ verify: 'receipt' }));
    repo.write('tools/gen.mjs', GEN).write('src/data.txt', 'hello\n');
    generate('upper');
    repo.commitAll('generated, with a local receipt');
    const r = pushMain();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /remote: out\/data.txt\s+protected-target\s+protected file out\/data.txt \(output of generator upper\) added: generator upper is verified by receipts, which prove nothing on the server \(set verify: regenerate\): needs a signed approval \(safety-gate approve\)/,
    );
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('verify: regenerate accepts outputs the generator reproduces and rejects a hand edit', () => {
    setup(upper({ verify: 'regenerate', server_command: [NODE, join(trusted, 'gen.mjs')] }));
    repo.write('tools/gen.mjs', GEN).write('src/data.txt', 'hello\n');
    generate('upper');
    repo.commitAll('generated');
    const ok = pushMain();
    expect(ok.code, ok.out).toBe(0);

    repo.write('out/data.txt', 'HELLO, EDITED BY HAND\n');
    repo.commitAll('hand edit');
    const bad = pushMain();
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/rerunning generator upper on the server does not reproduce the pushed outputs: out\/data.txt differs from what it produces/);
  });

  it('a generator that times out on the server blocks', () => {
    writeFileSync(join(trusted, 'slow.mjs'), `setTimeout(() => {}, 60000);\n`);
    setup(upper({ verify: 'regenerate', server_command: [NODE, join(trusted, 'slow.mjs')], timeout_ms: 500 }));
    repo.write('out/data.txt', 'X\n');
    repo.commitAll('output');
    const r = pushMain();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/generator upper did not finish within 500 ms on the server/);
  });

  it('never runs code from the pushed tree', () => {
    setup(upper({ verify: 'regenerate' }));
    repo.write('tools/gen.mjs', `require('fs').writeFileSync('/tmp/pwned', 'x')\n`).write('src/data.txt', 'a\n').write('out/data.txt', 'A\n');
    repo.commitAll('outputs');
    const r = pushMain();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/generator upper cannot be rerun on the server: node would execute tools\/gen.mjs from the pushed tree; set server_command/);
  });

  it('server: false generators need an approval', () => {
    setup(upper({ server: false }));
    repo.write('out/data.txt', 'A\n');
    repo.commitAll('outputs');
    const r = pushMain();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/generator upper is declared server: false, so the server cannot rerun it: needs a signed approval \(safety-gate approve\)/);
  });

  it('runs the generator without network where unshare works', () => {
    const probe = spawnSync('unshare', ['-rn', '--', 'true']);
    const netGen = `import { writeFileSync, mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
mkdirSync('out', { recursive: true });
writeFileSync('out/data.txt', String(Object.keys(networkInterfaces()).filter((n) => n !== 'lo').length) + '\\n');
`;
    writeFileSync(join(trusted, 'net.mjs'), netGen);
    setup(upper({ verify: 'regenerate', server_command: [NODE, join(trusted, 'net.mjs')] }));
    repo.write('out/data.txt', '0\n');
    repo.commitAll('no interfaces but loopback');
    const r = pushMain();
    if (probe.status === 0) {
      expect(r.code, r.out).toBe(0);
    } else {
      expect(r.out).toMatch(/network isolation is not enforced on this host/);
    }
  });

  it('says so when network isolation is not enforced', () => {
    setup(upper({ verify: 'regenerate', server_command: [NODE, join(trusted, 'gen.mjs')] }), 'export SAFETY_GATE_NO_NETNS=1\n');
    repo.write('tools/gen.mjs', GEN).write('src/data.txt', 'hello\n');
    generate('upper');
    repo.commitAll('generated');
    const r = pushMain();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: .*protected-target\/isolation\s+network isolation is not enforced on this host \(disabled by SAFETY_GATE_NO_NETNS=1\)/);
  });
});

describe('sentinels at the server', () => {
  const policy = { sentinels: [{ path: 'SHA256SUMS', covers: ['dist/**'] }] };

  it("accepts the built-in generator's output, rejects an edit split over two commits of one push", () => {
    setup(policy);
    repo.write('dist/a.bin', 'a\n');
    generate('sentinel:SHA256SUMS');
    repo.commitAll('dist and sums');
    const ok = pushMain();
    expect(ok.code, ok.out).toBe(0);

    repo.write('dist/a.bin', 'evil\n');
    const first = repo.commitAll('edit a covered file');
    repo.write('SHA256SUMS', `${sha('evil\n')}  dist/a.bin\n`);
    repo.commitAll('restore the sentinel by hand');
    const bad = pushMain();
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(new RegExp(`remote: SHA256SUMS:1\\s+sentinel\\s+SHA256SUMS is stale for dist/a.bin.*\\[${first.slice(0, 12)}`));
  });

  it('a sentinel the gate would not render that way is a hand edit', () => {
    setup(policy);
    repo.write('dist/a.bin', 'a\n');
    generate('sentinel:SHA256SUMS');
    repo.commitAll('dist and sums');
    expect(pushMain().code).toBe(0);
    // Right hashes, other spelling: not what the generator writes.
    repo.write('SHA256SUMS', `${sha('a\n')} *dist/a.bin\n`);
    repo.commitAll('hand-written sentinel');
    const r = pushMain();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/protected file SHA256SUMS \(sentinel\) modified: SHA256SUMS is not what `safety-gate generate sentinel:SHA256SUMS` renders/);
  });
});

describe('adversarial changes to protected paths at the server', () => {
  const policy = { protected_targets: { locked: ['locked/**'] } };

  function seeded(extra: Record<string, unknown> = {}): string {
    // Seed the protected file through the server before the hook exists.
    setup({ ...policy, ...extra });
    const hook = join(server.path, 'hooks', 'pre-receive');
    rmSync(hook);
    repo.write('locked/data.txt', 'v1\n').write('locked/gen.ts', `// ${AT}generated\nexport const v = 1;\n`).write('src/app.ts', 'export {};\n');
    repo.commitAll('seed');
    expect(pushMain().code).toBe(0);
    // Reinstall the hook.
    createServerHook(server.path);
    return repo.head();
  }

  function createServerHook(path: string): void {
    const hook = join(path, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\nexport SAFETY_GATE_DEADLINE_MS=60000\nexec "${NODE}" "${CLI}" hook pre-receive\n`);
    chmodSync(hook, 0o755);
  }

  function rejected(pattern: RegExp): void {
    const before = server.ref('refs/heads/main');
    const r = pushMain();
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toMatch(pattern);
    expect(server.ref('refs/heads/main')).toBe(before);
  }

  it('rename out and back in one push', () => {
    seeded();
    repo.git('mv', 'locked/data.txt', 'free.txt');
    repo.git('commit', '-q', '--no-verify', '-m', 'out');
    repo.git('mv', 'free.txt', 'locked/data.txt');
    repo.git('commit', '-q', '--no-verify', '-m', 'back');
    rejected(/locked\/data.txt\s+protected-target\s+protected file locked\/data.txt \(group locked\) renamed to free.txt/);
  });

  it('delete, chmod, replace with a symlink', () => {
    seeded();
    repo.rm('locked/data.txt');
    repo.commitAll('delete');
    rejected(/protected file locked\/data.txt \(group locked\) deleted/);
    repo.git('reset', '-q', '--hard', 'origin/main');
    chmodSync(join(repo.path, 'locked/data.txt'), 0o755);
    repo.commitAll('chmod');
    rejected(/mode changed 100644 → 100755/);
    repo.git('reset', '-q', '--hard', 'origin/main');
    rmSync(join(repo.path, 'locked/data.txt'));
    symlinkSync('../src/app.ts', join(repo.path, 'locked/data.txt'));
    repo.commitAll('symlink');
    rejected(/changed type \(file → symlink\)/);
  });

  it('a hand-made tree reaching a protected file through a symlinked directory', () => {
    const base = seeded();
    // git's index cannot hold `alias` (a link) and `alias/x`; a tree made with mktree can.
    const link = repo.gitResult(['hash-object', '-w', '--stdin'], { input: 'locked' }).stdout.trim();
    const evil = repo.gitResult(['hash-object', '-w', '--stdin'], { input: 'evil\n' }).stdout.trim();
    const sub = repo.gitResult(['mktree'], { input: `100644 blob ${evil}\tdata.txt\n` }).stdout.trim();
    const baseTree = repo.git('rev-parse', `${base}^{tree}`).trim();
    const entries = repo.git('ls-tree', baseTree);
    const tree = repo.gitResult(['mktree'], { input: `${entries}120000 blob ${link}\talias\n040000 tree ${sub}\talias\n` }).stdout.trim();
    const commit = repo.git('commit-tree', tree, '-p', base, '-m', 'crafted').trim();
    repo.git('reset', '-q', commit);
    rejected(/alias\/data.txt\s+protected-target\s+protected file alias\/data.txt \(reached through symlink alias as locked\/data.txt \(group locked\)\) added/);
  });

  it('a submodule bump on a protected path', () => {
    const base = seeded();
    repo.git('update-index', '--add', '--cacheinfo', `160000,${base},locked/sub`);
    repo.git('commit', '-q', '--no-verify', '-m', 'add submodule');
    rejected(/protected file locked\/sub \(group locked\) added/);
  });

  it('a case variant where the policy declares a case-insensitive filesystem', () => {
    seeded({ case_insensitive_paths: true });
    repo.write('LOCKED/Data.txt', 'shadow\n');
    repo.commitAll('case variant');
    rejected(/protected file LOCKED\/Data.txt \(group locked\) added/);
  });

  it('a generated file with its marker removed in the same change', () => {
    seeded();
    repo.write('src/gen.ts', 'x\n');
    repo.commitAll('unrelated');
    repo.git('mv', 'locked/gen.ts', 'src/gen2.ts');
    repo.write('src/gen2.ts', 'export const v = 2;\n');
    repo.commitAll('unmark and move');
    rejected(/protected file locked\/gen.ts \(group locked; generated file: @generated marker on line 1 of its previous version\)/);
  });
});
