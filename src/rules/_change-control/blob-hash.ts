// Blob ids and content hashes.
import { createHash } from 'node:crypto';
import type { GitAccess } from '../types.js';
import { perRun } from '../../engine/run-cache.js';

/** The id git gives `bytes` as a blob (no filters): sha1/sha256 of "blob <size>\0<bytes>". */
export function gitBlobId(bytes: Buffer, format: 'sha1' | 'sha256'): string {
  return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * sha256 of a blob's content, read once per run through the run's cat-file process and
 * memoised by blob id (a push re-checking the same covered file in many commits hashes it once).
 * null when the blob is missing or over the size cap.
 */
export function blobSha256(git: GitAccess, oid: string): Promise<string | null> {
  const memo = perRun(git, 'blob-sha256', () => new Map<string, Promise<string | null>>());
  let p = memo.get(oid);
  if (!p) {
    const known = knownSha256(git);
    p = git.readBlob(oid).then((b) => {
      const hex = b ? sha256Hex(b.bytes) : null;
      known.set(oid, hex);
      return hex;
    });
    memo.set(oid, p);
  }
  return p;
}

/** Hashes already computed in this run (synchronous lookups on hot loops). */
export function knownSha256(git: GitAccess): Map<string, string | null> {
  return perRun(git, 'blob-sha256-known', () => new Map<string, string | null>());
}
