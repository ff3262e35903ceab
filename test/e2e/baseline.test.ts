// Adopting the gate on a repository that already has findings, with real git and the real
// hooks (core.hooksPath shims running the built CLI): `safety-gate baseline` records today's
// findings; the first commit of policy + hooks + baseline lands; unrelated edits and moved lines
// pass; a new finding, even in a file full of baselined ones, blocks; the baseline itself is
// protected; `scan --baseline` and the server (baseline from the protected branch tip, never
// from the push) agree.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let repo: Repo;
const cli = (args: string[], cwd = repo.path) => runCli(args, { cwd, env: sb.env });

const APP_ENV = 'AGENT_MODE=EXECUTE\nTRADING_MODE=live\n';
const POD = 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n';

function audit(r: Repo): { door: string; decision: string }[] {
  const log = join(r.path, '.git/safety-gate/audit.jsonl');
  return existsSync(log)
    ? readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

function commit(message: string, env = sb.env) {
  const before = audit(repo).length;
  const r = repo.gitResult(['commit', '-m', message], { env });
  const records = audit(repo).slice(before);
  return { code: r.status, out: `${r.stdout}${r.stderr}`, records };
}

/** A repository with findings at HEAD, adopted the way the README says (hooks through core.hooksPath). */
function adopt(): void {
  repo.write('config/app.env', APP_ENV).write('k8s/pod.yaml', POD).write('README.md', 'app\n').write('.gitignore', 'node_modules/\n');
  repo.commitAll('existing code with findings');
  mkdirSync(join(repo.path, 'node_modules/.bin'), { recursive: true });
  symlinkSync(CLI, join(repo.path, 'node_modules/.bin/safety-gate'));
  expect(cli(['init', '--preset', 'agenttrader-v2']).code).toBe(0);
  expect(cli(['install', '--hooks-path']).code).toBe(0);
  const b = cli(['baseline']);
  expect(b.code, b.stderr).toBe(0);
  expect(b.stdout).toContain('baseline of 3 finding(s)');
  repo.git('add', '-A');
  const first = commit('Adopt safety-gate');
  expect(first.code, first.out).toBe(0);
  // The hook really ran, and passed: nothing was protected before this commit.
  expect(first.records.map((x) => `${x.door}:${x.decision}`)).toContain('pre-commit:pass');
}

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
});
afterEach(() => sb.cleanup());

