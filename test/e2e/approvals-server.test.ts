// Signed approvals at the server: real git, real ssh-keygen keys made here, a bare repository
// whose pre-receive hook runs the built CLI. Commits are made with --no-verify; the approval
// travels in refs/notes/safety-gate. Every refusal is asserted by its one line.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';
import { approvalsPolicy as sharedPolicy, makeKeys, type Keys, type Person } from './approval-keys.js';

let sb: Sandbox;
let server: Server;
let repo: Repo;
let keys: Keys;
const REPO_ID = 'acme/trading';
const key = (p: Person) => keys.key(p);

beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir);
});
afterEach(() => sb.cleanup());

const approvalsPolicy = (extra: Record<string, unknown> = {}) => sharedPolicy(keys, REPO_ID, extra);

function setup(policy: Record<string, unknown> = {}, hookEnv = 'export REMOTE_USER=dave\n'): void {
  server = createServer(
    sb,
    {
      extends: [],
      limits: { deadline_ms: { 'pre-receive': 60000 } },
      protected_targets: { 'ci-workflows': ['.github/workflows/**'], 'safety-gate-policy': ['safety-gate.config.yaml'] },
      approvals: approvalsPolicy(),
      ...policy,
    },
    { hookEnv },
  );
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  repo.write('README.md', 'hello\n');
  repo.commitAll('seed');
  expect(pushAll().code).toBe(0);
}

function approve(who: Person, args: string[] = ['HEAD']): void {
  const r = runCli(['approve', ...args, '--key', key(who), '--repo-id', REPO_ID], { cwd: repo.path, env: repo.env });
  expect(r.code, r.stderr).toBe(0);
}

function pushAll(): { code: number | null; out: string } {
  const notes = repo.gitResult(['rev-parse', '-q', '--verify', 'refs/notes/safety-gate']).status === 0;
  return push(repo, ['origin', 'HEAD:refs/heads/main', ...(notes ? ['refs/notes/safety-gate'] : [])]);
}

