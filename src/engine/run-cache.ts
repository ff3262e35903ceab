// Per-run memo shared by the change-control rules. The engine creates one GitAccess per run, so
// keying on it gives every rule of the family the same cache (tracked entries of a snapshot,
// sha256 of a blob, a generator's verification for a commit) without a global that outlives it.
import type { GitAccess } from '../rules/types.js';

const caches = new WeakMap<GitAccess, Map<string, unknown>>();

/** The value memoised under `key` for this run, made on first use. */
export function perRun<T>(git: GitAccess, key: string, make: () => T): T {
  let cache = caches.get(git);
  if (!cache) caches.set(git, (cache = new Map()));
  if (cache.has(key)) return cache.get(key) as T;
  const value = make();
  cache.set(key, value);
  return value;
}
