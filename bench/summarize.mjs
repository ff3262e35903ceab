// Turns hyperfine's JSON exports into the medians and ratios quoted in closing notes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'bench/results';
const load = (f) => (existsSync(join(dir, f)) ? JSON.parse(readFileSync(join(dir, f), 'utf8')).results : null);
const ms = (r) => (r.median * 1000).toFixed(1);
const lines = ['# safety-gate benchmark', '', `node ${process.version}; medians of hyperfine runs`, ''];
const section = (title, file, baseIndex, notes) => {
  const res = load(file);
  if (!res) return;
  lines.push(`## ${title}`, '', '| command | median (ms) | mean ± σ (ms) | ratio to the gate |', '|---|---|---|---|');
  const gate = res.find((r) => r.command.includes('cli.js')) ?? res[0];
  for (const r of res) {
    lines.push(`| \`${r.command.replace(/\/[^ ]*\/dist\/cli\.js/, 'safety-gate').replace(/\/[^ ]*\/bench\/\.work/g, '…')}\` | ${ms(r)} | ${(r.mean * 1000).toFixed(1)} ± ${(r.stddev * 1000).toFixed(1)} | ${(gate.median / r.median).toFixed(2)}× |`);
  }
  lines.push('', notes(gate, res), '');
};
section('pre-commit, 10 staged files', 'pre-commit.json', 0, (gate, res) => {
  const node = res.find((r) => r.command === 'node -e 0');
  if (!node) return '';
  const cpu = (r) => r.user + r.system;
  const off = res.find((r) => r.command.includes('SAFETY_GATE_CODE_CACHE=off'));
  return [
    `Gate / \`node -e 0\`: **${(gate.median / node.median).toFixed(2)}×** wall, **${(cpu(gate) / cpu(node)).toFixed(2)}×** CPU (user+sys) (goal ≤ 2×, aim 1.5×).`,
    off && `Without the V8 code cache: ${(off.median / node.median).toFixed(2)}× wall, ${(cpu(off) / cpu(node)).toFixed(2)}× CPU.`,
  ]
    .filter(Boolean)
    .join(' ');
});
section('pre-receive, push of generated history', 'pre-receive.json', 0, (gate, res) => {
  const cat = res.find((r) => r.command.startsWith('git cat-file'));
  const log = res.find((r) => r.command.startsWith('git log -p'));
  return [cat && `Gate / \`git cat-file --batch\` over the same new blobs: **${(gate.median / cat.median).toFixed(2)}×** (goal ≤ 2×).`, log && `Gate / \`git log -p\`: **${(gate.median / log.median).toFixed(2)}×**.`].filter(Boolean).join(' ');
});
section('scan of a generated tree', 'scan.json', 0, (gate, res) => {
  const rg = res.find((r) => r.command.startsWith('rg '));
  return rg ? `Gate / ripgrep: **${(gate.median / rg.median).toFixed(2)}×** (goal ≤ 3×).` : '';
});
section('scan of a big generated tree (BENCH_SCAN_FILES, default 100,000 files)', 'scan-big.json', 0, (gate, res) => {
  const rg = res.find((r) => r.command.startsWith('rg '));
  const cpu = (r) => r.user + r.system;
  let mem = '';
  if (existsSync(join(dir, 'scan-big-memory.json'))) {
    const m = JSON.parse(readFileSync(join(dir, 'scan-big-memory.json'), 'utf8'));
    const kb = (v) => Number(String(v).split(' ')[0]);
    mem = ` Peak RSS (${m.files} files): gate ${(kb(m.gate) / 1024).toFixed(0)} MiB, ripgrep ${(kb(m.rg) / 1024).toFixed(0)} MiB.`;
  }
  return rg ? `Gate / ripgrep: **${(gate.median / rg.median).toFixed(2)}×** wall, **${(cpu(gate) / cpu(rg)).toFixed(2)}×** CPU (goal ≤ 10×).${mem}` : '';
});
if (existsSync(join(dir, 'memory.json'))) {
  const m = JSON.parse(readFileSync(join(dir, 'memory.json'), 'utf8'));
  lines.push('## peak memory of pre-receive', '', `| commits | max RSS (MiB) |`, '|---|---|', `| ${m.small_commits} | ${(m.small_kb / 1024).toFixed(1)} |`, `| ${m.large_commits} | ${(m.large_kb / 1024).toFixed(1)} |`, '');
}
// The real-shape repository: one table, the gate against its floor or peer, with the goal.
// Ratios are given on CPU time (user + sys, hyperfine's means) and on wall-clock medians: on a
// shared machine only the first is stable.
{
  const pick = (file, pred) => load(file)?.find(pred) ?? null;
  const gateOf = (file) => pick(file, (r) => r.command.includes('cli.js'));
  const cpu = (r) => r.user + r.system;
  const fmt = (r) => `${r.median >= 10 ? r.median.toFixed(1) : r.median.toFixed(3)} s (cpu ${cpu(r).toFixed(2)} s)`;
  const rows = [];
  const row = (scenario, gate, other, otherName, goal) => {
    if (!gate || !other) return;
    rows.push(`| ${scenario} | ${fmt(gate)} | ${otherName} ${fmt(other)} | ${(cpu(gate) / cpu(other)).toFixed(1)}× (wall ${(gate.median / other.median).toFixed(1)}×) | ${goal} |`);
  };
  const h = gateOf('real-history.json');
  row('whole history pushed, every ref created', h, pick('real-history.json', (r) => r.command.startsWith('git cat-file')), '`cat-file --batch` of every object', '≤ 4× and ≤ 4 s');
  row('whole history pushed (vs `git log -p --all`)', h, pick('real-history.json', (r) => r.command.includes(' log -p')), '`git log -p --all`', '—');
  const t = gateOf('real-typical.json');
  row('typical push', t, pick('real-typical.json', (r) => r.command === 'node -e 0'), '`node -e 0`', '≤ 5×');
  row('typical push (vs its new blobs)', t, pick('real-typical.json', (r) => r.command.startsWith('git cat-file')), '`cat-file --batch` of its new blobs', '—');
  const sc = gateOf('real-scan.json');
  row('`scan` of HEAD', sc, pick('real-scan.json', (r) => r.command.startsWith('rg ')), 'ripgrep, same keywords', '≤ 10×');
  row('`scan` of HEAD (vs git-secrets)', sc, pick('real-scan.json', (r) => r.command.startsWith('git secrets')), 'git-secrets', '—');
  if (existsSync(join(dir, 'real-memory.json'))) {
    const m = JSON.parse(readFileSync(join(dir, 'real-memory.json'), 'utf8'));
    const kb = (v) => Number(String(v).split(' ')[0]);
    const mib = (v) => `${(kb(v) / 1024).toFixed(0)} MiB`;
    if (m.history && m.catfile) rows.push(`| peak RSS, whole history | ${mib(m.history)} | cat-file ${mib(m.catfile)} | ${(kb(m.history) / kb(m.catfile)).toFixed(1)}× | ≤ 256 MiB |`);
    if (m.typical) rows.push(`| peak RSS, typical push | ${mib(m.typical)} | | | ≤ 256 MiB |`);
    for (const [k, v] of Object.entries(m)) if (k.startsWith('push')) rows.push(`| peak RSS, linear push of ${Number(k.slice(4)).toLocaleString('en')} commits | ${mib(v)} | | | ≤ 256 MiB, flat |`);
  }
  if (rows.length > 0) lines.push('## real-shape repository', '', '| scenario | safety-gate, wall median (cpu) | floor / peer | ratio, cpu (wall) | goal |', '|---|---|---|---|---|', ...rows, '');
}
console.log(lines.join('\n'));
