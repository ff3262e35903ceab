// Where this package lives on disk: the hook shims and dist/cli.js are found relative to it.
// Walks up from this module because the bundle puts it in dist/chunks/ and tests run it from src/.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GateError } from '../errors.js';
import { embedded } from '../embedded.js';

export interface PackageInfo {
  root: string;
  version: string;
  /** A git URL for `repository` in package.json, if it declares one. */
  repositoryUrl: string | null;
}

let cached: PackageInfo | null = null;

export function packageInfo(): PackageInfo {
  if (cached) return cached;
  if (embedded) return (cached = { root: dirname(fileURLToPath(import.meta.url)), version: embedded.version, repositoryUrl: null });
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
        repository?: string | { url?: string };
      };
      if (pkg.name === 'safety-gate') {
        const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
        cached = { root: dir, version: pkg.version ?? '0.0.0', repositoryUrl: repo ? gitUrl(repo) : null };
        return cached;
      }
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new GateError('internal', 'cannot find the safety-gate package directory', 'reinstall safety-gate');
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

export function shimPath(hook: string): string {
  return join(packageInfo().root, 'hooks', hook);
}

/** The CLI a server hook runs: this bundle when running as one, else the package's dist/cli.js. */
export function cliPath(): string {
  if (embedded) return fileURLToPath(import.meta.url);
  return join(packageInfo().root, 'dist', 'cli.js');
}

const SERVER_BUNDLE = 'safety-gate-server.cjs';

/** The one-file server bundle of this package (`npm run bundle`). */
export function bundlePath(): string {
  if (embedded) return fileURLToPath(import.meta.url);
  return join(packageInfo().root, 'dist', SERVER_BUNDLE);
}
