// The install paths the README gives, run with the real npm: the package is not on the
// registry, so it comes from a git URL, a path, an `npm pack` tarball, or a clone used with npx.
// `prepare` must not need devDependencies in a consumer's install: the tarball ships dist/
// (built by `prepack`), and `prepare` skips the build when esbuild is absent.
//
// The package is a git snapshot of this working tree (so the code under test is what ships);
// its devDependencies are cut to esbuild, which is all the build needs. npm uses the machine's
// cache first; what is missing comes from the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Repo, sandbox, type Sandbox } from '../helpers/repo.js';

const SNAPSHOT = ['package.json', 'package-lock.json', 'build.mjs', 'tsconfig.json', '.pre-commit-hooks.yaml', '.npmrc', '.gitignore', 'README.md', 'src', 'presets', 'hooks'];
const BAD_ENV = 'AGENT_MODE=EXECUTE\n';

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
let pkgRepo: string;
let tarball: string;

function npmCache(): string {
  const r = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : join(process.env.HOME ?? '/root', '.npm');
}

function sh(cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}): { status: number | null; out: string; stdout: string } {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, ...extra }, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
}

/** A project that installs safety-gate with `npm install --save-dev <spec>`, then gates a bad file. */
function consumer(name: string, spec: string): { dir: string; install: ReturnType<typeof sh> } {
  const dir = join(sb.dir, name);
  mkdirSync(dir);
  execFileSync('git', ['init', '-q', dir], { env });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }, null, 2));
  const install = sh('npm', ['install', '--save-dev', spec], dir);
  return { dir, install };
}

function expectGates(dir: string): void {
  const repo = new Repo(dir, env);
  repo.write('config/app.env', BAD_ENV);
  repo.git('add', 'config/app.env');
  const r = sh('npx', ['--no-install', 'safety-gate', 'scan', '--index', '--no-audit'], dir);
  expect(r.status, r.out).toBe(1);
  expect(r.out).toContain('config/app.env:1:12  agent-mode');
  const v = sh('npx', ['--no-install', 'safety-gate', '--version'], dir);
  expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
}

beforeAll(() => {
  sb = sandbox();
  env = {
    ...sb.env,
    npm_config_cache: npmCache(),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
  };
  pkgRepo = join(sb.dir, 'safety-gate');
  for (const entry of SNAPSHOT) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(pkgRepo, entry), { recursive: true, dereference: true, filter: (src) => !/\.test(-helper)?\.ts$/.test(src) });
  }
  const pkgFile = join(pkgRepo, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { devDependencies: Record<string, string> };
  pkg.devDependencies = { esbuild: pkg.devDependencies.esbuild! };
  writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  execFileSync('git', ['init', '-q', pkgRepo], { env });
  // The lock file must match the trimmed package.json, as in a real release commit.
  const lock = sh('npm', ['install', '--package-lock-only'], pkgRepo);
  if (lock.status !== 0) throw new Error(lock.out);
  new Repo(pkgRepo, env).commitAll('safety-gate snapshot');
}, 300_000);
afterAll(() => sb?.cleanup());

describe('installing the package that is not on the registry', () => {
  it('npx from a clone: npm ci builds dist/ through prepare', { timeout: 300_000 }, () => {
    const clone = join(sb.dir, 'clone');
    execFileSync('git', ['clone', '-q', pkgRepo, clone], { env });
    const ci = sh('npm', ['ci'], clone);
    expect(ci.status, ci.out).toBe(0);
    expect(existsSync(join(clone, 'dist/cli.js'))).toBe(true);
    const target = Repo.init(sb, 'scanned');
    target.write('config/app.env', BAD_ENV);
    target.commitAll('bad');
    const r = sh('npx', ['--no-install', 'safety-gate', 'scan', target.path, '--no-audit'], clone);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('config/app.env:1:12  agent-mode');

    // npm pack from that clone: prepack builds, the tarball ships dist/.
    const pack = sh('npm', ['pack', '--silent', '--pack-destination', sb.dir], clone);
    expect(pack.status, pack.out).toBe(0);
    tarball = join(sb.dir, pack.stdout.trim().split('\n').at(-1)!);
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
    expect(files).toContain('package/dist/cli.js');
    expect(files).toContain('package/.pre-commit-hooks.yaml');
    expect(files.some((f) => f.startsWith('package/src/'))).toBe(false);

    // A path: the project links the built clone.
    const byPath = consumer('by-path', clone);
    expect(byPath.install.status, byPath.install.out).toBe(0);
    expect(lstatSync(join(byPath.dir, 'node_modules/safety-gate')).isSymbolicLink()).toBe(true);
    expectGates(byPath.dir);
  });

  it('from the npm pack tarball: no build, no devDependencies', { timeout: 300_000 }, () => {
    expect(tarball, 'the npx test packs the tarball').toBeTruthy();
    const c = consumer('by-tarball', tarball);
    expect(c.install.status, c.install.out).toBe(0);
    expect(existsSync(join(c.dir, 'node_modules/esbuild'))).toBe(false);
    expectGates(c.dir);
  });

  it('from a git URL: npm builds it in its clone', { timeout: 300_000 }, () => {
    const c = consumer('by-git-url', `git+file://${pkgRepo}`);
    expect(c.install.status, c.install.out).toBe(0);
    expect(JSON.parse(readFileSync(join(c.dir, 'package.json'), 'utf8')).devDependencies['safety-gate']).toBe(`git+file://${pkgRepo}`);
    expect(readdirSync(join(c.dir, 'node_modules/safety-gate/dist'))).toContain('cli.js');
    expectGates(c.dir);
  });

  it('prepare without devDependencies does not fail the install', { timeout: 300_000 }, () => {
    const clone = join(sb.dir, 'clone-prod');
    execFileSync('git', ['clone', '-q', pkgRepo, clone], { env });
    const r = sh('npm', ['install', '--omit=dev', '--foreground-scripts'], clone);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain(`safety-gate: esbuild is not installed, so dist/ was not built; run npm install && npm run build in ${clone}`);
    expect(r.out).not.toMatch(/Cannot find package 'esbuild'/);
  });
});
