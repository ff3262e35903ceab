// A generated repository with the shape of a real agent-edited trading repository (issue 9:
// 1,639 commits, 588 refs, ~14k unique blobs, ~314 MB of unique content, a committed
// virtualenv, merges, symlinks; Python-heavy with YAML/JSON/shell config). One `git
// fast-import` stream, deterministic (seeded PRNG, fixed dates): the same bytes, the same ids,
// on every machine. Cached: regenerated only when this file or the scale changes.
//
//   <dir>/client/        the repository (every ref)
//   <dir>/server.git     bare, every object, no refs: a push of the whole history creates them all
//   <dir>/server-typical.git  bare, every object, main stopped TYPICAL commits before its tip
//   <dir>/all-stdin.txt  pre-receive stdin creating every ref
//   <dir>/typical-stdin.txt   pre-receive stdin of the typical push
//   <dir>/typical-blobs.txt   blob ids new in the typical push (cat-file floor)
//   <dir>/shape.json     what was generated (commits, merges, refs, blobs, bytes, links)
//
// Usage: node bench/real-shape.mjs <dir> [--scale 1]   (scale 0.25: a quarter of everything)
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { scale: { type: 'string', default: '1' }, typical: { type: 'string', default: '300' } } });
const out = resolve(positionals[0] ?? 'bench/.work-real');
const SCALE = Number(values.scale);
const TYPICAL = Number(values.typical);
const stamp = createHash('sha256').update(readFileSync(new URL(import.meta.url))).update(`${SCALE}:${TYPICAL}`).digest('hex');
if (existsSync(join(out, 'stamp')) && readFileSync(join(out, 'stamp'), 'utf8') === stamp && existsSync(join(out, 'shape.json'))) {
  console.log(`real-shape fixture cached in ${out}: ${readFileSync(join(out, 'shape.json'), 'utf8').trim()}`);
  process.exit(0);
}

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: out,
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });

