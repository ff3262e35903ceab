import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Repo, sandbox, type Sandbox } from '../../../test/helpers/repo.js';
import { appendAuditRecord, auditLogPathForGitDir } from '../../audit/log.js';
import { input, readLines, writeLines } from '../../audit/test-helpers.test-helper.js';
import type { CliIO } from '../io.js';
import { run } from './audit.js';

function io(cwd: string, env: NodeJS.ProcessEnv = process.env): CliIO & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { cwd, env, stdin: new PassThrough(), stdout, stderr, out: () => o, err: () => e };
}

let sb: Sandbox;
let log: string;
beforeEach(async () => {
  sb = sandbox();
  log = join(sb.dir, 'audit.jsonl');
  for (let i = 1; i <= 5; i++) await appendAuditRecord(log, input(i), { noSync: true });
});
afterEach(() => sb.cleanup());

describe('safety-gate audit verify', () => {
  it('exit 0 and prints the head on an intact log', async () => {
    const t = io(sb.dir);
    expect(await run(['verify', '--log', log], t)).toBe(0);
    expect(t.out()).toMatch(/^safety-gate audit: ok — 5 records, chain intact/);
    expect(t.out()).toMatch(/^head: [0-9a-f]{64} \(seq 5\)$/m);
  });

  it('exit 1 and names each problem on a tampered log', async () => {
    const lines = readLines(log);
    lines.splice(2, 1);
    writeLines(log, lines);
    const t = io(sb.dir);
    expect(await run(['verify', `--log=${log}`], t)).toBe(1);
    expect(t.out()).toContain('TAMPERED — 1 problem');
    expect(t.out()).toMatch(/line 3: removed — /);
  });

  const headOf = async (): Promise<string> => {
    const t = io(sb.dir);
    await run(['verify', '--log', log], t);
    return /^head: ([0-9a-f]{64})/m.exec(t.out())![1]!;
  };

  it('--expect-head catches a cut-off tail', async () => {
    const head = await headOf();
    writeLines(log, readLines(log).slice(0, 3));
    const t = io(sb.dir);
    expect(await run(['verify', '--log', log, '--expect-head', head], t)).toBe(1);
    expect(t.out()).toMatch(/line 3: removed — expected head [0-9a-f]{64} is not in the log/);
  });

  it('--expect-head accepts records appended since the anchor', async () => {
    const head = await headOf();
    await appendAuditRecord(log, input(6), { noSync: true });
    const t = io(sb.dir);
    expect(await run(['verify', '--log', log, '--expect-head', head], t)).toBe(0);
    expect(t.out()).toContain('anchor: expected head found at line 5, 1 record(s) appended since');
  });

  it('--format json prints the verification result', async () => {
    const t = io(sb.dir);
    expect(await run(['verify', '--log', log, '--format', 'json'], t)).toBe(0);
    const r = JSON.parse(t.out());
    expect(r).toMatchObject({ path: log, ok: true, records: 5, headSeq: 5, problems: [] });
  });

  it('exit 2 with one actionable line when the log cannot be read', async () => {
    const t = io(sb.dir);
    expect(await run(['verify', '--log', join(sb.dir, 'missing.jsonl')], t)).toBe(2);
    expect(t.err()).toMatch(/^safety-gate audit: no audit log at .*missing\.jsonl — .*pass --log PATH\n$/);
  });

  it('exit 2 on bad usage', async () => {
    for (const argv of [['verify', '--format', 'xml'], ['verify', '--expect-head', 'abc'], ['verify', '--bogus', '1'], ['frobnicate'], []]) {
      const t = io(sb.dir);
      expect(await run(argv, t)).toBe(2);
      expect(t.err()).toContain('usage: safety-gate audit');
    }
  });

  it('defaults to <git common dir>/safety-gate/audit.jsonl, in a work tree and in a bare repository', async () => {
    const repo = Repo.init(sb, 'work');
    const sub = join(repo.path, 'deep', 'dir');
    mkdirSync(sub, { recursive: true });
    await appendAuditRecord(auditLogPathForGitDir(join(repo.path, '.git')), input(1), { noSync: true });
    const t = io(sub, sb.env);
    expect(await run(['verify'], t)).toBe(0);
    expect(t.out()).toContain(join(repo.path, '.git', 'safety-gate', 'audit.jsonl'));

    const bare = Repo.init(sb, 'srv.git', ['--bare']);
    await appendAuditRecord(auditLogPathForGitDir(bare.path), input(1), { noSync: true });
    const b = io(bare.path, sb.env);
    expect(await run(['verify'], b)).toBe(0);
    expect(b.out()).toContain(join(bare.path, 'safety-gate', 'audit.jsonl'));
  });

  it('outside a repository without --log: exit 2 and says so', async () => {
    const t = io(sb.home, { ...sb.env, GIT_CEILING_DIRECTORIES: sb.dir });
    expect(await run(['verify'], t)).toBe(2);
    expect(t.err()).toContain('not in a git repository');
  });
});

describe('safety-gate audit export', () => {
  it('writes the evidence bundle to --output and summarises on stderr', async () => {
    const out = join(sb.dir, 'worm', 'evidence.json');
    const t = io(sb.dir);
    expect(await run(['export', '--log', log, '--output', out, '--run-id', 'run-2'], t)).toBe(0);
    const b = JSON.parse(readFileSync(out, 'utf8'));
    expect(b.schema).toBe('safety-gate/audit-evidence@1');
    expect(b.records).toHaveLength(1);
    expect(b.records[0].record.run_id).toBe('run-2');
    expect(t.err()).toMatch(/exported 1 record\(s\) to .*evidence\.json; log verified; head [0-9a-f]{64}/);
  });

  it('prints the bundle on stdout without --output; exit 1 when the log is tampered', async () => {
    const lines = readLines(log);
    lines[1] = lines[1]!.replace('"decision":"pass"', '"decision":"block"');
    writeLines(log, lines);
    const t = io(sb.dir);
    expect(await run(['export', '--log', log, '--since', '2026-01-01T00:00:03Z'], t)).toBe(1);
    const b = JSON.parse(t.out());
    expect(b.records.map((r: { line: number }) => r.line)).toEqual([3, 4, 5]);
    expect(b.verification.ok).toBe(false);
    expect(t.err()).toContain('TAMPERED');
  });

  it('exit 2 on a bad --since', async () => {
    const t = io(sb.dir);
    expect(await run(['export', '--log', log, '--since', 'last week'], t)).toBe(2);
  });
});
