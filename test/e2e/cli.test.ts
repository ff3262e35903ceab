// CLI conventions, end to end with the built CLI and real git: help for every command, quiet and
// verbose, pipes closed early, bad paths, empty and read-only repositories, config printed as
// valid config, every config error at once, rule names `explain` knows, one verdict format,
// --history, --no-git, --exit-code and progress.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
const cli = (args: string[], env: NodeJS.ProcessEnv = sb.env) => runCli(args, { cwd: repo.path, env });
const BAD_ENV = 'AGENT_MODE=EXECUTE\n';

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
});
afterEach(() => sb.cleanup());

describe('help', () => {
  it('every command answers --help on stdout with its usage and exit 0', () => {
    for (const cmd of ['scan', 'hook', 'install', 'init', 'config', 'explain', 'generate', 'audit']) {
      for (const flag of ['--help', '-h']) {
        const r = cli([cmd, flag]);
        expect(r.code, `${cmd} ${flag}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe('');
        expect(r.stdout).toMatch(new RegExp(`^usage: safety-gate ${cmd}`));
      }
    }
    expect(cli(['scan', '--help']).stdout).toContain('--exit-code N');
    // A bad flag names the command's help.
    const bad = cli(['scan', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^safety-gate: could not decide — scan: Unknown option '--nope'.*; see safety-gate scan --help$/);
  });
});

describe('output conventions', () => {
  it('a reader that closes the pipe early is a clean exit (explain --all | head -1)', () => {
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${CLI}" explain --all | head -1`], { env: sb.env, encoding: 'utf8' });
    expect(r.stdout).toBe('# Rules\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const scan = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${CLI}" scan --no-audit "${ROOT}" --format json | head -c 10`], {
      env: sb.env,
      encoding: 'utf8',
    });
    expect(scan.stderr).not.toMatch(/EPIPE|internal error/);
  });

  it('--quiet prints nothing for a pass and the findings for a block; --verbose names the policy', () => {
    repo.write('a.txt', 'a\n');
    repo.commitAll('one');
    const q = cli(['scan', '--quiet', '--no-audit']);
    expect(q.code).toBe(0);
    expect(q.stdout + q.stderr).toBe('');
    const v = cli(['scan', '--verbose', '--no-audit']);
    expect(v.code).toBe(0);
    expect(v.stderr).toMatch(/^safety-gate: policy preset:recommended; read 0 commit\(s\), 1 file\(s\), \d+ blob\(s\) \(\d+ bytes\) in \d+ ms$/m);
    expect(cli(['scan', '-q', '--verbose']).code).toBe(2);
    repo.write('config/app.env', BAD_ENV);
    repo.commitAll('bad');
    const qb = cli(['scan', '-q', '--no-audit']);
    expect(qb.code).toBe(1);
    expect(qb.stdout).toContain('config/app.env:1:12  agent-mode');
  });

  it('one verdict format on the terminal and beside a report file', () => {
    repo.write('config/app.env', BAD_ENV);
    repo.commitAll('bad');
    const text = cli(['scan', '--no-audit']);
    const file = cli(['scan', '--no-audit', '--format', 'json', '--output', 'report.json']);
    expect(file.code).toBe(1);
    const verdict = 'safety-gate: blocked — 1 finding (1 blocking) (scan)\ndetails: safety-gate explain agent-mode\n';
    expect(text.stdout.endsWith(verdict)).toBe(true);
    expect(file.stderr).toBe(verdict);
    expect(JSON.parse(readFileSync(join(repo.path, 'report.json'), 'utf8')).decision).toBe('block');
  });

  it('--exit-code N replaces 1 for a block (0 reports without failing); 2 stays "could not decide"', () => {
    repo.write('config/app.env', BAD_ENV);
    repo.commitAll('bad');
    expect(cli(['scan', '--no-audit', '--exit-code', '42']).code).toBe(42);
    expect(cli(['scan', '--no-audit', '--exit-code', '0']).code).toBe(0);
    const two = cli(['scan', '--no-audit', '--exit-code', '2']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--exit-code takes a number from 0 to 255 other than 2');
    repo.rm('config');
    repo.commitAll('fixed');
    expect(cli(['scan', '--no-audit', '--exit-code', '42']).code).toBe(0);
  });

  it('progress goes to stderr, one rewritten line, only when asked for or on a terminal', () => {
    repo.write('a.txt', 'a\n');
    repo.commitAll('one');
    const plain = cli(['scan', '--no-audit']);
    expect(plain.stderr).toBe('');
    const forced = cli(['scan', '--no-audit'], { ...sb.env, SAFETY_GATE_PROGRESS: '1' });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^\rsafety-gate: scan: checking 1 file version\(s\) … \d+ s\u001b\[K/);
    expect(forced.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(forced.stdout).toBe('safety-gate: passed — 1 file checked (scan)\n');
  });
});

describe('paths and repositories', () => {
  it('a missing path, a missing -C folder and --output into a missing folder are one line naming them', () => {
    const missing = join(sb.dir, 'no-such-repo');
    const a = cli(['scan', missing]);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`safety-gate: could not decide — ${missing} does not exist; pass the path of a repository (or a folder, with --no-git)\n`);
    const b = cli(['-C', missing, 'scan']);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`safety-gate: could not decide — ${missing} does not exist; pass the path of a repository (or a folder, with --no-git)\n`);
    repo.write('a.txt', 'a\n');
    repo.commitAll('one');
    const out = join(repo.path, 'reports/nested/out.sarif');
    const c = cli(['scan', '--format', 'sarif', '--output', 'reports/nested/out.sarif']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(
      `safety-gate: could not decide — cannot write the report to ${out}: the folder ${join(repo.path, 'reports/nested')} does not exist; create the folder first, or pass another --output path\n`,
    );
    const notRepo = join(sb.dir, 'plain');
    mkdirSync(notRepo);
    const d = cli(['scan', notRepo]);
    expect(d.code).toBe(2);
    expect(d.stderr).not.toMatch(/ENOENT|internal/);
    expect(d.stderr).toContain(`${notRepo} is not inside a git repository`);
  });

  it('an empty repository scans as empty, tree, index and history alike', () => {
    for (const args of [['scan'], ['scan', '--index'], ['scan', '--history']]) {
      const r = cli([...args, '--no-audit']);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe('safety-gate: passed — 0 files checked (scan)\n');
    }
  });

  it('scans a read-only checkout; the scan is audited in the user state directory, not the repository', () => {
    repo.write('a.txt', 'a\n');
    repo.commitAll('one');
    // Someone else's checkout: readable, not writable, by the user who scans it.
    const home = join(sb.dir, 'nobody-home');
    mkdirSync(home);
    writeFileSync(join(home, '.gitconfig'), '[safe]\n\tdirectory = *\n');
    chmodSync(sb.dir, 0o755);
    chmodSync(home, 0o777);
    const before = listing(join(repo.path, '.git'));
    const asNobody = spawnSync('runuser', ['-u', 'nobody', '--', 'env', `HOME=${home}`, `XDG_STATE_HOME=${join(home, 'state')}`, process.execPath, CLI, 'scan', repo.path], {
      env: { ...sb.env, HOME: home },
      encoding: 'utf8',
    });
    expect(asNobody.stderr).toBe('');
    expect(asNobody.stdout).toBe('safety-gate: passed — 1 file checked (scan)\n');
    expect(asNobody.status).toBe(0);
    expect(listing(join(repo.path, '.git'))).toEqual(before);
    const log = readFileSync(join(home, 'state/safety-gate/audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(log.at(-1)!)).toMatchObject({ door: 'scan', decision: 'pass' });
    // The hooks keep their log in the repository.
    expect(existsSync(join(repo.path, '.git/safety-gate/audit.jsonl'))).toBe(false);
  });

  it('scan --history checks every commit from the root, which a scan of HEAD cannot see', () => {
    repo.write('config/app.env', BAD_ENV);
    const root = repo.commitAll('root commit sets EXECUTE');
    repo.rm('config');
    repo.commitAll('removed again');
    expect(cli(['scan', '--no-audit']).code).toBe(0);
    const h = cli(['scan', '--history', '--no-audit', '--format', 'json']);
    expect(h.code).toBe(1);
    const f = JSON.parse(h.stdout).findings.find((x: { rule: string }) => x.rule === 'agent-mode');
    expect(f).toMatchObject({ path: 'config/app.env', line: 1, commit: root });
    expect(JSON.parse(h.stdout).stats.commits).toBe(2);
  });

  it('scan --no-git DIR reads a plain folder (ignored files too) and leaves it untouched', () => {
    const dir = join(sb.dir, 'export');
    mkdirSync(join(dir, 'config'), { recursive: true });
    writeFileSync(join(dir, 'config/app.env'), BAD_ENV);
    writeFileSync(join(dir, '.gitignore'), 'config/\n');
    writeFileSync(join(dir, 'README.md'), 'hello\n');
    const before = listing(dir);
    const r = runCli(['scan', '--no-git', dir, '--no-audit'], { cwd: sb.dir, env: sb.env });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('config/app.env:1:12  agent-mode');
    expect(listing(dir)).toEqual(before);
    writeFileSync(join(dir, 'config/app.env'), 'AGENT_MODE=OBSERVE\n');
    const ok = runCli(['scan', '--no-git', dir, '--no-audit'], { cwd: sb.dir, env: sb.env });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('safety-gate: passed — 3 files checked (scan)\n');
  });
});

describe('configuration', () => {
  it('config --format yaml prints configuration that loads on its own to the same policy', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\nrules:\n  image-pinning: warn\n');
    const first = cli(['config', '--format', 'yaml']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^extends: \[\]$/m);
    expect(first.stdout).toMatch(/^runtime_scope:$/m);
    expect(first.stdout).not.toMatch(/runtimeScope|maxBlobBytes|allowSkip|policySource/);
    const hash = /# hash: ([0-9a-f]{64})/.exec(first.stdout)![1];
    repo.write('safety-gate.config.yaml', first.stdout);
    const again = cli(['config', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).hash).toBe(hash);
  });

  it('every configuration error at once, each at file:line:col', () => {
    repo.write('safety-gate.config.yaml', 'rules:\n  protected-target: blok\n  agent-mode: maybe\nlimits:\n  max_blob_bytes: -1\nbogus: 1\n');
    const r = cli(['config']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^safety-gate: could not decide — safety-gate\.config\.yaml:\d+:\d+: .*\(and 3 more problems\)/);
    expect(lines.slice(1).sort()).toEqual([
      '  safety-gate.config.yaml:2:21: rules.protected-target.severity: expected one of "block"|"warn"|"off"',
      '  safety-gate.config.yaml:3:15: rules.agent-mode.severity: expected one of "block"|"warn"|"off"',
      '  safety-gate.config.yaml:5:19: limits.max_blob_bytes: too small: expected number to be >0',
      '  safety-gate.config.yaml:6:1: bogus: unknown key',
    ]);
  });

  it('every rule name a report can print is one explain knows', () => {
    const list = cli(['explain']).stdout;
    const ids = list
      .split('\n')
      .map((l) => l.split(/\s+/)[0]!)
      .filter((x) => /^[a-z-]+$/.test(x) && x !== 'safety-gate');
    // Names the engine reports itself, as written in the sources.
    const literals = new Set<string>();
    for (const file of walk(join(ROOT, 'src'))) {
      if (!file.endsWith('.ts') || /\.test(-helper)?\.ts$/.test(file)) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/\brule: '([a-z][a-z/-]*)'/g)) literals.add(m[1]!.split('/')[0]!);
    }
    expect(literals.has('oversized-file')).toBe(true);
    for (const id of literals) expect(ids, id).toContain(id);
    for (const id of ids) {
      const r = cli(['explain', id]);
      expect(r.code, `${id}: ${r.stderr}`).toBe(0);
    }
    // A real oversized-file finding, and its `details:` line resolves.
    repo.write('safety-gate.config.yaml', 'limits:\n  max_blob_bytes: 10\n');
    repo.write('big.txt', 'x'.repeat(100));
    repo.commitAll('big');
    const s = cli(['scan', '--no-audit']);
    expect(s.code).toBe(1);
    const details = /details: (.*)/.exec(s.stdout)![1]!;
    for (const d of details.split(' · ')) {
      const [, , name] = d.split(' ');
      expect(cli(['explain', name!]).code).toBe(0);
    }
  });
});

function listing(dir: string): string[] {
  return walk(dir)
    .map((f) => `${f}:${statSync(f).size}`)
    .sort();
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
