#!/usr/bin/env node
// Cost of the import-hygiene TS/JS syntax check in a fresh process: load the parser, parse one
// file, exit. A pre-commit hook pays exactly this once per run that touches a .ts/.js file.
//
//   node bench/parse-check.mjs [--runs N] [--ts FILE] [--js FILE]
//
// Variants (each run is a new `node` process; variants are interleaved so load on a shared
// machine spreads over all of them):
//   floor       node start-up only (what `node -e 0` costs)
//   typescript  the previous check: TypeScript's createSourceFile, plus for JS files the one-file
//               program's syntactic pass (TypeScript-only syntax in .js); replicated here
//   current     checkTsJs from src/readers/parse-check/index.ts as it is in the working tree,
//               bundled by esbuild with the CLI's externals (what dist/cli.js runs)
// Reported per variant and file: median and min of wall time of the whole process, its CPU time
// (user + system of the whole process from its start to the end of the first check), and inside it
// the first check (import of the check's module, parser load and parse) and a second check of the
// same text in a new blob (the parse alone, parser loaded; not in the CPU column).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i === -1 ? def : args[i + 1];
};
const RUNS = Number(opt('runs', '15'));
const FILES = [
  // ~12 KB of TypeScript and ~11 KB of CommonJS JavaScript.
  { kind: 'ts', path: resolve(ROOT, opt('ts', 'src/readers/python.ts')) },
  { kind: 'js', path: resolve(ROOT, opt('js', 'node_modules/picomatch/lib/picomatch.js')) },
];
const WORK = join(ROOT, '.tmp', 'bench-parse-check');
mkdirSync(WORK, { recursive: true });

// The CLI's externals (build.mjs): packages left in node_modules rather than bundled.
const buildSrc = readFileSync(join(ROOT, 'build.mjs'), 'utf8');
const external = JSON.parse(
  (/external:\s*(\[[^\]]*\])/.exec(buildSrc)?.[1] ?? '[]').replace(/'/g, '"'),
);

// --- variant modules: each exports check(text, path) → {line, column, message} | null

const currentEntry = join(WORK, 'current-entry.ts');
writeFileSync(
  currentEntry,
  `import { Blob } from ${JSON.stringify(join(ROOT, 'src/changeset/blob.ts'))};
import { checkTsJs } from ${JSON.stringify(join(ROOT, 'src/readers/parse-check/index.ts'))};
export async function check(text: string, path: string) {
  const b = new Blob('0'.repeat(40), Buffer.from(text));
  const p = await checkTsJs(b, path);
  return p && { ...b.position(p.offset), message: p.message };
}
`,
);
await build({
  entryPoints: { current: currentEntry },
  outdir: WORK,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifySyntax: true,
  banner: { js: "import { createRequire as __sgCreateRequire } from 'node:module';\nconst require = __sgCreateRequire(import.meta.url);" },
  external,
  logLevel: 'warning',
});
// Bundled output sits under .tmp/, so bare imports of externals resolve through ROOT/node_modules
// (.tmp is inside ROOT): nothing else to set up.

writeFileSync(
  join(WORK, 'typescript.mjs'),
  `// The check before @babel/parser: TypeScript 6 parse diagnostics (+ JS-only syntactic pass).
export async function check(text, path) {
  const m = await import('typescript');
  const ts = m.default ?? m;
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const kind = ext === 'tsx' ? ts.ScriptKind.TSX : ['ts', 'mts', 'cts'].includes(ext) ? ts.ScriptKind.TS : ext === 'jsx' ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, kind);
  let diags = sf.parseDiagnostics ?? [];
  if (diags.length === 0 && (kind === ts.ScriptKind.JS || kind === ts.ScriptKind.JSX)) {
    const host = {
      getSourceFile: (n) => (n === path ? sf : undefined), writeFile: () => {}, getDefaultLibFileName: () => 'lib.d.ts',
      useCaseSensitiveFileNames: () => true, getCanonicalFileName: (f) => f, getCurrentDirectory: () => '',
      getNewLine: () => '\\n', fileExists: (f) => f === path, readFile: () => undefined,
    };
    const program = ts.createProgram([path], { allowJs: true, noResolve: true, noLib: true, noEmit: true, types: [] }, host);
    diags = program.getSyntacticDiagnostics(sf);
  }
  if (diags.length === 0) return null;
  const d = diags[0];
  const lc = sf.getLineAndCharacterOfPosition(d.start ?? 0);
  return { line: lc.line + 1, column: lc.character + 1, message: 'TS' + d.code + ': ' + ts.flattenDiagnosticMessageText(d.messageText, ' ') };
}
`,
);

const CHILD = `
const t0 = performance.now();
const mod = process.argv[1] ? await import(process.argv[1]) : null;
const t1 = performance.now();
let result = null;
let t2 = t1;
let t3 = t1;
let cpu = process.cpuUsage();
if (mod) {
  const { readFileSync } = await import('node:fs');
  const path = process.argv[2];
  result = await mod.check(readFileSync(path, 'utf8'), path);
  t2 = performance.now();
  cpu = process.cpuUsage();
  // A second check of the same text in a new blob: the parse alone, parser loaded.
  await mod.check(readFileSync(path, 'utf8') + '\\n', path);
  t3 = performance.now();
}
process.stdout.write(JSON.stringify({ first: t2 - t0, again: t3 - t2, cpu: (cpu.user + cpu.system) / 1000, result }));
`;

const variants = [
  { name: 'floor', module: '' },
  { name: 'typescript', module: pathToFileURL(join(WORK, 'typescript.mjs')).href },
  { name: 'current', module: pathToFileURL(join(WORK, 'current.js')).href },
];

function once(v, file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, v.module, file.path], { cwd: WORK, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${v.name} ${file.path}: ${r.stderr}`);
  return { wall, ...JSON.parse(r.stdout) };
}

const samples = new Map();
const key = (v, f) => `${v.name}\t${f.kind}`;
// Warm the file system cache once per variant.
for (const v of variants) for (const f of FILES) once(v, f);
for (let i = 0; i < RUNS; i++) {
  for (const f of FILES) {
    for (const v of variants) {
      const s = once(v, f);
      const k = key(v, f);
      if (!samples.has(k)) samples.set(k, []);
      samples.get(k).push(s);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x) => x.toFixed(1).padStart(7);
const loadAvg = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(`node ${process.version}, ${RUNS} runs per cell, load average ${loadAvg}`);
for (const f of FILES) console.log(`${f.kind}: ${f.path.slice(ROOT.length + 1)} (${readFileSync(f.path).length} bytes)`);
console.log('\nms                      wall median    wall min     CPU median    CPU min  1st check med  2nd check med  result');
for (const f of FILES) {
  for (const v of variants) {
    const ss = samples.get(key(v, f));
    const col = (k) => ss.map((s) => s[k]);
    const res = ss[0].result;
    const label = `${v.name} ${f.kind}`.padEnd(20);
    console.log(
      `${label} ${fmt(median(col('wall')))}     ${fmt(Math.min(...col('wall')))}     ${fmt(median(col('cpu')))}    ${fmt(Math.min(...col('cpu')))}    ${fmt(median(col('first')))}        ${fmt(median(col('again')))}     ${v.module ? (res ? `${res.line}:${res.column} ${res.message}` : 'ok') : '-'}`,
    );
  }
}
