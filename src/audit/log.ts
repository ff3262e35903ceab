// Append-only, hash-chained audit log: one JSON line per decision, on the hot path of every
// hook. Each line carries the sha256 of the previous line's bytes (`prev`) and of its own
// canonical content (`hash`), so `audit verify` finds edited, inserted, removed and reordered
// lines. Concurrent pushes serialise on a lock file; the append itself is one write(2) on an
// O_APPEND descriptor followed by fdatasync, so a line is never interleaved or half-chained.
//
// Only node built-ins are imported: this runs on every commit and push.
import { closeSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GateError } from '../errors.js';
import { acquireLock, acquireLockSync, type HeldLock, type LockOptions } from './lock.js';
import { buildRecord, GENESIS_PREV, sha256Hex, type AuditRecord, type AuditRecordInput } from './record.js';
import { auditMsg } from '../messages.js';

export type { AuditRecord, AuditRecordInput } from './record.js';

const NL = 0x0a;
const TAIL_CHUNK = 8192;
/** How far back we look for a parseable record after a torn or garbled tail. */
const MAX_TAIL_SCAN = 1 << 20;

/** Where a repository keeps its log: `<git common dir>/safety-gate/audit.jsonl` (bare or not). */
export function auditLogPathForGitDir(gitCommonDir: string): string {
  return join(gitCommonDir, 'safety-gate', 'audit.jsonl');
}

interface Tail {
  prev: string;
  nextSeq: number;
  /** The file does not end in a newline (a crash mid-write): terminate that line first. */
  torn: boolean;
}

function readRange(fd: number, start: number, end: number): Buffer {
  const buf = Buffer.allocUnsafe(end - start);
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, start + off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

/**
 * Lines at the end of the file, last first, read backwards in chunks: never the whole log.
 * Yields [start, end) byte ranges without the newline.
 */
function* linesBackwards(fd: number, size: number): Generator<[number, number, Buffer]> {
  let end = size;
  if (end > 0 && readRange(fd, end - 1, end)[0] === NL) end -= 1;
  let scanned = 0;
  while (end >= 0 && scanned <= MAX_TAIL_SCAN) {
    // Find the newline before `end`.
    let start = 0;
    let pos = end;
    let found = false;
    while (pos > 0 && !found) {
      const from = Math.max(0, pos - TAIL_CHUNK);
      const chunk = readRange(fd, from, pos);
      const i = chunk.lastIndexOf(NL);
      if (i >= 0) {
        start = from + i + 1;
        found = true;
      } else {
        pos = from;
      }
    }
    const line = readRange(fd, start, end);
    yield [start, end, line];
    scanned += end - start + 1;
    if (start === 0) return;
    end = start - 1;
  }
}

function seqOf(line: Buffer): number | null {
  try {
    const rec = JSON.parse(line.toString('utf8')) as { seq?: unknown };
    return typeof rec.seq === 'number' && Number.isInteger(rec.seq) && rec.seq > 0 ? rec.seq : null;
  } catch {
    return null;
  }
}

function readTail(fd: number, size: number, logPath: string): Tail {
  if (size === 0) return { prev: GENESIS_PREV, nextSeq: 1, torn: false };
  // Fast path: the last line is a complete record inside the last chunk (one pread).
  const from = Math.max(0, size - TAIL_CHUNK);
  const chunk = readRange(fd, from, size);
  const torn = chunk[chunk.length - 1] !== NL;
  const end = torn ? chunk.length : chunk.length - 1;
  const nl = chunk.lastIndexOf(NL, end - 1);
  if (!torn && end > 0 && (nl >= 0 || from === 0)) {
    const line = chunk.subarray(nl + 1, end);
    const seq = seqOf(line);
    if (seq !== null) return { prev: sha256Hex(line), nextSeq: seq + 1, torn };
  }
  // Slow path: a long last line, or a torn/garbled tail. The garbled lines stay in the chain
  // (the next record points at them, `audit verify` reports them) and consume sequence numbers.
  let prev: string | null = null;
  let skipped = 0;
  let reachedStart = false;
  for (const [start, , line] of linesBackwards(fd, size)) {
    if (prev === null) prev = sha256Hex(line);
    const seq = seqOf(line);
    if (seq !== null) return { prev, nextSeq: seq + skipped + 1, torn };
    skipped += 1;
    reachedStart = start === 0;
  }
  // Nothing but garbage since the start of the file (a crash during the very first write).
  if (reachedStart && prev !== null) return { prev, nextSeq: skipped + 1, torn };
  // No parseable record in the tail we are willing to read: refuse to guess a sequence number.
  throw new GateError('io', auditMsg.unreadableTail(logPath), auditMsg.unreadableTailHint(logPath));
}

export interface AppendOptions extends LockOptions {
  /** Skip fdatasync (tests, benchmarks of the lock alone). Default false. */
  noSync?: boolean;
}

/**
 * Where the hook keeps the log's head outside the log itself: `<log>.head`, rewritten (atomically)
 * under the lock after every append. Cutting lines off the log's end leaves a valid, shorter
 * chain; its head then no longer matches this file, which `audit verify` checks.
 */
export function auditHeadPath(logPath: string): string {
  return `${logPath}.head`;
}

export interface AuditHead {
  v: 1;
  seq: number;
  /** sha256 of the last line's bytes (what the next record's `prev` will be). */
  head: string;
}

function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
  } catch (e) {
    throw new GateError('io', auditMsg.dirUncreatable(dir, (e as NodeJS.ErrnoException).code ?? String(e)), auditMsg.dirUncreatableHint);
  }
}

