// The client installers end to end: `safety-gate install` in a real repository, then real
// `git commit`s through the hooks it wired. A blocked commit leaves HEAD alone, a clean one
// lands, and both leave a line in the audit log: proof the gate really ran.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const POLICY = 'protected_targets:\n  locked: ["locked/**"]\n';
const HUSKY_BIN = join(ROOT, 'node_modules/husky/bin.js');
const LINT_STAGED_BIN = join(ROOT, 'node_modules/lint-staged/bin/lint-staged.js');

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

/** A repository with the test policy committed (hooks bypassed) and node_modules ignored. */
function gateRepo(): Repo {
  const repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', POLICY).write('.gitignore', 'node_modules/\n').write('README.md', 'hello\n');
  repo.commitAll('base');
  return repo;
}

/** What `npm install safety-gate` (and husky) would leave in node_modules/.bin. */
function linkBin(repo: Repo, name: string, target: string): void {
  mkdirSync(join(repo.path, 'node_modules/.bin'), { recursive: true });
  symlinkSync(target, join(repo.path, 'node_modules/.bin', name));
}

function install(repo: Repo, ...args: string[]) {
  return runCli(['install', ...args], { cwd: repo.path, env: repo.env });
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

function commit(repo: Repo, message: string, env?: NodeJS.ProcessEnv) {
  const r = repo.gitResult(['commit', '-m', message], env ? { env } : {});
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Through whatever hooks are installed: a protected path is refused, a clean change lands. */
function expectGateOnCommits(repo: Repo, env?: NodeJS.ProcessEnv): { blockedOut: string; cleanOut: string } {
  const head = repo.head();
  const before = audit(repo).length;

  repo.write('locked/x', 'nope\n');
  repo.git('add', 'locked/x');
  const blocked = commit(repo, 'touch a locked file', env);
  expect(blocked.code, blocked.out).not.toBe(0);
  expect(blocked.out).toMatch(/protected-target/);
  expect(blocked.out).toContain('locked/x');
  expect(repo.head()).toBe(head);
  const afterBlock = audit(repo);
  expect(afterBlock.length).toBeGreaterThan(before);
  expect(afterBlock.at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });

  repo.git('rm', '-q', '--cached', 'locked/x');
  repo.rm('locked');
  repo.write('src/ok.txt', 'fine\n');
  repo.git('add', 'src/ok.txt');
  const clean = commit(repo, 'add a harmless file', env);
  expect(clean.code, clean.out).toBe(0);
  expect(repo.head()).not.toBe(head);
  expect(repo.git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('src/ok.txt');
  const afterClean = audit(repo).slice(afterBlock.length);
  expect(afterClean.map((a) => `${a.door}:${a.decision}`)).toContain('pre-commit:pass');
  return { blockedOut: blocked.out, cleanOut: clean.out };
}

describe('install --hooks-path', () => {
  it('copies the shims, points core.hooksPath at them, and the gate runs on commit', () => {
    const repo = gateRepo();
    const r = install(repo, '--hooks-path');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('installed via core.hooksPath=.safety-gate/hooks');
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.safety-gate/hooks');
    for (const hook of ['pre-commit', 'commit-msg', 'pre-push']) {
      const file = join(repo.path, '.safety-gate/hooks', hook);
      expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(ROOT, 'hooks', hook), 'utf8'));
      expect(statSync(file).mode & 0o111).not.toBe(0);
    }
    linkBin(repo, 'safety-gate', CLI);
    expectGateOnCommits(repo);
  });

  it('is the default in a repository without a hook manager, and is idempotent', () => {
    const repo = gateRepo();
    const first = install(repo);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('using --hooks-path (no hook manager found)');
    const files = () => ['pre-commit', 'commit-msg', 'pre-push'].map((h) => readFileSync(join(repo.path, '.safety-gate/hooks', h), 'utf8'));
    const before = files();
    const second = install(repo, '--hooks-path');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe('safety-gate: already installed via core.hooksPath=.safety-gate/hooks; nothing changed');
    expect(files()).toEqual(before);
    expect(repo.git('config', '--get-all', 'core.hooksPath').trim()).toBe('.safety-gate/hooks');
  });

  it('finds the CLI through SAFETY_GATE_BIN when the project has no node_modules', () => {
    const repo = gateRepo();
    const r = install(repo, '--hooks-path');
    expect(r.code, r.stderr).toBe(0);
    expectGateOnCommits(repo, { ...repo.env, SAFETY_GATE_BIN: CLI });
  });

  it('refuses to take over a core.hooksPath another manager owns, unless --force', () => {
    const repo = gateRepo();
    repo.git('config', 'core.hooksPath', '.githooks');
    const r = install(repo, '--hooks-path');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/core\.hooksPath is already set to \.githooks .*--force/);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.githooks');
    expect(existsSync(join(repo.path, '.safety-gate'))).toBe(false);

    const forced = install(repo, '--hooks-path', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.safety-gate/hooks');
  });

  it('refuses a global core.hooksPath too: a local one would silently override it', () => {
    const repo = gateRepo();
    repo.git('config', '--global', 'core.hooksPath', '/opt/company-hooks');
    const r = install(repo, '--hooks-path');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/core\.hooksPath is already set to \/opt\/company-hooks \(global config\)/);
    expect(repo.gitResult(['config', '--local', 'core.hooksPath']).status).toBe(1);
  });

  it('refuses when active hooks in .git/hooks would stop running, unless --force', () => {
    const repo = gateRepo();
    const hook = join(repo.path, '.git/hooks/pre-commit');
    writeFileSync(hook, '#!/bin/sh\necho legacy\n');
    chmodSync(hook, 0o755);
    const r = install(repo, '--hooks-path');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/\.git\/hooks has active hooks \(pre-commit\) that core\.hooksPath would disable/);
    expect(repo.gitResult(['config', 'core.hooksPath']).status).toBe(1);

    const forced = install(repo, '--hooks-path', '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/note: \.git\/hooks\/\{pre-commit\} no longer run/);
  });

  it('ignores the sample hooks git init leaves behind', () => {
    const repo = gateRepo();
    expect(existsSync(join(repo.path, '.git/hooks/pre-commit.sample'))).toBe(true);
    expect(install(repo, '--hooks-path').code).toBe(0);
  });
});