// --- deterministic content ---
let seed = 9;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const W = ['order', 'risk', 'quote', 'signal', 'paper', 'shadow', 'config', 'retry', 'broker', 'fill', 'position', 'ledger', 'market', 'agent', 'task', 'lane', 'budget', 'stage', 'recompile', 'manifest'];
const name = () => `${pick(W)}_${pick(W)}`;
// Valid Python (the syntax gate parses every version): functions and classes with real bodies.
const BODY = [
  (v) => [`    ${v} = self.${name()}.get(${JSON.stringify(pick(W))}, ${int(100)})`],
  (v) => [`    if ${v} is None or ${v} > ${int(1000)}:`, `        raise ValueError(f"bad ${pick(W)}: {${v}!r}")`],
  () => [`    for item in sorted(self.${pick(W)}s):`, `        logger.info("${pick(W)} %s ${pick(W)} %d", item, ${int(50)})`],
  () => [`    # ${pick(W)} ${pick(W)} ${pick(W)}: keep ${pick(W)} in shadow mode`],
  (v) => [`    ${v} = [x for x in range(${int(90)}) if x % ${1 + int(7)}]`],
  () => [`    try:`, `        self.${name()}()`, `    except KeyError as exc:`, `        logger.warning("missing %s", exc)`],
];
function func(indent) {
  const v = pick(W);
  const l = [`def ${name()}_${int(1e6)}(self, ${v}, extra=None):`, `    """Return the ${pick(W)} for a ${pick(W)} ${pick(W)}."""`];
  for (let k = 0, n = 2 + int(6); k < n; k++) l.push(...pick(BODY)(v));
  l.push(`    return {"${pick(W)}": ${v}, "n": ${int(9999)}}`, '');
  return l.map((x) => (x ? indent + x : x));
}
const IMPORTS = ['import os', 'import json', 'import logging', 'from dataclasses import dataclass', 'from typing import Any, Optional', 'import asyncio'];
function python(id, kb) {
  const lines = [`# ${id}`, 'import os', 'import logging', ...IMPORTS.slice(2 + int(4)), '', 'logger = logging.getLogger(__name__)', ''];
  if (id.length % 7 === 0) lines.push('BASE_URL = os.environ.get("APCA_API_BASE_URL", "https://paper-api.alpaca.markets")', '');
  if (id.length % 11 === 0) lines.push('TRADING_MODE = os.environ.get("TRADING_MODE", "paper")', '');
  let size = 0;
  while (size < kb * 1024) {
    const block = int(4) === 0 ? [`class ${pick(W)[0].toUpperCase()}${pick(W)}${int(999)}:`, ...func('    ')] : func('');
    lines.push(...block);
    for (const x of block) size += x.length + 1;
  }
  return lines.join('\n') + '\n';
}
function yaml(id, n) {
  const l = [`# ${id}`, 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name().replace(/_/g, '-')}`, 'spec:', '  replicas: 0', '  template:', '    spec:', '      containers:', '        - name: app', `          image: registry.example.com/app@sha256:${createHash('sha256').update(id).digest('hex')}`, '          env:'];
  for (let k = 0; k < n; k++) l.push(`            - name: ${pick(W).toUpperCase()}_${k}`, `              value: "${pick(W)}"`);
  l.push('            - name: AGENT_MODE', '              value: OBSERVE', '            - name: TRADING_MODE', '              value: paper');
  return l.join('\n') + '\n';
}
function json(id, n) {
  const o = { id };
  for (let k = 0; k < n; k++) o[`${name()}_${k}`] = k % 3 ? pick(W) : { [pick(W)]: int(1000), [pick(W)]: [pick(W), pick(W)] };
  return JSON.stringify(o, null, 2) + '\n';
}
function shell(id, n) {
  const l = ['#!/usr/bin/env bash', `# ${id}`, 'set -euo pipefail', 'export TRADING_MODE=paper'];
  for (let k = 0; k < n; k++) l.push(`${pick(['echo', 'python3 -m', 'test -f', 'mkdir -p'])} "${pick(W)}/${pick(W)}_${k}"`);
  return l.join('\n') + '\n';
}
function markdown(id, n) {
  const l = [`# ${id}`, ''];
  for (let k = 0; k < n; k++) l.push(`${pick(W)} ${pick(W)} ${pick(W)} ${pick(W)} ${pick(W)}; see \`${pick(W)}.py\`.`);
  return l.join('\n') + '\n';
}
function binary(bytes) {
  const b = Buffer.allocUnsafe(bytes);
  for (let i = 0; i < bytes; i += 4) b.writeInt32LE(Math.imul((seed = (Math.imul(seed, 1103515245) + 12345) | 0), 2654435761) | 0, Math.min(i, bytes - 4));
  b[0] = 0x7f;
  b[1] = 0x45;
  b[2] = 0x4c;
  b[3] = 0x46;
  return b;
}

