// Client doors through real `git commit` and `git push`, with the hooks wired by core.hooksPath
// to this repository's shims (hooks/), which exec the built CLI.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;

const POLICY = { extends: ['recommended'], protected_targets: { locked: ['locked/**'] } };

function auditDecisions(r: Repo): string[] {
  const log = join(r.path, '.git', 'safety-gate', 'audit.jsonl');
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).decision);
}

function commit(args: string[], env?: NodeJS.ProcessEnv) {
  const r = repo.gitResult(['commit', ...args], { env });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

beforeEach(() => {
  sb = sandbox({ SAFETY_GATE_BIN: CLI });
  repo = Repo.init(sb);
  repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
  repo.write('safety-gate.config.yaml', stringify(POLICY));
  repo.write('README.md', 'hello\n');
  repo.write('locked/data.txt', 'v1\n');
  repo.commitAll('seed');
});
afterEach(() => sb.cleanup());

describe('pre-commit through core.hooksPath', () => {
  it('blocks a staged edit of a protected file, prints the finding, leaves HEAD, audits', () => {
    const head = repo.head();
    repo.write('locked/data.txt', 'v2\n');
    repo.git('add', 'locked/data.txt');
    const r = commit(['-m', 'edit']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('locked/data.txt');
    expect(r.out).toContain('protected-target');
    expect(repo.head()).toBe(head);
    expect(auditDecisions(repo)).toEqual(['block']);
  });

  it('passes a clean commit and audits it', () => {
    repo.write('notes.txt', 'fine\n');
    repo.git('add', 'notes.txt');
    const r = commit(['-q', '-m', 'clean']);
    expect(r.code).toBe(0);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('clean');
    expect(auditDecisions(repo)).toEqual(['pass', 'pass']); // pre-commit, commit-msg
  });

  it('checks the temporary index of `git commit -a`', () => {
    const head = repo.head();
    repo.write('locked/data.txt', 'v2\n');
    const r = commit(['-a', '-m', 'all']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('locked/data.txt');
    expect(repo.head()).toBe(head);
  });

  it('checks the temporary index of `git commit <path>`', () => {
    const head = repo.head();
    repo.write('locked/data.txt', 'v2\n');
    const r = commit(['-m', 'only', 'locked/data.txt']);
    expect(r.code).not.toBe(0);
    expect(repo.head()).toBe(head);
  });

  it('reads staged content, not the working tree', () => {
    repo.write('safety-gate.config.yaml', stringify({ ...POLICY, extends: ['agenttrader-v2'] }));
    repo.commitAll('policy');
    // Stage a forbidden value, then clean the working tree: the commit would record the staged one.
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.git('add', 'config/app.env');
    repo.write('config/app.env', 'AGENT_MODE=OBSERVE\n');
    const blocked = commit(['-m', 'staged bad']);
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toContain('config/app.env');
    // And the reverse: clean staged content with a dirty working tree passes.
    repo.git('add', 'config/app.env');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    const passed = commit(['-q', '-m', 'staged clean']);
    expect(passed.code).toBe(0);
  });

  it('handles the first commit of a repository (no HEAD): nothing was protected before it, so it passes; the next edit is judged by it', () => {
    const fresh = Repo.init(sb, 'fresh');
    fresh.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    fresh.write('safety-gate.config.yaml', stringify(POLICY));
    fresh.write('locked/x', 'x\n');
    fresh.git('add', '-A');
    const r = fresh.gitResult(['commit', '-m', 'root']);
    expect(r.stderr).toContain('safety-gate: passed');
    expect(r.status).toBe(0);
    fresh.write('locked/x', 'y\n');
    fresh.git('add', '-A');
    const second = fresh.gitResult(['commit', '-m', 'edit']);
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(/locked\/x.*protected-target/);
  });

  it('lets a person in a hurry skip client hooks with SAFETY_GATE_SKIP=1, and audits the skip', () => {
    repo.write('locked/data.txt', 'v2\n');
    repo.git('add', '-A');
    const r = commit(['-q', '-m', 'hurry'], { ...sb.env, SAFETY_GATE_SKIP: '1' });
    expect(r.code).toBe(0);
    expect(r.out).toContain('SAFETY_GATE_SKIP=1');
    expect(auditDecisions(repo)[0]).toBe('skip');
  });

  it('survives paths with spaces, newlines and non-ASCII', () => {
    const head = repo.head();
    repo.write('locked/a file\nwith newline ünï.txt', 'x\n');
    repo.git('add', '-A');
    const r = commit(['-m', 'odd']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('ünï');
    expect(repo.head()).toBe(head);
  });
});

describe('pre-push through core.hooksPath', () => {
  function bare(): string {
    const path = join(sb.dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', path], { env: sb.env });
    repo.git('remote', 'add', 'origin', path);
    return path;
  }

  it('blocks a push of a --no-verify commit and leaves the remote unchanged', () => {
    const remote = bare();
    // The seed carries the protected file itself: publish it as the baseline without the hook.
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status).toBe(0);
    repo.write('locked/data.txt', 'v2\n');
    repo.commitAll('sneaky');
    const r = repo.gitResult(['push', 'origin', 'main']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('locked/data.txt');
    const remoteHead = execFileSync('git', ['rev-parse', 'main'], { cwd: remote, env: sb.env, encoding: 'utf8' }).trim();
    expect(remoteHead).toBe(repo.git('rev-parse', 'HEAD~1').trim());
  });

  it('checks only commits that are new to the remote', () => {
    bare();
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status).toBe(0);
    // A violation already on the remote (pushed before the hook existed) is not re-judged.
    repo.write('locked/data.txt', 'v2\n');
    repo.commitAll('old violation');
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status).toBe(0);
    repo.write('b.txt', 'b\n');
    repo.commitAll('clean follow-up');
    expect(repo.gitResult(['push', '-q', 'origin', 'main']).status).toBe(0);
    // A new branch from here carries only its own commits.
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('c.txt', 'c\n');
    repo.commitAll('feature work');
    expect(repo.gitResult(['push', '-q', 'origin', 'feature']).status).toBe(0);
  });

  it('rebuilds the pushed ref from the pre-commit framework variables when stdin is empty', () => {
    bare();
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main']).status).toBe(0);
    const from = repo.head();
    repo.write('locked/data.txt', 'v2\n');
    const to = repo.commitAll('sneaky');
    const env = {
      ...sb.env,
      PRE_COMMIT_REMOTE_NAME: 'origin',
      PRE_COMMIT_LOCAL_BRANCH: 'refs/heads/main',
      PRE_COMMIT_REMOTE_BRANCH: 'refs/heads/main',
      PRE_COMMIT_FROM_REF: from,
      PRE_COMMIT_TO_REF: to,
    };
    const r = runCli(['hook', 'pre-push', 'origin', 'unused'], { cwd: repo.path, env, input: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('locked/data.txt');
  });

  it('allows deleting a remote branch', () => {
    bare();
    repo.git('branch', 'tmp');
    expect(repo.gitResult(['push', '-q', '--no-verify', 'origin', 'main', 'tmp']).status).toBe(0);
    const del = repo.gitResult(['push', '-q', 'origin', ':tmp']);
    expect(del.status, del.stderr).toBe(0);
  });
});

describe('commit-msg', () => {
  it('runs with the message file and audits', () => {
    repo.write('n.txt', 'n\n');
    repo.git('add', '-A');
    const r = commit(['-q', '-m', 'subject\n\nSigned-off-by: A <a@example.com>']);
    expect(r.code).toBe(0);
    expect(auditDecisions(repo)).toEqual(['pass', 'pass']);
  });
});
