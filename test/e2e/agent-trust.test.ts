// Agent trust end to end (issue 8): real git, real ssh-keygen keys made here, a bare server whose
// pre-receive hook runs the built CLI, an agent identity (pusher codex-bot, REMOTE_USER) and
// human ones. The task scope counts only from an envelope the orchestrator signed; requires_approval
// needs a person's signed approval; a retry budget is exhausted after exactly N blocked pushes and
// restarted only by a person's signed lane reset.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, type Server } from './server.js';

const REPO_ID = 'acme/pipeline';
const RUN = '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c';
const AGENT_PUSHER = 'codex-bot';

let sb: Sandbox;
let keys: Record<string, string>;
let signers: string;

// orch: the orchestrator; alice: security; mallory: a developer (no orchestrator role);
// codex: the agent's own key, put (wrongly) in every role, to show that being an agent is what refuses it.
const PEOPLE = { orch: 'orch@example.com', alice: 'alice@example.com', bob: 'bob@example.com', mallory: 'mallory@example.com', codex: 'codex@agents.example.com' } as const;
type Who = keyof typeof PEOPLE;

beforeEach(() => {
  sb = sandbox();
  const dir = join(sb.dir, 'keys');
  mkdirSync(dir);
  keys = {};
  const lines: string[] = [];
  for (const [who, principal] of Object.entries(PEOPLE)) {
    const key = join(dir, who);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', who, '-f', key]);
    keys[who] = key;
    lines.push(`${principal} ${readFileSync(`${key}.pub`, 'utf8').trim()}`);
  }
  signers = join(dir, 'allowed_signers');
  writeFileSync(signers, lines.join('\n') + '\n');
});
afterEach(() => sb.cleanup());

function policy(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    extends: ['recommended'],
    allowed_models: ['gpt-5.2-codex', 'gpt-5.2'],
    agents: { identities: ['codex-*', '*@agents.example.com'], require_signed_tasks: true },
    approvals: {
      repo_id: REPO_ID,
      allowed_signers: signers,
      roles: {
        orchestrator: ['orch@example.com', 'codex@agents.example.com'],
        security: ['alice@example.com', 'codex@agents.example.com'],
        dev: ['mallory@example.com', 'bob@example.com'],
      },
      identities: { [AGENT_PUSHER]: 'codex@agents.example.com', alice: 'alice@example.com', bob: 'bob@example.com' },
    },
    limits: { deadline_ms: { default: 60000, 'pre-receive': 60000 } },
    ...extra,
  };
}

interface World {
  server: Server;
  repo: Repo;
  seed: string;
}

function setup(serverPolicy: Record<string, unknown>): World {
  const server = createServer(sb, serverPolicy);
  const seedRepo = Repo.init(sb, 'seed');
  seedRepo.write('README.md', '# pipeline\n').write('src/a.py', 'x = 1\n').write('config/app.env', 'AGENT_MODE=OBSERVE\n');
  seedRepo.commitAll('seed');
  expect(pushAs(seedRepo, 'alice', ['-q', server.url, 'HEAD:refs/heads/main']).code).toBe(0);
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  const repo = new Repo(join(sb.dir, 'work'), sb.env);
  return { server, repo, seed: repo.head() };
}

