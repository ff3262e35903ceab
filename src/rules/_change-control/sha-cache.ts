// A client-side cache of blob id → sha256 of its content, kept across runs in
// $GIT_DIR/safety-gate/cache/blob-sha256-v1.txt (`<oid> <sha256>` lines). A blob's content never
// changes for a given id, so the cache only saves reading the 2,000 files a sentinel covers on
// every commit. Client doors only: like receipts, anything under .git is writable by whoever
// commits, so the server (which does not trust local state) never reads it.
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GitAccess } from '../types.js';
import { knownSha256 } from './blob-hash.js';
import { perRun } from '../../engine/run-cache.js';

const FILE = 'safety-gate/cache/blob-sha256-v1.txt';
const MAX_BYTES = 16 * 1024 * 1024;
const LINE = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{64})$/;

interface State {
  path: string;
  /** Entries already on disk. */
  stored: Set<string>;
}

/** Load the cache into this run's known hashes (once per run). */
export function loadShaCache(git: GitAccess): State {
  return perRun(git, 'sha-cache', () => {
    const path = join(git.gitDir, FILE);
    const stored = new Set<string>();
    const known = knownSha256(git);
    try {
      if (statSync(path).size > MAX_BYTES) writeFileSync(path, '');
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const m = LINE.exec(line);
        if (!m) continue;
        stored.add(m[1]!);
        if (!known.has(m[1]!)) known.set(m[1]!, m[2]!);
      }
    } catch {
      /* no cache yet, or unreadable: start empty */
    }
    return { path, stored };
  });
}

/** Append the hashes computed in this run that are not on disk yet. */
export function flushShaCache(git: GitAccess): void {
  const state = loadShaCache(git);
  const lines: string[] = [];
  for (const [oid, hex] of knownSha256(git)) {
    if (hex === null || state.stored.has(oid)) continue;
    state.stored.add(oid);
    lines.push(`${oid} ${hex}\n`);
  }
  if (lines.length === 0) return;
  try {
    mkdirSync(dirname(state.path), { recursive: true });
    appendFileSync(state.path, lines.join(''));
  } catch {
    /* a read-only .git only costs speed */
  }
}
