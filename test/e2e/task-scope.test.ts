// Task scope end to end: real `git commit` through the client hooks (core.hooksPath → built
// CLI) with SAFETY_GATE_TASK, and real `git push` to a bare repository whose pre-receive hook
// judges commits by their Task-Scope/Run-Id trailers alone.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';

let sb: Sandbox;

beforeEach(() => {
  sb = sandbox({ SAFETY_GATE_BIN: CLI });
});
afterEach(() => sb.cleanup());

const ENGINE = `export class Engine {
  step(n: number): number {
    return n + 1;
  }

  stop(): void {
    this.running = false;
  }
}
`;

const POLICY = {
  extends: ['recommended'],
  stages: { codegen: ['gen/**'] },
  agents: { identities: ['*@agents.example.com'], require_scope: true },
  // These tests are about decisions, not speed (bench/function-scope.mjs measures that): on a
  // loaded CI machine loading the TypeScript compiler alone can take seconds.
  limits: { deadline_ms: { default: 60000, 'pre-receive': 60000 } },
};

function writeTask(name: string, envelope: Record<string, unknown>): string {
  const path = join(sb.dir, name);
  writeFileSync(path, JSON.stringify(envelope));
  return path;
}

function commit(repo: Repo, args: string[], env: NodeJS.ProcessEnv = repo.env) {
  const r = repo.gitResult(['commit', ...args], { env });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const AGENT = { GIT_AUTHOR_NAME: 'codex', GIT_AUTHOR_EMAIL: 'codex@agents.example.com' };

describe('client hooks with SAFETY_GATE_TASK', () => {
  let repo: Repo;
  beforeEach(() => {
    repo = Repo.init(sb);
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify(POLICY));
    repo.write('src/engine.ts', ENGINE);
    repo.write('src/other.ts', 'export const x = 1;\n');
    repo.commitAll('seed');
  });

  const task = (scope: Record<string, unknown>) =>
    writeTask('task.json', { run_id: '3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b', stage: 'recompile', model: 'gpt-5.2-codex', task_scope: scope });

  it('passes an edit inside the scoped function, and audits it under the envelope run_id', () => {
    const env = { ...repo.env, ...AGENT, SAFETY_GATE_TASK: task({ kind: 'function', target: 'src/engine.ts#Engine.step' }) };
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n + 2;'));
    repo.git('add', '-A');
    const r = commit(
      repo,
      ['-q', '-m', 'step by two', '--trailer', 'Task-Scope: function:src/engine.ts#Engine.step', '--trailer', 'Run-Id: 3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b'],
      env,
    );
    expect(r.out).not.toContain('task-scope');
    expect(r.code).toBe(0);
    const log = readFileSync(join(repo.path, '.git', 'safety-gate', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.map((l) => [l.door, l.decision, l.run_id])).toEqual([
      ['pre-commit', 'pass', '3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b'],
      ['commit-msg', 'pass', '3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b'],
    ]);
  });

  it('blocks at pre-commit an edit outside the function, with line, column and the rule', () => {
    const env = { ...repo.env, SAFETY_GATE_TASK: task({ kind: 'function', target: 'src/engine.ts#Engine.step' }) };
    const head = repo.head();
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n + 2;').replace('this.running = false;', 'this.running = true;'));
    repo.git('add', '-A');
    const r = commit(repo, ['-m', 'x'], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain('task-scope');
    expect(r.out).toContain('src/engine.ts:7');
    expect(r.out).toContain('out of scope, pending review');
    expect(repo.head()).toBe(head);
  });

  it('blocks a rename whose old path is outside a file scope (git rename detection)', () => {
    const env = { ...repo.env, SAFETY_GATE_TASK: task({ kind: 'file', target: 'lib/**' }) };
    repo.write('lib/.keep', '');
    repo.git('mv', 'src/other.ts', 'lib/other.ts');
    const r = commit(repo, ['-m', 'move'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/lib\/other\.ts renamed from src\/other\.ts/);
  });

  it('commit-msg: trailers that widen the envelope scope are a mismatch', () => {
    const env = { ...repo.env, SAFETY_GATE_TASK: task({ kind: 'file', target: 'src/other.ts' }) };
    repo.write('src/other.ts', 'export const x = 2;\n');
    repo.git('add', '-A');
    const r = commit(repo, ['-m', 'x', '--trailer', 'Task-Scope: file:**', '--trailer', 'Run-Id: 3b9e7c1e-5d0a-4f7b-9d3c-2a1f0e9d8c7b'], env);
    expect(r.code).toBe(1);
    expect(r.out).toContain('task-scope/mismatch');
  });

  it('an invalid envelope cannot be decided: exit 2, one line naming the file and the key', () => {
    const bad = writeTask('bad.json', { run_id: 'r 1', task_scope: { kind: 'function', target: 'src/engine.ts' } });
    repo.write('src/other.ts', 'export const x = 3;\n');
    repo.git('add', '-A');
    const r = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: { ...repo.env, SAFETY_GATE_TASK: bad } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(bad);
    expect(r.stderr).toContain('run_id');
  });
});

describe('pre-push and scan --range: commits are judged by their trailers', () => {
  let repo: Repo;
  beforeEach(() => {
    repo = Repo.init(sb);
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify(POLICY));
    repo.write('src/engine.ts', ENGINE);
    repo.commitAll('seed');
    execFileSync('git', ['init', '-q', '--bare', join(sb.dir, 'remote.git')], { env: sb.env });
    repo.git('remote', 'add', 'origin', join(sb.dir, 'remote.git'));
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status).toBe(0);
  });

  it('pre-push blocks a --no-verify commit that leaves its declared function scope; scan --range reports it as JSON', () => {
    const base = repo.head();
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n + 2;').replace('this.running = false;', 'this.running = !this.running;'));
    repo.git('add', '-A');
    const c = commit(repo, ['-q', '--no-verify', '-m', 'x', '--trailer', 'Task-Scope: function:src/engine.ts#Engine.step', '--trailer', 'Run-Id: run-7'], {
      ...repo.env,
      ...AGENT,
    });
    expect(c.code).toBe(0);
    const r = repo.gitResult(['push', 'origin', 'main']);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/src\/engine\.ts:7:\d+\s+task-scope/);

    const scan = runCli(['scan', '--range', `${base}..HEAD`, '--format', 'json', '--no-audit'], { cwd: repo.path, env: repo.env });
    expect(scan.code).toBe(1);
    const report = JSON.parse(scan.stdout);
    const mine = report.findings.filter((f: { rule: string }) => f.rule.startsWith('task-scope'));
    expect(mine).toMatchObject([{ rule: 'task-scope', path: 'src/engine.ts', line: 7, commit: repo.head() }]);
  });
});

