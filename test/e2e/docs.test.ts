// The rules reference in docs/rules.md is generated from the rules' own metadata; it must not
// drift from what `safety-gate explain` prints.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, Repo, runCli, sandbox } from '../helpers/repo.js';

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
      const ids = list.split('\n').map((l) => l.split(/\s+/)[0]).filter((x) => x && /^[a-z-]+$/.test(x) && x !== 'safety');
      expect(ids.length).toBeGreaterThan(5);
      for (const id of ids) expect(readme).toContain(`\`${id}\``);
      for (const cmd of ['scan', 'hook pre-commit', 'hook commit-msg', 'hook pre-push', 'hook pre-receive', 'hook pre-tool-use', 'install --agent-hooks', 'install', 'init', 'config', 'explain', 'generate', 'audit verify', 'audit export']) {
        expect(readme).toContain(`safety-gate ${cmd}`);
      }
    } finally {
      sb.cleanup();
    }
  });
});
