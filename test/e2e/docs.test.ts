// The rules reference in docs/rules.md is generated from the rules' own metadata; it must not
// drift from what `safety-gate explain` prints.
import { describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, ROOT, Repo, runCli, sandbox } from '../helpers/repo.js';

describe('docs', () => {
  it('docs/rules.md is the output of `safety-gate explain --all`', () => {
    const sb = sandbox();
    try {
      const r = runCli(['explain', '--all'], { cwd: sb.home, env: sb.env });
      expect(r.code).toBe(0);
      expect(readFileSync(join(ROOT, 'docs/rules.md'), 'utf8')).toBe(r.stdout);
    } finally {
      sb.cleanup();
    }
  });

  it("README's configuration example is a valid policy", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('```yaml\nextends: [agenttrader-v2]');
    expect(start).toBeGreaterThan(0);
    const body = readme.slice(start + '```yaml\n'.length, readme.indexOf('```', start + 7));
    const sb = sandbox();
    try {
      const repo = Repo.init(sb);
      repo.write('safety-gate.config.yaml', body);
      const r = runCli(['config', '--format', 'json'], { cwd: repo.path, env: sb.env });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toBeTruthy();
    } finally {
      sb.cleanup();
    }
  });

  it('README names every rule and every command', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const sb = sandbox();
    try {
      const list = runCli(['explain'], { cwd: sb.home, env: sb.env }).stdout;
      const ids = list
        .split('\n')
        .map((l) => l.split(/\s+/)[0])
        .filter((x) => x && /^[a-z-]+$/.test(x) && x !== 'safety');
      expect(ids.length).toBeGreaterThan(5);
      for (const id of ids) expect(readme).toContain(`\`${id}\``);
      for (const cmd of [
        'scan',
        'hook pre-commit',
        'hook commit-msg',
        'hook pre-push',
        'hook pre-receive',
        'hook pre-tool-use',
        'install --agent-hooks',
        'install',
        'init',
        'config',
        'explain',
        'generate',
        'audit verify',
        'audit export',
        'audit overdue',
        'approve',
      ]) {
        expect(readme).toContain(`safety-gate ${cmd}`);
      }
    } finally {
      sb.cleanup();
    }
  });
});

describe("README's bootstrap sequence", () => {
  it('runs as written: the first push of the policy is refused, then lands with an admin approval', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const begin = readme.indexOf('<!-- bootstrap:begin -->');
    const end = readme.indexOf('<!-- bootstrap:end -->');
    expect(begin).toBeGreaterThan(0);
    const block = readme.slice(begin, end);
    const script = block.slice(block.indexOf('```sh\n') + 6, block.lastIndexOf('```'));
    const sb = sandbox();
    try {
      const bin = join(sb.dir, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'safety-gate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
      const r = spawnSync('bash', ['-c', script], { cwd: sb.dir, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH}` }, encoding: 'utf8' });
      const out = `${r.stdout}${r.stderr}`;
      expect(r.status, out).toBe(0);
      expect(out).toMatch(
        /remote: safety-gate\.config\.yaml\s+protected-target\s+protected file safety-gate\.config\.yaml \(group safety-gate-policy\) added: no approved generator writes it: needs a signed approval \(safety-gate approve\); no signed approval for commit/,
      );
      expect(out).toMatch(/remote: safety-gate\.config\.yaml\s+protected-target\s+approved by admin@example\.com \(bootstrap\)/);
      const head = (cwd: string, rev: string) => spawnSync('git', ['rev-parse', rev], { cwd, env: sb.env, encoding: 'utf8' }).stdout.trim();
      expect(head(join(sb.dir, 'app.git'), 'refs/heads/main')).toBe(head(join(sb.dir, 'app'), 'HEAD'));
    } finally {
      sb.cleanup();
    }
  });
});
