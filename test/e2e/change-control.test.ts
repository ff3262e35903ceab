// Change control through the client doors, as users run them: `git commit` and `git push` with
// the hooks installed through core.hooksPath, `safety-gate generate`, and `safety-gate scan`.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

const NODE = process.execPath;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const GEN = `import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
mkdirSync('out', { recursive: true });
writeFileSync('out/data.txt', readFileSync('src/data.txt', 'utf8').toUpperCase());
`;

const POLICY = {
  extends: [],
  generators: { upper: { command: [NODE, 'tools/gen.mjs'], inputs: ['src/**', 'tools/**'], outputs: ['out/**'] } },
  sentinels: [{ path: 'SHA256SUMS', covers: ['out/**'] }],
};

let sb: Sandbox;
let repo: Repo;

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  // Hooks through core.hooksPath, exec'ing the built CLI.
  const hooks = join(sb.dir, 'hooks');
  mkdirSync(hooks);
  for (const [name, args] of [
    ['pre-commit', 'hook pre-commit'],
    ['pre-push', 'hook pre-push "$@"'],
  ] as const) {
    writeFileSync(join(hooks, name), `#!/bin/sh\nexec "${NODE}" "${CLI}" ${args}\n`);
    chmodSync(join(hooks, name), 0o755);
  }
  repo.git('config', 'core.hooksPath', hooks);
  repo.write('safety-gate.config.yaml', stringify(POLICY));
  repo.write('tools/gen.mjs', GEN).write('src/data.txt', 'hello\n');
  expect(runCli(['generate', 'upper'], { cwd: repo.path, env: repo.env }).code).toBe(0);
  expect(runCli(['generate', 'sentinel:SHA256SUMS'], { cwd: repo.path, env: repo.env }).code).toBe(0);
  repo.commitAll('seed');
});
afterEach(() => sb.cleanup());

function commit(...args: string[]): { code: number | null; out: string } {
  const r = repo.gitResult(['commit', '-q', ...args]);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('pre-commit', () => {
  it('rejects a hand edit of a generated output and says which generator to run', () => {
    repo.write('out/data.txt', 'HELLO, BY HAND\n');
    repo.git('add', '-A');
    const r = commit('-m', 'hand edit');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /out\/data.txt\s+protected-target\s+protected file out\/data.txt \(output of generator upper\) modified: out\/data.txt is not what generator upper produced \(edited by hand, or not staged\)/,
    );
    expect(r.out).toContain('fix: run `safety-gate generate upper` and stage its outputs');
    // The sentinel is stale too, at its line.
    expect(r.out).toMatch(/SHA256SUMS:1\s+sentinel\s+SHA256SUMS is stale for out\/data.txt/);
  });

  it('accepts what the generators produced, staged by --stage', () => {
    repo.write('src/data.txt', 'world\n');
    const g = runCli(['generate', 'upper', '--stage'], { cwd: repo.path, env: repo.env });
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/generator upper done; receipt [0-9a-f]{12} covers 1 output file/);
    expect(g.stdout).toContain('staged out/data.txt');
    expect(runCli(['generate', 'sentinel:SHA256SUMS', '--stage'], { cwd: repo.path, env: repo.env }).code).toBe(0);
    repo.git('add', 'src/data.txt');
    const r = commit('-m', 'regenerated');
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(repo.path, 'out/data.txt'), 'utf8')).toBe('WORLD\n');
  });

  it('`git commit -a` (a temporary index) sees the generated outputs', () => {
    repo.write('src/data.txt', 'again\n');
    const g = runCli(['generate', 'upper'], { cwd: repo.path, env: repo.env });
    expect(g.stdout).toContain('git add -A -- out/data.txt');
    runCli(['generate', 'sentinel:SHA256SUMS'], { cwd: repo.path, env: repo.env });
    const r = commit('-a', '-m', 'all');
    expect(r.code, r.out).toBe(0);
  });

  it('a generator failure writes no receipt and exits 2', () => {
    repo.write('tools/gen.mjs', 'process.exit(3)\n');
    const g = runCli(['generate', 'upper'], { cwd: repo.path, env: repo.env });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/generator upper failed \(exit 3\)/);
  });

  it('unknown generators are a usage error that lists the defined ones', () => {
    const g = runCli(['generate', 'nope'], { cwd: repo.path, env: repo.env });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/unknown generator "nope" \(defined: upper, sentinel:SHA256SUMS\)/);
    const l = runCli(['generate', '--list', '--format', 'json'], { cwd: repo.path, env: repo.env });
    expect(JSON.parse(l.stdout).map((g: { id: string }) => g.id)).toEqual(['upper', 'sentinel:SHA256SUMS']);
  });
});

describe('pre-push and scan', () => {
  it('pre-push blocks a --no-verify hand edit; scan --range names the commit', () => {
    const bare = join(sb.dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', bare], { env: sb.env });
    repo.git('remote', 'add', 'origin', bare);
    expect(repo.gitResult(['push', '-q', 'origin', 'main']).status).toBe(0);
    const base = repo.head();
    repo.write('out/data.txt', 'EVIL\n');
    const bad = repo.commitAll('hand edit, hooks skipped');
    const r = repo.gitResult(['push', 'origin', 'main']);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/protected file out\/data.txt \(output of generator upper\) modified/);

    const s = runCli(['scan', '--range', `${base}..HEAD`, '--format', 'json', '--no-audit'], { cwd: repo.path, env: repo.env });
    expect(s.code).toBe(1);
    const report = JSON.parse(s.stdout);
    const mine = report.findings.filter((f: { rule: string }) => ['protected-target', 'sentinel'].includes(f.rule));
    expect(mine.map((f: { rule: string; path: string; line: number | null; commit: string }) => [f.rule, f.path, f.line, f.commit])).toEqual([
      ['sentinel', 'SHA256SUMS', 1, bad],
      ['protected-target', 'out/data.txt', null, bad],
    ]);
  });

  it('scan of a whole tree verifies its sentinels', () => {
    expect(runCli(['scan', '--no-audit'], { cwd: repo.path, env: repo.env }).code).toBe(0);
    writeFileSync(join(repo.path, 'SHA256SUMS'), `${sha('x')}  out/data.txt\n`);
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'stale sentinel');
    const s = runCli(['scan', '--no-audit'], { cwd: repo.path, env: repo.env });
    expect(s.code).toBe(1);
    expect(s.stdout + s.stderr).toMatch(/SHA256SUMS:1\s+sentinel\s+SHA256SUMS is stale for out\/data.txt/);
  });
});
