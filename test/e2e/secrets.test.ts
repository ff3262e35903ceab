// The secrets rule end to end with real git: warn-only on a client commit (the commit lands,
// the warning is printed), and, promoted to block on the server, a secret that appears only in
// a merge resolution and one in the second ref of a multi-ref push are both refused at
// pre-receive, attributed to the commit and ref that introduced them, with a gitleaks config
// the server's policy names. No output and no audit line ever holds a secret.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { fake } from '../../src/rules/secrets/detectors/types.js';
import { createServer, push } from './server.js';

const AWS_ID = fake('AKIA', 'Q7FAKEKEY2345QZX');
const ALPACA = fake('fakeFAKEfake01234567', 'abcdefQWERTYuiopZXCV');
const ACME = fake('acme_', 'q8FAKEz3Lm0Np7Rs2Tu5Vw9X');
const SECRETS = [AWS_ID, ALPACA, ACME, ACME.slice(5)];

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox({ SAFETY_GATE_BIN: CLI });
});
afterEach(() => sb.cleanup());

function expectNoSecret(...texts: string[]): void {
  for (const t of texts) for (const s of SECRETS) expect(t).not.toContain(s);
}

describe('secrets, client commit', () => {
  it('warn-only by default: the commit lands, the finding is printed redacted in text, JSON and SARIF, audited as a hash', () => {
    const repo = Repo.init(sb);
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify({ extends: ['agenttrader-v2'] }));
    repo.write('README.md', 'hello\n');
    repo.commitAll('seed');
    repo.write('config/broker.env', `APCA_API_SECRET_KEY=${ALPACA}\nAWS_ACCESS_KEY_ID=${AWS_ID}\n`);
    repo.git('add', '-A');
    const r = repo.gitResult(['commit', '-m', 'add broker config']);
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('add broker config');
    expect(out).toContain('secrets/alpaca-api-key');
    expect(out).toContain('config/broker.env:1:21');
    expect(out).toContain('AKIA…5QZX (20 chars)');
    const json = runCli(['scan', '--format', 'json'], { cwd: repo.path, env: sb.env });
    const sarif = runCli(['scan', '--format', 'sarif'], { cwd: repo.path, env: sb.env });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.findings.filter((f: { rule: string }) => f.rule.startsWith('secrets/')).map((f: { rule: string; severity: string }) => `${f.severity} ${f.rule}`)).toEqual([
      'warn secrets/alpaca-api-key',
      'warn secrets/aws-access-key-id',
    ]);
    expect(sarif.stdout).toContain('secrets/aws-access-key-id');
    const audit = readFileSync(join(repo.path, '.git/safety-gate/audit.jsonl'), 'utf8');
    const hashes = audit
      .split('\n')
      .filter(Boolean)
      .flatMap((l) => JSON.parse(l).findings)
      .filter((f: { rule: string }) => f.rule.startsWith('secrets/'))
      .map((f: { secret_sha256?: string }) => f.secret_sha256);
    expect(hashes.length).toBeGreaterThan(0);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
    expectNoSecret(out, json.stdout, json.stderr, sarif.stdout, audit);
  });
});

