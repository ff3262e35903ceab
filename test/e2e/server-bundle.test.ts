// The one-file server bundle: dist/safety-gate-server.cjs and the two .wasm files beside it,
// copied alone into an empty directory (no package.json, no node_modules anywhere above it),
// run with node alone. Its own `install --server` writes a pre-receive that runs the bundle;
// real pushes of a bad and a good commit meet it. `install --server --bundle` from the normal
// build installs the same file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const FILES = ['safety-gate-server.cjs', 'web-tree-sitter.wasm', 'tree-sitter-python.wasm', 'tree-sitter-bash.wasm'];
const POLICY = 'extends: [agenttrader-v2]\nprotected_targets: [safety-gate-policy]\n';

let sb: Sandbox;
let optDir: string;
let bundle: string;

function node(args: string[], cwd: string, input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bundle, ...args], { cwd, env: sb.env, encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  sb = sandbox();
  const built = join(sb.dir, 'built');
  execFileSync(process.execPath, ['build.mjs', '--bundle-only', '--outdir', built], { cwd: ROOT, stdio: 'pipe' });
  expect(readdirSync(built).sort()).toEqual([...FILES].sort());
  optDir = join(sb.dir, 'opt', 'safety-gate');
  mkdirSync(optDir, { recursive: true });
  for (const f of FILES) copyFileSync(join(built, f), join(optDir, f));
  bundle = join(optDir, 'safety-gate-server.cjs');
  // Nothing to fall back on: no package.json or node_modules in any parent directory.
  for (let d = optDir; d !== dirname(d); d = dirname(d)) {
    expect(existsSync(join(d, 'node_modules')), d).toBe(false);
    expect(existsSync(join(d, 'package.json')), d).toBe(false);
  }
  console.log(`server bundle: ${FILES.map((f) => `${f} ${(statSync(join(optDir, f)).size / 1024).toFixed(0)} KiB`).join(', ')}`);
}, 120_000);
afterAll(() => sb?.cleanup());

describe('one-file server bundle', () => {
  it('runs every command with node alone', () => {
    const repo = Repo.init(sb, 'plain');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.write('svc/app.py', 'def broken(:\n    pass\n');
    repo.write('web/x.ts', 'const x = ;\n');
    repo.commitAll('bad tree');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(node(['--version'], repo.path).stdout.trim()).toBe(version);
    expect(node(['--help'], repo.path).code).toBe(0);
    expect(node(['explain'], repo.path).stdout).toContain('oversized-file');
    expect(node(['explain', 'agent-mode'], repo.path).code).toBe(0);
    const scan = node(['scan', '--no-audit', '--format', 'json'], repo.path);
    expect(scan.code, scan.stderr).toBe(1);
    const rules = JSON.parse(scan.stdout).findings.map((f: { rule: string; path: string }) => `${f.rule} ${f.path}`);
    // The Python grammar (wasm beside the bundle), the TS parser and the env reader all ran.
    expect(rules).toEqual(expect.arrayContaining(['agent-mode config/app.env', 'import-hygiene/syntax svc/app.py', 'import-hygiene/syntax web/x.ts']));
    const init = node(['init'], repo.path);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('extends recommended');
    expect(node(['config', '--format', 'json'], repo.path).stdout).toContain('preset:recommended');
    expect(node(['init', '--preset', 'agenttrader-v2', '--force'], repo.path).code).toBe(0);
    repo.write('README.md', 'x\n');
    repo.git('add', 'README.md');
    const pre = node(['hook', 'pre-commit'], repo.path);
    expect(pre.code, pre.stderr).toBe(0);
    expect(node(['audit', 'verify'], repo.path).code).toBe(0);
    expect(node(['scan', '--list-suppressions'], repo.path).code).toBe(0);
  });

  it('its own install --server guards a bare repository: a bad push is rejected, a good one lands', () => {
    const bare = join(sb.dir, 'server.git');
    execFileSync('git', ['init', '-q', '--bare', bare], { env: sb.env });
    const policy = join(sb.dir, 'policy.yaml');
    writeFileSync(policy, POLICY);
    const inst = node(['install', '--server', bare, '--config', policy], sb.dir);
    expect(inst.code, inst.stderr).toBe(0);
    const hook = readFileSync(join(bare, 'hooks/pre-receive'), 'utf8');
    expect(hook).toContain(`exec '${process.execPath}' '${bundle}' hook pre-receive "$@"`);

    const work = join(sb.dir, 'work');
    execFileSync('git', ['clone', '-q', bare, work], { env: sb.env });
    const repo = new Repo(work, sb.env);
    repo.write('README.md', 'hello\n');
    repo.commitAll('base');
    const t0 = Date.now();
    const first = repo.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/main']);
    console.log(`bundle pre-receive, first push (1 commit): ${Date.now() - t0} ms`);
    expect(first.status, first.stderr).toBe(0);

    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.write('svc/app.py', 'def broken(:\n');
    repo.commitAll('bad, hooks skipped');
    const bad = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/main']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('remote: config/app.env:1:12  agent-mode');
    expect(bad.stderr).toMatch(/remote: svc\/app\.py:1:\d+  import-hygiene\/syntax/);
    expect(bad.stderr).toContain('pre-receive hook declined');
    const tip = spawnSync('git', ['rev-parse', 'main'], { cwd: bare, env: sb.env, encoding: 'utf8' }).stdout.trim();
    expect(tip).toBe(repo.git('rev-parse', 'HEAD~1').trim());

    repo.git('reset', '-q', '--hard', 'HEAD~1');
    repo.write('svc/app.py', 'def fine():\n    return 1\n');
    const good = repo.commitAll('good');
    const t1 = Date.now();
    const ok = repo.gitResult(['push', '-q', 'origin', 'HEAD:refs/heads/main']);
    console.log(`bundle pre-receive, good push: ${Date.now() - t1} ms`);
    expect(ok.status, ok.stderr).toBe(0);
    expect(spawnSync('git', ['rev-parse', 'main'], { cwd: bare, env: sb.env, encoding: 'utf8' }).stdout.trim()).toBe(good);
    const audit = readFileSync(join(bare, 'safety-gate/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit.map((a) => a.decision)).toEqual(['pass', 'block', 'pass']);
  });

  it('npm run bundle, then install --server --bundle from the normal build installs the bundle', { timeout: 120_000 }, () => {
    // The README's command: the normal build plus the bundle, swapped into dist/ whole.
    execFileSync('npm', ['run', '--silent', 'bundle'], { cwd: ROOT, stdio: 'pipe' });
    for (const f of [...FILES, 'cli.js']) expect(existsSync(join(ROOT, 'dist', f)), f).toBe(true);
    const bare = join(sb.dir, 'server2.git');
    execFileSync('git', ['init', '-q', '--bare', bare], { env: sb.env });
    const r = runCli(['install', '--server', bare, '--bundle'], { cwd: sb.dir, env: sb.env });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(bare, 'hooks/pre-receive'), 'utf8')).toContain(`'${join(ROOT, 'dist/safety-gate-server.cjs')}' hook pre-receive`);
    const client = runCli(['install', '--bundle'], { cwd: sb.dir, env: sb.env });
    expect(client.code).toBe(2);
  });
});