// --- the tree's population (paths are stable; contents change) ---
const S = (n) => Math.max(1, Math.round(n * SCALE));
const APP = [];
const APP_DIRS = ['backend/app', 'backend/api', 'backend/workers', 'services/pricing', 'services/execution', 'functions/ingest', 'scripts', 'tests', 'tests/integration', 'docs', 'k8s/v1', 'k8s/v2', 'config', 'infra/terraform', 'shared'];
for (let i = 0; i < S(1300); i++) {
  const dir = APP_DIRS[i % APP_DIRS.length];
  const ext = dir.startsWith('k8s') ? 'yaml' : dir === 'config' ? pick(['yaml', 'json', 'env']) : dir === 'docs' ? 'md' : dir === 'scripts' ? pick(['sh', 'py']) : dir.startsWith('infra') ? 'json' : 'py';
  const base = dir.startsWith('tests') ? `test_${name()}_${i}` : `${name()}_${i}`;
  APP.push(`${dir}/${base}.${ext}`);
}
// Now and then an edit brings something the agenttrader-v2 rules must find, so that comparing
// whole-history reports before and after an engine change compares real findings.
const VIOLATIONS = {
  py: ['import sys\nsys.path.insert(0, "/opt/vendor")\n', 'LIVE = "https://api.alpaca.markets/v2"\n', 'def broken(:\n    pass\n'],
  yaml: ['# override\nAGENT_MODE: EXECUTE\n', 'extra:\n  image: registry.example.com/app:latest\n', 'TRADING_MODE: live\n'],
  env: ['AGENT_MODE=EXECUTE\n', 'APCA_API_BASE_URL=https://api.alpaca.markets\n'],
  sh: ['curl -s https://api.alpaca.markets/v2/account\n', 'export AGENT_MODE=execute\n'],
  json: [],
  md: [],
};
const content = (path, version) => {
  const text = plainContent(path, version);
  const ext = path.slice(path.lastIndexOf('.') + 1);
  const bad = VIOLATIONS[ext] ?? [];
  return bad.length > 0 && int(60) === 0 ? text + pick(bad) : text;
};
const plainContent = (path, version) => {
  const id = `${path} v${version}`;
  if (path.endsWith('.py')) return python(id, 8 + int(44));
  if (path.endsWith('.yaml')) return yaml(id, 10 + int(60));
  if (path.endsWith('.json')) return json(id, 20 + int(200));
  if (path.endsWith('.sh')) return shell(id, 10 + int(80));
  if (path.endsWith('.env')) return `# ${id}\nAGENT_MODE=OBSERVE\nTRADING_MODE=paper\n${Array.from({ length: 20 }, (_, k) => `${pick(W).toUpperCase()}_${k}=${pick(W)}`).join('\n')}\n`;
  return markdown(id, 20 + int(200));
};
// A committed virtualenv: many small and medium .py files and some native libraries.
const PKGS = ['numpy', 'pandas', 'requests', 'urllib3', 'yaml', 'pydantic', 'aiohttp', 'websockets', 'alpaca_trade_api', 'dateutil', 'pytz', 'six', 'certifi', 'idna', 'charset_normalizer', 'attr', 'multidict', 'yarl', 'frozenlist', 'msgpack'];
// --- the stream ---
mkdirSync(out, { recursive: true });
rmSync(join(out, 'client'), { recursive: true, force: true });
writeFileSync(join(out, '.gitconfig'), '[init]\n\tdefaultBranch = main\n');
git(out, 'init', '-q', join(out, 'client'));
const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: join(out, 'client'), env, stdio: ['pipe', 'inherit', 'inherit'] });
const finished = new Promise((res, rej) => fi.on('close', (code) => (code === 0 ? res() : rej(new Error(`fast-import exited ${code}`)))));
let pending = [];
let pendingBytes = 0;
const emit = async (s) => {
  pending.push(typeof s === 'string' ? Buffer.from(s) : s);
  pendingBytes += s.length;
  if (pendingBytes > 4 << 20) await drain();
};
const drain = async () => {
  const chunk = Buffer.concat(pending);
  pending = [];
  pendingBytes = 0;
  if (!fi.stdin.write(chunk)) await new Promise((r) => fi.stdin.once('drain', r));
};
const shape = { commits: 0, merges: 0, refs: 0, blobs: 0, bytes: 0, links: 0 };
let mark = 0;
const blob = async (data) => {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  mark++;
  await emit(`blob\nmark :${mark}\ndata ${buf.length}\n`);
  await emit(buf);
  await emit('\n');
  shape.blobs++;
  shape.bytes += buf.length;
  return mark;
};
let t = 1_700_000_000;
const people = ['Ada Agent <agent@example.com>', 'Pat Person <pat@example.com>', 'Codex Bot <codex@example.com>'];
const commitMarks = [];
/** ops: [{path, mark, mode}] or [{path, del:true}]; merge: a commit mark. */
const commit = async (ref, message, ops, from, merge) => {
  const m = ++mark;
  t += 600 + int(3000);
  const who = pick(people);
  let s = `commit ${ref}\nmark :${m}\nauthor ${who} ${t} +0000\ncommitter ${who} ${t} +0000\ndata ${Buffer.byteLength(message)}\n${message}\n`;
  if (from) s += `from :${from}\n`;
  if (merge) s += `merge :${merge}\n`;
  for (const op of ops) s += op.del ? `D ${op.path}\n` : `M ${op.mode ?? '100644'} :${op.mark} ${op.path}\n`;
  await emit(s + '\n');
  shape.commits++;
  if (merge) shape.merges++;
  commitMarks.push(m);
  return m;
};
const version = new Map();
const lastMark = new Map();
// Cloud Functions deploy copies: every edit of shared/ is copied into each function's own
// shared/ in the same commit, so one blob id sits at five paths.
const FUNCS = ['functions/ingest', 'functions/rebalance', 'functions/report', 'functions/alerts'];
const withCopies = (op) => (op.path.startsWith('shared/') ? [op, ...FUNCS.map((f) => ({ ...op, path: `${f}/${op.path}` }))] : [op]);
const edit = async (path) => {
  const v = (version.get(path) ?? 0) + 1;
  version.set(path, v);
  const mode = path.endsWith('.sh') ? '100755' : '100644';
  const m = await blob(content(path, v));
  lastMark.set(path, m);
  return { path, mark: m, mode };
};