describe("Gate A's interpreter, pinned per clone", () => {
  /** A python3 wrapper that leaves a line in `log` each time it starts, then runs the real one. */
  function loggingPython(log: string): string {
    const real = spawnSync('python3', ['-I', '-S', '-c', 'import sys; print(sys.executable)'], { env: sb.env, encoding: 'utf8' });
    if (real.status !== 0) expect.fail('python3 is required on this machine (the CI installs it)');
    const wrapper = join(sb.dir, 'bin', 'python-logged');
    mkdirSync(join(sb.dir, 'bin'), { recursive: true });
    writeFileSync(wrapper, `#!/bin/sh\necho started >> '${log}'\nexec '${real.stdout.trim()}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    return wrapper;
  }

  it('install resolves it once and keeps it in .git/safety-gate/python; the hook runs it, not python3 on PATH', () => {
    const repo = Repo.init(sb);
    repo.write('safety-gate.config.yaml', 'extends: [recommended]\n').write('.gitignore', 'node_modules/\n').write('README.md', 'hello\n');
    repo.commitAll('base');
    const log = join(sb.dir, 'python.log');
    const python = loggingPython(log);
    const r = install(repo, '--hooks-path', '--python', python);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Gate A python: ${python} (kept for this clone in ${join(repo.path, '.git/safety-gate/python')}`);
    expect(readFileSync(join(repo.path, '.git/safety-gate/python'), 'utf8')).toBe(`${python}\n`);
    // Nothing of this machine's in the committed hooks.
    expect(readFileSync(join(repo.path, '.safety-gate/hooks/pre-commit'), 'utf8')).not.toContain(python);

    // The pinned interpreter is the one that runs (once), not python3 on PATH.
    const env = { ...repo.env, SAFETY_GATE_BIN: CLI };
    repo.write('app/main.py', 'def f(a=1, b):\n    return a\n');
    repo.git('add', 'app/main.py');
    const blocked = commit(repo, 'broken python', env);
    expect(blocked.code, blocked.out).not.toBe(0);
    expect(blocked.out).toMatch(/app\/main\.py:1:\d+.*import-hygiene/);
    expect(readFileSync(log, 'utf8')).toBe('started\n');

    // SAFETY_GATE_PYTHON still wins over the pin; a pin whose interpreter is gone is ignored.
    const off = commit(repo, 'broken python', { ...env, SAFETY_GATE_PYTHON: 'off' });
    expect(off.code, off.out).not.toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('started\n');
    rmSync(python);
    const gone = commit(repo, 'broken python', env);
    expect(gone.code, gone.out).not.toBe(0);
    expect(gone.out).toMatch(/app\/main\.py:1:\d+.*import-hygiene/);

    // Installing again with the interpreter as found says only that nothing changed the second time.
    const again = install(repo, '--hooks-path');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Gate A python: \//);
    expect(install(repo, '--hooks-path').stdout.trim()).toBe('safety-gate: already installed via core.hooksPath=.safety-gate/hooks; nothing changed');
    expect(install(repo, '--python', 'python3').stderr).toContain('--python python3 is not an absolute path of an existing file');
  });
});

