// Ref moves at the server (red-team item 2): a ref update that brings no new commit still
// changes what the ref holds. Real git, a real bare repository whose pre-receive hook runs the
// built CLI, real ssh-keygen keys. History that predates the gate is placed with the hook
// switched off (as a `git fetch` into the server would), then the hook judges the move.
import { execFileSync } from 'node:child_process';
import { renameSync } from 'node:fs';
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
const WORKFLOW = '.github/workflows/ci.yml';

beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['alice', 'dave']);
});
afterEach(() => sb.cleanup());

function setup(extra: Record<string, unknown> = {}, pusher = 'dave'): string {
  server = createServer(
    sb,
    {
      extends: ['recommended'],
      limits: { deadline_ms: { 'pre-receive': 60000 } },
      server: { protected_branches: ['main', 'prod'] },
      approvals: approvalsPolicy(keys, REPO_ID, { protected: { 'ci-workflows': ['security'] } }),
      ...extra,
    },
    { hookEnv: `export REMOTE_USER=${pusher}\n` },
  );
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  repo.write('README.md', 'hello\n');
  const seed = repo.commitAll('seed');
  if (pusher !== 'dave') unhooked(['origin', 'HEAD:refs/heads/main']);
  else {
    const r = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(r.code, r.out).toBe(0);
  }
  return seed;
}

/** History placed on the server without the gate (pre-gate branches, a fetch by an admin). */
function unhooked(args: string[]): void {
  const hook = join(server.path, 'hooks', 'pre-receive');
  renameSync(hook, `${hook}.off`);
  try {
    const r = push(repo, args);
    expect(r.code, r.out).toBe(0);
  } finally {
    renameSync(`${hook}.off`, hook);
  }
}

function approve(who: Person, args: string[]): void {
  const r = runCli(['approve', ...args, '--key', keys.key(who), '--repo-id', REPO_ID], { cwd: repo.path, env: repo.env });
  expect(r.code, r.stderr).toBe(0);
}

/** The hook ran and refused, for `reason`; the ref did not move. */
function expectRefused(r: { code: number | null; out: string }, ref: string, before: string | null, reason: RegExp): void {
  expect(r.code, r.out).not.toBe(0);
  expect(r.out).toContain('pre-receive hook declined');
  expect(r.out).toMatch(reason);
  expect(server.ref(ref)).toBe(before);
  const last = JSON.parse(server.auditLines().at(-1)!);
  expect(last.decision).toBe('block');
}

function expectLanded(r: { code: number | null; out: string }, ref: string, tip: string): void {
  expect(r.code, r.out).toBe(0);
  expect(r.out).toMatch(/remote: .*passed/);
  expect(server.ref(ref)).toBe(tip);
  expect(JSON.parse(server.auditLines().at(-1)!).decision).toBe('pass');
}

/** A branch off `from` that sets AGENT_MODE (EXECUTE, or a harmless value for the clean twin). */
function legacyBranch(from: string, mode: 'EXECUTE' | 'OBSERVE'): string {
  repo.git('checkout', '-q', '-b', 'legacy', from);
  repo.write('config/app.env', `AGENT_MODE=${mode}\n`);
  const c = repo.commitAll('pre-gate settings');
  unhooked(['origin', 'legacy']);
  repo.git('checkout', '-q', 'main');
  return c;
}