// Initial import: the application and its links.
const linkOps = async () => {
  const links = [
    ['k8s/current', 'v2'],
    ['config/active.yaml', '../docs/sample-config.yaml'],
    ['backend/settings.py', '../shared/settings.py'],
    ['venv/bin/python', '/usr/bin/python3'],
    ['venv/lib64', 'lib'],
    ['services/common', '../shared'],
  ];
  const ops = [];
  for (const [p, target] of links) ops.push({ path: p, mark: await blob(target), mode: '120000' });
  shape.links = links.length;
  return ops;
};
let ops = [];
for (const p of APP.slice(0, Math.ceil(APP.length * 0.6))) ops.push(...withCopies(await edit(p)));
ops.push(await edit('docs/sample-config.yaml'), await edit('shared/settings.py'), await edit('.github/workflows/ci.yml'));
ops.push(...(await linkOps()));
let main = await commit('refs/heads/main', 'initial import\n', ops, null, null);

// A committed virtualenv: per package many .py files, a native library and its dist-info.
// An upgrade rewrites about half of a package's files in place and renames its dist-info
// directory (delete + add of similar files: what rename detection has to pair up).
const SP = 'venv/lib/python3.11/site-packages';
const venvPaths = new Map();
const pkgVersion = new Map();
const venvCommit = async (v) => {
  const ops = [];
  // The first version vendors every package; each upgrade after it, a third of them.
  for (const pkg of PKGS.filter((_, i) => v === 1 || i % 3 === v % 3)) {
    if (!venvPaths.has(pkg)) venvPaths.set(pkg, Array.from({ length: S(360) }, (_, k) => `${SP}/${pkg}/${k % 5 ? '' : 'core/'}${name()}_${k}.py`));
    const pv = (pkgVersion.get(pkg) ?? 0) + 1;
    pkgVersion.set(pkg, pv);
    const dist = (x) => `${SP}/${pkg}-1.${x}.0.dist-info`;
    const meta = ['METADATA', 'RECORD', 'WHEEL', 'top_level.txt'];
    if (pv > 1) for (const m of meta) ops.push({ path: `${dist(pv - 1)}/${m}`, del: true });
    const record = [];
    for (const path of venvPaths.get(pkg)) {
      if (pv === 1 || int(2) === 0) ops.push({ path, mark: await blob(python(`${path} ${pv}`, 2 + int(26))) });
      record.push(`${path.slice(SP.length + 1)},sha256=${createHash('sha256').update(`${path}${pv > 1 && int(2) ? pv : 1}`).digest('base64url')},${1000 + int(30000)}`);
    }
    ops.push({ path: `${SP}/${pkg}/_native.cpython-311-x86_64-linux-gnu.so`, mark: await blob(binary(Math.round((200 + int(3000)) * 1024 * SCALE) + 4096)) });
    const files = {
      METADATA: `Metadata-Version: 2.1\nName: ${pkg}\nVersion: 1.${pv}.0\nSummary: ${pkg} for ${pick(W)}\n${Array.from({ length: 60 }, (_, k) => `Classifier: ${pick(W)} :: ${k}`).join('\n')}\n`,
      RECORD: record.join('\n') + '\n',
      WHEEL: 'Wheel-Version: 1.0\nGenerator: bdist_wheel (0.42.0)\nRoot-Is-Purelib: false\nTag: cp311-cp311-linux_x86_64\n',
      'top_level.txt': `${pkg}\n`,
    };
    for (const m of meta) ops.push({ path: `${dist(pv)}/${m}`, mark: await blob(files[m]) });
  }
  return ops;
};
// A refactor: a directory moved, most files unchanged (exact renames), some edited on the way.
const moveDir = async (from, to) => {
  const ops = [];
  for (let i = 0; i < APP.length; i++) {
    const p = APP[i];
    if (!p.startsWith(`${from}/`) || !lastMark.has(p)) continue;
    const q = `${to}/${p.slice(from.length + 1)}`;
    ops.push({ path: p, del: true });
    if (int(10) < 7) {
      ops.push({ path: q, mark: lastMark.get(p), mode: p.endsWith('.sh') ? '100755' : '100644' });
      lastMark.set(q, lastMark.get(p));
      version.set(q, version.get(p));
    } else ops.push(await edit(q));
    APP[i] = q;
  }
  return ops;
};