function pushAs(repo: Repo, user: string, args: string[]): { code: number | null; out: string } {
  const r = repo.gitResult(['push', ...args], { env: { ...repo.env, REMOTE_USER: user } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

function envelope(scope: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { run_id: RUN, stage: 'cleanup', model: 'gpt-5.2-codex', reasoning_effort: 'medium', task_scope: { kind: 'file', target: scope }, ...extra };
}

/** `safety-gate task sign` as the orchestrator (or whoever `who` is) runs it; returns the trailer lines. */
function signTask(who: Who, env: Record<string, unknown>, cwd: string): string[] {
  const file = join(sb.dir, `task-${who}.json`);
  writeFileSync(file, JSON.stringify(env));
  const out = join(sb.dir, `task-${who}.trailers`);
  const r = runCli(['task', 'sign', file, '--key', keys[who]!, '--repo-id', REPO_ID, '--out', out], { cwd, env: sb.env });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toContain(`task ${RUN} (file:${(env.task_scope as { target: string }).target}) signed`);
  return readFileSync(out, 'utf8').trim().split('\n');
}

/** An agent commit (each attempt replaces the last, as an agent loop amends). */
function agentCommit(w: World, files: Record<string, string>, trailers: string[], author = { GIT_AUTHOR_NAME: 'codex', GIT_AUTHOR_EMAIL: 'codex@agents.example.com' }): string {
  w.repo.git('reset', '-q', '--hard', w.seed);
  for (const [p, c] of Object.entries(files)) w.repo.write(p, c);
  w.repo.git('add', '-A');
  const args = ['commit', '-q', '--no-verify', '-m', 'agent change', ...(trailers.length > 0 ? ['-m', trailers.join('\n')] : [])];
  const r = w.repo.gitResult(args, { env: { ...w.repo.env, ...author } });
  expect(r.status, r.stderr).toBe(0);
  return w.repo.head();
}

const agentPush = (w: World) => pushAs(w.repo, AGENT_PUSHER, ['origin', 'HEAD:refs/heads/main']);

function expectRefused(w: World, r: { code: number | null; out: string }, line: RegExp): void {
  expect(r.code, r.out).not.toBe(0);
  expect(r.out).toMatch(line);
  expect(w.server.ref('refs/heads/main')).toBe(w.seed);
}

function expectLanded(w: World, r: { code: number | null; out: string }): void {
  expect(r.code, r.out).toBe(0);
  expect(w.server.ref('refs/heads/main')).toBe(w.repo.head());
}

const lastAudit = (w: World) => JSON.parse(w.server.auditLines().at(-1)!);

describe('signed task envelopes at pre-receive', () => {
  it('refuses a scope the agent claims itself, and lands the same change under a signed envelope (model, stage, lane audited)', () => {
    const w = setup(policy());
    agentCommit(w, { 'src/a.py': 'x = 2\n' }, ['Task-Scope: file:**', `Run-Id: ${RUN}`]);
    const self = agentPush(w);
    expectRefused(
      w,
      self,
      /remote: .*task-scope\/unsigned\s+commit [0-9a-f]{12} by agent codex-bot claims Task-Scope: file:\*\* itself, without an envelope signed by the orchestrator role/,
    );
    expect(lastAudit(w).decision).toBe('block');

    const trailers = signTask('orch', envelope('src/**'), w.repo.path);
    expect(trailers.map((l) => l.split(':')[0])).toEqual(['Task-Scope', 'Run-Id', 'Task-Envelope']);
    agentCommit(w, { 'src/a.py': 'x = 2\n' }, trailers);
    const signed = agentPush(w);
    expect(signed.out).not.toContain('task-scope');
    expectLanded(w, signed);
    const rec = lastAudit(w);
    expect(rec.decision).toBe('pass');
    expect(rec.actor).toEqual({ source: 'remote-user', name: AGENT_PUSHER });
    expect(rec.task).toEqual({ run_id: RUN, stage: 'cleanup', model: 'gpt-5.2-codex', lane: `${RUN}/file:src/**` });
  });

  it('still enforces the signed scope: a diff outside it is refused', () => {
    const w = setup(policy());
    agentCommit(w, { 'src/a.py': 'x = 2\n', 'config/app.env': 'AGENT_MODE=OBSERVE\nX=1\n' }, signTask('orch', envelope('src/**'), sb.dir));
    expectRefused(w, agentPush(w), /remote: config\/app\.env\s+task-scope\s+out of scope, pending review: config\/app\.env modified, outside the scope of task 5f1d7c2e/);
  });

  it('refuses an envelope signed by a key without the orchestrator role, and one signed by the agent itself', () => {
    const w = setup(policy());
    agentCommit(w, { 'src/a.py': 'x = 2\n' }, signTask('mallory', envelope('src/**'), sb.dir));
    const dev = agentPush(w);
    expectRefused(
      w,
      dev,
      /task-scope\/signature\s+the signed task envelope of [0-9a-f]{12} does not count: the task envelope is signed by mallory@example\.com, who holds none of the roles orchestrator/,
    );
    expect(dev.out).not.toMatch(/task-scope\/unsigned/); // one finding: the signature that does not count

    agentCommit(w, { 'src/a.py': 'x = 2\n' }, signTask('codex', envelope('src/**'), sb.dir));
    expectRefused(w, agentPush(w), /task-scope\/signature\s+.*signed by codex@agents\.example\.com, an agent identity \(agents\.identities\): an agent never vouches for itself/);
  });

  it('refuses an envelope altered after signing (the signature is over the exact bytes)', () => {
    const w = setup(policy());
    const trailers = signTask('orch', envelope('src/**'), sb.dir);
    const [v, data, sig] = trailers[2]!.slice('Task-Envelope: '.length).split(' ');
    const st = JSON.parse(Buffer.from(data!, 'base64').toString('utf8'));
    st.envelope.task_scope.target = '**';
    const canonical = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(canonical)
        : x && typeof x === 'object'
          ? Object.fromEntries(
              Object.keys(x)
                .sort()
                .map((k) => [k, canonical((x as Record<string, unknown>)[k])]),
            )
          : x;
    const forged = `Task-Envelope: ${v} ${Buffer.from(JSON.stringify(canonical(st))).toString('base64')} ${sig}`;
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=OBSERVE\nX=1\n' }, ['Task-Scope: file:**', `Run-Id: ${RUN}`, forged]);
    expectRefused(w, agentPush(w), /task-scope\/signature\s+.*the signature of orch@example\.com over the task envelope does not verify \(altered or forged\)/);
  });

  it('refuses trailers that claim a wider scope than the signed envelope grants, even for a change inside it', () => {
    const w = setup(policy());
    const trailers = signTask('orch', envelope('src/**'), sb.dir);
    agentCommit(w, { 'src/a.py': 'x = 2\n' }, ['Task-Scope: file:**', ...trailers.slice(1)]);
    expectRefused(
      w,
      agentPush(w),
      /task-scope\/mismatch\s+commit trailers claim file:\*\* \(run 5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c\), but the envelope signed by orch@example\.com grants file:src\/\*\* .*a commit never widens its signed task/,
    );
  });

  it("an agent pushing commits authored under a person's email is still an agent; a person pushing an agent's commit is not", () => {
    const w = setup(policy());
    const human = { GIT_AUTHOR_NAME: 'Alice', GIT_AUTHOR_EMAIL: 'alice@example.com' };
    agentCommit(w, { 'src/a.py': 'x = 2\n' }, ['Task-Scope: file:**', `Run-Id: ${RUN}`], human);
    expect(w.repo.git('log', '-1', '--format=%ae').trim()).toBe('alice@example.com');
    expectRefused(w, agentPush(w), /task-scope\/unsigned\s+commit [0-9a-f]{12} by agent codex-bot claims/);

    // Authored under the agent's email, without trailers, pushed by a person: judged as a person's push.
    agentCommit(w, { 'src/a.py': 'x = 3\n' }, []);
    expect(w.repo.git('log', '-1', '--format=%ae').trim()).toBe('codex@agents.example.com');
    const r = pushAs(w.repo, 'alice', ['origin', 'HEAD:refs/heads/main']);
    expect(r.out).not.toContain('task-scope');
    expectLanded(w, r);
    expect(lastAudit(w).actor).toEqual({ source: 'remote-user', name: 'alice' });
  });
});

describe('requires_approval at pre-receive', () => {
  it("refuses an agent's push to main until a person approves its commit; an agent's approval does not count", () => {
    const w = setup(policy({ requires_approval: true }));
    const c = agentCommit(w, { 'src/a.py': 'x = 2\n' }, signTask('orch', envelope('src/**'), sb.dir));
    const none = agentPush(w);
    expectRefused(
      w,
      none,
      new RegExp(
        `remote: .*policy-record/approval\\s+agent push by codex-bot to protected branch refs/heads/main: commit ${c.slice(0, 12)} needs a person's signed approval \\(requires_approval: true\\); no signed approval for commit ${c.slice(0, 12)}`,
      ),
    );

    // The agent approves its own commit (its key is, wrongly, in the security role): not a person.
    const self = runCli(['approve', 'HEAD', '--key', keys.codex!, '--repo-id', REPO_ID, '--ref', 'main'], { cwd: w.repo.path, env: sb.env });
    expect(self.code, self.stderr).toBe(0);
    expectRefused(
      w,
      pushAs(w.repo, AGENT_PUSHER, ['origin', 'HEAD:refs/heads/main', 'refs/notes/safety-gate']),
      /policy-record\/approval\s+.*codex@agents\.example\.com is an agent identity \(agents\.identities\); only a person approves/,
    );

    // A person's approval: the push lands, the finding stays as a warning naming the approver.
    w.repo.git('update-ref', '-d', 'refs/notes/safety-gate');
    const ok = runCli(['approve', 'HEAD', '--key', keys.alice!, '--repo-id', REPO_ID, '--ref', 'main', '--reason', 'reviewed agent change'], { cwd: w.repo.path, env: sb.env });
    expect(ok.code, ok.stderr).toBe(0);
    const landed = pushAs(w.repo, AGENT_PUSHER, ['origin', 'HEAD:refs/heads/main', 'refs/notes/safety-gate']);
    expect(landed.out).toMatch(/policy-record\/approval\s+approved by alice@example\.com \(reviewed agent change\): agent push by codex-bot/);
    expectLanded(w, landed);
  });

  it("leaves a person pushing to main alone, even with an agent's signed commit", () => {
    const w = setup(policy({ requires_approval: true }));
    agentCommit(w, { 'src/a.py': 'x = 5\n' }, signTask('orch', envelope('src/**'), sb.dir));
    const r = pushAs(w.repo, 'alice', ['origin', 'HEAD:refs/heads/main']);
    expect(r.out).not.toContain('policy-record');
    expectLanded(w, r);
  });

  it("judges the signed envelope's model at pre-receive (allowed_models), whoever pushes", () => {
    const w = setup(policy());
    agentCommit(w, { 'src/a.py': 'x = 5\n' }, signTask('orch', envelope('src/**', { model: 'gpt-4o-mini' }), sb.dir));
    expectRefused(
      w,
      pushAs(w.repo, 'alice', ['origin', 'HEAD:refs/heads/main']),
      /policy-record\/model\s+task 5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c routes to model gpt-4o-mini, which the policy does not allow/,
    );
    expect(lastAudit(w).task).toEqual({ run_id: RUN, stage: 'cleanup', model: 'gpt-4o-mini', lane: `${RUN}/file:src/**` });
  });
});

describe('retry budget: exhausted after N blocked pushes, reset by a person', () => {
  it('counts exactly N, refuses with "retry budget exhausted (N of N)", ignores an agent-signed reset, honours a person\'s', () => {
    const w = setup(policy({ max_retries_per_task: 2 }));
    const trailers = signTask('orch', envelope('config/**'), sb.dir);
    const lane = `${RUN}/file:config/**`;
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=EXECUTE\n' }, trailers);
    const first = agentPush(w);
    expectRefused(w, first, /agent-mode/);
    expect(first.out).not.toContain('retry-budget');
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=EXECUTE \n' }, trailers);
    const second = agentPush(w);
    expectRefused(w, second, new RegExp(`retry-budget/last-attempt\\s+retry budget: 1 attempt left of 2 for task lane ${lane.replace(/[*/]/g, '\\$&')}`));
    // Two blocked pushes: a clean third is refused for the budget alone.
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=OBSERVE\nLOG_LEVEL=debug\n' }, trailers);
    const third = agentPush(w);
    expectRefused(w, third, /retry budget exhausted \(2 of 2\) for task lane 5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c\/file:config\/\*\*: no more attempts/);
    expect(third.out).toContain(`safety-gate approve --reset-lane '${lane}' --key KEY`);

    // A reset signed with the agent's own key (it reaches the server's notes ref: the signature decides).
    const human = new Repo(join(sb.dir, 'human'), sb.env);
    execFileSync('git', ['clone', '-q', w.server.url, human.path], { env: sb.env });
    const bad = runCli(['approve', '--reset-lane', lane, '--key', keys.codex!, '--repo-id', REPO_ID], { cwd: human.path, env: sb.env });
    expect(bad.code, bad.stderr).toBe(0);
    expect(bad.stderr).toContain(`reset of task lane ${lane} signed and stored in refs/notes/safety-gate`);
    expect(pushAs(human, 'bob', ['origin', 'refs/notes/safety-gate']).code).toBe(0);
    expectRefused(w, agentPush(w), /retry budget exhausted \(2 of 2\) .*a lane reset is signed by codex@agents\.example\.com, an agent identity/);

    // A person of the lane_reset role (security) resets the lane: the clean attempt lands.
    human.git('fetch', '-q', 'origin', '+refs/notes/safety-gate:refs/notes/safety-gate');
    const good = runCli(['approve', '--reset-lane', lane, '--key', keys.alice!, '--repo-id', REPO_ID, '--reason', 'reviewed the run'], { cwd: human.path, env: sb.env });
    expect(good.code, good.stderr).toBe(0);
    expect(pushAs(human, 'alice', ['origin', 'refs/notes/safety-gate']).code).toBe(0);
    const after = agentPush(w);
    expect(after.out).not.toContain('retry-budget');
    expectLanded(w, after);
    const decisions = w.server
      .auditLines()
      .map((l) => JSON.parse(l))
      .filter((r) => r.task?.lane === lane)
      .map((r) => r.decision);
    expect(decisions).toEqual(['block', 'block', 'block', 'block', 'pass']);
  });

  it('a reset by a person without the lane_reset role does not count', () => {
    const w = setup(policy({ max_retries_per_task: 1 }));
    const trailers = signTask('orch', envelope('config/**'), sb.dir);
    const lane = `${RUN}/file:config/**`;
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=EXECUTE\n' }, trailers);
    expectRefused(w, agentPush(w), /agent-mode/);
    const r = runCli(['approve', '--reset-lane', lane, '--key', keys.mallory!, '--repo-id', REPO_ID], { cwd: w.repo.path, env: sb.env });
    expect(r.code, r.stderr).toBe(0);
    agentCommit(w, { 'config/app.env': 'AGENT_MODE=OBSERVE\nLOG_LEVEL=debug\n' }, trailers);
    expect(pushAs(w.repo, 'bob', ['origin', 'refs/notes/safety-gate']).code).toBe(0);
    expectRefused(w, agentPush(w), /retry budget exhausted \(1 of 1\) .*a lane reset is signed by mallory@example\.com, who holds none of the roles security/);
  });
});

describe('signed tasks at the client door (commit-msg)', () => {
  it('refuses a self-claimed scope of an agent author, and passes the commit carrying the signed envelope', () => {
    const repo = Repo.init(sb, 'client');
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify(policy()));
    repo.write('src/a.py', 'x = 1\n');
    repo.commitAll('seed');
    const env = { ...repo.env, SAFETY_GATE_BIN: CLI, GIT_AUTHOR_NAME: 'codex', GIT_AUTHOR_EMAIL: 'codex@agents.example.com' };
    repo.write('src/a.py', 'x = 2\n');
    repo.git('add', '-A');
    const self = repo.gitResult(['commit', '-m', 'agent change', '-m', `Task-Scope: file:**\nRun-Id: ${RUN}`], { env });
    expect(self.status).not.toBe(0);
    expect(self.stderr).toMatch(/task-scope\/unsigned\s+commit the staged change by agent codex@agents\.example\.com claims Task-Scope: file:\*\* itself/);
    expect(self.stderr).toContain('(commit-msg)');
    const trailers = signTask('orch', envelope('src/**'), repo.path);
    const ok = repo.gitResult(['commit', '-m', 'agent change', '-m', trailers.join('\n')], { env });
    expect(ok.stderr).not.toContain('task-scope');
    expect(ok.status, ok.stderr).toBe(0);
    const log = readFileSync(join(repo.path, '.git', 'safety-gate', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.at(-1)).toMatchObject({ door: 'commit-msg', decision: 'pass', task: { run_id: RUN, stage: 'cleanup', model: 'gpt-5.2-codex', lane: `${RUN}/file:src/**` } });
  });
});

describe('retry budget at the client door', () => {
  it('pre-push warns one attempt before the end, then refuses', () => {
    const remote = join(sb.dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote], { env: sb.env });
    const repo = Repo.init(sb, 'client');
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify({ extends: ['recommended'], max_retries_per_task: 3 }));
    repo.write('config/app.env', 'AGENT_MODE=OBSERVE\n');
    repo.commitAll('seed');
    repo.git('remote', 'add', 'origin', remote);
    const env = { ...repo.env, SAFETY_GATE_BIN: CLI };
    expect(repo.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/main'], { env }).status).toBe(0);
    const seed = repo.head();
    const attempt = (content: string) => {
      repo.git('reset', '-q', '--hard', seed);
      repo.write('config/app.env', content);
      repo.git('add', '-A');
      repo.git('commit', '-q', '--no-verify', '-m', 'try', '--trailer', 'Task-Scope: file:config/**', '--trailer', `Run-Id: ${RUN}`);
      const r = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/main'], { env });
      return { code: r.status, out: `${r.stdout}${r.stderr}` };
    };
    const outs = [attempt('AGENT_MODE=EXECUTE\n'), attempt('AGENT_MODE=EXECUTE \n'), attempt('AGENT_MODE=EXECUTE  \n'), attempt('AGENT_MODE=OBSERVE\nLOG_LEVEL=debug\n')];
    expect(outs.map((o) => o.code !== 0)).toEqual([true, true, true, true]);
    expect(outs.map((o) => /1 attempt left of 3/.test(o.out))).toEqual([false, false, true, false]);
    expect(outs[3]!.out).toContain(`retry budget exhausted (3 of 3) for task lane ${RUN}/file:config/**`);
    expect(outs[3]!.out).not.toMatch(/agent-mode\s/);
  });
});

describe("README's agent pipeline", () => {
  it('runs as written: refused for agent-mode and the missing approval, warned, exhausted, then lands after a person approves and resets', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('<!-- agent-pipeline:begin -->'), readme.indexOf('<!-- agent-pipeline:end -->'));
    expect(block.length).toBeGreaterThan(100);
    const script = block.slice(block.indexOf('```sh\n') + 6, block.lastIndexOf('```'));
    const bin = join(sb.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'safety-gate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const work = join(sb.dir, 'readme');
    mkdirSync(work);
    const r = spawnSync('bash', ['-c', script], { cwd: work, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH}` }, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    const pushes = out.split(/^To /m).slice(1);
    const lane = '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c/file:config/**';
    expect(out).toMatch(/remote: config\/app\.env:1:12\s+agent-mode\s+AGENT_MODE is set to/);
    expect(out).toMatch(/policy-record\/approval\s+agent push by codex-bot to protected branch refs\/heads\/main/);
    expect(out).toContain(`retry budget: 1 attempt left of 2 for task lane ${lane}`);
    expect(out).toContain(`retry budget exhausted (2 of 2) for task lane ${lane}`);
    expect(out).toMatch(/policy-record\/approval\s+approved by alice@example\.com \(reviewed\)/);
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    const head = (cwd: string, rev: string) => spawnSync('git', ['rev-parse', rev], { cwd, env: sb.env, encoding: 'utf8' }).stdout.trim();
    expect(head(join(work, 'app.git'), 'refs/heads/main')).toBe(head(join(work, 'app'), 'HEAD'));
    const audit = readFileSync(join(work, 'app.git', 'safety-gate', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const agentRecords = audit.filter((a) => a.task?.lane === lane);
    expect(agentRecords.map((a) => a.decision)).toEqual(['block', 'block', 'block', 'pass']);
    for (const a of agentRecords) expect(a.task).toEqual({ run_id: '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c', stage: 'cleanup', model: 'gpt-5.2-codex', lane });
  });
});