describe('ref moves at the server are judged by what they change on the ref', () => {
  it('a rewind of main that deletes an approved CI workflow is refused; the clean rewind passes', () => {
    const seed = setup();
    repo.write(WORKFLOW, 'on: push\njobs: {}\n');
    const w = repo.commitAll('ci: add workflow');
    approve('alice', ['HEAD', '--ref', 'main', '--reason', 'reviewed']);
    // The ordinary approved push still lands (its finding is reported once, approved).
    const first = push(repo, ['origin', 'HEAD:refs/heads/main', 'refs/notes/safety-gate']);
    expect(first.code, first.out).toBe(0);
    expect(first.out.match(/approved by alice@example.com/g)).toHaveLength(1);
    expect(server.ref('refs/heads/main')).toBe(w);

    expectRefused(
      push(repo, ['origin', `+${seed}:refs/heads/main`]),
      'refs/heads/main',
      w,
      /remote: \.github\/workflows\/ci\.yml\s+protected-target\s+protected file \.github\/workflows\/ci\.yml \(group ci-workflows\) deleted.*\[[0-9a-f]{12} refs\/heads\/main\]/,
    );

    repo.write('README.md', 'edited\n');
    const b = repo.commitAll('docs');
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);
    expectLanded(push(repo, ['origin', `+${w}:refs/heads/main`]), 'refs/heads/main', w);
    expect(b).not.toBe(w);

    // The way through: the refusal names the command, and an approval of the move's tip for
    // main lets the rewind land.
    const again = push(repo, ['origin', `+${seed}:refs/heads/main`]);
    expect(again.out).toContain(`safety-gate approve ${seed.slice(0, 12)} --ref main --key KEY`);
    approve('alice', [seed, '--ref', 'main', '--reason', 'retire the workflow']);
    const ok = push(repo, ['origin', `+${seed}:refs/heads/main`, '+refs/notes/safety-gate']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/approved by alice@example.com \(retire the workflow\): protected file \.github\/workflows\/ci\.yml \(group ci-workflows\) deleted/);
    expect(server.ref('refs/heads/main')).toBe(seed);
  });

  it('a fast-forward of main onto a branch already on the server that sets AGENT_MODE=EXECUTE is refused', () => {
    const seed = setup();
    const legacy = legacyBranch(seed, 'EXECUTE');
    expectRefused(
      push(repo, ['origin', `${legacy}:refs/heads/main`]),
      'refs/heads/main',
      seed,
      /remote: config\/app\.env:1:\d+\s+agent-mode\b.*\[[0-9a-f]{12} refs\/heads\/main\]/,
    );
  });

  it('the clean twin of that fast-forward passes', () => {
    const seed = setup();
    const legacy = legacyBranch(seed, 'OBSERVE');
    expectLanded(push(repo, ['origin', `${legacy}:refs/heads/main`]), 'refs/heads/main', legacy);
  });

  // A tag is a new name for content that deploy pipelines check out: one at a commit the
  // server holds but never judged on a protected branch is judged by what it adds there.
  it.each([
    ['a lightweight tag', 'refs/tags/deploy-1', false],
    ['an annotated tag', 'refs/tags/deploy-2', true],
    ['a notes ref', 'refs/notes/deploy', false],
    ['a ref outside heads, tags and notes', 'refs/deploy/prod', false],
  ])('%s at a pre-gate commit that sets AGENT_MODE=EXECUTE is refused; its clean twin lands', (_what, ref, annotated) => {
    const seed = setup();
    const legacy = legacyBranch(seed, 'EXECUTE');
    let src = legacy;
    if (annotated) {
      repo.git('tag', '-a', '-m', 'deploy', 'deploy-2', legacy);
      src = 'refs/tags/deploy-2';
    }
    expectRefused(
      push(repo, ['origin', `${src}:${ref}`]),
      ref,
      null,
      new RegExp(`remote: config/app\\.env:1:\\d+\\s+agent-mode\\b.*\\[[0-9a-f]{12} ${ref.replace(/\//g, '\\/')}\\]`),
    );
    if (annotated) repo.git('tag', '-d', 'deploy-2');
    repo.git('checkout', '-q', '-b', 'legacy-clean', seed);
    repo.write('config/app.env', 'AGENT_MODE=OBSERVE\n');
    const clean = repo.commitAll('pre-gate settings, clean');
    unhooked(['origin', 'legacy-clean']);
    repo.git('checkout', '-q', 'main');
    if (annotated) repo.git('tag', '-a', '-m', 'deploy', 'deploy-2', clean);
    const r = push(repo, ['origin', `${annotated ? 'refs/tags/deploy-2' : clean}:${ref}`]);
    expect(r.code, r.out).toBe(0);
    expect(server.ref(ref)).not.toBeNull();
  });

  it("a tag of main's tip is not re-judged: nothing is added to the protected branch", () => {
    const seed = setup();
    repo.git('tag', 'v1', seed);
    const r = push(repo, ['origin', 'refs/tags/v1']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/remote: safety-gate: passed — 0 files checked/);
  });

  // A new name for a commit inside main's history shows what main has since replaced.
  it('a tag at an older commit of main that set AGENT_MODE=EXECUTE (pre-gate, fixed since) is refused; a tag at a harmless older commit lands', () => {
    setup();
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    const bad = repo.commitAll('pre-gate settings');
    repo.write('config/app.env', 'AGENT_MODE=OBSERVE\n');
    repo.commitAll('fix the mode');
    unhooked(['origin', 'HEAD:refs/heads/main']);
    repo.write('README.md', 'more\n');
    repo.commitAll('docs');
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);
    expectRefused(
      push(repo, ['origin', `${bad}:refs/tags/deploy`]),
      'refs/tags/deploy',
      null,
      /remote: config\/app\.env:1:\d+\s+agent-mode\b.*\[[0-9a-f]{12} refs\/tags\/deploy\]/,
    );
    const harmless = repo.git('rev-parse', 'HEAD~1').trim();
    expectLanded(push(repo, ['origin', `${harmless}:refs/tags/v0`]), 'refs/tags/v0', harmless);
  });

  it('a tag at a broken Python version that main fixed in the same push is refused (the fix on main does not hide it)', () => {
    setup({ rules: { 'import-hygiene': 'block' } });
    repo.write('app/main.py', 'def f(:\n    pass\n');
    const broken = repo.commitAll('broken');
    repo.write('app/main.py', 'def f():\n    pass\n');
    repo.commitAll('fixed');
    const r = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(r.code, r.out).toBe(0);
    expectRefused(push(repo, ['origin', `${broken}:refs/tags/hotfix`]), 'refs/tags/hotfix', null, /remote: app\/main\.py:\d+:\d+\s+import-hygiene\/syntax\b.*refs\/tags\/hotfix/);
  });

  it('a merge into main of such a branch is refused (the merge commit alone shows nothing)', () => {
    const seed = setup();
    repo.write('README.md', 'main moved on\n');
    const moved = repo.commitAll('main work');
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);
    const legacy = legacyBranch(seed, 'EXECUTE');
    repo.git('merge', '-q', '--no-ff', '--no-edit', legacy);
    expectRefused(push(repo, ['origin', 'HEAD:refs/heads/main']), 'refs/heads/main', moved, /remote: config\/app\.env:1:\d+\s+agent-mode\b.*refs\/heads\/main/);
  });

  it('the clean twin of that merge passes', () => {
    setup();
    repo.write('README.md', 'main moved on\n');
    repo.commitAll('main work');
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);
    const legacy = legacyBranch(repo.git('rev-parse', 'HEAD~1').trim(), 'OBSERVE');
    repo.git('merge', '-q', '--no-ff', '--no-edit', legacy);
    expectLanded(push(repo, ['origin', 'HEAD:refs/heads/main']), 'refs/heads/main', repo.head());
  });

  it('an approval bound to release/* does not carry the commit onto main; an unbound one does', () => {
    setup();
    repo.git('checkout', '-q', '-b', 'rel');
    repo.write(WORKFLOW, 'on: push\njobs: {}\n');
    const w = repo.commitAll('ci: release workflow');
    approve('alice', ['HEAD', '--ref', 'release/*', '--reason', 'release only']);
    const rel = push(repo, ['origin', 'HEAD:refs/heads/release/1', 'refs/notes/safety-gate']);
    expect(rel.code, rel.out).toBe(0);
    const main = server.ref('refs/heads/main');
    expectRefused(push(repo, ['origin', `${w}:refs/heads/main`]), 'refs/heads/main', main, /the statement is for refs matching release\/\*, not refs\/heads\/main/);

    // The same move with an approval that names no ref lands.
    repo.git('notes', '--ref=refs/notes/safety-gate', 'remove', 'HEAD');
    approve('alice', ['HEAD', '--reason', 'any branch']);
    expectLanded(push(repo, ['origin', `${w}:refs/heads/main`, '+refs/notes/safety-gate']), 'refs/heads/main', w);
  });

  it('a merge into main carries the approval of the commit that made the landing version only when it binds to main', () => {
    const seed = setup();
    repo.git('checkout', '-q', '-b', 'feat');
    repo.write(WORKFLOW, 'on: push\njobs: {}\n');
    const w = repo.commitAll('ci: workflow on a feature branch');
    approve('alice', ['HEAD', '--reason', 'reviewed']);
    expect(push(repo, ['origin', 'HEAD:refs/heads/feat', 'refs/notes/safety-gate']).code).toBe(0);
    repo.git('checkout', '-q', '-b', 'rel', seed);
    repo.write(WORKFLOW, 'on: [push, release]\njobs: {}\n');
    repo.commitAll('ci: release-only workflow');
    approve('alice', ['HEAD', '--ref', 'release/*', '--reason', 'release only']);
    expect(push(repo, ['origin', 'HEAD:refs/heads/release/1', 'refs/notes/safety-gate']).code).toBe(0);
    repo.git('checkout', '-q', 'main');
    repo.write('README.md', 'main moved on\n');
    const moved = repo.commitAll('main work');
    expect(push(repo, ['origin', 'HEAD:refs/heads/main']).code).toBe(0);

    repo.git('merge', '-q', '--no-ff', '--no-edit', 'rel');
    expectRefused(push(repo, ['origin', 'HEAD:refs/heads/main']), 'refs/heads/main', moved, /the statement is for refs matching release\/\*, not refs\/heads\/main/);

    repo.git('reset', '-q', '--hard', moved);
    repo.git('merge', '-q', '--no-ff', '--no-edit', 'feat');
    const r = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`approved by alice@example.com (reviewed) for commit ${w.slice(0, 12)}: protected file .github/workflows/ci.yml`);
    expect(server.ref('refs/heads/main')).toBe(repo.head());
  });

  it('deleting a protected branch is refused; deleting another branch is not', () => {
    const seed = setup();
    unhooked(['origin', `${seed}:refs/heads/prod`, `${seed}:refs/heads/feature`]);
    expectRefused(
      push(repo, ['origin', ':refs/heads/prod']),
      'refs/heads/prod',
      seed,
      /remote: .*ref-integrity\/protected-branch-deleted\s+this push deletes the protected branch refs\/heads\/prod/,
    );
    const r = push(repo, ['origin', ':refs/heads/feature']);
    expect(r.code, r.out).toBe(0);
    expect(server.ref('refs/heads/feature')).toBeNull();
  });

  it("an agent's scoped commits still land: the move as a whole is no task's work (task-scope)", () => {
    setup({ agents: { identities: ['agent-*', '*@agents.example.com'], require_scope: true } }, 'agent-7');
    repo.write('src/a.py', 'x = 1\n');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'agent change', '--trailer', 'Task-Scope: file:src/a.py', '--trailer', 'Run-Id: run-42');
    const tip = repo.head();
    // Its unscoped twin is refused for the commit, once (not again for the move).
    repo.write('src/b.py', 'y = 2\n');
    const bare = repo.commitAll('agent change without trailers');
    const refused = push(repo, ['origin', 'HEAD:refs/heads/main']);
    expectRefused(refused, 'refs/heads/main', server.ref('refs/heads/main'), /task-scope\/missing/);
    expect(refused.out.match(/task-scope\/missing/g)).toHaveLength(1);
    repo.git('reset', '-q', '--hard', tip);
    expect(bare).not.toBe(tip);
    expectLanded(push(repo, ['origin', 'HEAD:refs/heads/main']), 'refs/heads/main', tip);
  });
});
