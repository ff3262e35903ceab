import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, type Sandbox, tempRepo } from '../../../test/helpers/repo.js';
import { loadPolicy, listPresets } from '../../config/load.js';
import type { CliIO } from '../io.js';
import { run } from './init.js';

let sb: Sandbox;
let repo: Repo;

function io(cwd: string) {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const cli: CliIO = { cwd, env: sb.env, stdin: new PassThrough(), stdout, stderr: new PassThrough() };
  return { cli, out: () => out };
}

const config = () => join(repo.path, 'safety-gate.config.yaml');

beforeEach(() => ({ sb, repo } = tempRepo()));
afterEach(() => sb.cleanup());

describe('safety-gate init', () => {
  test('writes safety-gate.config.yaml extending recommended by default', async () => {
    const { cli, out } = io(repo.path);
    expect(await run([], cli)).toBe(0);
    expect(readFileSync(config(), 'utf8')).toMatch(/^# safety-gate policy\.[\s\S]*\nextends:\n  - recommended\n/);
    // It asks nothing and says what it chose.
    expect(out()).toBe(
      'wrote safety-gate.config.yaml (extends recommended, the default: policy, hooks and CI protected, live broker hosts, AGENT_MODE=EXECUTE, parse checks; --preset agenttrader-v2 adds the AgentTrader gates); see the result with: safety-gate config\n',
    );
  });

  test.each(listPresets())('--preset %s gives a working policy', async (preset) => {
    const { cli } = io(repo.path);
    expect(await run(['--preset', preset], cli)).toBe(0);
    const p = await loadPolicy({ cwd: repo.path, mode: 'client' });
    expect(p.sources.at(-1)).toBe(config());
    expect(p.sources).toContain(`preset:${preset}`);
  });

  test('agenttrader-v2 carries the SPEC-260 record', async () => {
    await run(['--preset', 'agenttrader-v2'], io(repo.path).cli);
    const p = await loadPolicy({ cwd: repo.path, mode: 'client' });
    expect(p.policyId).toBe('agenttrader-v2');
    expect(p.record.max_retries_per_task).toBe(30);
    expect(Object.keys(p.protectedTargets)).toEqual(expect.arrayContaining(['manifest-hashes', 'generated-files']));
  });

  test('writes at the repository root from a subdirectory', async () => {
    mkdirSync(join(repo.path, 'src/deep'), { recursive: true });
    await run([], io(join(repo.path, 'src/deep')).cli);
    expect(readFileSync(config(), 'utf8')).toContain('- recommended');
  });

  test('refuses to overwrite without --force', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: mine\n');
    await expect(run([], io(repo.path).cli)).rejects.toMatchObject({
      code: 'usage',
      message: 'safety-gate.config.yaml already exists',
      hint: 'pass --force to overwrite it',
    });
    expect(readFileSync(config(), 'utf8')).toBe('policy_id: mine\n');
    expect(await run(['--force', '--preset', 'agenttrader-v2'], io(repo.path).cli)).toBe(0);
    expect(readFileSync(config(), 'utf8')).toContain('- agenttrader-v2');
  });

  test('validates the preset name', async () => {
    await expect(run(['--preset', 'nope'], io(repo.path).cli)).rejects.toMatchObject({
      code: 'usage',
      message: 'unknown preset "nope"',
      hint: `choose one of: ${listPresets().join(', ')}`,
    });
  });

  test('mentions other config files that the new one shadows', async () => {
    repo.write('.safety-gaterc.json', '{}');
    const { cli, out } = io(repo.path);
    await run([], cli);
    expect(out()).toContain('note: .safety-gaterc.json is now ignored (safety-gate.config.yaml comes first); remove it\n');
  });
});