describe('hook shims', () => {
  function shimRepo(): Repo {
    const repo = gateRepo();
    const r = install(repo, '--hooks-path');
    expect(r.code, r.stderr).toBe(0);
    return repo;
  }
  // A PATH with git, sh and node but no safety-gate.
  const bareEnv = (repo: Repo, extra: Record<string, string> = {}) => ({ ...repo.env, PATH: '/usr/bin:/bin', ...extra });

  it('blocks the commit with exit 2 and one line when the CLI is not installed', () => {
    expect(spawnSync('sh', ['-c', 'command -v safety-gate'], { env: { PATH: '/usr/bin:/bin' } }).status).not.toBe(0);
    const repo = shimRepo();
    const head = repo.head();
    repo.write('src/ok.txt', 'fine\n');
    repo.git('add', 'src/ok.txt');
    const r = repo.gitResult(['commit', '-m', 'no gate'], { env: bareEnv(repo) });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      'safety-gate: not installed (no SAFETY_GATE_BIN, no node_modules/.bin/safety-gate, none on PATH); commit blocked — run npm install or set SAFETY_GATE_BIN',
    ]);
    expect(repo.head()).toBe(head);

    const direct = spawnSync('sh', [join(repo.path, '.safety-gate/hooks/pre-commit')], { cwd: repo.path, env: bareEnv(repo), encoding: 'utf8' });
    expect(direct.status).toBe(2);
    const push = spawnSync('sh', [join(ROOT, 'hooks/pre-push'), 'origin', 'url'], { cwd: repo.path, env: bareEnv(repo), encoding: 'utf8', input: '' });
    expect(push.status).toBe(2);
    expect(push.stderr).toMatch(/; push blocked — /);
  });

  it('blocks with exit 2 when SAFETY_GATE_BIN names nothing runnable', () => {
    const repo = shimRepo();
    const r = spawnSync('sh', [join(repo.path, '.safety-gate/hooks/pre-commit')], {
      cwd: repo.path,
      env: bareEnv(repo, { SAFETY_GATE_BIN: join(sb.dir, 'missing') }),
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^safety-gate: SAFETY_GATE_BIN=.*missing is not an executable file; commit blocked/);
  });

  it('passes arguments and stdin through untouched, and the exit code back', () => {
    const repo = shimRepo();
    const spy = join(sb.dir, 'spy');
    writeFileSync(spy, `#!/bin/sh\nfor a in "$@"; do printf '[%s]' "$a"; done\necho\ncat\nexit 7\n`);
    chmodSync(spy, 0o755);
    const stdin = 'refs/heads/a b 1111 refs/heads/x 0000\nsecond line\n';
    for (const hook of ['pre-push', 'pre-receive']) {
      const r = spawnSync('sh', [join(ROOT, 'hooks', hook), 'my remote', 'file:///a b'], {
        cwd: repo.path,
        env: bareEnv(repo, { SAFETY_GATE_BIN: spy }),
        encoding: 'utf8',
        input: stdin,
      });
      expect(r.status).toBe(7);
      expect(r.stdout).toBe(`[hook][${hook}][my remote][file:///a b]\n${stdin}`);
    }
  });

  // A missing tool skips the test visibly (vitest lists it as skipped, with the reason), never
  // a silent pass.
  const hasShellcheck = !spawnSync('shellcheck', ['--version']).error;
  it.skipIf(!hasShellcheck)(`are POSIX sh that shellcheck accepts${hasShellcheck ? '' : ' (skipped: shellcheck is not installed)'}`, () => {
    const r = spawnSync('shellcheck', ['-s', 'sh', ...['pre-commit', 'commit-msg', 'pre-push', 'pre-receive'].map((h) => join(ROOT, 'hooks', h))], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('install --husky', () => {
  it('sets husky up when needed, appends to existing scripts, and the gate runs on commit', () => {
    const repo = gateRepo();
    repo.write('.husky/pre-commit', 'echo user-pre-commit-ran\n');
    linkBin(repo, 'husky', HUSKY_BIN);
    linkBin(repo, 'safety-gate', CLI);
    const r = install(repo, '--husky');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('set up husky (node_modules/.bin/husky): core.hooksPath=.husky/_');
    expect(r.stdout).toContain('safety-gate: installed in .husky/ (husky); commit those files');
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.husky/_');
    expect(readFileSync(join(repo.path, '.husky/pre-commit'), 'utf8')).toBe('echo user-pre-commit-ran\nsafety-gate hook pre-commit\n');
    expect(readFileSync(join(repo.path, '.husky/commit-msg'), 'utf8')).toBe('safety-gate hook commit-msg "$1"\n');
    expect(readFileSync(join(repo.path, '.husky/pre-push'), 'utf8')).toBe('safety-gate hook pre-push "$@"\n');

    const { blockedOut, cleanOut } = expectGateOnCommits(repo);
    expect(blockedOut).toContain('user-pre-commit-ran');
    expect(blockedOut).toContain('husky - pre-commit script failed');
    expect(cleanOut).toContain('user-pre-commit-ran');
    expect(audit(repo).map((a) => a.door)).toContain('commit-msg');
  });

  it('joins a husky set up by the project (husky bin run in the repo), idempotently', () => {
    const repo = gateRepo();
    const h = spawnSync(process.execPath, [HUSKY_BIN], { cwd: repo.path, env: repo.env, encoding: 'utf8' });
    expect(h.status, h.stdout + h.stderr).toBe(0);
    linkBin(repo, 'safety-gate', CLI);

    const first = install(repo);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("using --husky (core.hooksPath is husky's .husky/_)");
    expect(first.stdout).not.toContain('set up husky');
    const snapshot = () => ['pre-commit', 'commit-msg', 'pre-push'].map((f) => readFileSync(join(repo.path, '.husky', f), 'utf8'));
    const before = snapshot();
    const second = install(repo, '--husky');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe('safety-gate: already installed in .husky/ (husky); nothing changed');
    expect(snapshot()).toEqual(before);
    expectGateOnCommits(repo);
  });

  it('says what to run when husky is not available, and changes nothing', () => {
    const repo = gateRepo();
    const r = install(repo, '--husky');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/husky is not set up .* run npm install --save-dev husky && npx husky/);
    expect(existsSync(join(repo.path, '.husky'))).toBe(false);
  });

  it('will not move core.hooksPath from another manager to husky without --force', () => {
    const repo = gateRepo();
    repo.git('config', 'core.hooksPath', '.githooks');
    linkBin(repo, 'husky', HUSKY_BIN);
    const r = install(repo, '--husky');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/core\.hooksPath is already set to \.githooks/);
    expect(repo.git('config', 'core.hooksPath').trim()).toBe('.githooks');
  });

  it('--hooks-path will not take core.hooksPath from husky', () => {
    const repo = gateRepo();
    spawnSync(process.execPath, [HUSKY_BIN], { cwd: repo.path, env: repo.env });
    const r = install(repo, '--hooks-path');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/core\.hooksPath is \.husky\/_ \(husky\); not taking it over — run safety-gate install --husky instead/);
  });
});

describe('install (usage)', () => {
  it('fails with one line outside a repository and for conflicting flags', () => {
    const notRepo = runCli(['install'], { cwd: sb.dir, env: sb.env });
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr.trim().split('\n')).toHaveLength(1);
    expect(notRepo.stderr).toMatch(/is not inside a git working tree/);
    const repo = gateRepo();
    const both = install(repo, '--husky', '--hooks-path');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/choose one of --husky, --hooks-path/);
  });
});

