// The README's client bootstrap, run as written (the `# bootstrap: <installer>` blocks of
// README.md) with real git and the real installers — core.hooksPath shims, husky, the pre-commit
// framework: the first commit of the policy, the hook files and the baseline goes through the
// hooks without SAFETY_GATE_SKIP (nothing was protected before it), the hooks really ran, and
// afterwards neither a staged policy edit nor a policy loosened in the working tree lets a
// protected file change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, Repo, sandbox, type Sandbox } from '../helpers/repo.js';

const HUSKY_BIN = join(ROOT, 'node_modules/husky/bin.js');
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;

/** The shell lines of the README block that starts with `# bootstrap: <name>`. */
function readmeBlock(name: string): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\`\`\`sh\n# bootstrap: ${name}\n`);
  expect(start, `README has a "# bootstrap: ${name}" block`).toBeGreaterThan(0);
  const body = readme.slice(readme.indexOf('\n', start) + 1, readme.indexOf('\n```', start));
  return body.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
}

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
let hookRepo = '';
let hookRev = '';

beforeAll(() => {
  sb = sandbox();
  env = { ...sb.env, PRE_COMMIT_HOME: join(sb.dir, 'pre-commit-home'), PRE_COMMIT_COLOR: 'never' };
  if (!hasPreCommit) return;
  // The hook repository the pre-commit framework installs from: a snapshot of this working tree
  // (as test/e2e/install-pre-commit.test.ts builds it), npm pointed at the machine's cache.
  const cache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim() || join(process.env.HOME ?? '/root', '.npm');
  Object.assign(env, {
    npm_config_cache: cache,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_foreground_scripts: 'false',
  });
  hookRepo = join(sb.dir, 'safety-gate-hooks');
  for (const entry of ['package.json', 'package-lock.json', 'build.mjs', 'tsconfig.json', '.pre-commit-hooks.yaml', 'src', 'presets', 'hooks']) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(hookRepo, entry), { recursive: true, dereference: true, filter: (src) => !src.endsWith('.test.ts') });
  }
  const pkgFile = join(hookRepo, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { devDependencies?: Record<string, string> };
  pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies ?? {}).filter(([n]) => ['esbuild', 'husky'].includes(n)));
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  execFileSync('git', ['init', '-q', hookRepo], { env });
  hookRev = new Repo(hookRepo, env).commitAll('snapshot of safety-gate for the pre-commit framework');
});
afterAll(() => sb?.cleanup());

function run(cmd: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ status: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      done({ status: err ? (typeof err.code === 'number' ? err.code : 127) : 0, out: `${stdout}${stderr}` });
    });
  });
}

