// The V8 code cache of the CLI bundle (see launch.ts): where it lives, how it is checked.
// Node built-ins only: this runs before anything else on every hook.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const MAGIC = 'safety-gate-v8-cache-1\n';

/** The command a run is for: its code cache holds what that command compiles. */
export function commandKey(argv: readonly string[]): string {
  const args = [...argv];
  while (args[0] === '-C') args.splice(0, 2);
  const words = args[0] === 'hook' ? args.slice(0, 2) : args.slice(0, 1);
  const key = words.join('-').replace(/[^A-Za-z0-9-]/g, '');
  return key === '' ? 'none' : key.slice(0, 40);
}

/** The cache directory: $SAFETY_GATE_CODE_CACHE (a directory, or `off`), else the user's cache dir. */
export function cacheDir(env: NodeJS.ProcessEnv): string | null {
  const set = (env.SAFETY_GATE_CODE_CACHE ?? '').trim();
  if (/^(off|0|false|no)$/i.test(set)) return null;
  if (set !== '') return set;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'safety-gate', 'code-cache');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'safety-gate', 'code-cache');
  const home = homedir();
  return home ? join(home, '.cache', 'safety-gate', 'code-cache') : null;
}

export function cacheFile(bundle: string, argv: readonly string[], env: NodeJS.ProcessEnv): string | null {
  try {
    const dir = cacheDir(env);
    if (dir === null) return null;
    const s = statSync(bundle);
    const id = [process.version, process.arch, s.size, Math.trunc(s.mtimeMs), s.ino, s.dev].join('-');
    return join(dir, `gate-${id}-${commandKey(argv)}.v8`);
  } catch {
    return null;
  }
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The cached code, or undefined when there is none or it fails its check. */
export function readCache(file: string): Buffer | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return undefined;
  }
  const head = MAGIC.length + 65;
  if (raw.length <= head || raw.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const data = raw.subarray(head);
  return raw.toString('latin1', MAGIC.length, head - 1) === sha256(data) ? data : undefined;
}

export function writeCache(file: string, data: Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}${sha256(data)}\n`, 'latin1'), data]), { mode: 0o600 });
    renameSync(tmp, file);
    prune(dirname(file), Date.now());
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** A week: caches of earlier builds (another name) are removed when a new one is written. */
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** Removes cache and temporary files not written for MAX_AGE_MS (a cache in use is rewritten then). */
export function prune(dir: string, now: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^gate-.*\.v8(?:\.\d+\.tmp)?$/.test(name)) continue;
    try {
      const path = join(dir, name);
      if (now - statSync(path).mtimeMs > MAX_AGE_MS) unlinkSync(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
}