describe('secrets, pre-receive (promoted to block)', () => {
  function setup() {
    const policy = { extends: ['recommended'], rules: { secrets: { severity: 'block', options: { gitleaks_config: 'gitleaks.toml' } } } };
    const server = createServer(sb, policy);
    // Next to the server's policy file: the server's own rules, not the pushed tree's.
    writeFileSync(
      join(server.path, 'safety-gate', 'gitleaks.toml'),
      ['[[rules]]', 'id = "acme-token"', "regex = '''(?i)\\bacme_(?P<t>[a-z0-9]{24})\\b'''", 'secretGroup = 1', 'entropy = 3', 'keywords = ["acme_"]', ''].join('\n'),
    );
    execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/work`], { env: sb.env });
    const repo = new Repo(`${sb.dir}/work`, sb.env);
    repo.write('config/app.env', 'KEY=1\n');
    repo.commitAll('base');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    return { server, repo };
  }

  it('a secret that appears only in a merge resolution is refused, attributed to the merge commit', () => {
    const { server, repo } = setup();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('config/app.env', 'KEY=2\n');
    repo.commitAll('feature');
    repo.git('checkout', '-q', 'main');
    repo.write('config/app.env', 'KEY=3\n');
    repo.commitAll('main side');
    expect(repo.gitResult(['merge', '-q', 'feature', '-m', 'merge']).status).not.toBe(0);
    // The resolution is neither side: the key exists only in the merge commit.
    repo.write('config/app.env', `KEY=23\nAWS_ACCESS_KEY_ID=${AWS_ID}\n`);
    const merge = repo.commitAll('merge feature');
    const before = server.ref('refs/heads/main');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('pre-receive hook declined');
    expect(r.out).toMatch(/remote: .*config\/app\.env:2:19.*secrets\/aws-access-key-id/);
    expect(server.ref('refs/heads/main')).toBe(before);
    const last = JSON.parse(server.auditLines().at(-1)!);
    expect(last.decision).toBe('block');
    expect(last.findings.map((f: { rule: string; commit: string }) => [f.rule, f.commit])).toEqual([['secrets/aws-access-key-id', merge]]);
    expectNoSecret(r.out, server.auditLines().join('\n'));
  });

  it('a secret in the second ref of a multi-ref push is refused, named by that ref; the server gitleaks rule applies and the pushed tree cannot switch it off', () => {
    const { server, repo } = setup();
    repo.git('checkout', '-q', '-b', 'good');
    repo.write('good.txt', 'fine\n');
    repo.commitAll('good');
    repo.git('checkout', '-q', '-b', 'bad', 'main');
    // A pushed gitleaks config that would allow everything: the server never reads it.
    repo.write('.gitleaks.toml', "[allowlist]\npaths = ['''.*''']\n");
    repo.write('safety-gate.config.yaml', stringify({ rules: { secrets: 'off' } }));
    repo.write('services/token.cfg', `token=${ACME}\n`);
    const bad = repo.commitAll('bad');
    const r = push(repo, ['origin', 'good', 'bad']);
    expect(r.code).not.toBe(0);
    expect(server.ref('refs/heads/good')).toBeNull();
    expect(server.ref('refs/heads/bad')).toBeNull();
    expect(r.out).toMatch(/remote: .*services\/token\.cfg:1:12 +secrets\/acme-token +acme-token q8FA…Vw9X \(24 chars\) in blob [0-9a-f]{12} +\[[0-9a-f]{12} refs\/heads\/bad\]/);
    const last = JSON.parse(server.auditLines().at(-1)!);
    expect(last.refs.map((x: { ref: string }) => x.ref)).toEqual(['refs/heads/good', 'refs/heads/bad']);
    const f = last.findings.find((x: { rule: string }) => x.rule === 'secrets/acme-token');
    expect([f.commit, f.severity]).toEqual([bad, 'block']);
    const json = runCli(['scan', '--range', 'main..bad', '--format', 'json'], { cwd: repo.path, env: sb.env });
    expectNoSecret(r.out, server.auditLines().join('\n'), json.stdout, json.stderr);
  });

  it('a team pattern that backtracks on the pushed bytes is stopped at the deadline: could not decide, one line, one audit line', () => {
    // `(a+)+$` on 40 a's and a b takes longer than the age of the universe in a backtracking
    // engine; gitleaks (RE2) would answer at once. The gate must not hang the push.
    const policy = {
      extends: ['recommended'],
      rules: { secrets: { severity: 'block', options: { gitleaks_config: 'gitleaks.toml' } } },
      limits: { deadline_ms: { 'pre-receive': 2500 } },
    };
    const server = createServer(sb, policy);
    writeFileSync(
      join(server.path, 'safety-gate', 'gitleaks.toml'),
      ['[[rules]]', 'id = "slow-token"', "regex = '''slowtoken=(a+)+$'''", 'keywords = ["slowtoken="]', ''].join('\n'),
    );
    execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/work`], { env: sb.env });
    const repo = new Repo(`${sb.dir}/work`, sb.env);
    repo.write('services/slow.cfg', `slowtoken=${'a'.repeat(40)}b\n`);
    repo.commitAll('slow');
    const started = Date.now();
    const r = push(repo, ['origin', 'main']);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('pre-receive hook declined');
    expect(r.out).toMatch(
      /remote: safety-gate: could not decide — secrets: the pattern slow-token was still matching services\/slow\.cfg \(blob [0-9a-f]{12}\) at the deadline; blocking to stay safe; rewrite that pattern in gitleaks.toml/,
    );
    expect(r.out).not.toMatch(/safety-gate: passed/);
    expect(server.ref('refs/heads/main')).toBeNull();
    const lines = server.auditLines();
    expect(lines).toHaveLength(1);
    const last = JSON.parse(lines[0]!);
    expect(last.decision).toBe('error');
    expect(last.error).toMatch(/slow-token/);
  });
});
