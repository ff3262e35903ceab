// The result cache on its own (file format, integrity, eviction, key parts), then through the
// real engine on a real staged change: every part of the key is shown to matter by a second run
// that must not take the first run's result.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { check } from '../doors/check.js';
import { RESULT_CACHE_FILE, ResultCache, resultCacheEnabled } from './result-cache.js';
import { Repo, type Sandbox, tempRepo } from '../../test/helpers/repo.js';

const PARTS = {
  rule: 'agent-mode',
  setting: { severity: 'block', options: { a: 1 } },
  policy: { runtimeScope: { include: ['**'], exclude: [] } },
  keywords: ['agent_mode'],
  undecodable: false,
  trustsLocalState: false,
  objectFormat: 'sha1',
};
const KEY = ResultCache.fileKey('a'.repeat(40), '100644', 'config/app.env');
const FINDING = { message: 'AGENT_MODE is set to "EXECUTE"', path: 'config/app.env', line: 1, column: 1 };

describe('result cache file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'perf-cache-unit-'));
    file = join(dir, 'cache', 'results.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (entries: [string, string, object[]][], code = 'gate-1', maxBytes?: number) => {
    const c = ResultCache.open(file, { code, ...(maxBytes ? { maxBytes } : {}) });
    for (const [ctx, key, f] of entries) c.put(ctx, key, f as never);
    c.save();
    return c;
  };

  it('keeps findings and empty results across runs, in a file only the gate may write', () => {
    const a = ResultCache.open(file, { code: 'gate-1' });
    const ctx = a.context(PARTS);
    a.put(ctx, KEY, [FINDING]);
    a.put(ctx, ResultCache.fileKey('b'.repeat(40), '100644', 'x.py'), []);
    a.save();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = ResultCache.open(file, { code: 'gate-1' });
    expect(b.get(ctx, KEY)).toEqual([FINDING]);
    expect(b.get(ctx, ResultCache.fileKey('b'.repeat(40), '100644', 'x.py'))).toEqual([]);
    expect(b.get(ctx, ResultCache.fileKey('c'.repeat(40), '100644', 'x.py'))).toBeUndefined();
    expect(b.stats.rejected).toBe(0);
  });

  it('ignores a segment whose bytes were changed, and rebuilds the file without it', () => {
    const c = write([]);
    const ctx = c.context(PARTS);
    write([[ctx, KEY, [FINDING]]]);
    // Tamper: the finding's message changes, the check line does not.
    writeFileSync(file, readFileSync(file, 'utf8').replace('EXECUTE', 'OBSERVE'));
    const b = ResultCache.open(file, { code: 'gate-1' });
    expect(b.get(ctx, KEY)).toBeUndefined();
    expect(b.stats.rejected).toBe(1);
    b.put(ctx, KEY, [FINDING]);
    b.save();
    expect(b.stats.compacted).toBe(true);
    const again = ResultCache.open(file, { code: 'gate-1' });
    expect(again.stats.rejected).toBe(0);
    expect(again.get(ctx, KEY)).toEqual([FINDING]);
  });

  it('ignores a file cut short (and keeps the segments before the cut)', () => {
    const c = write([]);
    const ctx = c.context(PARTS);
    const other = ResultCache.fileKey('d'.repeat(40), '100644', 'y.yaml');
    write([[ctx, other, []]]);
    const whole = readFileSync(file, 'utf8');
    write([[ctx, KEY, [FINDING]]]);
    const both = readFileSync(file, 'utf8');
    writeFileSync(file, both.slice(0, whole.length + Math.floor((both.length - whole.length) / 2)));
    const b = ResultCache.open(file, { code: 'gate-1' });
    expect(b.get(ctx, KEY)).toBeUndefined();
    expect(b.get(ctx, other)).toEqual([]);
    expect(b.stats.rejected).toBeGreaterThan(0);
    // Cut just before the final newline of the check line: still incomplete.
    writeFileSync(file, both.slice(0, -1));
    expect(ResultCache.open(file, { code: 'gate-1' }).get(ctx, KEY)).toBeUndefined();
  });

  it('ignores garbage and a check line that does not match', () => {
    mkdirSync(join(dir, 'cache'), { recursive: true });
    writeFileSync(file, '{"v":1,"code":"gate-1","ctx":["x"],"recs":[["k",0,0]]}\n#0000\nnot a segment\n');
    const b = ResultCache.open(file, { code: 'gate-1' });
    expect(b.get('x', 'k')).toBeUndefined();
    expect(b.stats.rejected).toBeGreaterThan(0);
  });

  it('never uses what another build of the gate wrote (gate version and code are part of the key)', () => {
    const a = write([]);
    const ctx = a.context(PARTS);
    write([[ctx, KEY, []]]);
    const b = ResultCache.open(file, { code: 'gate-2' });
    expect(b.context(PARTS)).not.toBe(ctx);
    expect(b.get(ctx, KEY)).toBeUndefined();
    expect(b.get(b.context(PARTS), KEY)).toBeUndefined();
  });

  it('gives every part of a rule context its own key', () => {
    const c = ResultCache.open(file, { code: 'gate-1' });
    const base = c.context(PARTS);
    const variants = [
      { ...PARTS, rule: 'secrets' },
      { ...PARTS, setting: { severity: 'block', options: { a: 2 } } },
      { ...PARTS, setting: { severity: 'warn', options: { a: 1 } } },
      { ...PARTS, policy: { runtimeScope: { include: ['**'], exclude: ['docs/**'] } } },
      { ...PARTS, keywords: ['agent_mode', 'trading_mode'] },
      { ...PARTS, undecodable: true },
      { ...PARTS, trustsLocalState: true },
      { ...PARTS, objectFormat: 'sha256' },
    ];
    const keys = variants.map((v) => c.context(v));
    for (const k of keys) expect(k).not.toBe(base);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ResultCache.fileKey('a'.repeat(40), '100755', 'config/app.env')).not.toBe(KEY);
    expect(ResultCache.fileKey('a'.repeat(40), '100644', 'config/app2.env')).not.toBe(KEY);
  });

  it('stays within its budget, evicting what was not used recently', () => {
    const maxBytes = 20_000;
    let c = ResultCache.open(file, { code: 'gate-1', maxBytes });
    const ctx = c.context(PARTS);
    const key = (i: number) => ResultCache.fileKey(i.toString(16).padStart(40, '0'), '100644', `src/module_${i}.py`);
    let n = 0;
    for (let run = 0; run < 30; run++) {
      c = ResultCache.open(file, { code: 'gate-1', maxBytes });
      // Entry 0 is used by every run: it must survive every rewrite.
      expect(run === 0 || c.get(ctx, key(0)) !== undefined).toBe(true);
      if (run === 0) c.put(ctx, key(0), [FINDING]);
      for (let k = 0; k < 20; k++) c.put(ctx, key(++n), []);
      c.save();
      expect(statSync(file).size).toBeLessThanOrEqual(maxBytes);
    }
    const last = ResultCache.open(file, { code: 'gate-1', maxBytes });
    expect(last.get(ctx, key(0))).toEqual([FINDING]);
    expect(last.get(ctx, key(n))).toEqual([]);
    expect(last.get(ctx, key(1))).toBeUndefined();
    expect(last.size).toBeLessThan(n);
  });

  it('a big cache file is read only by a run with enough blobs, and a small run appends without reading it', () => {
    const c = ResultCache.open(file, { code: 'gate-1' });
    const ctx = c.context(PARTS);
    // Over 1 MiB of results.
    for (let i = 0; i < 12_000; i++) c.put(ctx, ResultCache.fileKey(i.toString(16).padStart(40, '0'), '100644', `src/pkg_${i}/module_${i}.py`), []);
    c.save();
    expect(statSync(file).size).toBeGreaterThan(1024 * 1024);
    const small = ResultCache.forRepo(dir, {}, { code: 'gate-1' })!;
    // forRepo's file is under dir; point it at the same file through a copy of the layout.
    expect(small.file.endsWith(RESULT_CACHE_FILE)).toBe(true);
    mkdirSync(join(dir, 'safety-gate', 'cache'), { recursive: true });
    writeFileSync(small.file, readFileSync(file));
    expect(small.worthReading(10)).toBe(false);
    expect(small.worthReading(64)).toBe(true);
    const before = statSync(small.file).size;
    small.put(ctx, KEY, [FINDING]);
    small.save();
    expect(statSync(small.file).size).toBeGreaterThan(before);
    const again = ResultCache.open(small.file, { code: 'gate-1' });
    expect(again.get(ctx, KEY)).toEqual([FINDING]);
    expect(again.get(ctx, ResultCache.fileKey((5).toString(16).padStart(40, '0'), '100644', 'src/pkg_5/module_5.py'))).toEqual([]);
    // A small file is always worth reading.
    expect(ResultCache.forRepo(join(dir, 'elsewhere'), {}, { code: 'gate-1' })!.worthReading(1)).toBe(true);
  });

  it('is off with SAFETY_GATE_CACHE=off', () => {
    expect(resultCacheEnabled({})).toBe(true);
    expect(resultCacheEnabled({ SAFETY_GATE_CACHE: 'off' })).toBe(false);
    expect(resultCacheEnabled({ SAFETY_GATE_CACHE: '0' })).toBe(false);
    expect(ResultCache.forRepo(dir, { SAFETY_GATE_CACHE: 'off' })).toBeNull();
  });
});

