import { describe, expect, test } from 'vitest';
import { createPathMatcher } from '../engine/paths.js';
import { listPresets, loadPresetPolicy } from './load.js';
import { SEARCH_PLACES } from './search-places.js';
import { SPEC_260_RECORD } from '../../test/helpers/spec-260.js';

describe('presets', () => {
  test('recommended and agenttrader-v2 ship', () => {
    expect(listPresets()).toEqual(expect.arrayContaining(['recommended', 'agenttrader-v2']));
  });

  test.each(listPresets())('%s is a valid policy on its own', async (name) => {
    const p = await loadPresetPolicy(name);
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('recommended protects every place the policy is read from (but package.json)', async () => {
    const p = await loadPresetPolicy('recommended');
    const m = createPathMatcher(p.runtimeScope, false).glob(p.protectedTargets['safety-gate-policy']!);
    for (const place of SEARCH_PLACES) {
      if (place === 'package.json') continue;
      expect(m(place), place).toBe(true);
    }
    expect(m('package.json')).toBe(false);
  });

  test('recommended protects hook installs and CI, and defines the SPEC-260 groups', async () => {
    const p = await loadPresetPolicy('recommended');
    const paths = createPathMatcher(p.runtimeScope, false);
    const inGroup = (g: string, path: string) => paths.glob(p.protectedTargets[g] ?? [])(path);
    for (const f of ['.husky/pre-commit', '.pre-commit-config.yaml', '.githooks/pre-push', '.safety-gate/hooks/pre-commit']) {
      expect(inGroup('hook-installs', f), f).toBe(true);
    }
    for (const f of ['.github/workflows/ci.yml', '.gitlab-ci.yml', '.gitea/workflows/a.yaml', '.forgejo/workflows/b.yml']) {
      expect(inGroup('ci-workflows', f), f).toBe(true);
    }
    // Defined, not active: a policy opts in by naming them.
    expect(p.protectedTargets['manifest-hashes']).toBeUndefined();
    expect(p.protectedTargets['generated-files']).toBeUndefined();
  });

  test('agenttrader-v2 carries the SPEC-260 record and activates the SPEC-260 groups', async () => {
    const p = await loadPresetPolicy('agenttrader-v2');
    expect(p.sources).toEqual(['preset:recommended', 'preset:agenttrader-v2']);
    expect(p.policyId).toBe('agenttrader-v2');
    expect(p.record).toEqual(SPEC_260_RECORD);
    const m = createPathMatcher(p.runtimeScope, false);
    expect(Object.keys(p.protectedTargets).sort()).toEqual(
      ['ci-workflows', 'gate-definitions', 'generated-files', 'hook-installs', 'manifest-hashes', 'safety-gate-policy'].sort(),
    );
    // Change control: the files implementing the gate definitions need security review.
    for (const f of [
      'backend/common/agent_mode_guard.py',
      'scripts/lib/exec_guard.py',
      'scripts/ci/guardrails.sh',
      'scripts/ci/script_risk_policy_manifest.json',
      'tests/test_trading_mode_guardrail.py',
    ]) {
      expect(m.glob(p.protectedTargets['gate-definitions']!)(f), f).toBe(true);
    }
    expect(p.approvals?.protected['gate-definitions']).toEqual(['security']);
    expect(p.approvals?.break_glass).toEqual(['security', 'oncall']);
    const g = (group: string) => m.glob(p.protectedTargets[group]!);
    expect(g('manifest-hashes')('build/out/SHA256SUMS')).toBe(true);
    expect(g('manifest-hashes')('dist/app.tar.gz.sha256')).toBe(true);
    expect(g('generated-files')('src/api/client.generated.ts')).toBe(true);
    expect(g('generated-files')('web/__generated__/schema.ts')).toBe(true);
    expect(g('generated-files')('src/api/client.ts')).toBe(false);
  });

  test('agenttrader-v2 runtime scope: everything but docs, tests and audit artifacts', async () => {
    const p = await loadPresetPolicy('agenttrader-v2');
    const inScope = createPathMatcher(p.runtimeScope, false).runtimeScope();
    const yes = [
      'backend/common/agent_mode_guard.py',
      'backend/jobs/smoke_imports.py',
      'functions/main.py',
      'services/api/app.ts',
      'k8s/execution-agent.yaml',
      'infra/main.tf',
      'config/trading.yaml',
      'configs/prod.json',
      'scripts/ci_safety_guard.sh',
      'scripts/lib/exec_guard.py',
      'Dockerfile',
      'services/api/Dockerfile',
      'services/api/Dockerfile.prod',
      'docker-compose.yml',
      'deploy/compose.prod.yaml',
      '.env',
      'services/api/.env.production',
      'cloudbuild.yaml',
      '.github/workflows/ci.yml',
      '.gitlab-ci.yml',
      // Service directories of the real repository that an include list missed.
      'cloudrun_consumer/main.py',
      'control_plane/app/settings.py',
      'mcp/server.py',
      'ops/runbooks/restart.sh',
      'frontend/src/app.tsx',
      // Paths services read that test/audit/vendor globs used to drop (issue 12).
      'services/audit/app.env',
      'backend/vendor/settings.env',
      'config/app.test.env',
      'config/settings.spec.yaml',
    ];
    const no = [
      'README.md',
      'docs/SHADOW_MODE.md',
      'backend/docs/architecture.txt',
      'backend/README.md',
      'tests/test_trading_mode_guardrail.py',
      'backend/tests/test_guard.py',
      'backend/common/test_agent_mode_guard.py',
      'services/api/app.test.ts',
      'services/api/app.spec.tsx',
      'backend/common/guard.test.py',
      'backend/conftest.py',
      'audit/2026-01-01.jsonl',
      'backend/audit_artifacts/run.json',
    ];
    for (const f of yes) expect(inScope(f), f).toBe(true);
    for (const f of no) expect(inScope(f), f).toBe(false);
  });
});
