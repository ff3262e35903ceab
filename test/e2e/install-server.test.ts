// `safety-gate install --server` end to end: the installer writes the bare repository's
// pre-receive and policy, then real pushes of --no-verify commits meet the gate.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const POLICY = 'extends: recommended\nprotected_targets:\n  locked: ["locked/**"]\n';

let sb: Sandbox;
let bare: string;
beforeEach(() => {
  sb = sandbox();
  bare = join(sb.dir, 'server.git');
  execFileSync('git', ['init', '-q', '--bare', bare], { env: sb.env });
});
afterEach(() => sb.cleanup());

function installServer(...args: string[]) {
  return runCli(['install', '--server', bare, ...args], { cwd: sb.dir, env: sb.env });
}

function policyFile(content = POLICY, name = 'policy.yaml'): string {
  const file = join(sb.dir, name);
  writeFileSync(file, content);
  return file;
}

function clone(): Repo {
  execFileSync('git', ['clone', '-q', bare, join(sb.dir, 'work')], { env: sb.env });
  return new Repo(join(sb.dir, 'work'), sb.env);
}

const ref = (name: string) => spawnSync('git', ['rev-parse', '-q', '--verify', name], { cwd: bare, env: sb.env, encoding: 'utf8' }).stdout.trim();

const auditLines = () => {
  const log = join(bare, 'safety-gate/audit.jsonl');
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
};

