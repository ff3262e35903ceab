// dist/cli.js: runs the CLI (dist/gate.cjs, one CommonJS file built from main.ts) through a V8
// code cache, so that a hook does not compile its code again on every run.
//
// Node 20 has no module compile cache (that came in 22), but `vm.Script` takes `cachedData`:
// the compiled code of an earlier run. After the first run of a command (`hook pre-commit`,
// `scan`, …) the code V8 compiled during that run — lazily compiled functions included — is
// written to the user's cache directory; later runs deserialise it instead of parsing and
// compiling ~1.5 MB of JavaScript (about half of a pre-commit's CPU time).
//
// Fail-safe: the cache is only an optimisation. Its file name carries node's version, the
// architecture and the bundle's identity (size, mtime, inode, device), so a rebuilt or other
// gate never reads it; its content carries a SHA-256 of the data, checked before V8 sees it
// (V8 itself checks its version, flags and the source length, and rejects a mismatch). A
// missing, stale, truncated or corrupt file, an unwritable directory, or
// SAFETY_GATE_CODE_CACHE=off: the code is compiled as without a cache, and a fresh cache is
// written when possible (through a temporary file and a rename). Node built-ins only.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheFile, readCache, writeCache } from './code-cache.js';

function run(): void {
  const bundle = join(dirname(fileURLToPath(import.meta.url)), 'gate.cjs');
  const source = readFileSync(bundle, 'utf8');
  const file = cacheFile(bundle, process.argv.slice(2), process.env);
  const cachedData = file ? readCache(file) : undefined;
  const script = new Script(Module.wrap(source), { filename: bundle, cachedData });
  if (file && (cachedData === undefined || script.cachedDataRejected === true)) {
    // At exit, so that the functions this run compiled lazily are in the cache too.
    process.once('exit', () => writeCache(file, script.createCachedData()));
  }
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {}, filename: bundle, id: bundle, loaded: false, children: [], paths: [] };
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

try {
  run();
} catch (e) {
  // Nothing of the gate could run (dist/ incomplete or unreadable): block, in one line.
  process.stderr.write(`safety-gate: could not decide — cannot load the gate (${(e as Error)?.message ?? String(e)}); reinstall or rebuild safety-gate (npm run build)\n`);
  process.exitCode = 2;
}
