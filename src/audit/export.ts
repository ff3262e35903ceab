// Evidence export: the records an auditor asked for, the verification of the whole log they
// came from, its head hash, and each record's retention class and keep-until date, as one JSON
// document for WORM storage. Records are copied exactly as parsed from their lines, together
// with each line's hash, so a subset can still be checked against the chain and the head.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { canonicalJson, sha256Hex } from './record.js';
import { retainUntil, retentionDays } from './retention.js';
import { forEachLine, parseRecordLine, verifyAuditLog, type VerifyResult } from './verify.js';

export const EVIDENCE_SCHEMA = 'safety-gate/audit-evidence@1';

export interface ExportOptions {
  /** Only records with time ≥ this ISO instant. */
  since?: string;
  /** Only records of this run. */
  runId?: string;
  /** Generation time (tests). */
  now?: Date;
  /** Only records this predicate accepts (release evidence: the records of one tag and its commit). */
  match?: (record: Record<string, unknown>) => boolean;
}

interface EvidenceRecord {
  line: number;
  line_hash: string;
  retention: { class: string | null; days: number | null; retain_until: string | null };
  record: Record<string, unknown>;
}

export interface EvidenceBundle {
  schema: typeof EVIDENCE_SCHEMA;
  generated_at: string;
  log: { path: string; lines: number; records: number; head: string | null; head_seq: number | null };
  filter: { since: string | null; run_id: string | null };
  verification: { ok: boolean; problems: VerifyResult['problems'] };
  records: EvidenceRecord[];
  /** sha256 of the canonical JSON of this bundle without this field. */
  bundle_hash: string;
}

export function buildEvidence(logPath: string, opts: ExportOptions = {}): EvidenceBundle {
  const path = resolve(logPath);
  const sinceMs = opts.since !== undefined ? Date.parse(opts.since) : null;
  if (sinceMs !== null && Number.isNaN(sinceMs)) throw new RangeError(`--since: not an ISO date: ${opts.since}`);

  const verification = verifyAuditLog(path);
  const records: EvidenceRecord[] = [];
  forEachLine(path, (bytes, i) => {
    const parsed = parseRecordLine(bytes);
    if ('error' in parsed) return; // listed under verification.problems
    const r = parsed.record;
    const time = typeof r.time === 'string' ? r.time : '';
    if (sinceMs !== null && !(Date.parse(time) >= sinceMs)) return;
    if (opts.runId !== undefined && r.run_id !== opts.runId) return;
    if (opts.match && !opts.match(r)) return;
    const cls = typeof r.retention_class === 'string' ? r.retention_class : null;
    records.push({
      line: i + 1,
      line_hash: sha256Hex(bytes),
      retention: { class: cls, days: cls ? retentionDays(cls) : null, retain_until: cls ? retainUntil(time, cls) : null },
      record: r,
    });
  });

  const body: Omit<EvidenceBundle, 'bundle_hash'> = {
    schema: EVIDENCE_SCHEMA,
    generated_at: (opts.now ?? new Date()).toISOString(),
    log: { path, lines: verification.lines, records: verification.records, head: verification.head, head_seq: verification.headSeq },
    filter: { since: opts.since ?? null, run_id: opts.runId ?? null },
    verification: { ok: verification.ok, problems: verification.problems },
    records,
  };
  return { ...body, bundle_hash: sha256Hex(canonicalJson(body)) };
}

export function formatEvidence(bundle: EvidenceBundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}

/** Writes the bundle atomically (temp file, fsync, rename): a reader never sees half a bundle. */
export function writeEvidence(bundle: EvidenceBundle, output: string): void {
  const target = resolve(output);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, formatEvidence(bundle));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
}
