import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileSync, rmSync } from 'node:fs';
import { appendAuditRecord, appendAuditRecordSync, auditHeadPath, readAuditHead } from './log.js';
import { GENESIS_PREV, recordHash, sha256Hex, type AuditRecord } from './record.js';
import { input, readLines, tempDir, writeLines, writeLog } from './test-helpers.test-helper.js';
import { verifyAuditLog } from './verify.js';

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(() => {
  tmp = tempDir();
  log = join(tmp.dir, 'audit.jsonl');
});
afterEach(() => tmp.cleanup());

const kinds = (path: string, opts = {}) => verifyAuditLog(path, opts).problems.map((p) => [p.line, p.kind]);

/** Re-serialise a record with a correct hash, as a forger who read our code would. */
function forge(rec: Omit<AuditRecord, 'hash'> & { hash?: string }): string {
  const { hash: _h, ...rest } = rec;
  return JSON.stringify({ ...rest, hash: recordHash(rest) });
}

describe('verifyAuditLog: an intact chain', () => {
  it('verifies 300 records and reports the head', async () => {
    await writeLog(log, 300);
    const r = verifyAuditLog(log);
    const lines = readLines(log);
    expect(r).toMatchObject({ ok: true, records: 300, lines: 300, headSeq: 300, problems: [], anchor: null });
    expect(r.head).toBe(sha256Hex(lines[299]!));
    const first = JSON.parse(lines[0]!) as AuditRecord;
    expect(first.prev).toBe(GENESIS_PREV);
    const second = JSON.parse(lines[1]!) as AuditRecord;
    expect(second.prev).toBe(sha256Hex(lines[0]!));
  });

  it('an empty log is valid with no head', () => {
    writeLines(log, [], false);
    expect(verifyAuditLog(log)).toMatchObject({ ok: true, records: 0, head: null });
  });

  it('throws ENOENT for a missing log (the CLI maps it to exit 2)', () => {
    expect(() => verifyAuditLog(join(tmp.dir, 'nope.jsonl'))).toThrow(/ENOENT/);
  });
});

describe('verifyAuditLog: tampering', () => {
  beforeEach(async () => {
    await writeLog(log, 20);
  });

  it('edited field (hash not recomputed) → edited at that line only', () => {
    const lines = readLines(log);
    lines[4] = lines[4]!.replace('"decision":"pass"', '"decision":"override"');
    expect(lines[4]).toContain('override');
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[5, 'edited']]);
  });

  it('edited field with a recomputed hash → edited, caught by the next line', () => {
    const lines = readLines(log);
    const rec = JSON.parse(lines[4]!) as AuditRecord;
    rec.actor = { source: 'github', name: 'someone-else' };
    lines[4] = forge(rec);
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[5, 'edited']]);
  });

  it('forged line with a wrong prev → inserted', () => {
    const lines = readLines(log);
    const forged = forge({ ...(JSON.parse(lines[4]!) as AuditRecord), seq: 6, prev: 'f'.repeat(64), run_id: 'forged' });
    lines.splice(5, 0, forged);
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[6, 'inserted']]);
  });

  it('forged line with the right prev and a recomputed hash → inserted (the next line breaks)', () => {
    const lines = readLines(log);
    const forged = forge({ ...(JSON.parse(lines[4]!) as AuditRecord), seq: 6, prev: sha256Hex(lines[4]!), run_id: 'forged' });
    lines.splice(5, 0, forged);
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[6, 'inserted']]);
  });

  it('exact duplicate of a line → inserted', () => {
    const lines = readLines(log);
    lines.splice(8, 0, lines[3]!);
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[9, 'inserted']]);
  });

  it.each([
    ['deleted middle line → removed, with the missing seq', 1, 'seq 10'],
    ['deleted block of lines → one removed problem naming the range', 3, '3 record(s) missing'],
  ])('%s', (_name, deleted, message) => {
    const lines = readLines(log);
    lines.splice(9, deleted);
    writeLines(log, lines);
    const r = verifyAuditLog(log);
    expect(r.problems.map((p) => [p.line, p.kind])).toEqual([[10, 'removed']]);
    expect(r.problems[0]!.message).toContain(message);
  });

  it('deleted first line → removed', () => {
    const lines = readLines(log);
    lines.shift();
    writeLines(log, lines);
    expect(kinds(log)).toEqual([[1, 'removed']]);
  });

  it('two lines swapped → reordered, both flagged', () => {
    const lines = readLines(log);
    [lines[4], lines[5]] = [lines[5]!, lines[4]!];
    writeLines(log, lines);
    expect(kinds(log)).toEqual([
      [5, 'reordered'],
      [6, 'reordered'],
    ]);
  });

  it('a line moved far down → reordered', () => {
    const lines = readLines(log);
    const [moved] = lines.splice(3, 1);
    lines.splice(12, 0, moved!);
    writeLines(log, lines);
    const r = verifyAuditLog(log);
    expect(r.ok).toBe(false);
    expect(r.problems.every((p) => p.kind === 'reordered')).toBe(true);
    expect(r.problems.map((p) => p.line)).toContain(13);
  });

  it('garbage line → malformed', () => {
    const lines = readLines(log);
    lines.splice(2, 0, 'not json at all');
    writeLines(log, lines);
    const r = verifyAuditLog(log);
    expect(r.problems.map((p) => p.kind)).toContain('malformed');
    expect(r.problems.find((p) => p.kind === 'malformed')!.line).toBe(3);
  });

  it('truncated tail is invisible to the chain but caught by --expect-head', () => {
    const anchorHead = verifyAuditLog(log).head!;
    const lines = readLines(log);
    writeLines(log, lines.slice(0, 15));
    expect(verifyAuditLog(log).ok).toBe(true); // a shorter chain is still a chain
    const r = verifyAuditLog(log, { expectHead: anchorHead });
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual([{ line: 15, kind: 'removed', message: expect.stringContaining('not in the log') }]);
  });

  it('--expect-head accepts records appended after the anchor', async () => {
    const anchorHead = verifyAuditLog(log).head!;
    for (let i = 21; i <= 25; i++) await appendAuditRecord(log, input(i), { noSync: true });
    const r = verifyAuditLog(log, { expectHead: anchorHead.toUpperCase() });
    expect(r.ok).toBe(true);
    expect(r.anchor).toEqual({ line: 20, seq: 20, appendedSince: 5 });
  });

  it('rewritten last line (hash recomputed) is only caught by --expect-head', () => {
    const head = verifyAuditLog(log).head!;
    const lines = readLines(log);
    const rec = JSON.parse(lines[19]!) as AuditRecord;
    rec.decision = 'pass';
    rec.findings = [];
    rec.findings_count = 0;
    rec.run_id = 'rewritten';
    lines[19] = forge(rec);
    writeLines(log, lines);
    expect(verifyAuditLog(log).ok).toBe(true);
    expect(verifyAuditLog(log, { expectHead: head }).problems.map((p) => p.kind)).toEqual(['removed']);
  });
});

