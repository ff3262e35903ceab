// Generates the benchmark repositories with `git fast-import` (one process, seconds):
//   commit10/   a repository with 10 staged changed files (pre-commit)
//   push/       client repo: a base commit, then N new commits on top (pre-receive / git log -p)
//   server.git  bare repo holding every object but whose refs stop at the base (as in a quarantine)
//   tree10k/    one commit of 10,000 files of mixed types (scan vs ripgrep / git-secrets)
// Usage: node bench/fixtures.mjs <dir> [--commits 2000] [--files 10000]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commits: { type: 'string', default: '2000' }, files: { type: 'string', default: '10000' } },
});
const out = resolve(positionals[0] ?? 'bench/.work');
const COMMITS = Number(values.commits);
const FILES = Number(values.files);
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: out,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });

// Deterministic pseudo-random content of the kinds the rules read.
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = (a) => a[Math.floor(rnd() * a.length)];
const words = ['alpha', 'beta', 'gamma', 'delta', 'orders', 'risk', 'quote', 'signal', 'paper', 'shadow', 'config', 'retry'];
function content(path, i) {
  const lines = [];
  const n = 20 + Math.floor(rnd() * 60);
  if (path.endsWith('.py')) {
    lines.push('import os', 'import json', '');
    for (let k = 0; k < n; k++) lines.push(`def ${pick(words)}_${i}_${k}(x):`, `    return x + ${k}  # ${pick(words)}`);
    if (i % 50 === 0) lines.push('BASE_URL = os.environ.get("APCA_API_BASE_URL", "https://paper-api.alpaca.markets")');
  } else if (path.endsWith('.yaml')) {
    lines.push('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: svc-${i}`, 'spec:', '  replicas: 1', '  template:', '    spec:', '      containers:', `        - name: app`, `          image: registry.example.com/app:1.${i % 9}.0`, '          env:');
    for (let k = 0; k < n / 4; k++) lines.push(`            - name: ${pick(words).toUpperCase()}_${k}`, `              value: "${pick(words)}"`);
    lines.push('            - name: AGENT_MODE', '              value: OBSERVE', '            - name: TRADING_MODE', '              value: paper');
  } else if (path.endsWith('.env')) {
    for (let k = 0; k < n; k++) lines.push(`${pick(words).toUpperCase()}_${k}=${pick(words)}`);
    lines.push('AGENT_MODE=OBSERVE', 'TRADING_MODE=paper');
  } else if (path.endsWith('.json')) {
    const o = {};
    for (let k = 0; k < n; k++) o[`${pick(words)}_${k}`] = pick(words);
    lines.push(JSON.stringify(o, null, 2));
  } else if (path.endsWith('.ts')) {
    for (let k = 0; k < n; k++) lines.push(`export function ${pick(words)}${i}_${k}(x: number): number {`, `  return x * ${k};`, '}');
  } else {
    for (let k = 0; k < n; k++) lines.push(`${pick(words)} ${pick(words)} ${pick(words)} ${k}`);
  }
  return lines.join('\n') + '\n';
}
const EXT = ['py', 'yaml', 'env', 'json', 'ts', 'md', 'txt'];
const DIRS = ['backend', 'services', 'k8s', 'config', 'scripts', 'docs', 'functions'];
const pathFor = (i) => `${DIRS[i % DIRS.length]}/m${Math.floor(i / 100)}/file${i}.${EXT[i % EXT.length]}`;

function fastImport(dir, stream) {
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, env, input: stream, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fast-import failed: ${r.stderr}`);
}

function data(s) {
  return `data ${Buffer.byteLength(s)}\n${s}`;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.gitconfig'), '[init]\n\tdefaultBranch = main\n');

// --- push: base commit with 500 files, then COMMITS commits touching 3 files each ---
{
  const dir = join(out, 'push');
  git(out, 'init', '-q', dir);
  const parts = [];
  let t = 1700000000;
  parts.push('commit refs/heads/main', `committer Bench <bench@example.com> ${t} +0000`, data('base'));
  for (let i = 0; i < 500; i++) parts.push(`M 100644 inline ${pathFor(i)}`, data(content(pathFor(i), i)));
  parts.push('');
  for (let c = 0; c < COMMITS; c++) {
    t += 60;
    parts.push('commit refs/heads/main', `committer Bench <bench@example.com> ${t} +0000`, data(`change ${c}`));
    for (let k = 0; k < 3; k++) {
      const i = Math.floor(rnd() * 500);
      parts.push(`M 100644 inline ${pathFor(i)}`, data(content(pathFor(i), i + c * 7)));
    }
    parts.push('');
  }
  fastImport(dir, parts.join('\n'));
  git(dir, 'reset', '-q', '--hard');
  const base = git(dir, 'rev-list', '--max-parents=0', 'main').trim();
  const tip = git(dir, 'rev-parse', 'main').trim();
  // The server has every object (as the quarantine would) but its branch is still at the base.
  const server = join(out, 'server.git');
  git(out, 'clone', '-q', '--bare', dir, server);
  git(server, 'update-ref', 'refs/heads/main', base);
  git(server, 'reflog', 'expire', '--expire=now', '--all');
  writeFileSync(join(out, 'push-stdin.txt'), `${base} ${tip} refs/heads/main\n`);
  // The blobs the push introduces, for the cat-file floor: every new blob of the range, once.
  const blobs = new Set();
  const raw = git(dir, 'log', '--format=', '--raw', '--no-abbrev', '--no-renames', `${base}..${tip}`);
  for (const line of raw.split('\n')) {
    const m = /^:\S+ \S+ \S+ (\S+) [AM]/.exec(line);
    if (m) blobs.add(m[1]);
  }
  writeFileSync(join(out, 'push-blobs.txt'), [...blobs].join('\n') + '\n');
  writeFileSync(join(out, 'push-range.txt'), `${base}..${tip}\n`);
}

// --- commit10: ten changed files staged ---
{
  const dir = join(out, 'commit10');
  git(out, 'init', '-q', dir);
  const parts = ['commit refs/heads/main', 'committer Bench <bench@example.com> 1700000000 +0000', data('base')];
  for (let i = 0; i < 200; i++) parts.push(`M 100644 inline ${pathFor(i)}`, data(content(pathFor(i), i)));
  fastImport(dir, parts.join('\n') + '\n');
  git(dir, 'reset', '-q', '--hard');
  for (let i = 0; i < 10; i++) writeFileSync(join(dir, pathFor(i * 7)), content(pathFor(i * 7), i + 1000));
  git(dir, 'add', '-A');
}

// --- tree10k: one commit of FILES files, checked out for ripgrep ---
{
  const dir = join(out, 'tree10k');
  git(out, 'init', '-q', dir);
  const parts = ['commit refs/heads/main', 'committer Bench <bench@example.com> 1700000000 +0000', data('tree')];
  for (let i = 0; i < FILES; i++) parts.push(`M 100644 inline ${pathFor(i)}`, data(content(pathFor(i), i)));
  fastImport(dir, parts.join('\n') + '\n');
  git(dir, 'reset', '-q', '--hard');
}
console.log(`fixtures in ${out}: ${COMMITS} commits to push, ${FILES}-file tree`);
