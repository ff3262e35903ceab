// A submodule (gitlink) in runtime scope: the content deployed there is another repository's
// commit, which no rule reads, so readable-content/gitlink refuses it; outside runtime scope
// (docs/) it passes. Through the real pre-commit door.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function repoWithGitlink(path: string): Repo {
  const repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n').write('README.md', '# app\n');
  repo.commitAll('seed');
  const target = repo.git('rev-parse', 'HEAD').trim();
  repo.git('update-index', '--add', '--cacheinfo', `160000,${target},${path}`);
  return repo;
}

describe('readable-content/gitlink', () => {
  it('refuses a submodule added in runtime scope, with its reason', () => {
    const repo = repoWithGitlink('services/broker');
    const r = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: sb.env });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/services\/broker\s+readable-content\/gitlink\s+services\/broker is a submodule \(gitlink to [0-9a-f]{12}\) in runtime scope/);
  });

  it('lets a submodule outside runtime scope pass', () => {
    const repo = repoWithGitlink('docs/handbook');
    const r = runCli(['hook', 'pre-commit'], { cwd: repo.path, env: sb.env });
    expect(r.stdout + r.stderr).not.toContain('readable-content/gitlink');
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });
});
