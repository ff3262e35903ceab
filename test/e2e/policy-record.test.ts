// The SPEC-260 policy record enforced end to end: an agent's push outside every run window is
// refused by the real pre-receive hook (pusher identity from REMOTE_USER, never commit
// metadata), the test clock is honoured on the server only when its own policy allows it,
// and a bad window is a configuration error at its line and column.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer } from './server.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

// 2026-12-05 is a Saturday, 2026-12-02 a Wednesday.
const SATURDAY = '2026-12-05T10:00:00Z';
const WEDNESDAY = '2026-12-02T10:00:00Z';

const POLICY = {
  extends: ['recommended'],
  run_windows: ['weekday:09:00-18:00'],
  run_windows_timezone: 'Europe/Berlin',
  agents: { identities: ['codex-*'] },
  limits: { deadline_ms: { default: 60000, 'pre-receive': 60000 } },
};

function setup(serverPolicy: Record<string, unknown>) {
  const server = createServer(sb, serverPolicy);
  const repo = Repo.init(sb);
  repo.write('src/a.py', 'x = 1\n');
  repo.commitAll('work');
  repo.git('remote', 'add', 'origin', server.url);
  return { server, repo };
}

function pushAs(repo: Repo, user: string, now: string) {
  const r = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/main'], { env: { ...repo.env, REMOTE_USER: user, SAFETY_GATE_TEST_NOW: now } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('run windows at pre-receive', () => {
  it('refuses an agent pusher outside every window, with the window and the time', () => {
    const { server, repo } = setup({ ...POLICY, testing: { allow_clock_override: true } });
    const r = pushAs(repo, 'codex-bot', SATURDAY);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('policy-record/run-window');
    expect(r.out).toContain('agent push by codex-bot outside every run window (weekday:09:00-18:00 Europe/Berlin); it is Sat 11:00 Europe/Berlin now');
    expect(server.ref('refs/heads/main')).toBeNull();
    const audit = JSON.parse(server.auditLines().at(-1)!);
    expect(audit.decision).toBe('block');
    expect(audit.findings.map((f: { rule: string }) => f.rule)).toContain('policy-record/run-window');
  });

  it('lets the same agent push inside a window, and a person at any time', () => {
    const { server, repo } = setup({ ...POLICY, testing: { allow_clock_override: true } });
    expect(pushAs(repo, 'alice', SATURDAY).code).toBe(0);
    repo.write('src/a.py', 'x = 2\n');
    repo.commitAll('more');
    const r = pushAs(repo, 'codex-bot', WEDNESDAY);
    expect(r.out).not.toContain('policy-record');
    expect(r.code).toBe(0);
    expect(server.ref('refs/heads/main')).toBe(repo.head());
  });

  it('ignores the test clock unless the server policy allows it', () => {
    // The real clock decides; a window that never opens proves the variable was ignored.
    const { server, repo } = setup({ ...POLICY, run_windows: ['sun:00:00-00:01'] });
    const r = pushAs(repo, 'codex-bot', '2026-12-06T00:00:30Z');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('policy-record/run-window');
    expect(server.ref('refs/heads/main')).toBeNull();
  });

  it('judges the pusher, not the commit metadata', () => {
    const { server, repo } = setup({ ...POLICY, testing: { allow_clock_override: true } });
    // Authored under a person's email, pushed by the agent: still the agent.
    expect(repo.git('log', '-1', '--format=%ae').trim()).toBe('author@example.com');
    expect(pushAs(repo, 'codex-bot', SATURDAY).code).not.toBe(0);
    expect(server.ref('refs/heads/main')).toBeNull();
  });
});

describe('run windows in the configuration', () => {
  it('reports a window that is not one at its file, line and column', () => {
    const repo = Repo.init(sb);
    repo.write('safety-gate.config.yaml', 'extends: [recommended]\nrun_windows:\n  - weekday:09:00-18:00\n  - not-a-window\n');
    const r = runCli(['config'], { cwd: repo.path, env: sb.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/safety-gate\.config\.yaml:4:5: run_windows\[1\]: "not-a-window" is not a run window/);
  });

  it('refuses an unknown timezone', () => {
    const repo = Repo.init(sb);
    repo.write('safety-gate.config.yaml', stringify({ extends: ['recommended'], run_windows_timezone: 'Mars/Olympus' }));
    const r = runCli(['config'], { cwd: repo.path, env: sb.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run_windows_timezone: is not a timezone/);
  });
});

describe('allowed_models at pre-commit', () => {
  it('refuses a commit of a task routed to an unapproved model, and audits model, stage and lane', () => {
    const repo = Repo.init(sb);
    repo.git('config', 'core.hooksPath', join(process.cwd(), 'hooks'));
    repo.write('safety-gate.config.yaml', stringify({ extends: ['recommended'], allowed_models: ['gpt-5.2-codex'] }));
    repo.commitAll('policy');
    const task = join(sb.dir, 'task.json');
    const envelope = { run_id: '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c', stage: 'cleanup', model: 'gpt-4o-mini', task_scope: { kind: 'file', target: 'src/**' } };
    repo.write('../task.json', JSON.stringify(envelope));
    repo.write('src/a.py', 'x = 1\n');
    repo.git('add', 'src/a.py');
    const env = { ...repo.env, SAFETY_GATE_TASK: task, SAFETY_GATE_BIN: join(process.cwd(), 'dist/cli.js') };
    const bad = repo.gitResult(['commit', '-m', 'agent work'], { env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('policy-record/model');
    expect(bad.stderr).toContain('routes to model gpt-4o-mini');
    repo.write('../task.json', JSON.stringify({ ...envelope, model: 'gpt-5.2-codex' }));
    const good = repo.gitResult(['commit', '-m', 'agent work'], { env });
    expect(good.stderr).not.toContain('policy-record');
    expect(good.status).toBe(0);
    const lines = readFileSync(join(repo.path, '.git/safety-gate/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l: string) => JSON.parse(l));
    expect(lines.map((l) => [l.door, l.decision, l.task?.model])).toEqual([
      ['pre-commit', 'block', 'gpt-4o-mini'],
      ['pre-commit', 'pass', 'gpt-5.2-codex'],
      ['commit-msg', 'pass', 'gpt-5.2-codex'],
    ]);
    expect(lines.at(-1).task).toEqual({ run_id: envelope.run_id, stage: 'cleanup', model: 'gpt-5.2-codex', lane: `${envelope.run_id}/file:src/**` });
  });
});
