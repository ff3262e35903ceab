import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheDir, cacheFile, commandKey, prune, readCache, writeCache } from './code-cache.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sg-code-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('code cache of the CLI bundle', () => {
  it('one cache per command; -C does not count', () => {
    expect(commandKey(['hook', 'pre-commit'])).toBe('hook-pre-commit');
    expect(commandKey(['-C', '/x', 'hook', 'pre-push', 'origin', 'url'])).toBe('hook-pre-push');
    expect(commandKey(['scan', '--format', 'json'])).toBe('scan');
    expect(commandKey(['../../etc'])).toBe('etc');
    expect(commandKey([])).toBe('none');
  });

  it('lives in the user cache directory unless switched off or moved', () => {
    expect(cacheDir({ SAFETY_GATE_CODE_CACHE: 'off' })).toBeNull();
    expect(cacheDir({ SAFETY_GATE_CODE_CACHE: '/c' })).toBe('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'safety-gate', 'code-cache'));
  });

  it('is named after node and the bundle: another build or another node never reads it', () => {
    const d = tmp();
    const bundle = join(d, 'gate.cjs');
    writeFileSync(bundle, 'module.exports = 1;\n');
    const a = cacheFile(bundle, ['scan'], { SAFETY_GATE_CODE_CACHE: d })!;
    expect(a).toContain(process.version);
    expect(a.endsWith('-scan.v8')).toBe(true);
    writeFileSync(bundle, 'module.exports = 22;\n');
    expect(cacheFile(bundle, ['scan'], { SAFETY_GATE_CODE_CACHE: d })).not.toBe(a);
    expect(cacheFile(join(d, 'missing.cjs'), ['scan'], { SAFETY_GATE_CODE_CACHE: d })).toBeNull();
  });

  it('round-trips V8 data that V8 accepts; a corrupt, cut or foreign file is no cache', () => {
    const d = tmp();
    const file = join(d, 'sub', 'c.v8');
    const source = 'function f(x) { return x * 2; } f(21);';
    const data = new Script(source).createCachedData();
    writeCache(file, data);
    const back = readCache(file)!;
    expect(back.equals(data)).toBe(true);
    const script = new Script(source, { cachedData: back });
    expect(script.cachedDataRejected).toBe(false);
    expect(script.runInThisContext()).toBe(42);

    const raw = readFileSync(file);
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 1]! ^= 1;
    writeFileSync(file, flipped);
    expect(readCache(file)).toBeUndefined();
    writeFileSync(file, raw.subarray(0, raw.length - 3));
    expect(readCache(file)).toBeUndefined();
    writeFileSync(file, data);
    expect(readCache(file)).toBeUndefined();
    expect(readCache(join(d, 'none.v8'))).toBeUndefined();
  });

  it('an unwritable place costs only the cache', () => {
    const d = tmp();
    writeFileSync(join(d, 'file'), '');
    expect(() => writeCache(join(d, 'file', 'c.v8'), Buffer.from('x'))).not.toThrow();
  });

  it('files of earlier builds are removed after a week; other files are left alone', () => {
    const d = tmp();
    const old = (name: string) => {
      writeFileSync(join(d, name), 'x');
      const t = new Date(Date.now() - 8 * 24 * 3600 * 1000);
      utimesSync(join(d, name), t, t);
    };
    old('gate-v20-x64-1-2-3-4-scan.v8');
    old('gate-v20-x64-1-2-3-4-scan.v8.123.tmp');
    old('unrelated.txt');
    writeFileSync(join(d, 'gate-v20-x64-9-9-9-9-scan.v8'), 'x');
    prune(d, Date.now());
    expect(existsSync(join(d, 'gate-v20-x64-1-2-3-4-scan.v8'))).toBe(false);
    expect(existsSync(join(d, 'gate-v20-x64-1-2-3-4-scan.v8.123.tmp'))).toBe(false);
    expect(existsSync(join(d, 'unrelated.txt'))).toBe(true);
    expect(existsSync(join(d, 'gate-v20-x64-9-9-9-9-scan.v8'))).toBe(true);
    expect(() => prune(join(d, 'missing'), Date.now())).not.toThrow();
  });
});
