// Verifies the hash chain of an audit log and says what happened where.
//
// Each line's `hash` proves the line was not edited after it was written (unless the editor
// recomputed it); each line's `prev` proves which line came before it. Reading both together
// tells the kinds of tampering apart:
// - edited:    a hash that does not match the content, or a line whose successor's `prev`
//              points at bytes that are no longer there while the sequence stays contiguous;
// - inserted:  a line no other line chains to, or an exact duplicate;
// - removed:   a `prev` that points at nothing, with a gap in `seq`;
// - reordered: a `prev` that points at a line further down the file;
// - malformed: not a record at all (garbage, a torn write).
// Cutting lines off the end leaves a valid, shorter chain: only an anchor kept elsewhere can
// reveal that: the head file the hook rewrites after every append (`<log>.head`), and
// `--expect-head` (the head hash printed by every verify, kept off the machine).
import { closeSync, openSync, readSync } from 'node:fs';
import { GENESIS_PREV, recordHash, sha256Hex } from './record.js';

type ProblemKind = 'edited' | 'inserted' | 'removed' | 'malformed' | 'reordered';

interface AuditProblem {
  /** 1-based line in the file. */
  line: number;
  kind: ProblemKind;
  message: string;
}

export interface VerifyOptions {
  /** A head hash recorded earlier: the log must still contain that line. */
  expectHead?: string;
  /**
   * The head the hook wrote next to the log (`<log>.head`, see log.ts): the log must contain
   * that line. 'missing' / 'unreadable': the sidecar is gone or garbled, so truncation cannot be
   * ruled out (a problem when the log has records). Omit to skip the check.
   */
  recordedHead?: { seq: number; head: string; file: string } | { missing: 'missing' | 'unreadable'; file: string };
}

export interface VerifyResult {
  ok: boolean;
  /** Lines that parse as records. */
  records: number;
  /** Lines in the file. */
  lines: number;
  /** sha256 of the last line's bytes: what the next record's `prev` will be. null for an empty log. */
  head: string | null;
  headSeq: number | null;
  /** Where the expected head was found (1-based line), and how many lines follow it. */
  anchor: { line: number; seq: number | null; appendedSince: number } | null;
  problems: AuditProblem[];
}

const NL = 0x0a;
const HEX64 = /^[0-9a-f]{64}$/;

/** Calls `fn` for every line (bytes without the newline), reading the file in chunks. */
export function forEachLine(path: string, fn: (line: Buffer, index: number) => void): { endsWithNewline: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer = Buffer.alloc(0);
    let index = 0;
    let last = -1;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      last = buf[n - 1]!;
      let data = buf.subarray(0, n);
      if (carry.length) data = Buffer.concat([carry, data]);
      let start = 0;
      for (let i = data.indexOf(NL, start); i >= 0; i = data.indexOf(NL, start)) {
        fn(Buffer.from(data.subarray(start, i)), index++);
        start = i + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length) fn(carry, index);
    return { endsWithNewline: last === -1 || last === NL };
  } finally {
    closeSync(fd);
  }
}

interface Entry {
  line: number;
  lineHash: string;
  /** null when the line is not a record. */
  seq: number | null;
  prev: string | null;
}

/** Parses one line; returns the record or a reason it is not one. */
export function parseRecordLine(bytes: Buffer): { record: Record<string, unknown> } | { error: string } {
  if (bytes.length === 0) return { error: 'empty line' };
  let rec: unknown;
  try {
    rec = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { error: 'not JSON (a torn write or a hand edit)' };
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) return { error: 'not a JSON object' };
  const r = rec as Record<string, unknown>;
  if (r.v !== 1) return { error: `unsupported record version ${JSON.stringify(r.v)}` };
  if (typeof r.seq !== 'number' || !Number.isInteger(r.seq) || r.seq < 1) return { error: 'missing or invalid seq' };
  if (typeof r.prev !== 'string' || !HEX64.test(r.prev)) return { error: 'missing or invalid prev' };
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) return { error: 'missing or invalid hash' };
  return { record: r };
}

