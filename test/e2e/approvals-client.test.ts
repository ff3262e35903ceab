// Every door honours approvals: pre-commit (through `approve --staged`, which signs the staged
// tree), scan --range, pre-push, and the server, where the staged approval carries over to the
// commit made from that tree.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { approvalsPolicy, makeKeys, type Keys } from './approval-keys.js';
import { createServer, push } from './server.js';

let sb: Sandbox;
let keys: Keys;
const REPO_ID = 'acme/trading';

beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['alice', 'mallory', 'author']);
});
afterEach(() => sb.cleanup());

const POLICY = () => ({
  extends: [],
  limits: { deadline_ms: { 'pre-receive': 60000 } },
  protected_targets: { 'ci-workflows': ['.github/workflows/**'] },
  approvals: approvalsPolicy(keys, REPO_ID),
});

describe('approvals at the client doors', () => {
  it('approve --staged closes pre-commit, and the approval carries over to the commit at scan --range, pre-push and the server', () => {
    const server = createServer(sb, POLICY(), { hookEnv: 'export REMOTE_USER=dave\n' });
    execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
    const repo = new Repo(join(sb.dir, 'work'), sb.env);
    repo.write('safety-gate.config.yaml', stringify(POLICY())).write('README.md', 'hi\n');
    const base = repo.commitAll('seed');
    // The seed adds the policy, which no group protects here.
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);

    repo.write('.github/workflows/ci.yml', 'on: push\n');
    repo.git('add', '-A');
    const blocked = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: repo.env });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(
      /protected file \.github\/workflows\/ci\.yml \(group ci-workflows\) added: no approved generator writes it: needs a signed approval \(safety-gate approve\); no signed approval for the staged tree [0-9a-f]{12} in refs\/notes\/safety-gate/,
    );

    // An approval by someone without the role does not close it.
    const m = runCli(['approve', '--staged', '--key', keys.key('mallory')], { cwd: repo.path, env: repo.env });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toMatch(/approval for the staged tree [0-9a-f]{12} \(it carries over to the commit made from it\) signed and stored in refs\/notes\/safety-gate/);
    const still = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: repo.env });
    expect(still.code).toBe(1);
    expect(still.stderr).toMatch(/mallory@example.com holds no role that may approve ci-workflows \(security; roles come from the server policy\)/);

    // Nor does one by whoever will author the commit.
    expect(runCli(['approve', '--staged', '--key', keys.key('author')], { cwd: repo.path, env: repo.env }).code).toBe(0);
    const own = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: repo.env });
    expect(own.code).toBe(1);
    expect(own.stderr).toMatch(/author@example.com: author@example.com is the commit's author; an approver is never the author, committer or pusher/);

    const a = runCli(['approve', '--staged', '--key', keys.key('alice'), '--reason', 'new CI job'], { cwd: repo.path, env: repo.env });
    expect(a.code, a.stderr).toBe(0);
    const ok = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: repo.env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/approved by alice@example.com \(new CI job\): protected file \.github\/workflows\/ci\.yml/);

    repo.git('commit', '-q', '--no-verify', '-m', 'ci: add workflow');
    const c = repo.head();
    const scan = runCli(['scan', '--range', `${base}..${c}`, '--no-audit'], { cwd: repo.path, env: repo.env });
    expect(scan.code, scan.stdout + scan.stderr).toBe(0);
    expect(scan.stdout).toMatch(/approved by alice@example.com \(new CI job\)/);

    const prePush = runCli(['hook', 'pre-push', 'origin', server.url], { cwd: repo.path, env: repo.env, input: `refs/heads/main ${c} refs/heads/main ${base}\n` });
    expect(prePush.code, prePush.stderr).toBe(0);
    expect(prePush.stderr).toMatch(/approved by alice@example.com \(new CI job\)/);

    // Staging anything else changes the tree: the staged approval no longer applies.
    repo.write('.github/workflows/ci.yml', 'on: [push, pull_request]\n');
    repo.git('add', '-A');
    const changed = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: repo.env });
    expect(changed.code).toBe(1);
    repo.git('checkout', '-q', 'HEAD', '--', '.github/workflows/ci.yml');

    const r = push(repo, ['origin', 'HEAD:refs/heads/main', 'refs/notes/safety-gate']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: .*approved by alice@example.com \(new CI job\)/);
    expect(server.ref('refs/heads/main')).toBe(c);
  });
});
