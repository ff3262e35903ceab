// A protected path that is itself a symlink: what it points at is what pre-commit, CI and the
// gate read, so the target is protected with the link's groups. Real git, a bare server with the
// pre-receive hook, `git push --no-verify`, real ssh-keygen approvals.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';
import { approvalsPolicy, makeKeys, type Keys, type Person } from './approval-keys.js';

let sb: Sandbox;
let server: Server;
let repo: Repo;
let keys: Keys;
const REPO_ID = 'acme/trading';

beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['alice', 'bob', 'mallory']);
  server = createServer(
    sb,
    {
      extends: [],
      limits: { deadline_ms: { 'pre-receive': 60000 } },
      protected_targets: { 'hook-installs': ['.pre-commit-config.yaml'], 'ci-workflows': ['.github/workflows/**'] },
      // hook-installs needs oncall (bob); anything else the default, security (alice).
      approvals: approvalsPolicy(keys, REPO_ID, { protected: { 'hook-installs': ['oncall'] } }),
    },
    { hookEnv: 'export REMOTE_USER=mallory\n' },
  );
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  repo.write('conf/pc.yaml', 'repos: []\n');
  repo.commitAll('seed');
  expect(pushMain().code).toBe(0);
});
afterEach(() => sb.cleanup());

const link = (target: string, path: string) => {
  mkdirSync(join(repo.path, path, '..'), { recursive: true });
  symlinkSync(target, join(repo.path, path));
};
const approve = (who: Person) => {
  const r = runCli(['approve', 'HEAD', '--key', keys.key(who), '--repo-id', REPO_ID], { cwd: repo.path, env: repo.env });
  expect(r.code, r.stderr).toBe(0);
};
function pushMain(): { code: number | null; out: string } {
  const notes = repo.gitResult(['rev-parse', '-q', '--verify', 'refs/notes/safety-gate']).status === 0;
  return push(repo, ['--no-verify', 'origin', 'HEAD:refs/heads/main', ...(notes ? ['refs/notes/safety-gate'] : [])]);
}
/** Land commits without the gate (the server's history before it was installed). */
function seedWithoutHook(): void {
  const hook = join(server.path, 'hooks', 'pre-receive');
  renameSync(hook, `${hook}.off`);
  expect(pushMain().code).toBe(0);
  renameSync(`${hook}.off`, hook);
}
const EVIL = 'repos: [{repo: local, hooks: [{id: x, name: x, entry: "true", language: system}]}]\n';

describe('the target of a protected symlink is protected', () => {
  it('an approved link to conf/pc.yaml, then an edit of conf/pc.yaml alone: blocked, closed by the group approver', () => {
    link('conf/pc.yaml', '.pre-commit-config.yaml');
    repo.commitAll('pre-commit config lives in conf/');
    const blocked = pushMain();
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toMatch(/remote: .*protected file \.pre-commit-config\.yaml/);
    approve('bob');
    expect(pushMain().code).toBe(0);

    repo.write('conf/pc.yaml', EVIL);
    const tip = repo.commitAll('edit link target');
    const r = pushMain();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /remote: .*protected file conf\/pc\.yaml \(visible as \.pre-commit-config\.yaml through symlink \.pre-commit-config\.yaml \(group hook-installs\)\) modified/,
    );
    expect(server.ref('refs/heads/main')).not.toBe(tip);
    // The link's group decides who approves: bob (oncall) is enough, as for the link itself.
    approve('bob');
    const ok = pushMain();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by bob@example\.com/);
    expect(server.ref('refs/heads/main')).toBe(tip);
  });

  it('through a chain of a file link and a directory link', () => {
    link('conf', 'c');
    link('c/pc.yaml', 'a.yaml');
    link('a.yaml', '.pre-commit-config.yaml');
    repo.commitAll('chain');
    seedWithoutHook();
    repo.write('conf/pc.yaml', EVIL);
    repo.commitAll('edit the end of the chain');
    const r = pushMain();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /remote: .*protected file conf\/pc\.yaml \(visible as \.pre-commit-config\.yaml through symlink \.pre-commit-config\.yaml → a\.yaml → c \(group hook-installs\)\)/,
    );
  });

  it('a protected directory that is a link: files added under its target', () => {
    link('../wf', '.github/workflows');
    repo.write('wf/ci.yml', 'on: push\njobs: {}\n');
    repo.commitAll('workflows live in wf/');
    seedWithoutHook();
    repo.write('wf/deploy.yml', 'on: push\njobs: {d: {runs-on: x, steps: [{run: curl evil}]}}\n');
    repo.commitAll('add a workflow through the link');
    const r = pushMain();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/remote: .*protected file wf\/deploy\.yml \(visible as \.github\/workflows\/deploy\.yml/);
  });

  it('the commit that retargets the link is judged with the links before it too', () => {
    link('conf/pc.yaml', '.pre-commit-config.yaml');
    repo.commitAll('link');
    seedWithoutHook();
    repo.git('rm', '-q', '.pre-commit-config.yaml');
    repo.write('conf/pc.yaml', EVIL);
    repo.commitAll('drop the link and edit its old target');
    const r = pushMain();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/remote: .*conf\/pc\.yaml .*visible as \.pre-commit-config\.yaml through symlink \.pre-commit-config\.yaml \(before this change\)/);
  });

  it('an unrelated file next to the link still passes', () => {
    link('conf/pc.yaml', '.pre-commit-config.yaml');
    repo.commitAll('link');
    seedWithoutHook();
    repo.write('conf/other.yaml', 'x: 1\n');
    repo.commitAll('unrelated');
    const r = pushMain();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: safety-gate: passed/);
  });
});

describe('every door: client pre-commit and the agent PreToolUse hook', () => {
  let local: Repo;
  beforeEach(() => {
    local = Repo.init(sb, 'local');
    local.write('safety-gate.config.yaml', 'extends: []\nprotected_targets:\n  hook-installs: [".pre-commit-config.yaml"]\n');
    local.write('conf/pc.yaml', 'repos: []\n');
    symlinkSync('conf/pc.yaml', join(local.path, '.pre-commit-config.yaml'));
    local.commitAll('base with the link');
  });

  it('pre-commit: staging an edit of the link target is refused', () => {
    local.write('conf/pc.yaml', EVIL);
    local.git('add', 'conf/pc.yaml');
    const r = runCli(['hook', 'pre-commit'], { cwd: local.path, env: sb.env });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/protected file conf\/pc\.yaml \(visible as \.pre-commit-config\.yaml through symlink \.pre-commit-config\.yaml \(group hook-installs\)\)/);
  });

  it('pre-tool-use: an agent Write of the link target is refused before it happens', () => {
    const input = JSON.stringify({
      session_id: 's',
      cwd: local.path,
      hook_event_name: 'PreToolUse',
      tool_name: 'Write',
      tool_input: { file_path: join(local.path, 'conf/pc.yaml'), content: EVIL },
    });
    const r = runCli(['hook', 'pre-tool-use'], { cwd: local.path, env: sb.env, input });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/protected-target/);
    expect(r.stderr).toContain('.pre-commit-config.yaml');
  });
});
