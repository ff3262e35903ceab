// Where this package lives on disk: the hook shims and dist/cli.js are found relative to it.
// The package is found by config/package-root.ts (one walk up from the code, one cache).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageInfo } from '../config/package-root.js';
import { embedded } from '../embedded.js';

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
