import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diffStates, findReceipt, fingerprint, latestReceipt, writeReceipt, type Receipt } from './receipts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function receipt(outputs = { 'dist/a': { oid: '1'.repeat(40), mode: '100644' } }): Receipt {
  const inputs = { 'src/a': { oid: '2'.repeat(40), mode: '100644' } };
  return {
    schema: 'safety-gate/receipt@1',
    generator: 'sentinel:dist/SUMS',
    argv: ['node', 'gen.mjs'],
    cwd: '.',
    tools: { node: 'v20', git: '2.39', command: '/usr/bin/node', version: null },
    inputs,
    outputs,
    started_at: 't0',
    finished_at: 't1',
    fingerprint: fingerprint('sentinel:dist/SUMS', ['node', 'gen.mjs'], inputs, outputs),
  };
}

describe('receipts', () => {
  it('are found by fingerprint and survive later runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-receipts-'));
    dirs.push(dir);
    const first = receipt();
    const second = receipt({ 'dist/a': { oid: '3'.repeat(40), mode: '100644' } });
    writeReceipt(dir, first);
    writeReceipt(dir, second);
    expect(findReceipt(dir, first.generator, first.fingerprint)?.fingerprint).toBe(first.fingerprint);
    expect(latestReceipt(dir, first.generator)?.fingerprint).toBe(second.fingerprint);
    expect(findReceipt(dir, first.generator, 'f'.repeat(64))).toBeNull();
  });

  it('a receipt whose content was edited no longer counts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-receipts-'));
    dirs.push(dir);
    const r = receipt();
    const { archived } = writeReceipt(dir, r);
    const forged = JSON.parse(readFileSync(archived, 'utf8')) as Receipt;
    forged.outputs['dist/a'] = { oid: '9'.repeat(40), mode: '100644' };
    writeFileSync(archived, JSON.stringify(forged));
    expect(findReceipt(dir, r.generator, r.fingerprint)).toBeNull();
  });

  it('diffStates names missing, extra and changed paths in order', () => {
    const f = (oid: string) => ({ oid, mode: '100644' });
    expect(diffStates({ a: f('1'), b: f('2') }, { b: f('3'), c: f('4') })).toEqual([
      { path: 'a', kind: 'missing' },
      { path: 'b', kind: 'changed' },
      { path: 'c', kind: 'extra' },
    ]);
    expect(diffStates({ a: f('1') }, { a: { oid: '1', mode: '100755' } })).toEqual([{ path: 'a', kind: 'changed' }]);
  });
});
