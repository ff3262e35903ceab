// The result cache in `npm run bench` (issue 9): the whole history of the real-shape fixture
// pushed to a server that has judged those objects before (warm), against the same push with
// an empty cache (cold), with the cache off, and the `git cat-file --batch` floor over the same
// objects; the findings JSON of the three must be identical (exit 1 otherwise). Then peak RSS
// of linear pushes of 500, 2,000, 8,000 and 32,000 commits (cache off, then warm).
//
//   node bench/warm.mjs <real-shape dir> <results dir> [--runs 5] [--linear DIR] [--pushes 500,2000,8000,32000]
//
// Needs hyperfine and GNU time (/usr/bin/time). Times: medians of hyperfine, user+sys CPU
// seconds beside them (the bench machine is shared: wall times are noisy, CPU time is less so).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'dist/cli.js');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, linear: { type: 'string' }, pushes: { type: 'string', default: '500,2000,8000,32000' }, 'no-linear': { type: 'boolean', default: false } },
});
const real = resolve(positionals[0] ?? join(ROOT, 'bench/.work-real-0.25'));
const results = resolve(positionals[1] ?? join(ROOT, 'bench/results'));
const RUNS = values.runs;
mkdirSync(results, { recursive: true });

const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_') && !k.startsWith('SAFETY_GATE_'))),
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: real,
};
const POLICY = 'extends: [agenttrader-v2]\nlimits:\n  deadline_ms:\n    pre-receive: 3600000\n';
const CACHE = 'safety-gate/cache/results-v1.log';
const sh = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** One run under GNU time: peak RSS (KiB), wall, user, sys seconds, and the JSON report. */
function timed(cwd, stdinFile, extraEnv = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e %U %S', process.execPath, CLI, 'hook', 'pre-receive', '--format', 'json'], {
    cwd,
    env: { ...env, ...extraEnv },
    input: readFileSync(stdinFile),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const m = /TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`bench: the gate did not run: ${r.stderr.slice(-500)}`);
  let report = null;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    // exit 2 prints no report
  }
  return { code: r.status, rssKiB: Number(m[1]), wall: Number(m[2]), cpu: Number(m[3]) + Number(m[4]), report };
}

/** Findings and suppressed findings: what must not change whether the cache is used or not. */
const verdict = (rep) => JSON.stringify(rep ? { decision: rep.decision, findings: rep.findings, suppressed: rep.suppressed, baselined: rep.baselined ?? null } : null);

function hyperfine(name, commands, cwd, extra = []) {
  const out = join(results, `${name}.json`);
  execFileSync('hyperfine', ['-N', '-i', '--runs', RUNS, ...extra, '--export-json', out, ...commands], { cwd, env, stdio: ['ignore', 'inherit', 'inherit'] });
  const j = JSON.parse(readFileSync(out, 'utf8'));
  return j.results.map((x) => ({ command: x.command, median: x.median, cpu: x.user + x.system }));
}

const report = { fixture: JSON.parse(readFileSync(join(real, 'shape.json'), 'utf8')) };
const server = join(real, 'server.git');
mkdirSync(join(server, 'safety-gate'), { recursive: true });
writeFileSync(join(server, 'safety-gate', 'policy.yaml'), POLICY);
const cacheFile = join(server, CACHE);
const stdin = join(real, 'all-stdin.txt');

// --- equivalence: cache off, cold, warm ---
rmSync(cacheFile, { force: true });
const off = timed(server, stdin, { SAFETY_GATE_CACHE: 'off' });
const cold = timed(server, stdin);
const warm = timed(server, stdin);
const same = verdict(off.report) === verdict(cold.report) && verdict(cold.report) === verdict(warm.report);
report.equivalence = { identical: same, findings: off.report?.findings.length ?? null, decision: off.report?.decision ?? null, exit: [off.code, cold.code, warm.code] };
report.once = { off, cold, warm };
for (const k of ['off', 'cold', 'warm']) delete report.once[k].report;
console.log(`== whole history, findings JSON identical cache off / cold / warm: ${same ? 'yes' : 'NO'} (${report.equivalence.findings} findings)`);

