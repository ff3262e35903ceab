// The server's policy, cached inside the bare repository (a place pushes cannot write). A push
// must never be judged by a stale policy, so the entry is used only when
//  - it was written for this very repository: its identity (the real path and the device and
//    inode of $GIT_DIR) is part of the key, so a copied or moved repository — whose cache
//    file came along — never uses the original's entry;
//  - every file it came from — the installed policy, the file named by the hook, the presets —
//    hashes (SHA-256) to what it did. Files inside $GIT_DIR are recorded relative to it and
//    re-read from the current repository, never from wherever the entry was written.
// Only policies read from files (not from a branch) are cached. Node built-ins only: a hit
// costs no zod, yaml or cosmiconfig (node:crypto is loaded by the audit log anyway).
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { signature, writeAtomic } from './cache-files.js';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Policy } from './schema.js';
import { presetsDir } from './package-root.js';
import pkg from '../../package.json' with { type: 'json' };

export const SERVER_POLICY_CACHE_FILE = 'safety-gate/cache/server-policy-v2.json';

interface Entry {
  v: 2;
  version: string;
  code: string;
  repo: string;
  key: string;
  /** `path` is relative to $GIT_DIR when `inRepo`, absolute otherwise; `sha256` null: absent. */
  files: { path: string; inRepo: boolean; sha256: string | null }[];
  policy: Policy;
}

/** This repository and no other: its real path, device and inode. */
export function repoIdentity(gitDir: string): string {
  try {
    const real = realpathSync(gitDir);
    const s = statSync(real);
    return `${real}\0${s.dev}:${s.ino}`;
  } catch {
    return `${resolve(gitDir)}\0-`;
  }
}

function hashOf(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/**
 * `key` names where the policy is read from (the hook's --config file, or the installed file);
 * `watch` are files whose appearance or change must invalidate the entry even if unused now.
 */
export async function cachedServerPolicy(gitDir: string, key: string, watch: string[], load: () => Promise<Policy>): Promise<Policy> {
  const root = resolve(gitDir);
  const file = join(root, SERVER_POLICY_CACHE_FILE);
  const code = signature(fileURLToPath(import.meta.url));
  const repo = repoIdentity(root);
  const entry = read(file);
  if (
    entry &&
    entry.version === pkg.version &&
    entry.code === code &&
    entry.repo === repo &&
    entry.key === key &&
    entry.files.every((f) => hashOf(f.inRepo ? join(root, f.path) : f.path) === f.sha256)
  ) {
    return entry.policy;
  }
  const policy = await load();
  if (policy.server.policySource === 'file') {
    const paths = new Set(watch.map((p) => resolve(p)));
    for (const s of policy.sources) paths.add(s.startsWith('preset:') ? join(presetsDir(), `${s.slice('preset:'.length)}.yaml`) : resolve(s));
    const files = [...paths].map((path) => {
      const rel = relative(root, path);
      const inRepo = rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
      return { path: inRepo ? rel : path, inRepo, sha256: hashOf(path) };
    });
    const fresh: Entry = { v: 2, version: pkg.version, code, repo, key, files, policy };
    writeAtomic(file, JSON.stringify(fresh));
  }
  return policy;
}

function read(file: string): Entry | null {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    return e?.v === 2 && typeof e.repo === 'string' && Array.isArray(e.files) && typeof e.policy?.hash === 'string' ? e : null;
  } catch {
    return null;
  }
}