describe('baseline', () => {
  it('records findings by content fingerprint, deterministic and without the messages', () => {
    adopt();
    const file = JSON.parse(readFileSync(join(repo.path, '.safety-gate/baseline.json'), 'utf8'));
    expect(file.schema).toBe('safety-gate/baseline@1');
    expect(file.findings.map((e: { rule: string; path: string; count: number }) => `${e.rule} ${e.path} ${e.count}`)).toEqual([
      'agent-mode config/app.env 1',
      'agent-mode config/app.env 1',
      'image-pinning k8s/pod.yaml 1',
    ]);
    expect(JSON.stringify(file)).not.toMatch(/EXECUTE|latest/);
    // The JSON report carries the same fingerprints.
    const scan = JSON.parse(cli(['scan', '--format', 'json']).stdout);
    expect(scan.decision).toBe('pass');
    expect(scan.findings).toEqual([]);
    expect(scan.baselined.map((f: { fingerprint: string }) => f.fingerprint).sort()).toEqual(file.findings.map((e: { fingerprint: string }) => e.fingerprint).sort());
  });

  it('an unrelated edit and a moved line pass; a new finding in the same file blocks, with its reason', () => {
    adopt();
    repo.write('config/app.env', '# settings\nLOG_LEVEL=debug\nTRADING_MODE=live\n\n  AGENT_MODE=EXECUTE\n');
    repo.git('add', '-A');
    const moved = commit('reorder and add a setting');
    expect(moved.code, moved.out).toBe(0);
    expect(moved.out).toMatch(/baselined: 2 findings accepted by the baseline [0-9a-f]{12}:\.safety-gate\/baseline\.json/);
    expect(moved.records.map((x) => x.decision)).toContain('pass');

    repo.write('config/app.env', '# settings\nLOG_LEVEL=debug\nTRADING_MODE=live\n\n  AGENT_MODE=EXECUTE\nEXTRA_MODE=1\nAGENT_MODE=EXECUTE\n');
    repo.git('add', '-A');
    const head = repo.head();
    const dup = commit('a second copy of a baselined line is new');
    expect(dup.code).not.toBe(0);
    expect(dup.out).toMatch(/config\/app\.env:7:12 {2}agent-mode {2}AGENT_MODE is set to "EXECUTE"/);
    expect(dup.out).not.toMatch(/config\/app\.env:5:/);
    expect(repo.head()).toBe(head);
    expect(dup.records.at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });

    repo.write('config/app.env', '# settings\nLOG_LEVEL=debug\nTRADING_MODE=shadow\n\n  AGENT_MODE=EXECUTE\n');
    repo.git('add', '-A');
    const changed = commit('editing a baselined line makes it a new finding');
    expect(changed.code).not.toBe(0);
    expect(changed.out).toMatch(/config\/app\.env:3:\d+ {2}agent-mode {2}TRADING_MODE is set to "shadow"/);
  });

  it('an edit of the baseline is a protected change; so is deleting it', () => {
    adopt();
    repo.write('k8s/pod.yaml', POD + '    - name: b\n      image: redis:latest\n');
    expect(cli(['baseline']).code).toBe(0);
    repo.git('add', '-A');
    const r = commit('re-baseline to hide a new finding');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/\.safety-gate\/baseline\.json {2}protected-target {2}protected file \.safety-gate\/baseline\.json \(group safety-gate-policy\) modified/);
    repo.git('reset', '-q', '--hard');
    repo.git('rm', '-q', '.safety-gate/baseline.json');
    const del = commit('drop the baseline');
    expect(del.code).not.toBe(0);
    expect(del.out).toMatch(/protected file \.safety-gate\/baseline\.json .* deleted/);
  });

  it('scan --baseline FILE applies that file; without one, scan reads the default from the scanned commit', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n').write('config/app.env', APP_ENV);
    repo.commitAll('findings');
    expect(cli(['scan']).code).toBe(1);
    expect(cli(['baseline', '--output', 'elsewhere/accepted.json']).code).toBe(0);
    const withFile = cli(['scan', '--baseline', 'elsewhere/accepted.json']);
    expect(withFile.code, withFile.stdout).toBe(0);
    expect(withFile.stdout).toContain('baselined: 2 findings accepted by the baseline elsewhere/accepted.json');
    // Not committed at the default path: the plain scan still blocks.
    expect(cli(['scan']).code).toBe(1);
    // A missing or broken baseline fails closed, in one line.
    const missing = cli(['scan', '--baseline', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    repo.write('broken.json', '{"schema":"safety-gate/baseline@1","findings":[{"fingerprint":"x"}]}');
    const broken = cli(['scan', '--baseline', 'broken.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/baseline broken\.json: findings\.0\.fingerprint/);
    // `baseline: FILE` in the policy names where it lives (in the repository, read from the commit).
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\nbaseline: elsewhere/accepted.json\n');
    repo.commitAll('policy names its baseline');
    expect(cli(['scan']).code).toBe(0);
  });
});

describe('baseline in a range scan', () => {
  it('scan --range A..B applies the baseline of A, never one the range brings', () => {
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n').write('config/app.env', APP_ENV);
    repo.commitAll('findings');
    expect(cli(['baseline']).code).toBe(0);
    const a = repo.commitAll('baseline');
    repo.write('config/app.env', 'LOG_LEVEL=info\n' + APP_ENV);
    repo.commitAll('unrelated');
    const ok = cli(['scan', '--range', `${a}..HEAD`]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('baselined: 2 findings accepted by the baseline');
    repo.write('config/app.env', 'LOG_LEVEL=info\n' + APP_ENV + 'AGENT_MODE=EXECUTE # again\n');
    expect(cli(['baseline']).code).toBe(0);
    repo.commitAll('hide a new finding in a regenerated baseline');
    const bad = cli(['scan', '--range', `${a}..HEAD`]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/config\/app\.env:4:12 {2}agent-mode/);
    expect(bad.stdout).toMatch(/\.safety-gate\/baseline\.json {2}protected-target/);
  });
});

describe('baseline on the server', () => {
  it('comes from the protected branch tip before the push, never from the pushed commits', () => {
    const bare = join(sb.dir, 'server.git');
    Repo.init(sb, 'server.git', ['--bare']);
    repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n').write('config/app.env', APP_ENV);
    repo.commitAll('findings');
    expect(cli(['baseline']).code).toBe(0);
    repo.commitAll('baseline');
    repo.git('remote', 'add', 'origin', bare);
    // The repository as it was before the gate was installed on the server.
    repo.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    const policy = join(sb.dir, 'policy.yaml');
    writeFileSync(policy, 'extends: [agenttrader-v2]\n');
    expect(cli(['install', '--server', bare, '--config', policy]).code).toBe(0);

    // An unrelated edit of a file with baselined findings lands: the baseline at main's tip applies.
    repo.write('config/app.env', 'LOG_LEVEL=info\n' + APP_ENV);
    repo.commitAll('unrelated');
    const ok = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/main']);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/remote: baselined: 2 findings accepted by the baseline [0-9a-f]{12}:\.safety-gate\/baseline\.json/);

    // A pushed baseline that covers a new finding helps nothing: the server reads main's tip.
    repo.write('config/app.env', 'LOG_LEVEL=info\n' + APP_ENV + 'AGENT_MODE=EXECUTE # again\n');
    expect(cli(['baseline']).code).toBe(0);
    repo.commitAll('new finding, baseline regenerated to hide it');
    const bad = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/main']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/remote: config\/app\.env:4:12 {2}agent-mode {2}AGENT_MODE is set to "EXECUTE"/);
    expect(bad.stderr).toMatch(/remote: \.safety-gate\/baseline\.json {2}protected-target/);
    expect(bad.stderr).toContain('pre-receive hook declined');
  });
});

describe('baseline and the structure of the file', () => {
  const INI = '[shadow]\nagent_mode = EXECUTE\n[live]\nagent_mode = OBSERVE\n';
  const PROFILES = 'shadow:\n  AGENT_MODE: EXECUTE\nAGENT_MODE: OBSERVE\n';
  function adoptStructured(): void {
    repo.write('config/legacy.ini', INI).write('config/profiles.yaml', PROFILES).write('.gitignore', 'node_modules/\n');
    repo.commitAll('shadow profiles');
    mkdirSync(join(repo.path, 'node_modules/.bin'), { recursive: true });
    symlinkSync(CLI, join(repo.path, 'node_modules/.bin/safety-gate'));
    expect(cli(['init', '--preset', 'agenttrader-v2']).code).toBe(0);
    expect(cli(['install', '--hooks-path']).code).toBe(0);
    const b = cli(['baseline']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toContain('baseline of 2 finding(s)');
    repo.git('add', '-A');
    const first = commit('Adopt safety-gate');
    expect(first.code, first.out).toBe(0);
  }

  it('a baselined line moved to another INI section, or out of its YAML parent, is a new finding; edits within the structure stay baselined', () => {
    adoptStructured();
    // Within the structure: a comment, a sibling key, the line moved inside its section / parent.
    repo.write('config/legacy.ini', '# legacy\n[shadow]\nspeed = 4\nagent_mode = EXECUTE\n[live]\nagent_mode = OBSERVE\n');
    repo.write('config/profiles.yaml', '# profiles\nshadow:\n  SPEED: 4\n  AGENT_MODE: EXECUTE\nAGENT_MODE: OBSERVE\n');
    repo.git('add', '-A');
    const ok = commit('tune the shadow profile');
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/baselined: 2 findings accepted by the baseline/);

    // Red team ini-move-line-into-live-section.
    repo.write('config/legacy.ini', '[shadow]\n[live]\nagent_mode = EXECUTE\n');
    repo.git('add', '-A');
    const head = repo.head();
    const ini = commit('move the setting to live');
    expect(ini.code).not.toBe(0);
    expect(ini.out).toMatch(/config\/legacy\.ini:3:\d+ {2}agent-mode {2}/);
    expect(repo.head()).toBe(head);
    expect(audit(repo).at(-1)).toMatchObject({ door: 'pre-commit', decision: 'block' });
    repo.git('checkout', '-q', 'HEAD', '--', 'config/legacy.ini');

    // Red team yaml-reindent-to-top-level, and yaml-swap-values.
    for (const [moved, line] of [
      ['shadow: {}\nAGENT_MODE: EXECUTE\n', 2],
      ['shadow:\n  AGENT_MODE: OBSERVE\nAGENT_MODE: EXECUTE\n', 3],
    ] as const) {
      repo.write('config/profiles.yaml', moved);
      repo.git('add', '-A');
      const yaml = commit('promote the shadow setting');
      expect(yaml.code, moved).not.toBe(0);
      expect(yaml.out).toMatch(new RegExp(`config/profiles\\.yaml:${line}:\\d+ {2}agent-mode {2}AGENT_MODE is set to "EXECUTE"`));
      expect(yaml.out).not.toMatch(/baselined/);
    }

    // JSON and SARIF carry the fingerprint the baseline holds.
    repo.git('checkout', '-q', 'HEAD', '--', 'config/profiles.yaml');
    const file = JSON.parse(readFileSync(join(repo.path, '.safety-gate/baseline.json'), 'utf8')) as { findings: { fingerprint: string }[] };
    const json = JSON.parse(cli(['scan', '--format', 'json']).stdout) as { baselined: { fingerprint: string }[] };
    expect(json.baselined.map((f) => f.fingerprint).sort()).toEqual(file.findings.map((e) => e.fingerprint).sort());
    const sarif = JSON.parse(cli(['scan', '--format', 'sarif']).stdout) as { runs: { results: { partialFingerprints: Record<string, string> }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.partialFingerprints['safetyGateFindingHash/v3']).sort()).toEqual(file.findings.map((e) => e.fingerprint).sort());
  });
});