// --- timing: warm vs cold vs off vs the floor ---
const run = (prefix) => `sh -c ${sh(`${prefix}${sh(process.execPath)} ${sh(CLI)} hook pre-receive < ${sh(stdin)} > /dev/null`)}`;
console.log('== whole history: warm (same objects judged before) vs the cat-file floor vs cache off');
report.history = hyperfine(
  'warm-history',
  [run(''), `sh -c ${sh('git cat-file --batch-all-objects --batch > /dev/null')}`, run('SAFETY_GATE_CACHE=off ')],
  server,
);
// Wall-clock ratios are meaningless on a loaded machine: CPU (user + sys, children included) too.
const floor = report.history[1];
report.history.forEach((r) => {
  r.ratio = r.median / floor.median;
  r.cpuRatio = r.cpu / floor.cpu;
});

// --- a typical push, warm (the objects were pushed and refused once before) ---
const typical = join(real, 'server-typical.git');
if (existsSync(typical)) {
  mkdirSync(join(typical, 'safety-gate'), { recursive: true });
  writeFileSync(join(typical, 'safety-gate', 'policy.yaml'), POLICY);
  const tstdin = join(real, 'typical-stdin.txt');
  timed(typical, tstdin);
  const tgate = (prefix) => `sh -c ${sh(`${prefix}${sh(process.execPath)} ${sh(CLI)} hook pre-receive < ${sh(tstdin)} > /dev/null`)}`;
  console.log('== typical push: warm vs cache off vs node -e 0 vs cat-file of its new blobs');
  report.typical = hyperfine('warm-typical', [tgate(''), tgate('SAFETY_GATE_CACHE=off '), `${sh(process.execPath)} -e 0`, `sh -c ${sh(`git cat-file --batch < ${sh(join(real, 'typical-blobs.txt'))} > /dev/null`)}`], typical);
}

// --- memory: linear pushes ---
if (!values['no-linear']) {
  const pushes = values.pushes.split(',').map(Number);
  const max = Math.max(...pushes);
  const lin = resolve(values.linear ?? join(ROOT, `bench/.work-linear-${max}`));
  execFileSync(process.execPath, [join(ROOT, 'bench/linear.mjs'), lin, '--commits', String(max), '--pushes', pushes.join(',')], { stdio: 'inherit' });
  const ls = join(lin, 'server.git');
  mkdirSync(join(ls, 'safety-gate'), { recursive: true });
  writeFileSync(join(ls, 'safety-gate', 'policy.yaml'), POLICY);
  report.memory = {};
  for (const n of pushes) {
    const f = join(lin, `push-${n}.txt`);
    const o = timed(ls, f, { SAFETY_GATE_CACHE: 'off' });
    timed(ls, f);
    const w = timed(ls, f);
    report.memory[n] = { offKiB: o.rssKiB, offCpu: o.cpu, warmKiB: w.rssKiB, warmCpu: w.cpu };
    console.log(`== linear push of ${n} commits: peak RSS ${o.rssKiB >> 10} MiB (cache off, ${o.cpu.toFixed(1)} s CPU), ${w.rssKiB >> 10} MiB warm (${w.cpu.toFixed(1)} s CPU)`);
  }
}

writeFileSync(join(results, 'warm.json'), JSON.stringify(report, null, 2) + '\n');
const label = (c) => (c.includes('cat-file') ? 'git cat-file --batch' : c.includes('-e 0') ? 'node -e 0' : c.includes('SAFETY_GATE_CACHE=off') ? 'gate, cache off' : 'gate, warm');
const lines = ['| scenario | median s (wall) | CPU s | ratio to cat-file, wall / CPU |', '|---|---|---|---|'];
for (const r of report.history) lines.push(`| whole history: ${label(r.command)} | ${r.median.toFixed(2)} | ${r.cpu.toFixed(2)} | ${r.ratio.toFixed(1)}× / ${r.cpuRatio.toFixed(1)}× |`);
for (const r of report.typical ?? []) lines.push(`| typical push: ${label(r.command)} | ${r.median.toFixed(3)} | ${r.cpu.toFixed(3)} | |`);
const o = report.once;
lines.push(`| peak RSS, whole history: off / cold / warm | ${o.off.rssKiB >> 10} / ${o.cold.rssKiB >> 10} / ${o.warm.rssKiB >> 10} MiB | ${o.off.cpu.toFixed(1)} / ${o.cold.cpu.toFixed(1)} / ${o.warm.cpu.toFixed(1)} | |`);
for (const [n, m] of Object.entries(report.memory ?? {})) lines.push(`| peak RSS, linear push of ${n} commits | off ${m.offKiB >> 10} MiB | warm ${m.warmKiB >> 10} MiB | |`);
console.log(lines.join('\n'));
if (!same) {
  console.error('bench: the findings differ between cache off, cold and warm');
  process.exit(1);
}
