// Where configuration is looked for, in priority order, relative to the repository root.
// Shared by discovery (load.ts), the hot-path cache (cache.ts, which stats every place) and the
// `recommended` preset (which protects every place). No imports: the cache reads this on every hook.

export const MODULE_NAME = 'safety-gate';

/** The file `safety-gate init` writes; looked at first. */
export const DEFAULT_CONFIG_FILE = 'safety-gate.config.yaml';

export const SEARCH_PLACES: readonly string[] = [
  DEFAULT_CONFIG_FILE,
  'safety-gate.config.yml',
  'safety-gate.config.json',
  'package.json',
  '.safety-gaterc',
  '.safety-gaterc.json',
  '.safety-gaterc.yaml',
  '.safety-gaterc.yml',
  '.safety-gaterc.js',
  '.safety-gaterc.cjs',
  '.safety-gaterc.mjs',
  '.config/safety-gaterc',
  '.config/safety-gaterc.json',
  '.config/safety-gaterc.yaml',
  '.config/safety-gaterc.yml',
  '.config/safety-gaterc.js',
  '.config/safety-gaterc.cjs',
  '.config/safety-gaterc.mjs',
  'safety-gate.config.js',
  'safety-gate.config.cjs',
  'safety-gate.config.mjs',
];

/** The key that holds configuration inside package.json. */
export const PACKAGE_PROP = 'safety-gate';

const JS_EXT = /\.(?:js|cjs|mjs|ts|cts|mts)$/i;

/** Configuration that is code: executed on the client only, never on the server. */
export function isCodeConfig(path: string): boolean {
  return JS_EXT.test(path);
}

export function isPackageJson(path: string): boolean {
  return /(?:^|[\\/])package\.json$/.test(path);
}