describe('install --server', () => {
  it('installs a pre-receive that rejects a --no-verify commit and lets a clean push through', () => {
    const r = installServer('--config', policyFile());
    expect(r.code, r.stderr).toBe(0);
    const hook = join(bare, 'hooks/pre-receive');
    const script = readFileSync(hook, 'utf8');
    expect(script).toContain(`exec '${process.execPath}' '${CLI}' hook pre-receive "$@"`);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    expect(readFileSync(join(bare, 'safety-gate/policy.yaml'), 'utf8')).toContain(POLICY);
    expect(r.stdout).toContain(`pre-receive: ${hook} (runs ${process.execPath} ${CLI})`);
    expect(r.stdout).toContain(`policy: ${join(bare, 'safety-gate/policy.yaml')} (validated`);

    const repo = clone();
    repo.write('README.md', 'hello\n');
    repo.commitAll('clean');
    const clean = repo.gitResult(['push', 'origin', 'main']);
    expect(clean.status, clean.stderr).toBe(0);
    const tip = ref('refs/heads/main');
    expect(tip).toBe(repo.head());

    repo.write('locked/x', 'nope\n');
    repo.commitAll('touch locked'); // --no-verify: only the server stands in the way
    // A server runs hooks with almost no environment: no PATH to find node or the CLI.
    const blocked = repo.gitResult(['push', 'origin', 'main'], { env: { ...sb.env, PATH: '/usr/bin:/bin' } });
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toMatch(/remote: .*protected-target/);
    expect(blocked.stderr).toMatch(/remote: .*locked\/x/);
    expect(blocked.stderr).toContain('pre-receive hook declined');
    expect(ref('refs/heads/main')).toBe(tip);
    expect(auditLines().map((a) => `${a.door}:${a.decision}`)).toEqual(['pre-receive:pass', 'pre-receive:block']);
  });

  it("writes the Gate A interpreter it resolved into the hook, so neither the server's PATH nor the pusher picks it", () => {
    const exe = spawnSync('python3', ['-I', '-S', '-c', 'import sys; print(sys.executable)'], { env: sb.env, encoding: 'utf8' });
    if (exe.status !== 0) return expect.fail('python3 is required on this machine (the CI installs it)');
    const r = installServer('--config', policyFile());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Gate A python: ${exe.stdout.trim()}`);
    const hook = readFileSync(join(bare, 'hooks/pre-receive'), 'utf8');
    expect(hook).toContain(`SAFETY_GATE_PYTHON='${exe.stdout.trim()}'; export SAFETY_GATE_PYTHON`);
    // The pin comes after the pusher's environment is read: a pusher's value cannot replace it.
    expect(hook.indexOf('SAFETY_GATE_PYTHON=')).toBeGreaterThan(hook.indexOf('unset NODE_OPTIONS'));
    // A push whose Python CPython's compiler refuses is still refused with the pusher pointing
    // SAFETY_GATE_PYTHON at something else.
    const repo = clone();
    repo.write('app/main.py', 'def f(a=1, b):\n    return a\n');
    repo.commitAll('broken python');
    const push = spawnSync('git', ['push', '--no-verify', 'origin', 'HEAD:refs/heads/main'], {
      cwd: repo.path,
      env: { ...sb.env, SAFETY_GATE_PYTHON: '/nonexistent/python' },
      encoding: 'utf8',
    });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toMatch(/remote: .*app\/main\.py:1:\d+\s+import-hygiene/);

    expect(installServer('--python', 'off').stdout).toContain('Gate A python: off');
    expect(readFileSync(join(bare, 'hooks/pre-receive'), 'utf8')).toContain("SAFETY_GATE_PYTHON='off'; export SAFETY_GATE_PYTHON");
    const bad = installServer('--python', 'python3');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--python python3 is not an absolute path of an existing file');
  });

  it('is idempotent', () => {
    const file = policyFile();
    expect(installServer('--config', file).code).toBe(0);
    const hook = readFileSync(join(bare, 'hooks/pre-receive'), 'utf8');
    const again = installServer('--config', file);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(`safety-gate: server hook already installed in ${bare}; nothing changed`);
    expect(readFileSync(join(bare, 'hooks/pre-receive'), 'utf8')).toBe(hook);
    const noConfig = installServer();
    expect(noConfig.code).toBe(0);
    expect(noConfig.stdout).toContain('nothing changed');
  });

  it('validates the policy before writing anything', () => {
    const bad = installServer('--config', policyFile('protected_targets: 3\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/policy\.yaml/);
    expect(existsSync(join(bare, 'hooks/pre-receive'))).toBe(false);
    expect(existsSync(join(bare, 'safety-gate'))).toBe(false);

    const code = installServer('--config', policyFile('module.exports = {}\n', 'policy.cjs'));
    expect(code.code).toBe(2);
    expect(code.stderr).toMatch(/must be YAML or JSON \(it is never executed\)/);

    const rel = installServer('--config', policyFile('extends: ./base.yaml\n'));
    expect(rel.code).toBe(2);
  });

  it('keeps a JSON policy as JSON and replaces a YAML one', () => {
    expect(installServer('--config', policyFile()).code).toBe(0);
    const json = policyFile(JSON.stringify({ protected_targets: { locked: ['locked/**'] } }), 'policy.json');
    const r = installServer('--config', json);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(bare, 'safety-gate/policy.json'))).toBe(true);
    expect(existsSync(join(bare, 'safety-gate/policy.yaml'))).toBe(false);
  });

  it('refuses a non-bare repository', () => {
    const work = Repo.init(sb, 'work');
    const r = runCli(['install', '--server', work.path], { cwd: sb.dir, env: sb.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a bare git repository/);
  });

  it('leaves a foreign pre-receive alone, and with --force chains it after the gate', () => {
    const hook = join(bare, 'hooks/pre-receive');
    writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do echo "legacy saw $ref"; done\n');
    chmodSync(hook, 0o755);
    const refused = installServer('--config', policyFile());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/pre-receive exists and was not installed by safety-gate; not replacing it — rerun with --force/);
    expect(readFileSync(hook, 'utf8')).toContain('legacy saw');

    const forced = installServer('--config', policyFile(), '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(bare, 'hooks/pre-receive.orig'), 'utf8')).toContain('legacy saw');
    expect(forced.stdout).toContain('chained:');
    expect(installServer('--config', policyFile()).stdout).toContain('nothing changed');

    const repo = clone();
    repo.write('README.md', 'hello\n');
    repo.commitAll('clean');
    const ok = repo.gitResult(['push', 'origin', 'main']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toContain('remote: legacy saw refs/heads/main');

    repo.write('locked/x', 'nope\n');
    repo.commitAll('touch locked');
    const blocked = repo.gitResult(['push', 'origin', 'main']);
    expect(blocked.status).not.toBe(0);
    expect(blocked.stderr).toMatch(/remote: .*protected-target/);
    expect(blocked.stderr).not.toContain('legacy saw');
  });
});
