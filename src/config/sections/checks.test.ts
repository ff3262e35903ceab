// `checks:` and `required_checks:` through the real loader: positions of errors, defaults, presets.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Repo, type Sandbox, tempRepo } from '../../../test/helpers/repo.js';
import { loadPolicy } from '../load.js';
import { policyToConfig } from '../to-config.js';
import { commandDigest } from '../../checks/receipt.js';
import { configError } from '../../../test/helpers/errors.js';

let sb: Sandbox;
let repo: Repo;
beforeEach(() => ({ sb, repo } = tempRepo()));
afterEach(() => sb.cleanup());

const load = () => loadPolicy({ cwd: repo.path, mode: 'client' });

describe('checks: and required_checks:', () => {
  test('a required check that is not defined is a config error at its file:line:col', async () => {
    repo.write('safety-gate.config.yaml', 'extends: []\nchecks:\n  unit:\n    command: [make, test]\nrequired_checks:\n  - unit\n  - lint\n');
    const e = await configError(load());
    expect(e.message).toMatch(/^safety-gate\.config\.yaml:7:5: required_checks\[1\]: required check "lint" is not defined under checks: \(defined: unit\)/);
  });

  test('a command is an argv, not a shell line', async () => {
    repo.write('safety-gate.config.yaml', 'extends: []\nchecks:\n  unit:\n    command: make test\n');
    const e = await configError(load());
    expect(e.message).toMatch(/^safety-gate\.config\.yaml:4:14: checks\.unit\.command: expected list/);
  });

  test('check_defaults fill env and timeout; a check overrides them key by key; the policy round-trips', async () => {
    repo.write(
      'safety-gate.config.yaml',
      'extends: []\ncheck_defaults:\n  env: { TRADING_MODE: paper, A: "1" }\nchecks:\n  unit:\n    command: [make, test]\n    env: { A: "2" }\n  slow:\n    command: [make, e2e]\n    timeout: 1h\nrequired_checks: [unit, slow]\n',
    );
    const p = await load();
    expect(p.checks).toEqual({
      unit: { command: ['make', 'test'], env: { TRADING_MODE: 'paper', A: '2' }, timeout: '10m' },
      slow: { command: ['make', 'e2e'], env: { TRADING_MODE: 'paper', A: '1' }, timeout: '1h' },
    });
    const { stringify } = await import('yaml');
    repo.write('safety-gate.config.yaml', stringify(policyToConfig(p)));
    expect((await load()).hash).toBe(p.hash);
  });

  test('agenttrader-v2 defines its required checks and runs them with TRADING_MODE=paper (Gate C)', async () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    const p = await load();
    expect(p.record.required_checks).toEqual(['build-and-verify', 'test-suite']);
    for (const name of p.record.required_checks) expect(p.checks?.[name]?.env.TRADING_MODE).toBe('paper');
  });

  test('the command digest covers argv and environment', () => {
    const a = commandDigest({ command: ['make', 'test'], env: { TRADING_MODE: 'paper' } });
    expect(commandDigest({ command: ['make', 'test'], env: { TRADING_MODE: 'paper' } })).toBe(a);
    expect(commandDigest({ command: ['make', 'test'], env: { TRADING_MODE: 'live' } })).not.toBe(a);
    expect(commandDigest({ command: ['make', 'test', '-k'], env: { TRADING_MODE: 'paper' } })).not.toBe(a);
  });
});