const TOTAL = S(1640);
const branches = [];
const tags = [];
let sideCount = 0;
let venvVersion = 0;
let refactors = 0;
let venvRemoved = false;
while (shape.commits < TOTAL) {
  const n = shape.commits;
  if (venvVersion < 3 && n >= [5, Math.round(TOTAL * 0.45), Math.round(TOTAL * 0.8)][venvVersion]) {
    // The virtualenv is committed, then upgraded twice: thousands of new blobs at once.
    main = await commit('refs/heads/main', `vendor the virtualenv (${++venvVersion})\n`, await venvCommit(venvVersion), main, null);
    continue;
  }
  if (!venvRemoved && n >= Math.round(TOTAL * 0.93)) {
    // Like the real repository: the virtualenv leaves the tree late (its blobs stay in history).
    venvRemoved = true;
    main = await commit('refs/heads/main', 'stop vendoring the virtualenv\n', [{ path: 'venv', del: true }], main, null);
    continue;
  }
  if (refactors < 2 && n >= [Math.round(TOTAL * 0.3), Math.round(TOTAL * 0.6)][refactors]) {
    const [from, to] = [['backend/workers', 'backend/jobs'], ['services/pricing', 'services/quotes']][refactors++];
    main = await commit('refs/heads/main', `refactor: move ${from} to ${to}\n`, await moveDir(from, to), main, null);
    continue;
  }
  if (n % 12 === 0 && n > 10) {
    // A feature branch of 2-6 commits, merged back with --no-ff; the branch ref stays.
    const ref = `refs/heads/agent/task-${++sideCount}`;
    let side = main;
    const k = 2 + int(5);
    for (let j = 0; j < k; j++) side = await commit(ref, `task ${sideCount}: step ${j}\n`, [...withCopies(await edit(pick(APP))), ...withCopies(await edit(pick(APP)))], side, null);
    branches.push(ref);
    const mops = int(3) === 0 ? [await edit(pick(APP))] : []; // some merges resolve a conflict by hand
    main = await commit('refs/heads/main', `Merge branch 'agent/task-${sideCount}'\n`, mops, main, side);
    continue;
  }
  const nfiles = 1 + int(5);
  const cops = [];
  for (let j = 0; j < nfiles; j++) {
    const p = pick(APP);
    cops.push(...withCopies(await edit(p)));
  }
  if (int(40) === 0) cops.push({ path: pick(APP.filter((p) => p.startsWith('tests/'))), del: true });
  main = await commit('refs/heads/main', `${pick(W)}: ${pick(W)} ${pick(W)}\n`, cops, main, null);
  if (n % 9 === 0) tags.push([`refs/tags/agenttrader-v2/v0.${Math.floor(n / 100)}.${n % 100}`, main]);
}
// Hundreds of refs: the merged task branches, release tags, and some remote-tracking style heads.
for (const [ref, m] of tags) await emit(`reset ${ref}\nfrom :${m}\n\n`);
for (let i = 0; i < S(360); i++) await emit(`reset refs/heads/review/${i}\nfrom :${commitMarks[Math.floor((commitMarks.length * i) / S(360))]}\n\n`);
await emit('done\n');
await drain();
fi.stdin.end();
await finished;
const client = join(out, 'client');
shape.refs = git(client, 'for-each-ref', '--format=x').split('\n').filter(Boolean).length;

