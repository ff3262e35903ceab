// safety-gate as a plugin of the real pre-commit framework: `install --pre-commit` writes the
// config and runs `pre-commit install`; pre-commit then builds our node environment the way it
// does for every user (npm install in a clone of the hook repository, npm pack, npm install -g)
// and runs the hooks on real commits. Also `pre-commit try-repo`, the way a hook author tries it.
//
// The hook repository is a snapshot of this working tree, so the test checks the code under
// test rather than the last commit. npm is pointed at the machine's cache and prefers it; what
// is missing comes from the registry. Skipped when pre-commit is not installed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const POLICY = 'protected_targets:\n  locked: ["locked/**"]\n';
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
// What the published package needs to build itself (package.json `prepare`) and what it ships.
const SNAPSHOT = ['package.json', 'package-lock.json', 'build.mjs', 'tsconfig.json', '.pre-commit-hooks.yaml', 'src', 'presets', 'hooks'];

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
let hookRepo: string;
let hookRev: string;

function npmCache(): string {
  const r = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : join(process.env.HOME ?? '/root', '.npm');
}

beforeAll(() => {
  if (!hasPreCommit) return;
  sb = sandbox();
  env = {
    ...sb.env,
    PRE_COMMIT_HOME: join(sb.dir, 'pre-commit-home'),
    PRE_COMMIT_COLOR: 'never',
    npm_config_cache: npmCache(),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // npm >= 10.5 prints lifecycle banners of `npm pack` on stdout, which pre-commit 3.x takes
    // for the tarball name. A project .npmrc with foreground-scripts=false fixes it for users;
    // the test sets it so it does not depend on that file being there.
    npm_config_foreground_scripts: 'false',
  };
  hookRepo = join(sb.dir, 'safety-gate-hooks');
  for (const entry of SNAPSHOT) {
    if (existsSync(join(ROOT, entry))) {
      cpSync(join(ROOT, entry), join(hookRepo, entry), { recursive: true, dereference: true, filter: (src) => !src.endsWith('.test.ts') });
    }
  }
  // pre-commit runs `npm install --dev --prod` in the hook repository: keep only the dev
  // dependencies the `prepare` build needs, so the test does not install vitest and friends.
  const pkgFile = join(hookRepo, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { devDependencies?: Record<string, string> };
  const dev = pkg.devDependencies ?? {};
  pkg.devDependencies = Object.fromEntries(Object.entries(dev).filter(([name]) => ['esbuild', 'husky'].includes(name)));
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  const hr = new Repo(hookRepo, env);
  execFileSync('git', ['init', '-q', hookRepo], { env });
  hookRev = hr.commitAll('snapshot of safety-gate for the pre-commit framework');
});
afterAll(() => sb?.cleanup());

function gateRepo(name: string): Repo {
  const r = new Repo(Repo.init(sb, name).path, env);
  r.write('safety-gate.config.yaml', POLICY).write('README.md', 'hello\n');
  r.commitAll('base');
  return r;
}

/** Async, so the two environment installs below run side by side. */
function run(cmd: string, args: string[], cwd: string): Promise<{ status: number; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      done({ status: code, out: `${stdout}${stderr}` });
    });
  });
}

