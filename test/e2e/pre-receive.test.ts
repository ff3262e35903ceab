// The server door, end to end: real `git push` to a real bare repository whose pre-receive
// hook runs the built CLI. Client hooks are bypassed (--no-verify) or absent: the server alone
// must hold.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLI, Repo, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';

const POLICY = { extends: ['recommended'], protected_targets: { locked: ['locked/**'] } };

let sb: Sandbox;
let server: Server;
let repo: Repo;

function clone(name = 'work'): Repo {
  execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/${name}`], { env: sb.env });
  return new Repo(`${sb.dir}/${name}`, sb.env);
}

beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function setup(policy: Record<string, unknown> | string = POLICY, hookEnv?: string): void {
  server = createServer(sb, policy, { hookEnv });
  repo = clone();
}

describe('pre-receive', () => {
  it('rejects a --no-verify commit, shows the finding as remote: lines, leaves refs unchanged, audits', () => {
    setup();
    repo.write('README.md', 'ok\n');
    repo.commitAll('clean');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    const before = server.ref('refs/heads/main');
    repo.write('locked/data.txt', 'edited\n');
    repo.commitAll('touch locked');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/data\.txt/);
    expect(r.out).toMatch(/remote: .*protected-target/);
    expect(r.out).toContain('pre-receive hook declined');
    expect(server.ref('refs/heads/main')).toBe(before);
    const audit = server.auditLines().map((l) => JSON.parse(l));
    expect(audit.map((a) => a.decision)).toEqual(['pass', 'block']);
    expect(audit[1].door).toBe('pre-receive');
    expect(audit[1].refs[0].ref).toBe('refs/heads/main');
  });

  it('rejects every ref of a multi-ref push when one ref is bad', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    repo.git('checkout', '-q', '-b', 'good');
    repo.write('b.txt', 'b\n');
    repo.commitAll('good');
    repo.git('checkout', '-q', '-b', 'bad', 'main');
    repo.write('locked/x', 'x\n');
    repo.commitAll('bad');
    const r = push(repo, ['origin', 'good', 'bad']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: locked\/x\s+protected-target\s+protected file locked\/x .*refs\/heads\/bad/);
    expect(server.ref('refs/heads/good')).toBeNull();
    expect(server.ref('refs/heads/bad')).toBeNull();
  });

  it('checks every new commit of a new branch, not only its tip', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    push(repo, ['-q', 'origin', 'main']);
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('locked/x', 'x\n');
    repo.commitAll('bad in the middle');
    repo.rm('locked/x');
    repo.commitAll('hide it again');
    const r = push(repo, ['origin', 'feature']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/x/);
    expect(server.ref('refs/heads/feature')).toBeNull();
  });

  it('rejects a root commit with a violation pushed to an empty repository', () => {
    setup();
    repo.write('locked/x', 'x\n');
    repo.commitAll('root');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: locked\/x\s+protected-target/);
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('checks commits reached only through a pushed tag, annotated or lightweight', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    push(repo, ['-q', 'origin', 'main']);
    repo.git('checkout', '-q', '--detach');
    repo.write('locked/x', 'x\n');
    repo.commitAll('bad, only tagged');
    repo.git('tag', '-a', '-m', 'release', 'v1');
    repo.git('tag', 'light');
    const annotated = push(repo, ['origin', 'refs/tags/v1']);
    expect(annotated.code).not.toBe(0);
    expect(annotated.out).toMatch(/remote: locked\/x\s+protected-target.*refs\/tags\/v1/);
    expect(server.ref('refs/tags/v1')).toBeNull();
    const light = push(repo, ['origin', 'refs/tags/light']);
    expect(light.code).not.toBe(0);
    expect(light.out).toMatch(/remote: locked\/x\s+protected-target.*refs\/tags\/light/);
    expect(server.ref('refs/tags/light')).toBeNull();
  });

  it('accepts a clean tag of an existing commit and a branch deletion, and audits both', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    push(repo, ['-q', 'origin', 'main']);
    repo.git('tag', '-a', '-m', 'r', 'v1');
    expect(push(repo, ['-q', 'origin', 'refs/tags/v1']).code).toBe(0);
    repo.git('branch', 'tmp');
    expect(push(repo, ['-q', 'origin', 'tmp']).code).toBe(0);
    expect(push(repo, ['-q', 'origin', ':tmp']).code).toBe(0);
    expect(server.ref('refs/heads/tmp')).toBeNull();
    const audit = server.auditLines().map((l) => JSON.parse(l));
    expect(audit.at(-1).refs[0].new).toMatch(/^0{40}$/);
    expect(audit.every((a) => a.decision === 'pass')).toBe(true);
  });

  it('rejects a force push that rewrites history with a violation', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    repo.write('b.txt', 'b\n');
    repo.commitAll('second');
    push(repo, ['-q', 'origin', 'main']);
    const before = server.ref('refs/heads/main');
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.write('locked/x', 'x\n');
    repo.commitAll('rewrite');
    const r = push(repo, ['--force', 'origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: locked\/x\s+protected-target/);
    expect(server.ref('refs/heads/main')).toBe(before);
  });

  it('judges a push that edits the policy by the policy in force before it', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    push(repo, ['-q', 'origin', 'main']);
    repo.write('safety-gate.config.yaml', 'rules:\n  protected-target: off\n');
    repo.write('locked/x', 'x\n');
    repo.commitAll('disable the gate and edit');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/x/);
  });

  it('takes its policy and audit log from the hook script on hosted servers', () => {
    const policyFile = join(sb.dir, 'etc-safety-gate.yaml');
    const auditLog = join(sb.dir, 'var-log', 'audit.jsonl');
    writeFileSync(policyFile, stringify(POLICY));
    // The file inside the repository protects nothing extra: the hook's own policy must win.
    setup({}, `SAFETY_GATE_POLICY=${policyFile}; SAFETY_GATE_AUDIT_LOG=${auditLog}; export SAFETY_GATE_POLICY SAFETY_GATE_AUDIT_LOG\n`);
    repo.write('locked/x', 'x\n');
    repo.commitAll('bad');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/x/);
    expect(readFileSync(auditLog, 'utf8')).toContain('"decision":"block"');
    expect(server.auditLines()).toEqual([]);
  });

  it("records the agent's Run-Id from the pushed commits' trailers in the audit log", () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'agent work\n\nTask-Scope: file:a.txt\nRun-Id: run-42');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    expect(JSON.parse(server.auditLines().at(-1)!).run_id).toBe('run-42');
  });

  it('parse-checks what lands: a file broken in one commit and fixed in the next of the same push passes', () => {
    setup({ extends: ['agenttrader-v2'] });
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    repo.write('backend/app.py', 'def f(:\n    pass\n');
    repo.commitAll('broken');
    repo.write('backend/app.py', 'def f():\n    pass\n');
    repo.commitAll('fixed');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    // The last version must parse.
    repo.write('backend/app.py', 'def g(:\n');
    repo.commitAll('broken again');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*backend\/app\.py.*import-hygiene\/syntax/);
  });

  it('a changed server policy takes effect on the next push (its cache is checked against content)', () => {
    setup();
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    writeFileSync(join(server.path, 'safety-gate', 'policy.yaml'), stringify({ ...POLICY, protected_targets: { locked: ['locked/**'], vault: ['vault/**'] } }));
    repo.write('vault/key', 'k\n');
    repo.commitAll('touch the newly protected dir');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*vault\/key/);
  });

  it('ignores SAFETY_GATE_SKIP on the server', () => {
    setup();
    repo.write('locked/x', 'x\n');
    repo.commitAll('bad');
    const r = repo.gitResult(['push', 'origin', 'main'], { env: { ...sb.env, SAFETY_GATE_SKIP: '1' } });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SAFETY_GATE_SKIP is ignored');
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('handles SHA-256 repositories (64-digit ids, zero ids included)', () => {
    server = createServer(sb, POLICY, { name: 'sha256.git', objectFormat: 'sha256' });
    const path = server.path;
    const work = Repo.init(sb, 'w256', ['--object-format=sha256']);
    work.git('remote', 'add', 'origin', path);
    work.write('a.txt', 'a\n');
    work.commitAll('base');
    expect(push(work, ['-q', 'origin', 'main']).code).toBe(0);
    work.write('locked/x', 'x\n');
    work.commitAll('bad');
    const r = push(work, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/x/);
    expect(push(work, ['-q', 'origin', 'HEAD~1:refs/heads/other']).code).toBe(0);
    expect(push(work, ['-q', 'origin', ':other']).code).toBe(0);
  });
});

describe('pre-receive faults: exit 2, one clear line, push rejected', () => {
  function runHook(input: string, env: NodeJS.ProcessEnv = sb.env) {
    const r = spawnSync(process.execPath, [CLI, 'hook', 'pre-receive'], { cwd: server.path, env, input, encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr, stdout: r.stdout };
  }
  const oneLine = (s: string) =>
    s
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('safety-gate: could not decide'));

  it('malformed stdin', () => {
    setup();
    const r = runHook('not a ref update\n');
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/malformed input on line 1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an object that cannot be read', () => {
    setup();
    const r = runHook(`${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/main\n`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/object 1{40} cannot be read/);
  });

  it('git missing from PATH', () => {
    setup();
    const r = runHook(`${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/main\n`, { ...sb.env, PATH: '/nonexistent' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/git could not be started/);
  });

  it('an invalid server policy rejects the push with the file and line', () => {
    setup('rules:\n  protected-target: sometimes\n');
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: safety-gate: could not decide — .*policy\.yaml:2/);
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('an internal exception rejects the push', () => {
    setup(POLICY, 'SAFETY_GATE_TEST_FAULT=internal; export SAFETY_GATE_TEST_FAULT\n');
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: safety-gate: could not decide — internal error/);
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('a deadline rejects the push instead of letting it through', () => {
    setup({ ...POLICY, limits: { deadline_ms: { 'pre-receive': 300 } } }, 'SAFETY_GATE_TEST_FAULT=hang; export SAFETY_GATE_TEST_FAULT\n');
    repo.write('a.txt', 'a\n');
    repo.commitAll('base');
    const t0 = Date.now();
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/could not finish within/);
    expect(Date.now() - t0).toBeLessThan(15000);
    expect(server.ref('refs/heads/main')).toBeNull();
  });
});
