import { describe, expect, it } from 'vitest';
import { Blob } from '../../changeset/blob.js';
import { checkPython } from '../../readers/parse-check/index.js';
import { bashSyntaxCheck } from './bash-check.js';
import { PythonCompiler, PythonCompilerPool } from './python-compiler.js';

// What CPython's compiler rejects and a tolerant parser accepts (Gate A: compileall).
const REJECTED: [string, string, number][] = [
  ['def f(a=1, b): pass\n', 'non-default argument', 1],
  ['def f(a, a): pass\n', 'duplicate argument', 1],
  ['lambda a=1, b: 0\n', 'non-default argument', 1],
  ['x = 1\nnonlocal x\n', 'nonlocal', 2],
  ['yield 1\n', "'yield' outside function", 1],
  ['class C:\n    yield 1\n', "'yield' outside function", 2],
  ['await x\n', "'await' outside function", 1],
  ['del f()\n', 'cannot delete function call', 1],
  ['*a = 1\n', 'starred assignment target', 1],
  ['x = 0777\n', 'leading zeros', 1],
  ['x = 1\n\0\n', 'null bytes', 2],
];
const ACCEPTED = [
  'def f(a, b=1, *args, c, d=2, **kw): pass\n',
  'def f(a=1, /, b=2, *, c): pass\n',
  'def g():\n    x = 1\n    def h():\n        nonlocal x\n        yield x\n    return h\n',
  'async def m():\n    await x\n',
  'del a, b.c, d[0], (e, f)\n',
  '*a, b = 1, 2\n',
  'x = 0 + 00 + 0o777 + 0x1f + 0777.5 + 1_000\n',
  'f = lambda: (yield)\n',
];

describe('in-process Python check (python3 missing): what CPython rejects after parsing', () => {
  for (const [src, message, line] of REJECTED) {
    it(`rejects ${JSON.stringify(src)}`, async () => {
      const b = new Blob('0'.repeat(40), Buffer.from(src));
      const p = await checkPython(b);
      expect(p?.message).toContain(message);
      expect(b.position(p!.offset).line).toBe(line);
    });
  }
  it('accepts valid code around the same constructs', async () => {
    for (const src of ACCEPTED) expect(await checkPython(new Blob('0'.repeat(40), Buffer.from(src))), src).toBeNull();
  });
});

const probe = new PythonCompiler();
const hasPython = (await probe.settle([probe.compile(Buffer.from('x = 1\n'))]))[0]!.status === 'fulfilled' && !probe.unavailable;

describe('CPython batch compiler', () => {
  it.skipIf(!hasPython)('one process answers every version in order, with positions', async () => {
    const c = new PythonCompiler();
    const answers = [...REJECTED.map(([s]) => c.compile(Buffer.from(s))), ...ACCEPTED.map((s) => c.compile(Buffer.from(s)))];
    const r = await c.settle(answers);
    const values = r.map((x) => (x.status === 'fulfilled' ? x.value : 'rejected'));
    values.slice(0, REJECTED.length).forEach((v, i) => {
      expect(v, REJECTED[i]![0]).not.toBeNull();
      expect(v).not.toBe('unavailable');
      if (v && typeof v === 'object' && v.line !== null) expect(v.line).toBe(REJECTED[i]![2]);
    });
    expect(values.slice(REJECTED.length)).toEqual(ACCEPTED.map(() => null));
  });
  it.skipIf(!hasPython)('never runs the code it compiles', async () => {
    const c = new PythonCompiler();
    const [r] = await c.settle([c.compile(Buffer.from('import os\nos._exit(3)\nraise SystemExit(4)\n'))]);
    expect(r).toEqual({ status: 'fulfilled', value: null });
  });
  it('an interpreter that is not there, or too old, answers unavailable (the caller checks in-process)', async () => {
    const missing = new PythonCompiler({ command: '/nonexistent/python3' });
    expect(await missing.compile(Buffer.from('x = (\n'))).toBe('unavailable');
    await missing.close();
    const off = new PythonCompiler({ env: { SAFETY_GATE_PYTHON: 'off' } });
    expect(await off.compile(Buffer.from('x = (\n'))).toBe('unavailable');
    if (hasPython) {
      const old = new PythonCompiler({ minVersion: '9.0' });
      expect(await old.compile(Buffer.from('x = (\n'))).toBe('unavailable');
      await old.close();
    }
  });
  it.skipIf(!hasPython)('a pool of two interpreters gives the answers of one, in order; the same bytes are compiled once', async () => {
    const sources = [...REJECTED.map(([s]) => s), ...ACCEPTED];
    const one = new PythonCompiler();
    const expected = (await one.settle(sources.map((s) => one.compile(Buffer.from(s))))).map((x) => (x.status === 'fulfilled' ? x.value : 'rejected'));
    // spreadBytes 1: every version after the first spreads over both interpreters.
    const pool = new PythonCompilerPool({ maxProcesses: 2, spreadBytes: 1 });
    const answers = sources.map((s, i) => pool.compile(Buffer.from(s), `k${i}`));
    const again = pool.compile(Buffer.from('never sent'), 'k0');
    expect(again).toBe(answers[0]);
    expect(pool.processes).toBe(2);
    const got = (await pool.settle([...answers, again])).map((x) => (x.status === 'fulfilled' ? x.value : 'rejected'));
    expect(got).toEqual([...expected, expected[0]]);
    expect(got.slice(0, REJECTED.length).every((v) => v !== null && v !== 'unavailable')).toBe(true);
  });
  it.skipIf(!hasPython)('a small run starts one interpreter only', async () => {
    const pool = new PythonCompilerPool({ maxProcesses: 2 });
    const r = await pool.settle(ACCEPTED.map((s) => pool.compile(Buffer.from(s))));
    expect(r.every((x) => x.status === 'fulfilled' && x.value === null)).toBe(true);
    expect(pool.processes).toBe(1);
  });
  it.skipIf(!hasPython)('room() holds a caller while more than maxOutstandingBytes wait for answers, and lets it go as they come', async () => {
    const pool = new PythonCompilerPool({ maxProcesses: 1, maxOutstandingBytes: 64 });
    const big = Buffer.from(`x = "${'a'.repeat(200)}"\n`);
    await pool.room(); // nothing sent yet
    const first = pool.compile(big);
    let released = false;
    const waited = pool.room().then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    expect(await first).toBeNull();
    await waited;
    expect(released).toBe(true);
    await pool.close();
  });
  it('a pool without an interpreter answers unavailable', async () => {
    const pool = new PythonCompilerPool({ command: '/nonexistent/python3', spreadBytes: 1 });
    const r = await pool.settle([pool.compile(Buffer.from('x = (\n')), pool.compile(Buffer.from('y = (\n'))]);
    expect(r).toEqual([
      { status: 'fulfilled', value: 'unavailable' },
      { status: 'fulfilled', value: 'unavailable' },
    ]);
    expect(pool.unavailable).toBe(true);
  });
  if (!hasPython) it.skip('python3 is not on this machine: the CPython tests are skipped', () => {});
});

describe('bash -n batch', () => {
  it('one bash process checks every script, with the line of the error', async () => {
    const r = await bashSyntaxCheck([Buffer.from('echo ok\n'), Buffer.from('if true; then\n  echo\n'), Buffer.from('x=$(rm -rf /tmp/never-run-by-the-gate\n')]);
    expect(r).not.toBeNull();
    expect(r![0]).toBeNull();
    expect(r![1]?.line).toBe(3);
    expect(r![2]?.message).toMatch(/unexpected EOF|syntax error/);
  });
});
