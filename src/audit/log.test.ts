import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GateError } from '../errors.js';
import { appendAuditRecord, auditLogPathForGitDir } from './log.js';
import { canonicalJson, GENESIS_PREV, recordHash, sha256Hex, type AuditRecord } from './record.js';
import { input, readLines, tempDir } from './test-helpers.test-helper.js';
import { verifyAuditLog } from './verify.js';

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(() => {
  tmp = tempDir();
  log = join(tmp.dir, 'nested', 'safety-gate', 'audit.jsonl');
});
afterEach(() => tmp.cleanup());

describe('appendAuditRecord', () => {
  it('creates parent directories and writes one canonical, hash-chained line per call', async () => {
    const a = await appendAuditRecord(log, input(1));
    const b = await appendAuditRecord(log, input(2, { decision: 'block' }));
    const lines = readLines(log);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toEqual(a);
    expect(a.seq).toBe(1);
    expect(a.prev).toBe(GENESIS_PREV);
    expect(b.seq).toBe(2);
    expect(b.prev).toBe(sha256Hex(lines[0]!));
    expect(a.hash).toBe(recordHash(a));
    // The hash is over sorted-key JSON, so another implementation can recompute it.
    const { hash: _h, ...rest } = a;
    expect(a.hash).toBe(sha256Hex(canonicalJson(rest)));
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  it('writes the documented fields, findings compacted', async () => {
    const rec = await appendAuditRecord(log, input(3));
    expect(Object.keys(rec)).toEqual([
      'v',
      'seq',
      'time',
      'run_id',
      'door',
      'repo',
      'refs',
      'commits',
      'policy_hash',
      'policy_id',
      'decision',
      'findings',
      'findings_count',
      'actor',
      'retention_class',
      'override',
      'task',
      'error',
      'duration_ms',
      'prev',
      'hash',
    ]);
    expect(rec.findings).toEqual([{ rule: 'forbidden-value', severity: 'block', path: 'config/app.env', line: 3, commit: 'b'.repeat(40) }]);
    expect(rec.findings_count).toBe(1);
    expect(rec.v).toBe(1);
    expect(rec.time).toBe('2026-01-01T00:00:03.000Z');
  });

  it('derives a retention class when none is given, and records override data', async () => {
    const tag = await appendAuditRecord(log, input(1, { retention_class: null, refs: [{ ref: 'refs/tags/agenttrader-v2/v2.4.1', old: null, new: 'b'.repeat(40) }] }));
    expect(tag.retention_class).toBe('release-7y');
    const override = {
      incident: 'INC-42',
      approvers: [
        { name: 'lead-devsecops', source: 'github', time: '2026-01-01T00:00:00Z' },
        { name: 'oncall-lead', source: 'github', time: '2026-01-01T00:01:00Z' },
      ],
      checks_bypassed: ['forbidden-value'],
      reason: 'hotfix',
      rollback: 'git revert b',
    };
    const o = await appendAuditRecord(log, input(2, { decision: 'override', retention_class: undefined, override }));
    expect(o.retention_class).toBe('override-7y');
    expect(o.override).toEqual(override);
    expect(verifyAuditLog(log).ok).toBe(true);
  });

  it('keeps the chain across odd content: newlines, non-ASCII, lone surrogates', async () => {
    await appendAuditRecord(log, input(1, { repo: 'dir/with\nnewline ü \ud800' }));
    await appendAuditRecord(log, input(2));
    expect(readLines(log)).toHaveLength(2);
    expect(verifyAuditLog(log)).toMatchObject({ ok: true, records: 2 });
  });

  it('reads only the tail: a long log does not slow appends down', async () => {
    mkdirSync(dirname(log), { recursive: true });
    // 20 MB of earlier history; the append must not read it.
    const first = await appendAuditRecord(log, input(1), { noSync: true });
    const filler = `${JSON.stringify(first)}\n`.repeat(30_000);
    writeFileSync(log, filler);
    const t0 = performance.now();
    const rec = await appendAuditRecord(log, input(2), { noSync: true });
    expect(performance.now() - t0).toBeLessThan(50);
    expect(rec.seq).toBe(2); // seq continues from the last line
  });

  it('the default path is <git common dir>/safety-gate/audit.jsonl', () => {
    expect(auditLogPathForGitDir('/repo/.git')).toBe('/repo/.git/safety-gate/audit.jsonl');
  });
});

describe('lock', () => {
  it('takes over a lock left by a dead process on this host at once', async () => {
    mkdirSync(dirname(log), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    writeFileSync(`${log}.lock`, JSON.stringify({ pid, time: Date.now(), host: hostname(), token: 'x' }));
    const t0 = Date.now();
    await appendAuditRecord(log, input(1), { timeoutMs: 2000 });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  it('takes over a lock older than staleMs even if its pid looks alive', async () => {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(`${log}.lock`, JSON.stringify({ pid: process.ppid, time: Date.now() - 60_000, host: 'other-host', token: 'x' }));
    await appendAuditRecord(log, input(1), { timeoutMs: 2000, staleMs: 10_000 });
    expect(readLines(log)).toHaveLength(1);
  });

  it('judges an unreadable lock by its mtime', async () => {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(`${log}.lock`, '');
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(`${log}.lock`, old, old);
    await appendAuditRecord(log, input(1), { timeoutMs: 2000 });
    expect(readLines(log)).toHaveLength(1);
  });

  it('fails closed with a clear GateError when a live holder keeps the lock', async () => {
    mkdirSync(dirname(log), { recursive: true });
    writeFileSync(`${log}.lock`, JSON.stringify({ pid: process.pid === 1 ? 2 : 1, time: Date.now(), host: 'other-host', token: 'x' }));
    const err = await appendAuditRecord(log, input(1), { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GateError);
    expect((err as GateError).code).toBe('io');
    expect((err as GateError).message).toMatch(/audit log is locked/);
    expect((err as GateError).hint).toContain('.lock');
    expect(existsSync(log)).toBe(false);
  });
});

describe('concurrent writers', () => {
  const WORKERS = 8;
  const EACH = 50;
  let workerJs: string;
  let buildDir: ReturnType<typeof tempDir>;

  // Real processes, not async tasks: each has its own fds and pid, as concurrent pushes do.
  beforeAll(async () => {
    buildDir = tempDir();
    workerJs = join(buildDir.dir, 'append-worker.mjs');
    await build({
      stdin: {
        contents: `
          import { appendAuditRecord } from './log.ts';
          const [logPath, id, n, startAt] = process.argv.slice(2);
          while (Date.now() < Number(startAt)) {} // start together for maximum contention
          for (let i = 0; i < Number(n); i++) {
            await appendAuditRecord(logPath, {
              run_id: id + ':' + i, door: 'pre-receive', repo: 'r', refs: [], commits: [],
              policy_hash: null, decision: 'pass', findings: [], actor: { source: 'test', name: id },
              retention_class: 'pr-30d',
            }, { timeoutMs: 30000 });
          }
        `,
        resolveDir: resolve(import.meta.dirname),
        loader: 'ts',
        sourcefile: 'append-worker.ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: workerJs,
      logLevel: 'silent',
    });
  });
  afterAll(() => buildDir.cleanup());

  it(`${WORKERS} processes × ${EACH} appends: every line whole, none lost, chain intact`, async () => {
    const startAt = Date.now() + 400;
    const runs = Array.from(
      { length: WORKERS },
      (_, w) =>
        new Promise<number | null>((res, rej) => {
          const child = spawn(process.execPath, [workerJs, log, `w${w}`, String(EACH), String(startAt)], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('error', rej);
          child.on('exit', (code) => (code === 0 ? res(code) : rej(new Error(`worker ${w} exited ${code}: ${err}`))));
        }),
    );
    await Promise.all(runs);

    const text = readFileSync(log, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(WORKERS * EACH);
    const recs = lines.map((l) => JSON.parse(l) as AuditRecord); // throws on an interleaved line
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: WORKERS * EACH }, (_, i) => i + 1));
    // Every worker's records are all there, in its own order.
    for (let w = 0; w < WORKERS; w++) {
      const mine = recs.filter((r) => r.actor.name === `w${w}`).map((r) => Number(r.run_id.split(':')[1]));
      expect(mine).toEqual(Array.from({ length: EACH }, (_, i) => i));
    }
    const v = verifyAuditLog(log);
    expect(v.problems).toEqual([]);
    expect(v).toMatchObject({ ok: true, records: WORKERS * EACH, headSeq: WORKERS * EACH });
    expect(existsSync(`${log}.lock`)).toBe(false);
  });
});

describe('cost', () => {
  it('uncontended append stays in the low milliseconds (figures printed for the record)', async () => {
    const n = 200;
    const measure = async (noSync: boolean): Promise<number[]> => {
      const t: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await appendAuditRecord(log, input(i), { noSync });
        t.push(performance.now() - t0);
      }
      return t.sort((a, b) => a - b);
    };
    await measure(true); // warm up
    const fast = await measure(true);
    const durable = await measure(false);
    const med = (a: number[]) => a[a.length >> 1]!;
    const p90 = (a: number[]) => a[Math.floor(a.length * 0.9)]!;
    console.log(
      `audit append: without fsync median ${med(fast).toFixed(3)} ms (p90 ${p90(fast).toFixed(3)}); ` +
        `with fdatasync median ${med(durable).toFixed(3)} ms (p90 ${p90(durable).toFixed(3)})`,
    );
    // Generous bound: CI disks vary; the point is "no whole-file read, no heavy work".
    expect(med(fast)).toBeLessThan(10);
    expect(verifyAuditLog(log).ok).toBe(true);
  });
});