function auditLines(repo: Repo): { door: string; decision: string }[] {
  const log = join(repo.path, '.git/safety-gate/audit.jsonl');
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

describe.skipIf(!hasPreCommit).concurrent('pre-commit framework', () => {
  it('install --pre-commit, then a blocked and a clean commit through pre-commit', { timeout: 240_000 }, async () => {
    const repo = gateRepo('pc-repo');
    const r = runCli(['install', '--pre-commit', '--repo', hookRepo, '--rev', hookRev], { cwd: repo.path, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ran pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push');
    const config = parse(readFileSync(join(repo.path, '.pre-commit-config.yaml'), 'utf8'));
    expect(config.default_install_hook_types).toEqual(['pre-commit', 'commit-msg', 'pre-push']);
    expect(config.repos[0]).toEqual({
      repo: hookRepo,
      rev: hookRev,
      hooks: [{ id: 'safety-gate' }, { id: 'safety-gate-commit-msg' }, { id: 'safety-gate-pre-push' }, { id: 'safety-gate-scan' }],
    });
    for (const t of ['pre-commit', 'commit-msg', 'pre-push']) {
      expect(readFileSync(join(repo.path, '.git/hooks', t), 'utf8')).toContain('File generated by pre-commit');
    }
    const again = runCli(['install', '--pre-commit'], { cwd: repo.path, env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe('safety-gate: already installed through the pre-commit framework (.pre-commit-config.yaml); nothing changed');

    // pre-commit refuses to run while its own config is not committed.
    repo.git('add', '.pre-commit-config.yaml');
    repo.git('commit', '-q', '--no-verify', '-m', 'pre-commit config');
    const head = repo.head();

    repo.write('locked/x', 'nope\n');
    repo.git('add', 'locked/x');
    const started = Date.now();
    const blocked = await run('git', ['commit', '-m', 'touch a locked file'], repo.path);
    // The first commit pays for pre-commit's environment (npm install, npm pack, npm install -g).
    console.log(`pre-commit framework: first commit incl. environment install ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(blocked.status, blocked.out).not.toBe(0);
    expect(blocked.out).toMatch(/safety-gate \(staged change\)\.+Failed/);
    expect(blocked.out).toMatch(/protected-target/);
    expect(blocked.out).toContain('locked/x');
    expect(repo.head()).toBe(head);
    expect(auditLines(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });

    repo.git('rm', '-q', '--cached', 'locked/x');
    repo.rm('locked');
    repo.write('src/ok.txt', 'fine\n');
    repo.git('add', 'src/ok.txt');
    const t2 = Date.now();
    const clean = await run('git', ['commit', '-m', 'add a harmless file'], repo.path);
    console.log(`pre-commit framework: clean commit, environment cached ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    expect(clean.status, clean.out).toBe(0);
    expect(clean.out).toMatch(/safety-gate \(staged change\)\.+Passed/);
    expect(clean.out).toMatch(/safety-gate \(commit message\)\.+Passed/);
    expect(repo.head()).not.toBe(head);
    const doors = auditLines(repo).map((a) => `${a.door}:${a.decision}`);
    expect(doors).toContain('pre-commit:pass');
    expect(doors).toContain('commit-msg:pass');
  });

  it('run --all-files scans the tree; SKIP shows Skipped; SAFETY_GATE_SKIP is not a silent Passed', { timeout: 240_000 }, async () => {
    const repo = gateRepo('all-files');
    // A HEAD that already sets AGENT_MODE=EXECUTE: the change hooks see nothing to check.
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('a bad tree');
    const r = runCli(['install', '--pre-commit', '--repo', hookRepo, '--rev', hookRev], { cwd: repo.path, env });
    expect(r.code, r.stderr).toBe(0);
    repo.git('add', '.pre-commit-config.yaml');
    repo.git('commit', '-q', '--no-verify', '-m', 'pre-commit config');

    const all = await run('pre-commit', ['run', '--all-files'], repo.path);
    expect(all.status, all.out).toBe(1);
    expect(all.out).toMatch(/safety-gate \(staged change\)\.+Passed/);
    expect(all.out).toMatch(/safety-gate \(whole tree\)\.+Failed/);
    expect(all.out).toContain('config/app.env:1:12  agent-mode');
    // The CI form: only the tree hook, by id.
    const one = await run('pre-commit', ['run', 'safety-gate-scan', '--all-files'], repo.path);
    expect(one.status, one.out).toBe(1);
    expect(one.out).toMatch(/safety-gate \(whole tree\)\.+Failed/);

    repo.rm('config');
    repo.git('rm', '-q', '--cached', 'config/app.env');
    repo.git('commit', '-q', '--no-verify', '-m', 'fix the tree');
    const clean = await run('pre-commit', ['run', '--all-files'], repo.path);
    expect(clean.status, clean.out).toBe(0);
    expect(clean.out).toMatch(/safety-gate \(whole tree\)\.+Passed/);

    // pre-commit's own SKIP: shown as Skipped, the gate never starts.
    repo.write('locked/x', 'nope\n');
    repo.git('add', 'locked/x');
    const skipped = await run('env', ['SKIP=safety-gate,safety-gate-commit-msg,safety-gate-scan', 'git', 'commit', '-m', 'skip the client hooks'], repo.path);
    expect(skipped.status, skipped.out).toBe(0);
    expect(skipped.out).toMatch(/safety-gate \(staged change\)\.+Skipped/);
    expect(skipped.out).toMatch(/safety-gate \(commit message\)\.+Skipped/);
    expect(skipped.out).not.toMatch(/Passed/);

    // SAFETY_GATE_SKIP would print Passed under the framework: the hook says how to skip instead.
    repo.write('locked/y', 'nope\n');
    repo.git('add', 'locked/y');
    const head = repo.head();
    const refused = await run('env', ['SAFETY_GATE_SKIP=1', 'git', 'commit', '-m', 'skip the gate'], repo.path);
    expect(refused.status, refused.out).not.toBe(0);
    expect(refused.out).toMatch(/safety-gate \(staged change\)\.+Failed/);
    expect(refused.out).toContain('SAFETY_GATE_SKIP is not read under the pre-commit framework');
    expect(refused.out).toContain('skip with SKIP=safety-gate,safety-gate-commit-msg,safety-gate-pre-push');
    expect(refused.out).not.toMatch(/\.+Passed/);
    expect(repo.head()).toBe(head);
  });

  it('install --pre-commit writes only a rev that resolves', { timeout: 60_000 }, async () => {
    const repo = gateRepo('rev-check');
    // No --rev: the tag v<version>, which the hook repository does not have yet.
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    const missing = runCli(['install', '--pre-commit', '--repo', hookRepo], { cwd: repo.path, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      `safety-gate: v${version} does not exist in ${hookRepo}, so pre-commit could not check it out — create and push the tag (git tag v${version} && git push origin v${version}) in that repository, or pass --rev <commit id>`,
    );
    expect(existsSync(join(repo.path, '.pre-commit-config.yaml'))).toBe(false);
    const badOid = runCli(['install', '--pre-commit', '--repo', hookRepo, '--rev', 'f'.repeat(40)], { cwd: repo.path, env });
    expect(badOid.code).toBe(2);
    expect(badOid.stderr).toContain(`${'f'.repeat(40)} does not exist in ${hookRepo}`);
    // What the README tells the maintainer of the hook repository to do.
    execFileSync('git', ['tag', `v${version}`, hookRev], { cwd: hookRepo, env });
    try {
      const ok = runCli(['install', '--pre-commit', '--repo', hookRepo], { cwd: repo.path, env });
      expect(ok.code, ok.stderr).toBe(0);
      expect(parse(readFileSync(join(repo.path, '.pre-commit-config.yaml'), 'utf8')).repos[0].rev).toBe(`v${version}`);
      // What pre-commit will do with it: check out the rev in its clone.
      expect(execFileSync('git', ['rev-parse', `v${version}^{commit}`], { cwd: hookRepo, env, encoding: 'utf8' }).trim()).toBe(hookRev);
    } finally {
      execFileSync('git', ['tag', '-d', `v${version}`], { cwd: hookRepo, env });
    }
  });

  it('pre-commit try-repo runs the safety-gate hook on the staged change', { timeout: 240_000 }, async () => {
    const repo = gateRepo('try-repo');
    repo.write('locked/x', 'nope\n');
    repo.git('add', 'locked/x');
    const started = Date.now();
    // try-repo builds the environment in a fresh store every time.
    const r = await run('pre-commit', ['try-repo', hookRepo, 'safety-gate', '--ref', hookRev], repo.path);
    console.log(`pre-commit try-repo incl. environment install ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/safety-gate \(staged change\)\.+Failed/);
    expect(r.out).toMatch(/protected-target/);
    expect(r.out).toContain('locked/x');
    expect(auditLines(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });
  });
});
