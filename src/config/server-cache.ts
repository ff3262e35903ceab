// The server's policy, cached inside the bare repository (a place pushes cannot write). A push
// must never be judged by a stale policy, so the entry is used only when the content of every
// file it came from — the installed policy, the file named by the hook, the presets — is
// byte-for-byte what it was; only policies read from files (not from a branch) are cached.
// Node built-ins only: a hit costs no zod, yaml or cosmiconfig.
import { readFileSync } from 'node:fs';
import { readOr, signature, writeAtomic } from './cache-files.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Policy } from './schema.js';
import { presetsDir } from './package-root.js';
import pkg from '../../package.json' with { type: 'json' };

export const SERVER_POLICY_CACHE_FILE = 'safety-gate/cache/server-policy-v1.json';

interface Entry {
  v: 1;
  version: string;
  code: string;
  key: string;
  files: { path: string; content: string | null }[];
  policy: Policy;
}

/**
 * `key` names where the policy is read from (the hook's --config file, or the installed file);
 * `watch` are files whose appearance or change must invalidate the entry even if unused now.
 */
export async function cachedServerPolicy(gitDir: string, key: string, watch: string[], load: () => Promise<Policy>): Promise<Policy> {
  const file = join(gitDir, SERVER_POLICY_CACHE_FILE);
  const code = signature(fileURLToPath(import.meta.url));
  const entry = read(file);
  if (entry && entry.version === pkg.version && entry.code === code && entry.key === key && entry.files.every((f) => readOr(f.path) === f.content)) {
    return entry.policy;
  }
  const policy = await load();
  if (policy.server.policySource === 'file') {
    const paths = new Set(watch);
    for (const s of policy.sources) paths.add(s.startsWith('preset:') ? join(presetsDir(), `${s.slice('preset:'.length)}.yaml`) : s);
    const fresh: Entry = { v: 1, version: pkg.version, code, key, files: [...paths].map((path) => ({ path, content: readOr(path) })), policy };
    writeAtomic(file, JSON.stringify(fresh));
  }
  return policy;
}

function read(file: string): Entry | null {
  try {
    const e = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    return e?.v === 1 && Array.isArray(e.files) && typeof e.policy?.hash === 'string' ? e : null;
  } catch {
    return null;
  }
}

