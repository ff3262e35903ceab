// `safety-gate scan` as CI and people run it: whole tree, --staged, --range, --rev, formats.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
const cli = (args: string[]) => runCli(args, { cwd: repo.path, env: sb.env });

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
});
afterEach(() => sb.cleanup());

describe('scan', () => {
  it('with no config scans the tree at HEAD with the built-in recommended policy', () => {
    repo.write('src/app.py', 'print("hi")\n');
    repo.commitAll('one');
    const r = cli(['scan']);
    expect(r.code).toBe(0);
    const cfg = cli(['config', '--format', 'json']);
    expect(cfg.stdout).toContain('preset:recommended');
  });

  it('prints report@1 JSON with every key and exits 1 when blocked', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('bad');
    const r = cli(['scan', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.schema).toBe('safety-gate/report@1');
    expect(report.decision).toBe('block');
    const f = report.findings.find((x: { rule: string }) => x.rule === 'agent-mode');
    expect(Object.keys(f).sort()).toEqual(['column', 'commit', 'covers', 'fingerprint', 'line', 'message', 'messageId', 'path', 'ref', 'remediation', 'rule', 'severity']);
    expect(f).toMatchObject({ path: 'config/app.env', line: 1, severity: 'block' });
    expect(report.stats.files).toBeGreaterThan(0);
  });

  it('writes SARIF 2.1.0 to a file', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('bad');
    const r = cli(['scan', '--format', 'sarif', '--output', 'out.sarif']);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(repo.path, 'out.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'agent-mode', level: 'error' });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('config/app.env');
  });

  it('--range checks each commit of the range, merges included', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.write('a.txt', 'a\n');
    const base = repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('bad');
    repo.rm('config/app.env');
    repo.commitAll('hide');
    const r = cli(['scan', '--range', `${base}..HEAD`, '--format', 'json']);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).findings.find((x: { rule: string }) => x.rule === 'agent-mode');
    expect(f.commit).toBe(repo.git('rev-parse', 'HEAD~1').trim());
    // The tree at HEAD is clean.
    expect(cli(['scan']).code).toBe(0);
    expect(cli(['scan', '--rev', 'HEAD~1']).code).toBe(1);
  });

  it('--range is judged by the policy of its base, not by a policy the range itself loosens', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    const base = repo.commitAll('base');
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\nrules:\n  agent-mode: off\n  protected-target: off\n');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('loosen the policy and break it');
    const r = cli(['scan', '--range', `${base}..HEAD`, '--format', 'json']);
    expect(r.code).toBe(1);
    const rules = JSON.parse(r.stdout).findings.map((f: { rule: string }) => f.rule);
    expect(rules).toContain('agent-mode');
    expect(rules).toContain('protected-target');
  });

  it('--range refuses a base policy that is code', () => {
    repo.write('safety-gate.config.js', 'module.exports = {};\n');
    const base = repo.commitAll('js config');
    repo.write('a.txt', 'a\n');
    repo.commitAll('next');
    const r = cli(['scan', '--range', `${base}..HEAD`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/configuration code, which a range scan never runs/);
  });

  it('--staged checks the index', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.commitAll('base');
    repo.write('config/app.env', 'AGENT_MODE=execute\n');
    repo.git('add', '-A');
    expect(cli(['scan', '--staged']).code).toBe(1);
  });

  it('--list-suppressions lists the exceptions that really suppress; --all adds the ineffective ones with the cause', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.write('config/a.py', 'URL = "https://api.alpaca.markets"  # safety-gate: allow live-endpoint -- reviewed in SEC-12\n');
    repo.write('config/b.yaml', '# safety-gate: allow live-endpoint\nurl: https://api.alpaca.markets\n');
    repo.write('config/c.env', 'AGENT_MODE=OBSERVE  # safety-gate: allow agent-mode -- nothing to suppress here\n');
    repo.write('docs/note.md', 'nothing to see\n');
    repo.commitAll('exceptions');
    const r = cli(['scan', '--list-suppressions', '--format', 'json']);
    expect(r.code).toBe(0);
    type Listed = { path: string; line: number; rule: string; reason: string | null; status: string; suppresses: { rule: string; line: number }[]; cause: string | null };
    const list = JSON.parse(r.stdout).suppressions as Listed[];
    expect(list.map((x) => [x.path, x.line, x.rule, x.reason, x.status, x.suppresses.map((s) => `${s.rule}:${s.line}`)])).toEqual([
      ['config/a.py', 1, 'live-endpoint', 'reviewed in SEC-12', 'effective', ['live-endpoint:1']],
    ]);
    expect(cli(['scan', '--list-suppressions']).stdout).toContain('1 suppression(s)');
    const all = JSON.parse(cli(['scan', '--list-suppressions', '--all', '--format', 'json']).stdout).suppressions as Listed[];
    expect(all.map((x) => [x.path, x.status, x.cause?.slice(0, 20) ?? null])).toEqual([
      ['config/a.py', 'effective', null],
      ['config/b.yaml', 'ineffective', 'no reason after "--"'],
      ['config/c.env', 'ineffective', 'no agent-mode findin'],
    ]);
  });

  it('usage errors exit 2 with one line', () => {
    repo.commitAll('empty');
    const r = cli(['scan', '--range', 'nope..HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(cli(['scan', '--bogus']).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
  });

  it('takes the repository to scan as an argument', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
    repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('bad');
    const r = runCli(['scan', repo.path], { cwd: sb.home, env: sb.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('config/app.env');
  });

  it('outside a repository says so in one line', () => {
    const r = runCli(['scan'], { cwd: sb.home, env: sb.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not inside a git repository/);
  });
});

describe('explain and help', () => {
  it('lists every rule and explains one', () => {
    repo.commitAll('x');
    const list = cli(['explain']);
    expect(list.code).toBe(0);
    for (const id of ['protected-target', 'agent-mode', 'live-endpoint']) expect(list.stdout).toContain(id);
    const one = cli(['explain', 'protected-target']);
    expect(one.stdout).toMatch(/^protected-target — /);
    expect(cli(['explain', 'nope']).code).toBe(2);
    expect(cli(['--help']).stdout).toContain('safety-gate scan');
  });
});
