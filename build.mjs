// Bundles the CLI: dist/gate.cjs (the whole CLI, one file, run through a V8 code cache by
// dist/cli.js); code loaded with `await import()` is evaluated on demand only (a hook with a
// cached policy never runs zod, yaml or the parsers).
import { rmSync, chmodSync, renameSync, existsSync, readdirSync, readFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

// `node build.mjs --if-possible` (npm `prepare`): a consumer's install (from a git URL, a path,
// `npm ci --omit=dev`) may not have esbuild, a devDependency. Then the shipped dist/ is used as
// it is, or, without one, the install goes on and says how to build.
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  if (!process.argv.includes('--if-possible')) {
    console.error('safety-gate build: esbuild is not installed; run npm install (with devDependencies) first');
    process.exit(1);
  }
  console.error(
    existsSync('dist/cli.js')
      ? 'safety-gate: esbuild is not installed; using the dist/ that was shipped'
      : `safety-gate: esbuild is not installed, so dist/ was not built; run npm install && npm run build in ${process.cwd()}`,
  );
  process.exit(0);
}
const { build } = esbuild;

// The one-file server bundle (`npm run bundle`, `npm pack`; `--bundle-only --outdir D` alone):
// dist/safety-gate-server.cjs with every dependency inside, the presets and version embedded,
// and the .wasm files it loads beside it. `node dist/safety-gate-server.cjs` runs every
// command with no node_modules: what a GitHub Enterprise pre-receive environment can hold.
// Big CommonJS parsers that only some runs need (the TypeScript compiler for function scopes,
// @babel/parser for TS/JS parse checks) go into the bundle as source text, compiled on their
// first require: node then parses 5 MB less on every push that does not need them.
const DEFERRED = /node_modules[\\/](typescript[\\/]lib[\\/]typescript\.js|@babel[\\/]parser[\\/]lib[\\/]index\.js)$/;
const deferPlugin = {
  name: 'defer-big-cjs',
  setup(b) {
    b.onLoad({ filter: DEFERRED }, (args) => {
      const src = esbuild.transformSync(readFileSync(args.path, 'utf8'), { loader: 'js', minify: true, target: 'node20', legalComments: 'inline' }).code;
      const name = JSON.stringify(args.path.split(/node_modules[\\/]/).pop());
      return {
        loader: 'js',
        contents: `var f = require('node:vm').compileFunction(${JSON.stringify(src)}, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: ${name} });\nf.call(module.exports, module.exports, require, module, __filename, __dirname);\n`,
      };
    });
  },
};

async function serverBundle(out) {
  mkdirSync(out, { recursive: true });
  const presets = Object.fromEntries(
    readdirSync('presets').filter((f) => f.endsWith('.yaml')).map((f) => [f.slice(0, -5), readFileSync(join('presets', f), 'utf8')]),
  );
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  await build({
    entryPoints: ['src/cli/main.ts'],
    outfile: `${out}/safety-gate-server.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'eof',
    define: {
      'import.meta.url': '__sgImportMetaUrl',
      __SAFETY_GATE_EMBEDDED__: JSON.stringify({ version, presets }),
    },
    banner: { js: "#!/usr/bin/env node\nvar __sgImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    plugins: [deferPlugin],
    logLevel: 'error',
  });
  chmodSync(`${out}/safety-gate-server.cjs`, 0o755);
  copyFileSync('node_modules/web-tree-sitter/web-tree-sitter.wasm', `${out}/web-tree-sitter.wasm`);
  copyFileSync('node_modules/tree-sitter-python/tree-sitter-python.wasm', `${out}/tree-sitter-python.wasm`);
  copyFileSync('node_modules/tree-sitter-bash/tree-sitter-bash.wasm', `${out}/tree-sitter-bash.wasm`);
}

const args = process.argv.slice(2);
if (args.includes('--bundle-only')) {
  // Only the bundle, into --outdir (default dist/), leaving the rest of dist/ alone.
  const at = args.indexOf('--outdir');
  await serverBundle(at >= 0 ? args[at + 1] : 'dist');
  process.exit(0);
}

// Build beside dist/ and swap at the end: a failed build never leaves a half-written CLI.
const tmp = `dist.tmp-${process.pid}`;
// The CLI is one CommonJS file, dist/gate.cjs, run by dist/cli.js (src/cli/launch.ts) through a
// V8 code cache: node 20 caches compiled code only for scripts, not for ES modules. Modules
// loaded with `await import()` stay lazy: their code is evaluated on first use only.
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: `${tmp}/gate.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  minifySyntax: true,
  minifyWhitespace: true,
  // `import()` as require(): a script run through vm.Script has no dynamic import in node 20.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__sgImportMetaUrl' },
  banner: { js: "var __sgImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // Packages that ship wasm/native assets or load code at run time stay in node_modules, and so
  // do the big parsers only some runs need (required on first use, CommonJS).
  external: ['cosmiconfig', 'typescript', 'web-tree-sitter', 'tree-sitter-python', '@babel/parser'],
  logLevel: 'warning',
});
await build({
  entryPoints: ['src/cli/launch.ts'],
  outfile: `${tmp}/cli.js`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
chmodSync(`${tmp}/cli.js`, 0o755);
if (args.includes('--server-bundle')) await serverBundle(tmp);


// Parallel builds (test workers) may swap at the same moment; the last one wins, whole.
for (let attempt = 0; ; attempt++) {
  try {
    rmSync('dist', { recursive: true, force: true });
    renameSync(tmp, 'dist');
    break;
  } catch (e) {
    if (attempt > 20) throw e;
  }
}
