// The installed safety-gate package: where presets live and which version is running.
// Found by walking up from this module, so it works from src/ (vitest) and from the bundle
// (dist/cli.js, dist/chunks/*.js) alike. No third-party imports: used on the hook's hot path.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GateError } from '../errors.js';
import { embedded } from '../embedded.js';
import { configMsg } from '../messages.js';

export interface PackageInfo {
  root: string;
  version: string;
  /** A git URL for `repository` in package.json, if it declares one (the pre-commit installer's `repo:`). */
  repositoryUrl: string | null;
}

let cached: PackageInfo | null = null;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  // The one-file bundle: no package directory; presets are embedded (see embedded.ts).
  if (embedded) return (cached = { root: dirname(fileURLToPath(import.meta.url)), version: embedded.version, repositoryUrl: null });
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    // existsSync first: a thrown ENOENT per directory costs more than the check.
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown; repository?: string | { url?: string } };
        if (pkg.name === 'safety-gate') {
          const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
          cached = { root: dir, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0', repositoryUrl: repo ? gitUrl(repo) : null };
          return cached;
        }
      } catch {
        // unreadable or not JSON: not ours, keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new GateError('internal', configMsg.noPackage, configMsg.noPackageHint);
    }
    dir = parent;
  }
}

/** npm's repository shorthand and `git+https:` URLs as the plain URL git and pre-commit clone. */
function gitUrl(repo: string): string {
  const short = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(repo);
  if (short) return `https://github.com/${short[1]}`;
  return repo.replace(/^git\+/, '').replace(/\.git$/, '');
}

export function presetsDir(): string {
  return join(packageInfo().root, 'presets');
}

export function presetPath(name: string): string {
  return join(presetsDir(), `${name}.yaml`);
}
