import { describe, expect, it } from 'vitest';
import type { Policy } from '../../config/schema.js';
import { policyFilesInRepo } from './policy-files.js';

const policy = (sources: string[], server: Partial<Policy['server']> = {}): Policy =>
  ({ sources, server: { policySource: 'file', policyBranch: 'main', policyPath: 'safety-gate.config.yaml', protectedBranches: [], ...server } }) as unknown as Policy;

describe('policyFilesInRepo', () => {
  it('names the layers read from a git tree and from the work tree, never presets or files outside it', () => {
    const sha = 'a'.repeat(40);
    const p = policy([
      'preset:recommended',
      '/srv/repo.git/safety-gate/policy.yaml',
      `refs/heads/main@${sha}:ops/gate/policy.yaml`,
      `main@${sha}:ops/base.yaml`,
      '/work/app/config/gate.yaml',
      '/elsewhere/x.yaml',
    ]);
    expect(policyFilesInRepo(p, '/work/app')).toEqual(['config/gate.yaml', 'ops/base.yaml', 'ops/gate/policy.yaml']);
    expect(policyFilesInRepo(p, null)).toEqual(['ops/base.yaml', 'ops/gate/policy.yaml']);
  });

  it('names the server policy_path under policy_source: branch even before the branch holds it', () => {
    expect(policyFilesInRepo(policy(['/srv/r.git/safety-gate/policy.yaml'], { policySource: 'branch', policyPath: './ops/p.yaml' }), null)).toEqual(['ops/p.yaml']);
    expect(policyFilesInRepo(policy(['/srv/r.git/safety-gate/policy.yaml']), null)).toEqual([]);
  });

  it('leaves package.json out (protecting it would block every dependency change)', () => {
    expect(policyFilesInRepo(policy(['/work/app/package.json']), '/work/app')).toEqual([]);
  });
});