function workflowChange(): string {
  repo.write('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  return repo.commitAll('ci: add workflow');
}

function noteLines(rev = 'HEAD'): string[] {
  return repo.git('notes', '--ref=refs/notes/safety-gate', 'show', rev).split('\n').filter(Boolean);
}

function setNote(lines: string[], rev = 'HEAD'): void {
  repo.gitResult(['notes', '--ref=refs/notes/safety-gate', 'add', '-f', '-F', '-', rev], { input: lines.join('\n') + '\n' });
}

/** Re-sign an entry's (possibly edited) statement with another key or namespace. */
function resign(line: string, edit: (s: Record<string, unknown>) => void, who: Person, namespace = 'safety-gate-approval'): string {
  const [tag, v, data] = line.split(' ');
  const st = JSON.parse(Buffer.from(data!, 'base64').toString('utf8'));
  edit(st);
  const sorted = JSON.stringify(Object.fromEntries(Object.entries(st).sort(([a], [b]) => (a < b ? -1 : 1))));
  const sig = execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', key(who), '-n', namespace], { input: sorted, encoding: 'utf8' });
  const blob = sig.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  return `${tag} ${v} ${Buffer.from(sorted).toString('base64')} ${blob}`;
}

function expectRejected(r: { code: number | null; out: string }, line: RegExp): void {
  expect(r.code).not.toBe(0);
  expect(r.out).toMatch(
    /remote: .*protected-target .*protected file \.github\/workflows\/ci\.yml \(group ci-workflows\) added: no approved generator writes it: needs a signed approval/,
  );
  expect(r.out).toMatch(line);
  expect(server.ref('refs/heads/main')).not.toBe(repo.head());
}

describe('signed approvals at the server', () => {
  it('a protected change with a valid approval lands through --no-verify and push', () => {
    setup();
    const c = workflowChange();
    approve('alice', ['HEAD', '--reason', 'reviewed the new CI job', '--ref', 'main', '--covers', 'ci-workflows']);
    const r = pushAll();
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(
      /remote: warnings:\s*\nremote: \.github\/workflows\/ci\.yml\s+protected-target\s+approved by alice@example.com \(reviewed the new CI job\): protected file \.github\/workflows\/ci\.yml/,
    );
    expect(server.ref('refs/heads/main')).toBe(c);
    const last = JSON.parse(server.auditLines().at(-1)!);
    expect(last.decision).toBe('pass');
    expect(last.findings).toContainEqual(
      expect.objectContaining({ rule: 'protected-target', severity: 'warn', commit: c, approved_by: 'alice@example.com (reviewed the new CI job)' }),
    );
  });

  it('without any approval the push is refused and says what is missing', () => {
    setup();
    const c = workflowChange();
    expectRejected(pushAll(), new RegExp(`no signed approval for commit ${c.slice(0, 12)} in refs/notes/safety-gate`));
  });

  it('a forged signature (statement altered after signing)', () => {
    setup();
    workflowChange();
    approve('alice');
    const [line] = noteLines();
    const [tag, v, data, sig] = line!.split(' ');
    const st = JSON.parse(Buffer.from(data!, 'base64').toString('utf8'));
    st.reason = 'altered';
    const sorted = JSON.stringify(Object.fromEntries(Object.entries(st).sort(([a], [b]) => (a < b ? -1 : 1))));
    setNote([`${tag} ${v} ${Buffer.from(sorted).toString('base64')} ${sig}`]);
    expectRejected(pushAll(), /the signature of alice@example.com's statement does not verify \(statement altered or signature forged\)/);
  });

  it('a statement for another commit', () => {
    setup();
    repo.write('docs/a.md', 'a\n');
    const other = repo.commitAll('docs');
    approve('alice');
    const c = workflowChange();
    repo.git('notes', '--ref=refs/notes/safety-gate', 'copy', other, c);
    expectRejected(pushAll(), new RegExp(`alice@example.com: the statement is for commit ${other.slice(0, 12)}, not ${c.slice(0, 12)}`));
  });

  it('a statement for another ref', () => {
    setup();
    workflowChange();
    approve('alice', ['HEAD', '--ref', 'release/*']);
    expectRejected(pushAll(), /alice@example.com: the statement is for refs matching release\/\*, not refs\/heads\/main/);
  });

  it('an expired statement', async () => {
    setup();
    workflowChange();
    approve('alice', ['HEAD', '--expires', '1s']);
    await new Promise((r) => setTimeout(r, 1500));
    expectRejected(pushAll(), /alice@example.com: the statement expired at \d{4}-\d\d-\d\dT/);
  });

  it('a statement signed for another namespace', () => {
    setup();
    workflowChange();
    approve('alice');
    setNote([resign(noteLines()[0]!, () => undefined, 'alice', 'git')]);
    expectRejected(pushAll(), /a statement is signed for namespace "git", not "safety-gate-approval"/);
  });

  it('a key the server does not know', () => {
    setup();
    workflowChange();
    approve('eve');
    expectRejected(pushAll(), /a statement is signed by a key that is not in the allowed signers \(SHA256:/);
  });

  it('a revoked key', () => {
    setup();
    workflowChange();
    approve('rita');
    expectRejected(pushAll(), /a statement is signed by a revoked key of rita@example.com \(SHA256:/);
  });

  it('the approver is the author', () => {
    setup();
    workflowChange();
    approve('author');
    expectRejected(pushAll(), /author@example.com: author@example.com is the commit's author; an approver is never the author, committer or pusher/);
  });

  it('the approver is the pusher', () => {
    setup();
    workflowChange();
    approve('dave');
    expectRejected(pushAll(), /dave@example.com: dave@example.com is the pusher \(remote-user user dave\); an approver is never the author, committer or pusher/);
  });

  it('fails closed when the platform does not name the pusher', () => {
    setup({}, '');
    workflowChange();
    approve('alice');
    expectRejected(
      pushAll(),
      /alice@example.com: the platform did not name the pusher \(GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER\), so no approval can be checked against it/,
    );
  });

  it('a statement placed in the pushed tree instead of the notes ref counts for nothing', () => {
    setup();
    const c = workflowChange();
    approve('alice');
    const line = noteLines()[0]!;
    repo.git('notes', '--ref=refs/notes/safety-gate', 'remove', c);
    repo.git('update-ref', '-d', 'refs/notes/safety-gate');
    repo.write(`.safety-gate/approvals/${c}`, line + '\n');
    repo.write('notes/safety-gate', line + '\n');
    repo.commitAll('carry the approval in the tree');
    expectRejected(pushAll(), new RegExp(`no signed approval for commit ${c.slice(0, 12)} in refs/notes/safety-gate`));
  });

  it('a policy in the pushed tree that names its own approvers approves nothing', () => {
    setup();
    repo.write('safety-gate.config.yaml', stringify({ approvals: { ...approvalsPolicy(), allowed_signers: 'my_signers', roles: { security: ['mallory@example.com'] } } }));
    repo.write('my_signers', `mallory@example.com ${keys.pub('mallory')}\n`);
    repo.commitAll('policy: mallory reviews security');
    approve('mallory');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /protected file safety-gate.config.yaml \(group safety-gate-policy\) added: no approved generator writes it: needs a signed approval \(safety-gate approve\); mallory@example.com holds no role that may approve safety-gate-policy \(security; roles come from the server policy\)/,
    );
  });

  it('each protected group of a path is satisfied on its own: a broader group never widens a narrower one', () => {
    setup({
      protected_targets: { everything: ['**/*.yml'], 'ci-workflows': ['.github/workflows/**'] },
      approvals: approvalsPolicy({ protected: { everything: ['dev'], 'ci-workflows': { roles: ['security'], threshold: 2 } } }),
    });
    workflowChange();
    approve('mallory');
    approve('alice');
    approve('alice2');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/ci-workflows needs 2 distinct approvers holding security; only alice@example.com approved \(one person counts once\)/);
    approve('carol');
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by (?=.*mallory@example.com)(?=.*alice@example.com)(?=.*carol@example.com)/);
  });

  it('paths are matched raw: quotes, tabs and non-ASCII names in a protected folder stay protected', () => {
    setup();
    repo.write('.github/workflows/"évil"\tname.yml', 'on: push\n');
    repo.commitAll('odd name');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/\(group ci-workflows\) added: no approved generator writes it: needs a signed approval/);
    approve('alice');
    expect(pushAll().code).toBe(0);
  });
});

describe('policy_source: branch', () => {
  const branchPolicy = (approvals: Record<string, unknown>) => ({
    extends: [],
    limits: { deadline_ms: { 'pre-receive': 60000 } },
    protected_targets: { 'ci-workflows': ['.github/workflows/**'], 'safety-gate-policy': ['safety-gate.config.yaml'] },
    approvals,
  });

  it('a pushed policy never approves itself, never relaxes the rules judging its push, and cannot swap the allowed signers', () => {
    setup({ server: { policy_source: 'branch', policy_branch: 'main', policy_path: 'safety-gate.config.yaml' } });
    // Bootstrap: the team's policy lands on main with the admin's (alice's) approval.
    repo.write('safety-gate.config.yaml', stringify(branchPolicy(approvalsPolicy())));
    repo.commitAll('adopt the policy');
    approve('alice', ['HEAD', '--reason', 'bootstrap']);
    const boot = pushAll();
    expect(boot.code, boot.out).toBe(0);

    // A push that makes mallory the security role and turns protection off, signed by mallory.
    repo.write('safety-gate.config.yaml', stringify({ ...branchPolicy(approvalsPolicy({ roles: { security: ['mallory@example.com'] } })), rules: { 'protected-target': 'off' } }));
    repo.commitAll('policy: mallory reviews, nothing is protected');
    approve('mallory');
    const self = pushAll();
    expect(self.code).not.toBe(0);
    expect(self.out).toMatch(
      /protected file safety-gate.config.yaml \(group safety-gate-policy\) modified: .*mallory@example.com holds no role that may approve safety-gate-policy \(security; roles come from the server policy\)/,
    );

    // Even a policy alice approved cannot point the server at other allowed signers.
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const evil = join(sb.dir, 'evil_signers');
    writeFileSync(evil, `alice@example.com ${keys.pub('eve')}\n`);
    repo.write('safety-gate.config.yaml', stringify(branchPolicy(approvalsPolicy({ allowed_signers: evil }))));
    repo.commitAll('policy: new signers file');
    approve('alice', ['HEAD', '--reason', 'looked fine']);
    expect(pushAll().code).toBe(0);
    workflowChange();
    approve('eve');
    expectRejected(pushAll(), /a statement is signed by a key that is not in the allowed signers \(SHA256:/);
  });
  it('every file the branch policy is read from is protected, whatever its name: its extends chain and the server policy_path', () => {
    setup({ server: { policy_source: 'branch', policy_branch: 'main', policy_path: 'ops/gate/policy.yaml' } });
    repo.write('ops/gate/policy.yaml', stringify({ ...branchPolicy(approvalsPolicy()), extends: ['../base.yaml'] }));
    repo.write('ops/base.yaml', stringify({ rules: { 'agent-mode': 'block' } }));
    repo.commitAll('adopt the policy');
    approve('alice', ['HEAD', '--reason', 'bootstrap']);
    const boot = pushAll();
    expect(boot.code, boot.out).toBe(0);

    // The extends chain: turning a rule off in the base file is a change to the policy.
    repo.write('ops/base.yaml', stringify({ rules: { 'agent-mode': 'off' } }));
    repo.commitAll('base: quieter');
    const refused = (r: { code: number | null; out: string }, line: RegExp) => {
      expect(r.code, r.out).toBe(1);
      expect(r.out).toMatch(line);
      expect(server.ref('refs/heads/main')).not.toBe(repo.head());
    };
    refused(
      pushAll(),
      /protected file ops\/base\.yaml \(a file the policy is read from\) modified: no approved generator writes it: needs a signed approval .*; no signed approval for commit [0-9a-f]{12}/,
    );
    approve('alice', ['HEAD', '--reason', 'reviewed SEC-40']);
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by alice@example.com \(reviewed SEC-40\): protected file ops\/base\.yaml/);

    // The policy_path itself, which no group names.
    repo.write('ops/gate/policy.yaml', stringify({ ...branchPolicy(approvalsPolicy()), extends: ['../base.yaml'], rules: { 'protected-target': 'off' } }));
    repo.commitAll('policy: nothing protected');
    refused(pushAll(), /protected file ops\/gate\/policy\.yaml \(a file the policy is read from\) modified: no approved generator writes it/);
  });
});

describe('the same approvals close other reviews', () => {
  it('a new live-endpoint exception needs an approval from approvals.exceptions', () => {
    setup();
    repo.write('config/quotes.py', 'QUOTES = "https://api.alpaca.markets/v2"  # safety-gate: allow live-endpoint -- read-only quotes for the ops dashboard\n');
    repo.commitAll('quotes');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /live-endpoint\/new-exception\s+new inline exception for live-endpoint: "read-only quotes for the ops dashboard" \(it suppresses: live Alpaca host api\.alpaca\.markets in runtime scope\); no signed approval for commit [0-9a-f]{12} in refs\/notes\/safety-gate/,
    );
    approve('mallory');
    const m = pushAll();
    expect(m.out).toMatch(/mallory@example.com holds no role that may approve live-endpoint\/new-exception \(security; roles come from the server policy\)/);
    approve('alice', ['HEAD', '--reason', 'security review SEC-7']);
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/live-endpoint\/new-exception\s+approved by alice@example.com \(security review SEC-7\): new inline exception for live-endpoint/);
  });

  it('a new inline exception of any rule (agent-mode) closes the same way, by approvals.exceptions', () => {
    setup();
    repo.write('config/replay.env', 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- shadow replay harness, never deployed (SEC-31)\n');
    repo.commitAll('replay harness');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/agent-mode\/new-exception\s+new inline exception for agent-mode: "shadow replay harness, never deployed \(SEC-31\)"/);
    expect(r.out).not.toMatch(/ agent-mode {2}AGENT_MODE/);
    approve('mallory');
    expect(pushAll().out).toMatch(/mallory@example.com holds no role that may approve agent-mode\/new-exception \(security; roles come from the server policy\)/);
    approve('alice', ['HEAD', '--reason', 'security review SEC-31']);
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/agent-mode\/new-exception\s+approved by alice@example.com \(security review SEC-31\): new inline exception for agent-mode/);
  });

  it('a task-scope "pending review" closes with an approval', () => {
    setup();
    repo.write('src/a.ts', 'export const a = 1;\n').write('src/b.ts', 'export const b = 1;\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'agent change', '--trailer', 'Task-Scope: file:src/a.ts', '--trailer', 'Run-Id: run-9');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/task-scope\s+out of scope, pending review: src\/b\.ts added, outside the scope of task run-9.*no signed approval for commit/);
    approve('alice', ['HEAD', '--reason', 'b.ts belongs to the change', '--covers', 'task-scope']);
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/task-scope\s+approved by alice@example.com \(b\.ts belongs to the change\): out of scope, pending review: src\/b\.ts/);
  });
});

