// The hook's hot path: the resolved policy from $GIT_DIR/safety-gate/cache/policy-v1.json when
// nothing it depends on changed. Only node built-ins here: zod, yaml and cosmiconfig (60-100 ms
// to load) are paid on a miss alone, through `await import('./load.js')`.
//
// Key: package version and the running code; the stat signature of every config search place
// (a new, removed or touched config file); and the content of every file that went into the
// policy (config, extended files, presets), compared byte for byte so an edit that keeps size
// and mtime is still seen. Comparing content needs no crypto module, which costs ~4 ms to load.
import { readFileSync } from 'node:fs';
import { readOr, signature, writeAtomic } from './cache-files.js';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Policy } from './schema.js';
import type { LoadOptions } from './load.js';
import { SEARCH_PLACES } from './search-places.js';
// Inlined by the bundler: no walk up the tree to find package.json on every hook.
import pkg from '../../package.json' with { type: 'json' };
import { topLevelOrSelf } from '../git/exec.js';

/** Relative to $GIT_DIR. */
export const POLICY_CACHE_FILE = 'safety-gate/cache/policy-v1.json';

export interface CachedLoadOptions extends LoadOptions {
  /** Absolute $GIT_DIR (the common dir for worktrees): where the cache lives. */
  gitDir: string;
}

interface CacheEntry {
  v: 1;
  version: string;
  code: string;
  cwd: string;
  workTreeEnv: string | null;
  root: string;
  configFile: string | null;
  places: string[];
  files: { path: string; content: string }[];
  policy: Policy;
}

export type CacheOutcome = 'hit' | 'miss' | 'bypass';

/** Outcome of the last call in this process (tests, `--debug` timing). */
export let lastCacheOutcome: CacheOutcome | null = null;

export async function loadPolicyCached(opts: CachedLoadOptions): Promise<Policy> {
  // The server judges pushes by a policy it reads fresh every time (server.ts); never a cache.
  if (opts.mode === 'server') {
    lastCacheOutcome = 'bypass';
    const { loadPolicy } = await import('./load.js');
    return loadPolicy(opts);
  }
  const file = join(opts.gitDir, POLICY_CACHE_FILE);
  const entry = readEntry(file);
  const workTreeEnv = process.env.GIT_WORK_TREE ?? null;
  const root = opts.root ?? (entry && entry.cwd === opts.cwd && entry.workTreeEnv === workTreeEnv ? entry.root : null) ?? topLevelOrSelf(opts.cwd);
  const configFile = opts.configFile ? resolve(opts.cwd, opts.configFile) : null;
  const version = pkg.version;
  const code = signature(fileURLToPath(import.meta.url));
  // Stats are taken before loading: a file changed while loading makes the next run miss.
  const places = SEARCH_PLACES.map((p) => signature(join(root, p)));
  if (configFile) places.push(signature(configFile));

  if (
    entry &&
    entry.version === version &&
    entry.code === code &&
    entry.root === root &&
    entry.configFile === configFile &&
    sameList(entry.places, places) &&
    entry.files.every((f) => readOr(f.path) === f.content)
  ) {
    lastCacheOutcome = 'hit';
    return entry.policy;
  }

  lastCacheOutcome = 'miss';
  const { loadPolicyTraced } = await import('./load.js');
  const traced = await loadPolicyTraced({ ...opts, root });
  if (traced.cacheable) {
    const fresh: CacheEntry = {
      v: 1,
      version,
      code,
      cwd: opts.cwd,
      workTreeEnv,
      root,
      configFile,
      places,
      files: traced.files,
      policy: traced.policy,
    };
    writeAtomic(file, JSON.stringify(fresh));
  }
  return traced.policy;
}

function readEntry(file: string): CacheEntry | null {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as CacheEntry;
    // Anything malformed is a miss; the entry is rewritten.
    if (e?.v !== 1 || !Array.isArray(e.places) || !Array.isArray(e.files) || typeof e.policy?.hash !== 'string') return null;
    return e;
  } catch {
    return null;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
