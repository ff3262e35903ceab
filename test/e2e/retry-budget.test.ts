// Retry budgets end to end: blocked pushes of one task lane are counted from the server's own
// audit log by the real pre-receive hook; past max_retries_per_task the lane is refused even
// with a clean change, while another lane (another run) is not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push } from './server.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

const RUN = '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c';
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

/** Each attempt replaces the last (the agent rewrites its commit), so a push holds one attempt. */
function agentCommit(repo: Repo, content: string, run: string, msg: string): void {
  repo.git('reset', '-q', '--soft', 'seed');
  repo.write('config/app.env', content);
  repo.git('add', '-A');
  repo.git('commit', '-q', '--no-verify', '-m', msg, '--trailer', 'Task-Scope: file:config/**', '--trailer', `Run-Id: ${run}`);
}

describe('retry budget at pre-receive', () => {
  it('refuses the lane after N blocked attempts, counted from the server log, and only that lane', () => {
    const server = createServer(sb, { extends: ['recommended'], max_retries_per_task: 2, limits: { deadline_ms: { default: 60000, 'pre-receive': 60000 } } });
    const repo = Repo.init(sb);
    repo.write('README.md', '# x\n');
    repo.commitAll('seed');
    repo.git('tag', 'seed');
    repo.git('remote', 'add', 'origin', server.url);
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);

    agentCommit(repo, 'AGENT_MODE=EXECUTE\n', RUN, 'try 1');
    const first = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(first.code).not.toBe(0);
    expect(first.out).toContain('agent-mode');
    expect(first.out).not.toContain('retry-budget');

    agentCommit(repo, 'AGENT_MODE=EXECUTE  \n', RUN, 'try 2');
    const second = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(second.code).not.toBe(0);
    expect(second.out).toContain(`retry-budget/last-attempt`);
    expect(second.out).toContain(`retry budget: 1 attempt left of 2 for task lane ${RUN}/file:config/** (1 blocked)`);

    // A clean change of the same lane, after the budget is spent: refused for the budget alone.
    agentCommit(repo, 'AGENT_MODE=OBSERVE\n', RUN, 'try 3');
    const third = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(third.code).not.toBe(0);
    expect(third.out).toContain(`retry budget exhausted (2 of 2) for task lane ${RUN}/file:config/**`);
    expect(third.out).not.toMatch(/agent-mode\s/);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());

    const decisions = server
      .auditLines()
      .map((l) => JSON.parse(l))
      .filter((r) => r.task?.lane === `${RUN}/file:config/**`)
      .map((r) => r.decision);
    expect(decisions).toEqual(['block', 'block', 'block']);

    // Another run is another lane: the same clean change lands.
    repo.git('commit', '-q', '--amend', '--no-verify', '-m', 'fresh run', '--trailer', 'Task-Scope: file:config/**', '--trailer', `Run-Id: ${OTHER}`);
    const fresh = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(fresh.out).not.toContain('retry-budget');
    expect(fresh.code).toBe(0);
    expect(server.ref('refs/heads/main')).toBe(repo.head());
  });
});