describe('break-glass at the server', () => {
  function incidentChange(): string {
    repo.write('config/app.env', 'APCA_API_BASE_URL=https://api.alpaca.markets\n');
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    return repo.commitAll('hotfix: route to the live host');
  }
  const glass = (bypass: string) => ['HEAD', '--break-glass', '--incident', 'INC-42', '--bypass', bypass, '--rollback', 'git revert HEAD', '--reason', 'broker outage'];

  it('a range: both sign base..HEAD, and exactly those commits pass', () => {
    setup();
    const base = repo.head();
    repo.write('config/a.env', 'APCA_API_BASE_URL=https://api.alpaca.markets\n');
    const c1 = repo.commitAll('hotfix 1');
    repo.write('config/b.env', 'APCA_API_BASE_URL=https://api.alpaca.markets\n');
    const c2 = repo.commitAll('hotfix 2');
    const range = [`${base}..HEAD`, '--break-glass', '--incident', 'INC-7', '--bypass', 'live-endpoint', '--rollback', 'git revert HEAD~2..HEAD'];
    approve('alice', range);
    approve('bob', range);
    repo.write('config/c.env', 'APCA_API_BASE_URL=https://api.alpaca.markets\n');
    repo.commitAll('not part of the incident');
    const outside = pushAll();
    expect(outside.code).not.toBe(0);
    expect(outside.out).toMatch(/config\/c\.env:1:\d+\s+live-endpoint\s+live Alpaca host/);
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const r = pushAll();
    expect(r.code, r.out).toBe(0);
    const rec = JSON.parse(server.auditLines().at(-1)!);
    expect(rec.decision).toBe('override');
    expect(rec.commits).toEqual(expect.arrayContaining([c1, c2]));
    expect(rec.override).toMatchObject({ incident: 'INC-7', checks_bypassed: ['live-endpoint'] });
  });

  it('one person signing twice does not make two', () => {
    setup();
    incidentChange();
    approve('alice', glass('live-endpoint,protected-target'));
    approve('alice2', glass('live-endpoint,protected-target'));
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/break-glass INC-42 needs 2 distinct people, one from each of the roles security, oncall; signed by alice@example.com only \(one person counts once\)/);
  });

  it('lands with both approvals and exactly the listed rules relaxed; audit overdue reports it until the follow-up lands', () => {
    setup();
    const c = incidentChange();
    approve('alice', glass('live-endpoint'));
    approve('bob', glass('live-endpoint'));
    const partial = pushAll();
    expect(partial.code).not.toBe(0);
    expect(partial.out).toMatch(/bypassed under break-glass INC-42 \(approved by alice@example.com and bob@example.com\): .*api\.alpaca\.markets/);
    expect(partial.out).toMatch(/protected file \.github\/workflows\/ci\.yml \(group ci-workflows\) added/);

    // Both sign again, bypassing both rules: the note keeps every entry (merge, never overwrite).
    approve('alice', glass('live-endpoint,protected-target'));
    approve('bob', glass('live-endpoint,protected-target'));
    expect(noteLines().length).toBe(4);
    const r = pushAll();
    expect(r.code, r.out).toBe(0);
    expect(server.ref('refs/heads/main')).toBe(c);
    const rec = JSON.parse(server.auditLines().at(-1)!);
    expect(rec.decision).toBe('override');
    expect(rec.retention_class).toBe('override-7y');
    expect(rec.commits).toContain(c);
    expect(rec.override).toMatchObject({ incident: 'INC-42', checks_bypassed: ['live-endpoint', 'protected-target'], reason: 'broker outage', rollback: 'git revert HEAD' });
    expect(rec.override.approvers.map((a: { name: string }) => a.name)).toEqual(['alice@example.com', 'bob@example.com']);
    expect(rec.override.approvers[0].time).toMatch(/^\d{4}-/);

    const later = new Date(Date.now() + 25 * 3_600_000).toISOString();
    const pending = runCli(['audit', 'overdue'], { cwd: server.path, env: sb.env });
    expect(pending.code).toBe(0);
    expect(pending.stdout).toMatch(/^pending break-glass INC-42 on refs\/heads\/main/);
    const late = runCli(['audit', 'overdue', '--now', later], { cwd: server.path, env: sb.env });
    expect(late.code).toBe(1);
    expect(late.stdout).toMatch(
      /^OVERDUE break-glass INC-42 on refs\/heads\/main at .* \(approved by alice@example.com and bob@example.com; bypassed live-endpoint, protected-target\): no follow-up naming "Incident: INC-42" passed the gate by /,
    );

    // The follow-up: back to the paper host, naming the incident, nothing bypassed.
    repo.write('config/app.env', 'APCA_API_BASE_URL=https://paper-api.alpaca.markets\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'restore the paper host\n\nIncident: INC-42');
    const f = pushAll();
    expect(f.code, f.out).toBe(0);
    expect(runCli(['audit', 'verify'], { cwd: server.path, env: sb.env }).code).toBe(0);
    const done = runCli(['audit', 'overdue', '--now', later], { cwd: server.path, env: sb.env });
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toMatch(/no break-glass use is waiting for its follow-up/);
  });
});