/**
 * Appends one decision to the log at `logPath` (creating its directory) and returns the record
 * as written. Safe against concurrent writers in other processes.
 */
export async function appendAuditRecord(logPath: string, input: AuditRecordInput, opts: AppendOptions = {}): Promise<AuditRecord> {
  ensureDir(dirname(logPath));
  const lock = await acquireLock(`${logPath}.lock`, opts);
  return appendLocked(logPath, input, opts, lock);
}

/** The same without awaiting anything: for a run that is about to exit (the hard deadline). */
export function appendAuditRecordSync(logPath: string, input: AuditRecordInput, opts: AppendOptions = {}): AuditRecord {
  ensureDir(dirname(logPath));
  const lock = acquireLockSync(`${logPath}.lock`, opts);
  return appendLocked(logPath, input, opts, lock);
}

function appendLocked(logPath: string, input: AuditRecordInput, opts: AppendOptions, lock: HeldLock): AuditRecord {
  const dir = dirname(logPath);
  let fd: number | null = null;
  let record: AuditRecord;
  let created = false;
  try {
    try {
      fd = openSync(logPath, 'a+', 0o644);
    } catch (e) {
      throw new GateError('io', auditMsg.unopenable(logPath, (e as NodeJS.ErrnoException).code ?? String(e)), auditMsg.unopenableHint);
    }
    const size = fstatSync(fd).size;
    created = size === 0;
    const tail = readTail(fd, size, logPath);
    record = buildRecord(input, tail.nextSeq, tail.prev);
    const line = JSON.stringify(record);
    const bytes = Buffer.from(`${tail.torn ? '\n' : ''}${line}\n`, 'utf8');
    // One write(2) on an O_APPEND descriptor: the line lands whole at the end of the file.
    const n = writeSync(fd, bytes, 0, bytes.length);
    if (n !== bytes.length) {
      throw new GateError('io', auditMsg.shortWrite(logPath, n, bytes.length), auditMsg.shortWriteHint);
    }
    writeHead(logPath, { v: 1, seq: record.seq, head: sha256Hex(line) });
  } catch (e) {
    if (fd !== null) closeSync(fd);
    throw e;
  } finally {
    // The next writer only needs our line in the page cache, not on disk: syncing after the
    // release keeps concurrent pushes from queueing behind each other's fsync.
    lock.release();
  }
  try {
    if (!opts.noSync) {
      fdatasyncSync(fd);
      if (created) syncDir(dir);
    }
  } catch (e) {
    throw new GateError('io', auditMsg.unsyncable(logPath, (e as NodeJS.ErrnoException).code ?? String(e)), auditMsg.unsyncableHint);
  } finally {
    closeSync(fd);
  }
  return record;
}

function writeHead(logPath: string, head: AuditHead): void {
  const file = auditHeadPath(logPath);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(head) + '\n', { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    throw new GateError('io', auditMsg.headUnwritable(file, (e as NodeJS.ErrnoException).code ?? String(e)), auditMsg.headUnwritableHint);
  }
}

/** The head the hook last recorded; null when there is none (a log from before heads were kept). */
export function readAuditHead(logPath: string): AuditHead | 'unreadable' | null {
  let text: string;
  try {
    text = readFileSync(auditHeadPath(logPath), 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as Partial<AuditHead>;
    if (h.v === 1 && typeof h.seq === 'number' && typeof h.head === 'string' && /^[0-9a-f]{64}$/.test(h.head)) return h as AuditHead;
  } catch {
    // fall through
  }
  return 'unreadable';
}

// A new file's directory entry is only durable once the directory itself is synced.
function syncDir(dir: string): void {
  let dfd: number | null = null;
  try {
    dfd = openSync(dir, 'r');
    fsyncSync(dfd);
  } catch {
    // Not supported on every platform/file system; the data itself is synced.
  } finally {
    if (dfd !== null) closeSync(dfd);
  }
}