describe('pre-receive: trailers are the task', () => {
  let server: Server;
  let repo: Repo;

  function setup(hookEnv?: string): void {
    const seed = Repo.init(sb, 'seed');
    seed.write('src/engine.ts', ENGINE).write('src/other.ts', 'export const x = 1;\n').write('gen/a.ts', 'export {};\n');
    seed.commitAll('seed');
    server = createServer(sb, POLICY, { hookEnv });
    // Seed the server before the policy matters (the seed author is not an agent).
    expect(push(seed, ['-q', server.url, 'main']).code).toBe(0);
    execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
    // The server knows the agent by its pusher (REMOTE_USER here), never by the author email.
    repo = new Repo(join(sb.dir, 'work'), { ...sb.env, ...AGENT, REMOTE_USER: AGENT.GIT_AUTHOR_EMAIL });
  }

  const trailers = (scope: string, run = 'run-42') => ['-m', 'agent change', '--trailer', `Task-Scope: ${scope}`, '--trailer', `Run-Id: ${run}`];

  it('accepts a push whose diff stays inside the scope its trailers claim', () => {
    setup();
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n * 2;'));
    repo.git('add', '-A');
    expect(commit(repo, ['-q', '--no-verify', ...trailers('function:src/engine.ts#Engine.step')]).code).toBe(0);
    const r = push(repo, ['origin', 'main']);
    expect(r.out).not.toContain('declined');
    expect(r.code).toBe(0);
  });

  it('rejects a push whose trailers claim a scope the diff leaves', () => {
    setup();
    const before = server.ref('refs/heads/main');
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n * 2;'));
    repo.write('src/other.ts', 'export const x = 99;\n');
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', ...trailers('function:src/engine.ts#Engine.step')]);
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*task-scope.*src\/other\.ts/);
    expect(server.ref('refs/heads/main')).toBe(before);
  });

  it('rejects an agent commit without trailers, and ignores SAFETY_GATE_TASK in the hook environment', () => {
    const wide = writeTask('wide.json', { run_id: '00000000-0000-4000-8000-000000000005', task_scope: { kind: 'file', target: '**' } });
    setup(`SAFETY_GATE_TASK='${wide}'; export SAFETY_GATE_TASK\n`);
    repo.write('gen/a.ts', 'export const a = 1;\n');
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', '-m', 'no trailers']);
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('task-scope/missing');
  });

  it('rejects an out-of-scope change made inside a merge commit', () => {
    setup();
    const base = repo.head();
    repo.git('checkout', '-q', '-b', 'side');
    repo.write('gen/a.ts', 'export const side = 1;\n');
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', ...trailers('stage:codegen', 'run-side')]);
    repo.git('checkout', '-q', 'main');
    repo.write('src/engine.ts', ENGINE.replace('return n + 1;', 'return n - 1;'));
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', ...trailers('function:src/engine.ts#Engine.step', 'run-main')]);
    // Both parents are in scope of their own tasks; the merge itself slips in a change to
    // src/other.ts that neither parent has (an "evil merge").
    repo.git('merge', '-q', '--no-commit', '--no-ff', 'side');
    repo.write('src/other.ts', 'export const x = "live";\n');
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', ...trailers('stage:codegen', 'run-merge')]);
    expect(repo.git('rev-list', '--count', `${base}..HEAD`).trim()).toBe('3');
    const r = push(repo, ['origin', 'main', 'side']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*task-scope.*src\/other\.ts/);
    expect(r.out).not.toMatch(/remote: .*task-scope.*gen\/a\.ts/);
    expect(server.ref('refs/heads/main')).toBe(base);
  });

  it('rejects a stage the server policy does not define', () => {
    setup();
    repo.write('gen/a.ts', 'export const a = 2;\n');
    repo.git('add', '-A');
    commit(repo, ['-q', '--no-verify', ...trailers('stage:deploy')]);
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('task-scope/unknown-stage');
    expect(existsSync(server.path)).toBe(true);
  });
});