// Red-team findings 4, 5, 8 and the ref-bound half of 2 (REDTEAM-FINDINGS.md): who the pusher
// is, who counts as one person, the notes ref that holds every approval, and the ref an approval
// is bound to.
describe('identities and refs, fail closed', () => {
  /** The platform's name for the pusher, as the hook sees it (REMOTE_USER). */
  function setPusher(name: string): void {
    const hook = join(server.path, 'hooks', 'pre-receive');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(/^export REMOTE_USER=.*$/m, `export REMOTE_USER=${name}`));
  }

  it('the pusher is the approver under another spelling of a mapped name, or by the local part of the principal', () => {
    setup({ approvals: approvalsPolicy({ identities: { dave: 'dave@example.com', 'Alice-gh': ' Alice@Example.com ' } }) });
    const c = workflowChange();
    approve('alice');
    setPusher('ALICE-GH');
    expectRejected(pushAll(), /alice@example.com: alice@example.com is the pusher \(remote-user user ALICE-GH\); an approver is never the author, committer or pusher/);
    // Not in identities at all: the platform name is the local part of the approver's principal.
    setPusher('Alice');
    expectRejected(pushAll(), /alice@example.com: alice@example.com is the pusher \(remote-user user Alice\); an approver is never the author, committer or pusher/);
    setPusher('ALICE@example.COM');
    expectRejected(pushAll(), /alice@example.com: alice@example.com is the pusher \(remote-user user ALICE@example.COM\)/);
    // Someone else pushes alice's approval: it counts.
    setPusher('bob');
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by alice@example.com/);
    expect(server.ref('refs/heads/main')).toBe(c);
  });

  it('one person counts once however the allowed_signers and roles spell the principal', () => {
    const spelled = readFileSync(keys.allowedSigners, 'utf8').replace(`alice@example.com ${keys.pub('alice2')}`, `Alice@Example.COM ${keys.pub('alice2')}`);
    expect(spelled).toContain('Alice@Example.COM');
    writeFileSync(keys.allowedSigners, spelled);
    const base = approvalsPolicy();
    const roles = base.roles as Record<string, string[]>;
    setup({
      approvals: approvalsPolicy({
        roles: { ...roles, security: [' ALICE@example.com ', 'carol@example.com'] },
        protected: { 'ci-workflows': { roles: ['security'], threshold: 2 }, 'safety-gate-policy': ['security'] },
      }),
    });
    workflowChange();
    approve('alice');
    approve('alice2');
    const r = pushAll();
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/ci-workflows needs 2 distinct approvers holding security; only alice@example.com approved \(one person counts once\)/);
    // Break-glass: the same person as security and as oncall is still one person.
    repo.write('config/app.env', 'APCA_API_BASE_URL=https://api.alpaca.markets\n');
    repo.commitAll('hotfix');
    const glass = ['HEAD', '--break-glass', '--incident', 'INC-9', '--bypass', 'live-endpoint', '--rollback', 'git revert HEAD', '--reason', 'outage'];
    approve('alice', glass);
    approve('alice2', glass);
    const g = pushAll();
    expect(g.code).not.toBe(0);
    expect(g.out).toMatch(/break-glass INC-9 needs 2 distinct people, one from each of the roles security, oncall; signed by alice@example.com only \(one person counts once\)/);
    // A second person meets the threshold.
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    approve('carol');
    const ok = pushAll();
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by (?=.*alice@example.com)(?=.*carol@example.com)/);
  });

  it('a push that deletes or rewinds the approvals notes ref is refused', () => {
    setup();
    const c = workflowChange();
    approve('alice');
    expect(pushAll().code).toBe(0);
    const notes = server.ref('refs/notes/safety-gate');
    expect(notes).toBeTruthy();
    const del = push(repo, ['origin', ':refs/notes/safety-gate']);
    expect(del.code).not.toBe(0);
    expect(del.out).toMatch(/remote: .*ref-integrity\/notes-ref\s+this push deletes refs\/notes\/safety-gate, the signed approvals and their evidence/);
    expect(server.ref('refs/notes/safety-gate')).toBe(notes);
    // A fast-forward (one more approval) is fine; rewinding it afterwards is not.
    approve('carol', [c]);
    const ff = push(repo, ['origin', 'refs/notes/safety-gate']);
    expect(ff.code, ff.out).toBe(0);
    repo.git('update-ref', 'refs/notes/safety-gate', notes!);
    const rewind = push(repo, ['origin', '+refs/notes/safety-gate']);
    expect(rewind.code).not.toBe(0);
    expect(rewind.out).toMatch(/remote: .*ref-integrity\/notes-ref\s+this push rewrites refs\/notes\/safety-gate \(not a fast-forward\), the signed approvals and their evidence/);
    expect(server.ref('refs/notes/safety-gate')).not.toBe(notes);
    // Still judged like any ref: naming a tree is refused.
    const tree = push(repo, ['origin', `${repo.git('rev-parse', 'HEAD^{tree}').trim()}:refs/notes/safety-gate-checks`]);
    expect(tree.code).not.toBe(0);
    expect(tree.out).toMatch(/ref-integrity\/non-commit-ref\s+refs\/notes\/safety-gate-checks names a tree/);
    // The required-checks notes ref is kept the same way.
    expect(push(repo, ['origin', `${c}:refs/notes/safety-gate-checks`]).code).toBe(0);
    const delChecks = push(repo, ['origin', ':refs/notes/safety-gate-checks']);
    expect(delChecks.code).not.toBe(0);
    expect(delChecks.out).toMatch(/ref-integrity\/notes-ref\s+this push deletes refs\/notes\/safety-gate-checks/);
  });

  it('an approval bound to release/* does not count for main when one push lands the commit on both', () => {
    setup();
    const c = workflowChange();
    approve('alice', ['HEAD', '--ref', 'release/*']);
    repo.write('docs/notes.md', 'release notes\n');
    repo.commitAll('docs on top');
    // release/1 gets the approved commit, main a descendant of it: the commit lands on main too.
    const r = push(repo, ['origin', `${c}:refs/heads/release/1`, 'HEAD:refs/heads/main', 'refs/notes/safety-gate']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/alice@example.com: the statement is for refs matching release\/\*, not refs\/heads\/main/);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());
    expect(server.ref('refs/heads/release/1')).toBeNull();
    // The same commit for release/1 alone lands.
    const ok = push(repo, ['origin', `${c}:refs/heads/release/1`, 'refs/notes/safety-gate']);
    expect(ok.code, ok.out).toBe(0);
    expect(server.ref('refs/heads/release/1')).toBe(c);
  });
});