function audit(repo: Repo): { door: string; decision: string }[] {
  const log = join(repo.path, '.git/safety-gate/audit.jsonl');
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

/** What `npm install --save-dev safety-gate` (and husky) leave in node_modules/.bin. */
function project(name: string, withFindings: boolean): Repo {
  const repo = new Repo(Repo.init(sb, name).path, env);
  mkdirSync(join(repo.path, 'node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, join(repo.path, 'node_modules/.bin/safety-gate'));
  symlinkSync(HUSKY_BIN, join(repo.path, 'node_modules/.bin/husky'));
  repo.write('.gitignore', 'node_modules/\n');
  if (withFindings) {
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n').write('k8s/pod.yaml', 'spec:\n  containers:\n    - name: a\n      image: nginx:latest\n');
    repo.commitAll('an agent-edited repository with findings');
  }
  return repo;
}

/** Runs the README block line by line, `safety-gate` from node_modules/.bin as after npm install. */
async function bootstrap(repo: Repo, name: string, extra: Record<string, string> = {}): Promise<{ status: number; out: string }> {
  const path = `${join(repo.path, 'node_modules/.bin')}:${env.PATH}`;
  let last = { status: 0, out: '' };
  for (let line of readmeBlock(name)) {
    line = line.replace(/^npx safety-gate /, 'safety-gate ');
    for (const [cmd, add] of Object.entries(extra)) if (line.startsWith(cmd)) line += ` ${add}`;
    last = await run('sh', ['-c', line], repo.path, { PATH: path });
    expect(last.status, `${line}\n${last.out}`).toBe(0);
  }
  return last;
}

/** After the bootstrap: the policy protects itself and the hooks, whatever the working tree says. */
async function expectNoLoosening(repo: Repo, hookFile: string): Promise<void> {
  const head = repo.head();
  const policy = readFileSync(join(repo.path, 'safety-gate.config.yaml'), 'utf8');
  repo.write('safety-gate.config.yaml', `${policy}rules:\n  agent-mode: off\n`);
  repo.git('add', 'safety-gate.config.yaml');
  const staged = await run('git', ['commit', '-m', 'turn agent-mode off'], repo.path);
  expect(staged.status, staged.out).not.toBe(0);
  expect(staged.out).toMatch(/safety-gate\.config\.yaml {2}protected-target {2}protected file safety-gate\.config\.yaml \(group safety-gate-policy\) modified/);
  repo.git('reset', '-q', 'HEAD', '--', 'safety-gate.config.yaml');
  // Loosened in the working tree only (what the hooks read for the other rules), with a
  // protected file staged: the policy at HEAD still judges protected targets.
  repo.write('safety-gate.config.yaml', 'extends: []\n');
  repo.write(hookFile, `${readFileSync(join(repo.path, hookFile), 'utf8')}# edited\n`);
  repo.git('add', hookFile);
  const loose = await run('git', ['commit', '-m', 'edit a hook file under a loosened policy'], repo.path);
  expect(loose.status, loose.out).not.toBe(0);
  expect(loose.out).toContain(`${hookFile}  protected-target  protected file ${hookFile} (group`);
  expect(repo.head()).toBe(head);
  repo.git('reset', '-q', '--hard');
}

describe('README client bootstrap', () => {
  it('core.hooksPath, on a repository that already has findings', { timeout: 120_000 }, async () => {
    const repo = project('hooks-path', true);
    // Its remote already has the history from before the adoption.
    const remote = join(sb.dir, 'hooks-path-remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote], { env });
    repo.git('remote', 'add', 'origin', remote);
    repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    const out = await bootstrap(repo, 'core.hooksPath');
    expect(out.out).toMatch(/safety-gate: passed — 1 commit, \d+ files checked \(pre-commit\)/);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.safety-gate/hooks');
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.safety-gate/baseline.json',
      '.safety-gate/hooks/commit-msg',
      '.safety-gate/hooks/pre-commit',
      '.safety-gate/hooks/pre-push',
      'safety-gate.config.yaml',
    ]);
    expect(audit(repo).map((a) => `${a.door}:${a.decision}`)).toEqual(['pre-commit:pass', 'commit-msg:pass']);
    // The findings that were there are baselined; the next commit touching their file passes.
    repo.write('config/app.env', 'LOG_LEVEL=info\nAGENT_MODE=EXECUTE\n');
    repo.git('add', '-A');
    const next = await run('git', ['commit', '-m', 'unrelated edit'], repo.path);
    expect(next.status, next.out).toBe(0);
    expect(next.out).toContain('baselined: 1 finding accepted by the baseline');
    // The first push: the adoption commit (nothing protected at the remote's tip) and the work
    // after it (judged by the baseline of its parent) go out through the pre-push hook.
    const push = await run('git', ['push', 'origin', 'HEAD:refs/heads/main'], repo.path);
    expect(push.status, push.out).toBe(0);
    expect(push.out).toMatch(/safety-gate: passed — 2 commits, \d+ files checked \(pre-push\)/);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-push', decision: 'pass' });
    await expectNoLoosening(repo, '.safety-gate/hooks/pre-commit');
    // A policy edit that skipped the commit hooks is stopped by pre-push, judged by the remote's policy.
    repo.write('safety-gate.config.yaml', 'extends: []\n');
    repo.git('commit', '-q', '--no-verify', '-am', 'loosen, hooks skipped');
    const loosened = await run('git', ['push', 'origin', 'HEAD:refs/heads/main'], repo.path);
    expect(loosened.status).not.toBe(0);
    expect(loosened.out).toMatch(/safety-gate\.config\.yaml {2}protected-target {2}protected file safety-gate\.config\.yaml \(group safety-gate-policy\) modified/);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-push', decision: 'block' });
  });

  it('core.hooksPath, in a fresh repository (the first commit there is)', { timeout: 120_000 }, async () => {
    const repo = project('hooks-path-fresh', false);
    await bootstrap(repo, 'core.hooksPath');
    expect(repo.git('rev-list', '--count', 'HEAD').trim()).toBe('1');
    expect(audit(repo).map((a) => `${a.door}:${a.decision}`)).toEqual(['pre-commit:pass', 'commit-msg:pass']);
    await expectNoLoosening(repo, '.safety-gate/hooks/pre-push');
  });

  it('husky, in a fresh repository', { timeout: 120_000 }, async () => {
    const repo = project('husky-fresh', false);
    const out = await bootstrap(repo, 'husky');
    expect(out.out).toMatch(/safety-gate: passed — 1 commit, \d+ files checked \(pre-commit\)/);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.husky/commit-msg',
      '.husky/pre-commit',
      '.husky/pre-push',
      '.safety-gate/baseline.json',
      'safety-gate.config.yaml',
    ]);
    expect(audit(repo).map((a) => `${a.door}:${a.decision}`)).toEqual(['pre-commit:pass', 'commit-msg:pass']);
    await expectNoLoosening(repo, '.husky/commit-msg');
  });

  it.skipIf(!hasPreCommit)('pre-commit framework, in a fresh repository', { timeout: 300_000 }, async () => {
    const repo = project('pre-commit-fresh', false);
    const out = await bootstrap(repo, 'pre-commit framework', { 'safety-gate install --pre-commit': `--repo ${hookRepo} --rev ${hookRev}` });
    expect(out.out).toMatch(/safety-gate \(staged change\)\.+Passed/);
    expect(out.out).toMatch(/safety-gate \(commit message\)\.+Passed/);
    expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort()).toEqual([
      '.pre-commit-config.yaml',
      '.safety-gate/baseline.json',
      'safety-gate.config.yaml',
    ]);
    expect(audit(repo).map((a) => `${a.door}:${a.decision}`)).toEqual(['pre-commit:pass', 'commit-msg:pass']);
    const head = repo.head();
    repo.write('.pre-commit-config.yaml', `${readFileSync(join(repo.path, '.pre-commit-config.yaml'), 'utf8')}# edited\n`);
    repo.git('add', '.pre-commit-config.yaml');
    const edit = await run('git', ['commit', '-m', 'edit the hook config'], repo.path);
    expect(edit.status, edit.out).not.toBe(0);
    expect(edit.out).toContain('.pre-commit-config.yaml  protected-target  protected file .pre-commit-config.yaml (group hook-installs) modified');
    expect(repo.head()).toBe(head);
  });
});