describe('torn writes', () => {
  it('a torn last line is reported, and the next append keeps the chain through it', async () => {
    await writeLog(log, 5);
    const lines = readLines(log);
    const torn = '{"v":1,"seq":6,"time":"2026-';
    writeLines(log, [...lines, torn], false);
    let r = verifyAuditLog(log);
    expect(r.problems).toEqual([{ line: 6, kind: 'malformed', message: 'incomplete last line (a write was interrupted)' }]);

    const rec = await appendAuditRecord(log, input(7), { noSync: true });
    expect(rec.seq).toBe(7); // the torn line consumed seq 6
    expect(rec.prev).toBe(sha256Hex(torn));
    r = verifyAuditLog(log);
    expect(r.problems.map((p) => [p.line, p.kind])).toEqual([[6, 'malformed']]);
    expect(r.records).toBe(6);
  });

  it('a log holding only a torn first write still accepts appends', async () => {
    writeLines(log, ['{"v":1,"se'], false);
    const rec = await appendAuditRecord(log, input(1), { noSync: true });
    expect(rec.seq).toBe(2);
    expect(verifyAuditLog(log).problems.map((p) => p.kind)).toEqual(['malformed']);
  });
});

describe('first line', () => {
  it('a renumbered first record that does not start the chain → removed', async () => {
    await writeLog(log, 4);
    const lines = readLines(log);
    const rec = JSON.parse(lines[1]!) as AuditRecord;
    rec.seq = 1;
    const { hash: _h, ...rest } = rec;
    lines.splice(0, 2, JSON.stringify({ ...rest, hash: recordHash(rest) }));
    writeLines(log, lines);
    const r = verifyAuditLog(log);
    expect(r.problems[0]).toMatchObject({ line: 1, kind: 'removed', message: expect.stringContaining('genesis') });
  });
});

describe('verifyAuditLog: the head file the hook keeps', () => {
  const recorded = (path: string) => {
    const h = readAuditHead(path);
    if (h === null || h === 'unreadable') return { missing: h === null ? ('missing' as const) : ('unreadable' as const), file: auditHeadPath(path) };
    return { seq: h.seq, head: h.head, file: auditHeadPath(path) };
  };

  it('every append rewrites <log>.head with the last line hash; the intact log verifies against it', async () => {
    await writeLog(log, 5);
    const h = readAuditHead(log);
    expect(h).toEqual({ v: 1, seq: 5, head: sha256Hex(readLines(log)[4]!) });
    expect(verifyAuditLog(log, { recordedHead: recorded(log) }).ok).toBe(true);
  });

  it('a log cut at its end no longer contains the recorded head: removed', async () => {
    await writeLog(log, 5);
    writeLines(log, readLines(log).slice(0, 3));
    expect(verifyAuditLog(log).ok).toBe(true); // the chain alone cannot tell
    const r = verifyAuditLog(log, { recordedHead: recorded(log) });
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatchObject({ kind: 'removed' });
    expect(r.problems[0]!.message).toMatch(/does not contain the head recorded in .*audit\.jsonl\.head \(seq 5\)/);
  });

  it('a missing or garbled head file next to a non-empty log is a problem', async () => {
    await writeLog(log, 2);
    writeFileSync(auditHeadPath(log), 'garbage');
    expect(verifyAuditLog(log, { recordedHead: recorded(log) }).problems[0]!.message).toMatch(/is unreadable/);
    rmSync(auditHeadPath(log));
    expect(verifyAuditLog(log, { recordedHead: recorded(log) }).problems[0]!.message).toMatch(/is missing/);
  });

  it('the synchronous append (the deadline timer) chains and keeps the head like the async one', async () => {
    await writeLog(log, 2);
    appendAuditRecordSync(log, input(3, { decision: 'error' }));
    const r = verifyAuditLog(log, { recordedHead: recorded(log) });
    expect(r).toMatchObject({ ok: true, records: 3 });
  });
});
