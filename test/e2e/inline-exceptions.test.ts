// Inline exceptions are one engine mechanism for every rule, exercised with real git through
// the real hooks: `safety-gate: allow <rule> -- <reason>` suppresses that rule's finding on its
// line (listed by `scan --list-suppressions`), one without a reason suppresses nothing, and
// adding one is `<rule>/new-exception` (carrying the covered rule) until an approval closes it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
const cli = (args: string[]) => runCli(args, { cwd: repo.path, env: sb.env });

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n').write('.gitignore', 'node_modules/\n');
  repo.commitAll('policy');
  mkdirSync(join(repo.path, 'node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, join(repo.path, 'node_modules/.bin/safety-gate'));
  expect(cli(['install', '--hooks-path']).code).toBe(0);
  repo.commitAll('hooks');
});
afterEach(() => sb.cleanup());

function commit(message: string) {
  const r = repo.gitResult(['commit', '-m', message]);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

type JsonFinding = { rule: string; path: string; line: number; covers?: string; reason?: string; fingerprint: string };
function stagedJson(): { decision: string; findings: JsonFinding[]; suppressed: JsonFinding[] } {
  return JSON.parse(cli(['scan', '--staged', '--format', 'json']).stdout);
}

const brief = (fs: JsonFinding[]) => fs.map((f) => `${f.rule} ${f.path}:${f.line}`);

describe('inline exceptions, every rule', () => {
  it('agent-mode: a reasoned exception suppresses the finding; adding it is agent-mode/new-exception; once landed it stays suppressed and listed', () => {
    repo.write('config/replay.env', 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- shadow replay harness, never deployed (SEC-31)\n');
    repo.git('add', '-A');
    const report = stagedJson();
    expect(brief(report.findings)).toEqual(['agent-mode/new-exception config/replay.env:1']);
    expect(report.findings[0]).toMatchObject({ covers: 'agent-mode' });
    expect(brief(report.suppressed)).toEqual(['agent-mode config/replay.env:1']);
    expect(report.suppressed[0]!.reason).toBe('shadow replay harness, never deployed (SEC-31)');
    const blocked = commit('add the replay harness');
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toMatch(
      /config\/replay\.env:1:\d+ {2}agent-mode\/new-exception {2}new inline exception for agent-mode: "shadow replay harness, never deployed \(SEC-31\)"/,
    );
    expect(blocked.out).toMatch(/fix: an approver holding security runs `safety-gate approve --staged --key KEY`/);
    expect(blocked.out).not.toMatch(/ {2}agent-mode {2}AGENT_MODE/);

    // Landed (as an approval would let it); from now on it is an old exception.
    repo.commitAll('approved out of band');
    repo.write('config/replay.env', '# replay settings\nREPLAY_SPEED=4\nAGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- shadow replay harness, never deployed (SEC-31)\n');
    repo.git('add', '-A');
    const kept = commit('tune the replay');
    expect(kept.code, kept.out).toBe(0);
    expect(kept.out).toContain('suppressed: 1 finding by inline exceptions');

    const list = JSON.parse(cli(['scan', '--list-suppressions', '--format', 'json']).stdout).suppressions;
    expect(list).toMatchObject([{ path: 'config/replay.env', line: 3, rule: 'agent-mode', status: 'effective', suppresses: [{ rule: 'agent-mode', line: 3 }] }]);

    // Keyed to content: changing the covered line makes it a new exception again.
    repo.write('config/replay.env', '# replay settings\nREPLAY_SPEED=4\nAGENT_MODE=execute  # safety-gate: allow agent-mode -- shadow replay harness, never deployed (SEC-31)\n');
    repo.git('add', '-A');
    expect(brief(stagedJson().findings)).toEqual(['agent-mode/new-exception config/replay.env:3']);
  });

  it('an exception planted where it suppressed nothing (docstring, YAML block scalar) is new in the commit that makes it effective, also over a range', () => {
    const base = repo.head();
    const L = 'AGENT_MODE = "EXECUTE"  # safety-gate: allow agent-mode -- shadow replay harness';
    const Y = 'AGENT_MODE: EXECUTE # safety-gate: allow agent-mode -- shadow replay harness';
    repo.write('backend/settings.py', `DOC = """\n${L}\n"""\n`).write('config/app.yaml', `notes: |\n  ${Y}\n`);
    repo.git('add', '-A');
    // Dormant: nothing is flagged (the hook ran and passed).
    const plant = commit('plant');
    expect(plant.code, plant.out).toBe(0);
    repo.write('backend/settings.py', `${L}\n`).write('config/app.yaml', `${Y}\n`);
    repo.git('add', '-A');
    const activate = commit('activate');
    expect(activate.code).not.toBe(0);
    expect(activate.out).toMatch(/backend\/settings\.py:1:\d+ {2}agent-mode\/new-exception {2}new inline exception for agent-mode: "shadow replay harness"/);
    expect(activate.out).toMatch(/config\/app\.yaml:1:\d+ {2}agent-mode\/new-exception/);
    // Landed without the hook, both commits judged as one push would be.
    repo.gitResult(['commit', '--no-verify', '-q', '-m', 'activate']);
    const range = JSON.parse(cli(['scan', '--range', `${base}..HEAD`, '--format', 'json']).stdout) as { decision: string; findings: JsonFinding[] };
    expect(range.decision).toBe('block');
    expect(brief(range.findings).sort()).toEqual(['agent-mode/new-exception backend/settings.py:1', 'agent-mode/new-exception config/app.yaml:1']);
    expect(range.findings.every((f) => f.covers === 'agent-mode')).toBe(true);
  });

  it('an exception without a reason suppresses nothing, and is not listed as a suppression', () => {
    repo.write('config/replay.env', 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode\n');
    repo.git('add', '-A');
    const r = commit('no reason');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(
      /config\/replay\.env:1:12 {2}agent-mode {2}AGENT_MODE is set to "EXECUTE" \(env file\): forbidden value \(the exception on line 1 has no reason, so it exempts nothing\)/,
    );
    expect(r.out).not.toContain('new-exception');
    repo.commitAll('landed anyway');
    expect(JSON.parse(cli(['scan', '--list-suppressions', '--format', 'json']).stdout).suppressions).toEqual([]);
    const all = JSON.parse(cli(['scan', '--list-suppressions', '--all', '--format', 'json']).stdout).suppressions;
    expect(all).toMatchObject([{ path: 'config/replay.env', status: 'ineffective', reason: null }]);
  });

  it('image-pinning: a standalone comment covers the line below; another rule named there covers nothing', () => {
    const pod = (comment: string) => `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      ${comment}\n      image: nginx:latest\n`;
    repo.write('k8s/pod.yaml', pod('# safety-gate: allow image-pinning -- vendor image, pinned by the platform (OPS-7)'));
    repo.git('add', '-A');
    const r = stagedJson();
    expect(brief(r.findings)).toEqual(['image-pinning/new-exception k8s/pod.yaml:6']);
    expect(r.findings[0]).toMatchObject({ covers: 'image-pinning' });
    expect(brief(r.suppressed)).toEqual(['image-pinning k8s/pod.yaml:7']);
    repo.write('k8s/pod.yaml', pod('# safety-gate: allow agent-mode -- wrong rule'));
    repo.git('add', '-A');
    expect(brief(stagedJson().findings)).toEqual(['image-pinning k8s/pod.yaml:7']);
  });

  it('trading-mode and import-hygiene: suppressed and listed in a scan of the tree (a tree scan adds nothing, so no new-exception)', () => {
    repo.write(
      '.github/workflows/ci.yml',
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      # safety-gate: allow trading-mode -- lints only, never trades (SEC-40)\n      - run: pytest\n',
    );
    repo.write('backend/a.py', 'import sys\nsys.path.insert(0, "x")  # safety-gate: allow import-hygiene -- legacy loader, removed in TICKET-9\n');
    repo.write('backend/b.py', 'import sys\nsys.path.insert(0, "y")  # safety-gate: allow import-hygiene\n');
    repo.commitAll('workflow and loaders');
    const scan = JSON.parse(cli(['scan', '--format', 'json']).stdout) as { findings: JsonFinding[]; suppressed: JsonFinding[] };
    expect(brief(scan.findings)).toEqual(['import-hygiene backend/b.py:2']);
    expect(brief(scan.suppressed)).toEqual(['trading-mode .github/workflows/ci.yml:7', 'import-hygiene backend/a.py:2']);
    const listed = cli(['scan', '--list-suppressions']).stdout;
    expect(listed).toContain('.github/workflows/ci.yml:6:9  allow trading-mode  -- lints only, never trades (SEC-40)  [suppresses 1 finding(s)]');
    expect(listed).toContain('backend/a.py:2:28  allow import-hygiene  -- legacy loader, removed in TICKET-9  [suppresses 1 finding(s)]');
    expect(listed).not.toContain('backend/b.py');
    expect(listed).toContain('2 suppression(s)');
  });
});
