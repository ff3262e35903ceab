// Deleting a protected branch is a finding (ref-integrity/protected-branch-deleted): a deletion
// adds no commit, so before this rule the gate printed "passed" and only git's own
// receive.denyDeleteCurrent stopped `:main`. Real git, a bare server with the pre-receive hook,
// `git push --no-verify`, real ssh-keygen approvals.
import { execFileSync } from 'node:child_process';
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

function setup(extra: Record<string, unknown> = {}): void {
  server = createServer(
    sb,
    { extends: [], limits: { deadline_ms: { 'pre-receive': 60000 } }, approvals: approvalsPolicy(keys, REPO_ID), ...extra },
    { hookEnv: 'export REMOTE_USER=mallory\n' },
  );
  // Deleting the current branch is allowed by git here: only the gate stands in the way.
  execFileSync('git', ['config', 'receive.denyDeleteCurrent', 'ignore'], { cwd: server.path, env: sb.env });
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  repo.write('README.md', 'hello\n');
  repo.commitAll('seed');
  for (const b of ['main', 'master', 'release/1.0', 'feature', 'policy']) expect(push(repo, ['--no-verify', 'origin', `HEAD:refs/heads/${b}`]).code).toBe(0);
}
beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['alice', 'bob', 'mallory']);
});
afterEach(() => sb.cleanup());

const del = (...refs: string[]) => push(repo, ['--no-verify', 'origin', ...refs.map((r) => `:${r}`)]);
const approve = (who: Person, args: string[]) => {
  const r = runCli(['approve', 'HEAD', '--key', keys.key(who), '--repo-id', REPO_ID, ...args], { cwd: repo.path, env: repo.env });
  expect(r.code, r.stderr).toBe(0);
};

describe('deleting a protected branch', () => {
  it('main, release/*, master and the policy branch are refused with the reason; others pass', () => {
    setup({ server: { policy_branch: 'policy' } });
    for (const b of ['main', 'master', 'release/1.0', 'policy']) {
      const r = del(`refs/heads/${b}`);
      expect(r.code, b).toBe(1);
      expect(r.out).toMatch(new RegExp(`remote: .*ref-integrity/protected-branch-deleted .*this push deletes the protected branch refs/heads/${b.replace('.', '\\.')}`));
      expect(server.ref(`refs/heads/${b}`), b).not.toBeNull();
    }
    const ok = del('refs/heads/feature');
    expect(ok.code, ok.out).toBe(0);
    expect(server.ref('refs/heads/feature')).toBeNull();
    const audit = server.auditLines().map((l) => JSON.parse(l));
    expect(audit.filter((a) => a.decision === 'block')).toHaveLength(4);
  });

  it('the list is configurable', () => {
    setup({ rules: { 'ref-integrity': { options: { protected_branches: ['feature'] } } } });
    expect(del('refs/heads/feature').code).toBe(1);
    expect(del('refs/heads/release/1.0').code).toBe(0);
    // The policy branch (default main) stays protected whatever the list says.
    expect(del('refs/heads/main').code).toBe(1);
  });

  it('an approval of the deleted tip that names the sub-rule and the ref closes it; a plain approval does not', () => {
    setup();
    approve('alice', []);
    const plain = push(repo, ['--no-verify', 'origin', ':refs/heads/release/1.0', 'refs/notes/safety-gate']);
    expect(plain.code).toBe(1);
    expect(plain.out).toMatch(/remote: .*protected-branch-deleted/);
    expect(plain.out).toMatch(/covers no rule by name, not ref-integrity\/protected-branch-deleted/);
    expect(server.ref('refs/heads/release/1.0')).not.toBeNull();

    // Bound to another ref: does not count for release/1.0.
    repo.git('notes', '--ref=refs/notes/safety-gate', 'remove', 'HEAD');
    approve('alice', ['--covers', 'ref-integrity/protected-branch-deleted', '--ref', 'main']);
    const wrongRef = push(repo, ['--no-verify', '--force', 'origin', ':refs/heads/release/1.0', 'refs/notes/safety-gate']);
    expect(wrongRef.code).toBe(1);
    expect(wrongRef.out).toMatch(/not refs\/heads\/release\/1\.0/);

    repo.git('notes', '--ref=refs/notes/safety-gate', 'remove', 'HEAD');
    approve('alice', ['--covers', 'ref-integrity/protected-branch-deleted', '--ref', 'release/*']);
    const ok = push(repo, ['--no-verify', '--force', 'origin', ':refs/heads/release/1.0', 'refs/notes/safety-gate']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by alice@example\.com/);
    expect(server.ref('refs/heads/release/1.0')).toBeNull();
  });
});
