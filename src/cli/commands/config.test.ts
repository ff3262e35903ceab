import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Repo, type Sandbox, tempRepo } from '../../../test/helpers/repo.js';
import { ConfigError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { run } from './config.js';

let sb: Sandbox;
let repo: Repo;

function io(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const cli: CliIO = { cwd, env: sb.env, stdin: new PassThrough(), stdout, stderr };
  return { cli, out: () => out };
}

beforeEach(() => ({ sb, repo } = tempRepo()));
afterEach(() => sb.cleanup());

describe('safety-gate config', () => {
  test('prints the resolved policy as YAML with its sources', async () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\nmax_cost_usd: 20\n');
    const { cli, out } = io(repo.path);
    expect(await run([], cli)).toBe(0);
    const text = out();
    expect(text).toMatch(
      /^# Resolved safety-gate policy, as configuration that loads on its own \(extends: \[\]\)\.\n# Sources, in merge order \(later ones win\):\n#   preset:recommended\n#   preset:agenttrader-v2\n#   safety-gate\.config\.yaml\n# hash: [0-9a-f]{64}\n/,
    );
    const body = parse(text);
    // The schema's own keys: the output is configuration.
    expect(body.extends).toEqual([]);
    expect(body.policy_id).toBe('agenttrader-v2');
    expect(body.max_cost_usd).toBe(20);
    expect(body.policyId).toBeUndefined();
    expect(body.hash).toBeUndefined();
  });

  test('--format json prints the Policy object', async () => {
    const { cli, out } = io(repo.path);
    expect(await run(['--format', 'json'], cli)).toBe(0);
    const p = JSON.parse(out());
    expect(p.sources).toEqual(['preset:recommended']);
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('--file loads an explicit file', async () => {
    repo.write('ci/gate.yaml', 'policy_id: ci\n');
    const { cli, out } = io(repo.path);
    expect(await run(['--format', 'json', '--file', 'ci/gate.yaml'], cli)).toBe(0);
    expect(JSON.parse(out()).policyId).toBe('ci');
  });

  test('an invalid config throws the located error (the CLI exits 2)', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: x\nlimits:\n  on_oversized: maybe\n');
    const { cli } = io(join(repo.path));
    const e = await run([], cli).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe('safety-gate.config.yaml:3:17: limits.on_oversized: expected one of "block"|"warn"');
  });

  test('an unknown format is a usage error', async () => {
    const { cli } = io(repo.path);
    await expect(run(['--format', 'toml'], cli)).rejects.toMatchObject({ code: 'usage' });
  });
});
