// An exclusive lock file next to the audit log.
//
// Hand-written rather than `proper-lockfile` (not a dependency, and it would be loaded on every
// hook run): the need is narrow. `open(O_CREAT|O_EXCL)` is atomic on local file systems and on
// NFSv3+, the critical section lasts well under a millisecond, and the lock records who holds
// it so that a holder that died (a killed hook) is taken over: at once when its pid is gone on
// this host, otherwise once the lock is older than `staleMs`.
//
// Takeover renames the stale lock to a private name before judging it again, so two waiters
// that both saw it stale cannot both delete the same fresh lock; the remaining race (a takeover
// that coincides with a third process's fresh acquisition) needs a holder dead for `staleMs`
// and would show up in `audit verify` as a fork in the chain, not as a silent loss.
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { GateError } from '../errors.js';
import { auditMsg } from '../messages.js';

export interface LockOptions {
  /** Give up after this long (ms). Default 5000. */
  timeoutMs?: number;
  /** A lock older than this (ms) is considered abandoned. Default 10000. */
  staleMs?: number;
}

interface Holder {
  pid: number;
  time: number;
  host: string;
  token: string;
}

const HOST = hostname();

function parseHolder(text: string): Holder | null {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.pid === 'number' && typeof h.time === 'number' && typeof h.host === 'string' && typeof h.token === 'string') {
      return h as Holder;
    }
  } catch {
    // Written but not yet flushed, or garbage: judged by its mtime instead.
  }
  return null;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(lockPath: string, staleMs: number, now: number): { stale: boolean; content: string | null } {
  let content: string;
  let mtime: number;
  try {
    content = readFileSync(lockPath, 'utf8');
    mtime = statSync(lockPath).mtimeMs;
  } catch {
    return { stale: false, content: null }; // gone already: just retry the create
  }
  const h = parseHolder(content);
  if (h) {
    if (h.host === HOST && h.pid !== process.pid && !pidAlive(h.pid)) return { stale: true, content };
    return { stale: now - h.time > staleMs, content };
  }
  return { stale: now - mtime > staleMs, content };
}

function tryTakeOver(lockPath: string, seen: string, staleMs: number): void {
  const aside = `${lockPath}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // someone else moved it first
  }
  let moved: string | null = null;
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // vanished: nothing to restore
  }
  if (moved !== null && moved !== seen) {
    // We moved a lock that is not the one judged stale: a fresh holder's. Put it back unless
    // the name was taken again meanwhile (link, unlike rename, never overwrites).
    const h = parseHolder(moved);
    const fresh = h ? Date.now() - h.time <= staleMs : true;
    if (fresh) {
      try {
        linkSync(aside, lockPath);
      } catch {
        // a new lock exists: its holder and the one we moved now overlap (see header)
      }
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

export interface HeldLock {
  release(): void;
}

/** One attempt: the lock, or 'again' (a stale lock was moved aside), or 'wait'. */
function attempt(lockPath: string, token: string, staleMs: number, now: number): HeldLock | 'again' | 'wait' {
  let fd: number | null = null;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') {
      throw new GateError('io', auditMsg.lockUncreatable(lockPath, code ?? String(e)), auditMsg.lockUncreatableHint);
    }
  }
  if (fd !== null) {
    const body = JSON.stringify({ pid: process.pid, time: now, host: HOST, token } satisfies Holder);
    try {
      writeSync(fd, body);
    } finally {
      closeSync(fd);
    }
    return {
      release() {
        // Only remove the lock if it is still ours (it may have been taken over as stale).
        try {
          if (parseHolder(readFileSync(lockPath, 'utf8'))?.token === token) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      },
    };
  }
  const { stale, content } = isStale(lockPath, staleMs, now);
  if (stale && content !== null) {
    tryTakeOver(lockPath, content, staleMs);
    return 'again';
  }
  return 'wait';
}

function lockedTooLong(lockPath: string, timeoutMs: number): GateError {
  return new GateError('io', auditMsg.locked(lockPath, timeoutMs), auditMsg.lockedHint(lockPath));
}

/**
 * The locking loop, shared by both ways of waiting: yields how long to wait before the next
 * attempt (jittered exponential backoff, so waiters do not wake in lockstep), returns the lock.
 */
function* lockAttempts(lockPath: string, opts: LockOptions): Generator<number, HeldLock, void> {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const staleMs = opts.staleMs ?? 10_000;
  const start = Date.now();
  const token = `${process.pid}-${start}-${Math.random().toString(36).slice(2)}`;
  let delay = 1;
  for (;;) {
    const now = Date.now();
    const got = attempt(lockPath, token, staleMs, now);
    if (got === 'again') continue;
    if (got !== 'wait') return got;
    if (now - start > timeoutMs) throw lockedTooLong(lockPath, timeoutMs);
    yield delay + Math.random() * delay;
    delay = Math.min(delay * 2, 8);
  }
}

export async function acquireLock(lockPath: string, opts: LockOptions = {}): Promise<HeldLock> {
  const attempts = lockAttempts(lockPath, opts);
  for (let r = attempts.next(); ; r = attempts.next()) {
    if (r.done) return r.value;
    await sleep(r.value);
  }
}

/**
 * The same, blocking the thread: for the last record of a run that is about to exit (the hard
 * deadline's timer), where no promise would be awaited.
 */
export function acquireLockSync(lockPath: string, opts: LockOptions = {}): HeldLock {
  const attempts = lockAttempts(lockPath, opts);
  for (let r = attempts.next(); ; r = attempts.next()) {
    if (r.done) return r.value;
    sleepSync(r.value);
  }
}