describe('lint-staged recipe', () => {
  it('runs the gate as a lint-staged task (file names are passed; the gate reads the index)', () => {
    const repo = gateRepo();
    linkBin(repo, 'safety-gate', CLI);
    repo.write('.lintstagedrc.json', JSON.stringify({ '*': 'safety-gate hook pre-commit' }));
    repo.git('add', '.lintstagedrc.json');
    repo.git('commit', '-q', '--no-verify', '-m', 'lint-staged config');
    repo.write('locked/x', 'nope\n');
    repo.git('add', 'locked/x');
    const blocked = spawnSync(process.execPath, [LINT_STAGED_BIN], { cwd: repo.path, env: repo.env, encoding: 'utf8' });
    expect(blocked.status).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toMatch(/protected-target/);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });

    repo.git('rm', '-q', '--cached', 'locked/x');
    repo.rm('locked');
    repo.write('src/ok.txt', 'fine\n');
    repo.git('add', 'src/ok.txt');
    const clean = spawnSync(process.execPath, [LINT_STAGED_BIN], { cwd: repo.path, env: repo.env, encoding: 'utf8' });
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'pass' });
  });

  it('husky + lint-staged: one gate run per commit, whichever the user installed', () => {
    const repo = gateRepo();
    linkBin(repo, 'husky', HUSKY_BIN);
    linkBin(repo, 'lint-staged', LINT_STAGED_BIN);
    linkBin(repo, 'safety-gate', CLI);
    // The project's own set-up: husky runs lint-staged, which runs the gate as a task.
    repo.write('.husky/pre-commit', 'lint-staged\n');
    repo.write('.lintstagedrc.json', JSON.stringify({ '*': 'safety-gate hook pre-commit' }));
    expect(spawnSync(process.execPath, [HUSKY_BIN], { cwd: repo.path, env: repo.env, encoding: 'utf8' }).status).toBe(0);
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'husky + lint-staged');
    const preCommitRuns = () => audit(repo).filter((a) => a.door === 'pre-commit').length;

    // lint-staged alone runs the gate once.
    let before = preCommitRuns();
    repo.write('src/a.txt', 'a\n');
    repo.git('add', 'src/a.txt');
    const first = commit(repo, 'lint-staged only');
    expect(first.code, first.out).toBe(0);
    expect(preCommitRuns() - before).toBe(1);

    // Then `safety-gate install --husky` adds its own line: still one run, and it blocks.
    const r = install(repo, '--husky');
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(repo.path, '.husky/pre-commit'), 'utf8')).toBe('lint-staged\nsafety-gate hook pre-commit\n');
    repo.git('add', '.husky');
    repo.git('commit', '-q', '--no-verify', '-m', 'gate line');
    before = preCommitRuns();
    repo.write('locked/x', 'nope\n');
    repo.git('add', 'locked/x');
    const head = repo.head();
    const blocked = commit(repo, 'touch a locked file');
    expect(blocked.code).not.toBe(0);
    expect(repo.head()).toBe(head);
    expect(blocked.out.match(/safety-gate: blocked/g)).toHaveLength(1);
    expect(preCommitRuns() - before).toBe(1);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });

    repo.git('rm', '-q', '--cached', 'locked/x');
    repo.rm('locked');
    repo.write('src/b.txt', 'b\n');
    repo.git('add', 'src/b.txt');
    before = preCommitRuns();
    const clean = commit(repo, 'clean');
    expect(clean.code, clean.out).toBe(0);
    expect(preCommitRuns() - before).toBe(1);

    // A deletion-only commit, which lint-staged skips, is still checked by the husky line.
    repo.git('rm', '-q', 'src/a.txt');
    before = preCommitRuns();
    expect(commit(repo, 'delete only').code).toBe(0);
    expect(preCommitRuns() - before).toBe(1);
  });
});
