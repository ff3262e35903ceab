import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Repo, sandbox, type Sandbox } from '../../test/helpers/repo.js';
import { ConfigError } from '../errors.js';
import * as cache from './cache.js';
import { loadPolicyCached, POLICY_CACHE_FILE, type CachedLoadOptions } from './cache.js';

let sb: Sandbox;
let repo: Repo;
let gitDir: string;

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  gitDir = join(repo.path, '.git');
});
afterEach(() => sb.cleanup());

const opts = (): CachedLoadOptions => ({ cwd: repo.path, root: repo.path, gitDir, mode: 'client' });
const cacheFile = () => join(gitDir, POLICY_CACHE_FILE);

async function outcome(o = opts()) {
  const policy = await loadPolicyCached(o);
  return { policy, outcome: cache.lastCacheOutcome };
}

describe('policy cache', () => {
  test('a miss writes the cache; the next call hits and returns the same policy', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: a\n');
    const first = await outcome();
    expect(first.outcome).toBe('miss');
    expect(existsSync(cacheFile())).toBe(true);
    const second = await outcome();
    expect(second.outcome).toBe('hit');
    expect(second.policy).toStrictEqual(first.policy);
    // no temp files left behind by the atomic write
    expect(readdirSync(dirname(cacheFile()))).toEqual(['policy-v1.json']);
  });

  test('an edited config invalidates the cache', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: a\n');
    await outcome();
    repo.write('safety-gate.config.yaml', 'policy_id: bee\n');
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBe('bee');
    expect((await outcome()).outcome).toBe('hit');
  });

  test('an edit that keeps size, mtime and inode is still seen (content is compared)', async () => {
    const file = join(repo.path, 'safety-gate.config.yaml');
    repo.write('safety-gate.config.yaml', 'policy_id: a\n');
    utimesSync(file, 1_700_000_000, 1_700_000_000); // whole seconds: utimes would round sub-ms times
    const before = statSync(file);
    await outcome();
    writeFileSync(file, 'policy_id: b\n'); // same length, written in place: same inode
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const after = statSync(file);
    expect([after.size, after.mtimeMs, after.ino]).toEqual([before.size, before.mtimeMs, before.ino]);
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBe('b');
  });

  test('a config appearing in another search place invalidates the cache', async () => {
    await outcome();
    expect((await outcome()).outcome).toBe('hit');
    repo.write('.config/safety-gaterc.yaml', 'policy_id: late\n');
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBe('late');
  });

  test('a removed config invalidates the cache', async () => {
    repo.write('.safety-gaterc.json', '{"policy_id": "x"}');
    await outcome();
    repo.rm('.safety-gaterc.json');
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBeNull();
  });

  test('an edit to an extended file outside the search places invalidates the cache', async () => {
    repo.write('safety-gate.config.yaml', 'extends: [recommended, ./policies/base.yaml]\n');
    repo.write('policies/base.yaml', 'max_retries_per_task: 1\n');
    await outcome();
    expect((await outcome()).outcome).toBe('hit');
    repo.write('policies/base.yaml', 'max_retries_per_task: 2\n');
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.record.max_retries_per_task).toBe(2);
  });

  test('a corrupt cache is ignored and rewritten', async () => {
    const first = await outcome();
    writeFileSync(cacheFile(), '{"v": 1, "places": [');
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy).toStrictEqual(first.policy);
    expect(JSON.parse(readFileSync(cacheFile(), 'utf8')).v).toBe(1);
    expect((await outcome()).outcome).toBe('hit');
  });

  test('a cache from another version is a miss', async () => {
    await outcome();
    const entry = JSON.parse(readFileSync(cacheFile(), 'utf8'));
    entry.version = '0.0.0-old';
    entry.policy.policyId = 'stale';
    writeFileSync(cacheFile(), JSON.stringify(entry));
    const r = await outcome();
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBeNull();
  });

  test('an invalid config is an error every time, never cached', async () => {
    repo.write('safety-gate.config.yaml', 'polcy_id: x\n');
    await expect(loadPolicyCached(opts())).rejects.toBeInstanceOf(ConfigError);
    await expect(loadPolicyCached(opts())).rejects.toBeInstanceOf(ConfigError);
    expect(existsSync(cacheFile())).toBe(false);
  });

  test('configuration code is evaluated every run, never cached', async () => {
    repo.write('.safety-gaterc.cjs', 'module.exports = { policy_id: "js" };');
    expect((await outcome()).outcome).toBe('miss');
    expect((await outcome()).outcome).toBe('miss');
    expect(existsSync(cacheFile())).toBe(false);
  });

  test('server mode never uses or writes the cache', async () => {
    const r = await outcome({ ...opts(), mode: 'server' });
    expect(r.outcome).toBe('bypass');
    expect(existsSync(cacheFile())).toBe(false);
  });

  test('the repository root is found without the caller passing it', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: root\n');
    const o: CachedLoadOptions = { cwd: repo.path, gitDir, mode: 'client' };
    expect((await outcome(o)).policy.policyId).toBe('root');
    expect((await outcome(o)).outcome).toBe('hit');
  });

  test('an explicit config file is part of the key', async () => {
    repo.write('a.yaml', 'policy_id: a\n');
    repo.write('b.yaml', 'policy_id: b\n');
    expect((await outcome({ ...opts(), configFile: 'a.yaml' })).policy.policyId).toBe('a');
    const r = await outcome({ ...opts(), configFile: 'b.yaml' });
    expect(r.outcome).toBe('miss');
    expect(r.policy.policyId).toBe('b');
  });

  // CPU time, not wall time: test workers and other jobs share the machine, and contention
  // stretches wall time without saying anything about the cost of a hit.
  test('a hit costs under 3 ms', async () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    await loadPolicyCached(opts());
    const cpu: number[] = [];
    for (let i = 0; i < 31; i++) {
      const c = process.cpuUsage();
      await loadPolicyCached(opts());
      const d = process.cpuUsage(c);
      cpu.push((d.user + d.system) / 1000);
      expect(cache.lastCacheOutcome).toBe('hit');
    }
    cpu.sort((a, b) => a - b);
    expect(cpu[15]!).toBeLessThan(3);
  });
});

describe('the hot path stays light', () => {
  // Follows the static (value) imports of cache.ts: zod, yaml, cosmiconfig and the loader
  // must only ever be reached through `await import()`.
  test('cache.ts reaches no heavy module statically', () => {
    const heavy = ['zod', 'yaml', 'cosmiconfig'];
    const seen = new Set<string>();
    const reached: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(import|export)\s+(?!type\b)([^'"]*?)\s*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[3]!;
        if (/^\{?\s*type\s/.test(m[2]!) && !m[2]!.includes(',')) continue;
        if (spec.startsWith('.')) walk(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
        else reached.push(spec);
      }
    };
    walk(resolve(import.meta.dirname, 'cache.ts'));
    expect([...seen].map((f) => f.slice(resolve(import.meta.dirname, '..').length + 1)).sort()).not.toContain('config/load.ts');
    for (const h of heavy) expect(reached).not.toContain(h);
    expect(reached.every((s) => s.startsWith('node:'))).toBe(true);
  });
});