// --- servers and push inputs ---
// Every object, as a quarantine would hold them: packed once, shared by hard link.
git(client, 'repack', '-adq');
const packDir = join(client, '.git/objects/pack');
for (const s of ['server.git', 'server-typical.git']) {
  rmSync(join(out, s), { recursive: true, force: true });
  git(out, 'init', '-q', '--bare', join(out, s));
  execFileSync('sh', ['-c', `cp -l "${packDir}"/pack-* "${join(out, s, 'objects/pack')}/"`]);
}
const Z = '0'.repeat(40);
const refs = git(client, 'for-each-ref', '--format=%(objectname) %(refname)').trim().split('\n');
writeFileSync(join(out, 'all-stdin.txt'), refs.map((l) => `${Z} ${l}`).join('\n') + '\n');
const tip = git(client, 'rev-parse', 'main').trim();
// The typical push: the first-parent ancestor of main from which about TYPICAL commits are new.
const line = git(client, 'rev-list', '--first-parent', 'main').trim().split('\n');
const want = Math.min(TYPICAL, Math.floor(shape.commits / 2));
let lo = 1;
let hi = line.length - 1;
while (lo < hi) {
  const mid = (lo + hi) >> 1;
  if (Number(git(client, 'rev-list', '--count', `${line[mid]}..${tip}`)) >= want) hi = mid;
  else lo = mid + 1;
}
const base = line[lo];
git(join(out, 'server-typical.git'), 'update-ref', 'refs/heads/main', base);
writeFileSync(join(out, 'typical-stdin.txt'), `${base} ${tip} refs/heads/main\n`);
const raw = git(client, 'log', '--format=', '--raw', '--no-abbrev', '--no-renames', '-m', `${base}..${tip}`);
const newBlobs = new Set();
for (const line of raw.split('\n')) {
  const m = /^:\S+ \S+ \S+ (\S+) [AMT]/.exec(line);
  if (m && !/^0+$/.test(m[1])) newBlobs.add(m[1]);
}
writeFileSync(join(out, 'typical-blobs.txt'), [...newBlobs].join('\n') + '\n');
writeFileSync(join(out, 'typical-range.txt'), `${base}..${tip}\n`);
writeFileSync(join(out, 'shape.json'), JSON.stringify({ scale: SCALE, ...shape, typicalCommits: Number(git(client, 'rev-list', '--count', `${base}..${tip}`)), typicalBlobs: newBlobs.size }) + '\n');
writeFileSync(join(out, 'stamp'), stamp);
console.log(`real-shape fixture in ${out}: ${JSON.stringify(shape)}`);