// --- through the engine: a staged change checked twice in one repository ---
describe('result cache in the engine', () => {
  let sb: Sandbox;
  let repo: Repo;
  beforeEach(() => ({ sb, repo } = tempRepo()));
  afterEach(() => sb.cleanup());

  const config = (extra: Record<string, unknown> = {}) => repo.write('safety-gate.config.yaml', stringify({ extends: ['agenttrader-v2'], ...extra }));
  const run = async (env: Record<string, string> = {}) => {
    repo.git('add', '-A');
    const { report } = await check({ cwd: repo.path, env: { ...sb.env, ...env }, door: 'pre-commit', request: { kind: 'staged' } });
    return report.findings.filter((f) => f.rule !== 'protected-target');
  };
  const cacheFile = () => join(repo.path, '.git', RESULT_CACHE_FILE);
  const only = (findings: Awaited<ReturnType<typeof run>>, rule: string) => findings.filter((f) => f.rule.split('/')[0] === rule).map((f) => `${f.path}:${f.line}: ${f.message}`);

  it('a second run takes the stored result: identical findings, and the cache is really read', async () => {
    config();
    repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    const off = await run({ SAFETY_GATE_CACHE: 'off' });
    const cold = await run();
    const warm = await run();
    expect(only(cold, 'agent-mode')).toEqual(['config/app.env:1: AGENT_MODE is set to "EXECUTE" (env file): forbidden value']);
    expect(warm).toEqual(cold);
    expect(off).toEqual(cold);
    // Proof that the warm run used the file: a validly written entry that says something else
    // is what the next run reports (the cache is trusted because only the gate writes it).
    const text = readFileSync(cacheFile(), 'utf8');
    expect(text).toContain('config/app.env');
    const forged = ResultCache.open(cacheFile());
    const lines = text.split('\n');
    const seg = JSON.parse(lines[0]!) as { ctx: string[]; recs: unknown[][] };
    const rec = seg.recs.find((r) => String(r[0]).endsWith('\0config/app.env'))!;
    for (let k = 1; k < rec.length; k += 2) forged.put(seg.ctx[rec[k] as number]!, String(rec[0]), [{ message: 'from the cache', line: 9 }]);
    forged.save();
    const replayed = await run();
    expect(only(replayed, 'agent-mode')).toEqual(['config/app.env:9: from the cache']);
    // …and with the cache off, the fresh answer.
    expect(only(await run({ SAFETY_GATE_CACHE: 'off' }), 'agent-mode')).toEqual(only(cold, 'agent-mode'));
  });

  it('import-hygiene keeps its parse verdicts per blob (Python per interpreter version): a second run reports the same from the cache, under each path', async () => {
    config();
    repo.commitAll('base');
    repo.write('app/bad.py', 'def f(a=1, b):\n    pass\n');
    repo.write('app/good.py', 'x = 1\n');
    repo.write('deploy/bad.yaml', 'a: b: c\n');
    repo.write('web/bad.ts', 'let x: = 1;\n');
    const off = await run({ SAFETY_GATE_CACHE: 'off' });
    const cold = await run();
    const warm = await run();
    const syntax = (f: typeof cold) => only(f, 'import-hygiene').sort();
    expect(syntax(cold).length).toBe(3);
    expect(syntax(cold).some((l) => l.startsWith('app/bad.py:1:') && /python \d/.test(l))).toBe(true);
    expect(syntax(warm)).toEqual(syntax(cold));
    expect(syntax(off)).toEqual(syntax(cold));
    // The verdicts are really read: a validly written one that says otherwise is what is reported
    // (for the same blob under another path too: the verdict is about the bytes).
    const text = readFileSync(cacheFile(), 'utf8');
    const seg = JSON.parse(text.split('\n')[0]!) as { ctx: string[]; recs: unknown[][] };
    const forged = ResultCache.open(cacheFile());
    const yamlOid = repo.git('rev-parse', ':deploy/bad.yaml').trim();
    const rec = seg.recs.find((r) => String(r[0]) === `yaml\0\0${yamlOid}`)!;
    expect(rec).toBeDefined();
    forged.put(seg.ctx[rec[1] as number]!, String(rec[0]), [{ message: 'from the cache', line: 7, column: 3 }]);
    forged.save();
    repo.write('deploy/copy.yaml', 'a: b: c\n');
    const replayed = syntax(await run());
    expect(replayed).toContain('deploy/bad.yaml:7: deploy/bad.yaml does not parse as YAML: from the cache');
    expect(replayed).toContain('deploy/copy.yaml:7: deploy/copy.yaml does not parse as YAML: from the cache');
    expect(syntax(await run({ SAFETY_GATE_CACHE: 'off' })).filter((l) => l.startsWith('deploy/bad.yaml'))).toEqual(syntax(cold).filter((l) => l.startsWith('deploy/bad.yaml')));
  });

  it('a tampered cache file is ignored and rebuilt', async () => {
    config();
    repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    const cold = await run();
    writeFileSync(cacheFile(), readFileSync(cacheFile(), 'utf8').replace(/AGENT_MODE is set to/g, 'AGENT_MODE is fine,'));
    expect(await run()).toEqual(cold);
    expect(ResultCache.open(cacheFile()).stats.rejected).toBe(0);
    expect(await run()).toEqual(cold);
  });

  it("a change of the rule's options is another key", async () => {
    const settings = (forbidden: string[]) => ({ rules: { 'agent-mode': { options: { settings: [{ name: 'AGENT_MODE', forbidden }] } } } });
    config(settings(['EXECUTE']));
    repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    expect(only(await run(), 'agent-mode')).toHaveLength(1);
    config(settings(['OBSERVE']));
    expect(only(await run(), 'agent-mode')).toEqual([]);
  });

  it('the path is part of the key: the same blob at another path is judged (and named) afresh', async () => {
    config();
    repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    expect(only(await run(), 'agent-mode')).toEqual(['config/app.env:1: AGENT_MODE is set to "EXECUTE" (env file): forbidden value']);
    repo.commitAll('first');
    repo.write('deploy/app.env', 'AGENT_MODE=EXECUTE\n');
    expect(only(await run(), 'agent-mode')).toEqual(['deploy/app.env:1: AGENT_MODE is set to "EXECUTE" (env file): forbidden value']);
  });

  it('the runtime scope is part of the key (a rule that reads it inside checkFile)', async () => {
    // readable-content judges a .gitattributes line by the runtime-scope paths it reaches.
    config({ runtime_scope: { include: ['**'], exclude: ['docs/**'] } });
    repo.commitAll('base');
    repo.write('.gitattributes', 'docs/*.py filter=lfs\n');
    expect(only(await run(), 'readable-content')).toEqual([]);
    config({ runtime_scope: { include: ['**'], exclude: [] } });
    expect(only(await run(), 'readable-content')).toHaveLength(1);
  });

  it('a checkFile that reads the tree (compose env_file) is never stored: a change of the referenced file is seen', async () => {
    config();
    repo.commitAll('base');
    repo.write('docker-compose.yml', 'services:\n  app:\n    image: app@sha256:' + 'a'.repeat(64) + '\n    env_file: docs/app.env\n');
    repo.write('docs/app.env', 'AGENT_MODE=EXECUTE\n');
    expect(only(await run(), 'agent-mode')).toEqual(['docs/app.env:1: AGENT_MODE is set to "EXECUTE" (env file): forbidden value (read through docker-compose.yml)']);
    repo.write('docs/app.env', 'AGENT_MODE=OBSERVE\n');
    expect(only(await run(), 'agent-mode')).toEqual([]);
  });
});
