// The CLI runs through a V8 code cache (src/cli/launch.ts): the first run of a command writes
// it, the next ones read it, and a corrupt or foreign cache file changes nothing but the speed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
let cacheDir: string;

beforeEach(() => {
  sb = sandbox();
  cacheDir = join(sb.home, '.cache', 'safety-gate', 'code-cache');
  repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', stringify({ extends: ['recommended'], protected_targets: { locked: ['locked/**'] } }));
  repo.write('locked/a.txt', 'v1\n');
  repo.commitAll('seed');
  repo.write('locked/a.txt', 'v2\n');
  repo.git('add', '-A');
});
afterEach(() => sb.cleanup());

const preCommit = (env: NodeJS.ProcessEnv = {}) => runCli(['hook', 'pre-commit'], { cwd: repo.path, env: { ...sb.env, ...env } });
const files = () => (existsSync(cacheDir) ? readdirSync(cacheDir) : []);

describe('V8 code cache of the CLI', () => {
  it('is written by the first run of a command and used by the next; the verdict is the same', () => {
    const first = preCommit();
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/protected-target/);
    const written = files();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/-hook-pre-commit\.v8$/);
    const bytes = readFileSync(join(cacheDir, written[0]!));

    const second = preCommit();
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(first.stderr);
    // Read, not rewritten.
    expect(readFileSync(join(cacheDir, written[0]!)).equals(bytes)).toBe(true);
  });

  it('a corrupt cache file is ignored and replaced; the verdict does not change', () => {
    const first = preCommit();
    const [name] = files();
    const path = join(cacheDir, name!);
    const bad = readFileSync(path);
    for (let i = 200; i < bad.length; i += 997) bad[i]! ^= 0x5a;
    writeFileSync(path, bad);
    const again = preCommit();
    expect(again.code).toBe(first.code);
    expect(again.stderr).toBe(first.stderr);
    expect(readFileSync(path).equals(bad)).toBe(false);
    writeFileSync(path, 'not a cache');
    expect(preCommit().stderr).toBe(first.stderr);
  });

  it('SAFETY_GATE_CODE_CACHE=off writes nothing; an unwritable cache place is no error', () => {
    const off = preCommit({ SAFETY_GATE_CODE_CACHE: 'off' });
    expect(off.code).toBe(1);
    expect(files()).toHaveLength(0);
    writeFileSync(join(sb.dir, 'a-file'), '');
    const blocked = preCommit({ SAFETY_GATE_CODE_CACHE: join(sb.dir, 'a-file', 'cache') });
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toBe(off.stderr);
  });
});
