import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildEvidence, EVIDENCE_SCHEMA, writeEvidence } from './export.js';
import { appendAuditRecord } from './log.js';
import { canonicalJson, sha256Hex } from './record.js';
import { input, readLines, tempDir, writeLines } from './test-helpers.test-helper.js';
import { verifyAuditLog } from './verify.js';

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(async () => {
  tmp = tempDir();
  log = join(tmp.dir, 'audit.jsonl');
  for (let i = 1; i <= 6; i++) {
    await appendAuditRecord(
      log,
      input(i, {
        run_id: i <= 3 ? 'run-a' : `run-${i}`,
        retention_class: i === 5 ? 'override-7y' : 'main-180d',
        decision: i === 5 ? 'override' : 'pass',
        time: `2026-01-0${i}T00:00:00.000Z`,
      }),
      { noSync: true },
    );
  }
});
afterEach(() => tmp.cleanup());

describe('buildEvidence', () => {
  it('bundles every record with its line hash, retention and the verification of the whole log', () => {
    const b = buildEvidence(log, { now: new Date('2026-02-01T00:00:00Z') });
    const lines = readLines(log);
    expect(b.schema).toBe(EVIDENCE_SCHEMA);
    expect(b.generated_at).toBe('2026-02-01T00:00:00.000Z');
    expect(b.verification).toEqual({ ok: true, problems: [] });
    expect(b.log).toMatchObject({ lines: 6, records: 6, head: sha256Hex(lines[5]!), head_seq: 6 });
    expect(b.records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.records[0]!.line_hash).toBe(sha256Hex(lines[0]!));
    expect(b.records[0]!.record).toEqual(JSON.parse(lines[0]!));
    expect(b.records[0]!.retention).toEqual({ class: 'main-180d', days: 180, retain_until: '2026-06-30T00:00:00.000Z' });
    expect(b.records[4]!.retention).toMatchObject({ class: 'override-7y', days: 2557 });
    const { bundle_hash, ...body } = b;
    expect(bundle_hash).toBe(sha256Hex(canonicalJson(body)));
  });

  it('filters by --since and --run-id, and still reports the whole log', () => {
    expect(buildEvidence(log, { since: '2026-01-04' }).records.map((r) => r.line)).toEqual([4, 5, 6]);
    const a = buildEvidence(log, { runId: 'run-a' });
    expect(a.records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(a.filter).toEqual({ since: null, run_id: 'run-a' });
    expect(a.log.records).toBe(6);
    expect(buildEvidence(log, { since: '2026-01-03', runId: 'run-a' }).records.map((r) => r.line)).toEqual([3]);
  });

  it('rejects a bad --since', () => {
    expect(() => buildEvidence(log, { since: 'yesterday' })).toThrow(RangeError);
  });

  it('carries tampering into the bundle', () => {
    const lines = readLines(log);
    lines.splice(2, 1);
    writeLines(log, lines);
    const b = buildEvidence(log);
    expect(b.verification.ok).toBe(false);
    expect(b.verification.problems).toEqual(verifyAuditLog(log).problems);
  });

  it('writes the bundle atomically to a file', () => {
    const out = join(tmp.dir, 'evidence', 'bundle.json');
    const b = buildEvidence(log);
    writeEvidence(b, out);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(b);
  });
});