export function verifyAuditLog(path: string, opts: VerifyOptions = {}): VerifyResult {
  const problems: AuditProblem[] = [];
  const flagged = new Set<string>();
  const problem = (line: number, kind: ProblemKind, message: string): void => {
    const key = `${line}:${kind}`;
    if (flagged.has(key)) return;
    flagged.add(key);
    problems.push({ line, kind, message });
  };

  const all: Entry[] = [];
  let records = 0;
  const { endsWithNewline } = forEachLine(path, (bytes, i) => {
    const line = i + 1;
    const entry: Entry = { line, lineHash: sha256Hex(bytes), seq: null, prev: null };
    const parsed = parseRecordLine(bytes);
    if ('error' in parsed) {
      problem(line, 'malformed', parsed.error);
    } else {
      const r = parsed.record;
      records += 1;
      entry.seq = r.seq as number;
      entry.prev = r.prev as string;
      if (recordHash(r as never) !== r.hash) problem(line, 'edited', 'content does not match its hash: the line was changed after it was written');
    }
    all.push(entry);
  });
  if (!endsWithNewline && all.length > 0 && all[all.length - 1]!.seq === null) {
    const last = all[all.length - 1]!;
    const torn = problems.find((p) => p.line === last.line && p.kind === 'malformed');
    if (torn) torn.message = 'incomplete last line (a write was interrupted)';
  }

  // Exact duplicates are inserted copies; they are left out of the chain analysis.
  const firstByHash = new Map<string, number>();
  const chain: Entry[] = [];
  for (const e of all) {
    const first = firstByHash.get(e.lineHash);
    if (first !== undefined) {
      problem(e.line, 'inserted', `exact copy of line ${first}`);
      continue;
    }
    firstByHash.set(e.lineHash, e.line);
    chain.push(e);
  }

  const pos = new Map<string, number>();
  chain.forEach((e, p) => pos.set(e.lineHash, p));
  const referenced = new Set<string>();
  for (const e of chain) if (e.prev !== null) referenced.add(e.prev);
  const isEdited = (line: number): boolean => flagged.has(`${line}:edited`) || flagged.has(`${line}:malformed`);

  // Sequence number the entry at position p should have, judged from the nearest record before it.
  const expectedSeq = (p: number): number | null => {
    for (let j = p - 1; j >= 0; j--) {
      const s = chain[j]!.seq;
      if (s !== null) return s + (p - j);
    }
    return p + 1;
  };

  chain.forEach((e, p) => {
    if (e.prev === null || e.seq === null) return; // malformed: already reported
    const want = p === 0 ? GENESIS_PREV : chain[p - 1]!.lineHash;
    const seqWanted = expectedSeq(p);
    if (e.prev === want) {
      if (seqWanted !== null && e.seq !== seqWanted) problem(e.line, 'malformed', `seq ${e.seq} where ${seqWanted} was expected`);
      return;
    }
    const q = pos.get(e.prev);
    if (q !== undefined && q > p) {
      problem(e.line, 'reordered', `belongs after line ${chain[q]!.line} (moved up)`);
      return;
    }
    if (q !== undefined && q < p - 1) {
      for (let r = q + 1; r < p; r++) {
        const x = chain[r]!;
        if (referenced.has(x.lineHash)) problem(x.line, 'reordered', `out of place: line ${e.line} follows line ${chain[q]!.line} directly`);
        else problem(x.line, 'inserted', `not part of the chain: line ${e.line} points past it to line ${chain[q]!.line}`);
      }
      return;
    }
    if (p === 0) {
      problem(
        e.line,
        'removed',
        e.seq > 1
          ? `the log starts at seq ${e.seq}: ${e.seq - 1} earlier record(s) are missing`
          : 'the first record does not start a chain (its prev is not the genesis value): earlier records were removed',
      );
      return;
    }
    const before = chain[p - 1]!;
    if (referenced.has(before.lineHash)) {
      problem(e.line, 'inserted', `its prev matches no line: line ${before.line} is followed by another line in the chain`);
      return;
    }
    if (seqWanted !== null && e.seq > seqWanted) {
      const missing = e.seq - seqWanted;
      problem(e.line, 'removed', `${missing} record(s) missing before this line (seq ${seqWanted}${missing > 1 ? `–${e.seq - 1}` : ''})`);
      return;
    }
    if (!isEdited(before.line)) {
      problem(before.line, 'edited', `changed after line ${e.line} was written (its hash was recomputed)`);
    }
  });

  const lastEntry = all.length ? all[all.length - 1]! : null;
  const head = lastEntry ? lastEntry.lineHash : null;
  let anchor: VerifyResult['anchor'] = null;
  if (opts.expectHead !== undefined) {
    const want = opts.expectHead.trim().toLowerCase();
    const at = all.findIndex((e) => e.lineHash === want);
    if (at < 0) {
      problem(Math.max(all.length, 1), 'removed', `expected head ${want} is not in the log: lines were cut from its end or the log was rewritten`);
    } else {
      anchor = { line: at + 1, seq: all[at]!.seq, appendedSince: all.length - at - 1 };
    }
  }

  if (opts.recordedHead !== undefined) {
    const rh = opts.recordedHead;
    const at = Math.max(all.length, 1);
    if ('missing' in rh) {
      if (records > 0) problem(at, 'removed', `the head file ${rh.file} is ${rh.missing}: cutting lines off the end cannot be ruled out (the next decision rewrites it)`);
    } else {
      const idx = all.findIndex((e) => e.lineHash === rh.head);
      if (idx < 0) {
        problem(at, 'removed', `the log does not contain the head recorded in ${rh.file} (seq ${rh.seq}): lines were cut from its end or the log was rewritten`);
      }
    }
  }

  problems.sort((a, b) => a.line - b.line || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return {
    ok: problems.length === 0,
    records,
    lines: all.length,
    head,
    headSeq: lastEntry?.seq ?? null,
    anchor,
    problems,
  };
}
