// Memory flatness: one linear history (a base of 500 files, then commits touching 3 files
// each) and a bare server holding every object with main at the base, so that pushes of the
// first N commits (N = 500, 2,000, 8,000, 32,000) are measured on the same objects.
// Deterministic (seeded, fixed dates); cached until this file or the size changes.
//   <dir>/server.git, <dir>/push-<N>.txt (pre-receive stdin), <dir>/shape.json
// Usage: node bench/linear.mjs <dir> --commits 8000 --pushes 500,2000,8000
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { commits: { type: 'string', default: '8000' }, pushes: { type: 'string', default: '500,2000,8000' } } });
const out = resolve(positionals[0] ?? 'bench/.work-linear');
const COMMITS = Number(values.commits);
const PUSHES = values.pushes.split(',').map(Number).filter((n) => n > 0 && n <= COMMITS);
const stamp = createHash('sha256').update(readFileSync(new URL(import.meta.url))).update(`${COMMITS}:${PUSHES}`).digest('hex');
if (existsSync(join(out, 'stamp')) && readFileSync(join(out, 'stamp'), 'utf8') === stamp) {
  console.log(`linear fixture cached in ${out}`);
  process.exit(0);
}
const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_'))), GIT_CONFIG_NOSYSTEM: '1', HOME: out };
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });

let seed = 7;
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff);
const W = ['alpha', 'beta', 'orders', 'risk', 'quote', 'signal', 'paper', 'shadow', 'config', 'retry'];
const pick = (a) => a[Math.floor(rnd() * a.length)];
const EXT = ['py', 'yaml', 'env', 'json', 'sh', 'md'];
const DIRS = ['backend', 'services', 'k8s', 'config', 'scripts', 'docs'];
const pathFor = (i) => `${DIRS[i % DIRS.length]}/m${Math.floor(i / 50)}/file${i}.${EXT[i % EXT.length]}`;
function content(path, v) {
  const l = [`# ${path} v${v}`];
  const n = 20 + Math.floor(rnd() * 40);
  if (path.endsWith('.py')) for (let k = 0; k < n; k++) l.push(`def ${pick(W)}_${k}(x):`, `    return x + ${k}  # ${pick(W)}`);
  else if (path.endsWith('.yaml')) for (let k = 0; k < n; k++) l.push(`${pick(W)}_${k}: ${pick(W)}`);
  else if (path.endsWith('.env')) for (let k = 0; k < n; k++) l.push(`${pick(W).toUpperCase()}_${k}=${pick(W)}`);
  else if (path.endsWith('.json')) l.splice(0, 1, JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, k) => [`${pick(W)}_${k}`, `${path} v${v}`])), null, 2));
  else for (let k = 0; k < n; k++) l.push(`echo ${pick(W)} ${pick(W)} ${k}`);
  return l.join('\n') + '\n';
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, '.gitconfig'), '[init]\n\tdefaultBranch = main\n');
const client = join(out, 'client');
git(out, 'init', '-q', client);
const fi = spawn('git', ['fast-import', '--quiet', '--done'], { cwd: client, env, stdio: ['pipe', 'inherit', 'inherit'] });
const done = new Promise((res, rej) => fi.on('close', (c) => (c === 0 ? res() : rej(new Error(`fast-import exited ${c}`)))));
let buf = [];
let size = 0;
const emit = async (s) => {
  buf.push(s);
  size += s.length;
  if (size > 4 << 20) {
    const ok = fi.stdin.write(buf.join(''));
    buf = [];
    size = 0;
    if (!ok) await new Promise((r) => fi.stdin.once('drain', r));
  }
};
const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
let t = 1_700_000_000;
await emit(`commit refs/heads/main\nmark :1\ncommitter Bench <bench@example.com> ${t} +0000\n${data('base')}`);
for (let i = 0; i < 500; i++) await emit(`M 100644 inline ${pathFor(i)}\n${data(content(pathFor(i), 0))}`);
await emit('\n');
for (let c = 1; c <= COMMITS; c++) {
  t += 60;
  await emit(`commit refs/heads/main\nmark :${c + 1}\ncommitter Bench <bench@example.com> ${t} +0000\n${data(`change ${c}`)}`);
  for (let k = 0; k < 3; k++) {
    const i = Math.floor(rnd() * 500);
    await emit(`M 100644 inline ${pathFor(i)}\n${data(content(pathFor(i), c))}`);
  }
  await emit('\n');
}
await emit('done\n');
fi.stdin.write(buf.join(''));
fi.stdin.end();
await done;
const line = git(client, 'rev-list', '--reverse', 'main').trim().split('\n');
const server = join(out, 'server.git');
git(out, 'init', '-q', '--bare', server);
git(client, 'repack', '-adq');
execFileSync('sh', ['-c', `cp -l "${join(client, '.git/objects/pack')}"/pack-* "${join(server, 'objects/pack')}/"`]);
git(server, 'update-ref', 'refs/heads/main', line[0]);
for (const n of PUSHES) writeFileSync(join(out, `push-${n}.txt`), `${line[0]} ${line[n]} refs/heads/main\n`);
writeFileSync(join(out, 'shape.json'), JSON.stringify({ commits: COMMITS, pushes: PUSHES }) + '\n');
writeFileSync(join(out, 'stamp'), stamp);
console.log(`linear fixture in ${out}: ${COMMITS} commits, pushes of ${PUSHES.join(', ')}`);
