// Required-check receipts end to end: real git, real ssh-keygen keys made here, the hooks wired
// by core.hooksPath (client) and a bare repository whose pre-receive hook runs the built CLI
// (server). The agent is dave (author dave@example.com, REMOTE_USER=dave); CI is carol (role ci).
// Every refusal is asserted by its one line and by the audit record ("skipped check").
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';
import { makeKeys, type Keys } from './approval-keys.js';

const REPO_ID = 'acme/trading';
const NOTES = 'refs/notes/safety-gate-checks';
const CHECKS = {
  // Passes when status.txt (in the checked-out tree) starts with "ok"; prints the mode it saw.
  unit: { command: ['sh', '-c', 'echo "TRADING_MODE=$TRADING_MODE"; grep -q "^ok" status.txt'] },
};
const AGENT_ENV = { GIT_AUTHOR_EMAIL: 'dave@example.com', GIT_COMMITTER_EMAIL: 'dave@example.com' };

let sb: Sandbox;
let keys: Keys;

beforeEach(() => {
  sb = sandbox({ SAFETY_GATE_BIN: CLI });
  keys = makeKeys(sb.dir, ['carol', 'dave', 'mallory', 'eve']);
});
afterEach(() => sb.cleanup());

function policy(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    extends: [],
    limits: { deadline_ms: { default: 60000, 'pre-receive': 60000 } },
    agents: { identities: ['dave', 'dave@example.com'] },
    checks: CHECKS,
    check_defaults: { env: { TRADING_MODE: 'paper' } },
    required_checks: ['unit'],
    approvals: {
      repo_id: REPO_ID,
      allowed_signers: keys.allowedSigners,
      // dave (the agent) is in the ci role too: his own signature must still not count for his push.
      roles: { ci: ['carol@example.com', 'dave@example.com'], dev: ['mallory@example.com'] },
      identities: { dave: 'dave@example.com' },
    },
    ...extra,
  };
}

function cli(repo: Repo, args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd: repo.path, env: { ...repo.env, ...env } });
}

function lastAudit(lines: string[]): { decision: string; findings: { rule: string; severity: string; commit: string | null }[] } {
  return JSON.parse(lines[lines.length - 1]!);
}

function clientAudit(repo: Repo): string[] {
  const log = join(repo.path, '.git', 'safety-gate', 'audit.jsonl');
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Canonical JSON as the gate writes it (keys sorted at every depth). */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

describe('client doors: pre-commit through core.hooksPath', () => {
  let repo: Repo;
  beforeEach(() => {
    repo = Repo.init(sb);
    repo.git('config', 'core.hooksPath', join(ROOT, 'hooks'));
    repo.write('safety-gate.config.yaml', stringify(policy()));
    repo.write('status.txt', 'ok\n');
    repo.commitAll('seed');
  });
  const commit = (msg: string, env: Record<string, string> = AGENT_ENV) => {
    const r = repo.gitResult(['commit', '-q', '-m', msg], { env: { ...repo.env, ...env } });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  const stagedTree = () => repo.git('write-tree').trim();

  it('refuses an agent commit without a receipt, and audits the skipped check', () => {
    const head = repo.head();
    repo.write('a.txt', 'work\n');
    repo.git('add', 'a.txt');
    const tree = stagedTree();
    const r = commit('agent work');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`required-checks/skipped-check  required check unit has no passing receipt for the staged tree (tree ${tree.slice(0, 12)}): no receipt`);
    expect(r.out).toContain('fix: run `safety-gate check run unit`');
    expect(repo.head()).toBe(head);
    const rec = lastAudit(clientAudit(repo));
    expect(rec.decision).toBe('block');
    expect(rec.findings.map((f) => f.rule)).toContain('required-checks/skipped-check');
  });

  it('runs the check on exactly the staged tree (not the dirty work tree), with TRADING_MODE=paper', () => {
    repo.write('status.txt', 'broken\n');
    repo.git('add', 'status.txt');
    repo.write('status.txt', 'ok\n'); // unstaged: the check must not see it
    repo.write('untracked.txt', 'x\n');
    const r = cli(repo, ['check', 'run', 'unit']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('TRADING_MODE=paper');
    expect(r.stderr).toContain(`check unit FAILED (exit 1) on tree ${stagedTree().slice(0, 12)}`);
    // The receipt is still recorded, with its exit code, on the staged tree.
    const list = JSON.parse(cli(repo, ['check', 'list', '--format', 'json']).stdout);
    expect(list.tree).toBe(stagedTree());
    expect(list.receipts.map((x: { check: string; exit_code: number; signed: boolean }) => [x.check, x.exit_code, x.signed])).toEqual([['unit', 1, false]]);
    // The index is untouched by the check's own checkout.
    expect(repo.git('diff', '--cached', '--name-only').trim()).toBe('status.txt');
  });

  it('refuses a failing receipt, then the passing twin commits', () => {
    repo.write('status.txt', 'broken\n');
    repo.git('add', 'status.txt');
    expect(cli(repo, ['check', 'run', 'unit']).code).toBe(1);
    const bad = commit('agent: break it');
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/required check unit has no passing receipt for the staged tree \(tree [0-9a-f]{12}\): the check failed \(exit 1 at /);
    expect(cli(repo, ['check', 'verify']).code).toBe(1);

    repo.write('status.txt', 'ok, fixed\n');
    repo.git('add', 'status.txt');
    const run = cli(repo, ['check', 'run', 'unit']);
    expect(run.code, run.stderr).toBe(0);
    const v = cli(repo, ['check', 'verify']);
    expect(v.stdout).toContain('ok    unit (unsigned receipt)');
    const good = commit('agent: fix it');
    expect(good.code, good.out).toBe(0);
    expect(repo.git('log', '-1', '--format=%s').trim()).toBe('agent: fix it');
    // The note hangs on the tree: the new commit's tree is the one the receipt names.
    expect(repo.git('notes', `--ref=${NOTES}`, 'list', 'HEAD^{tree}').trim()).not.toBe('');
  });

  it('refuses a receipt for another tree: run before the last edit, or a note copied onto this tree', () => {
    repo.write('a.txt', 'v1\n');
    repo.git('add', 'a.txt');
    const first = stagedTree();
    expect(cli(repo, ['check', 'run', 'unit']).code).toBe(0);
    repo.write('a.txt', 'v2\n');
    repo.git('add', 'a.txt');
    const second = stagedTree();
    const r = commit('agent: edited after the check');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`required check unit has no passing receipt for the staged tree (tree ${second.slice(0, 12)}): no receipt`);
    // --tree names the tree to run on; check list shows its receipts.
    expect(cli(repo, ['check', 'run', 'unit', '--tree', first]).code).toBe(0);
    const listed = cli(repo, ['check', 'list', '--tree', first]).stdout.trim().split('\n');
    expect(listed).toHaveLength(2);
    for (const line of listed) expect(line).toMatch(/^ok {2}unit {2}exit 0 {2}unsigned {2}\d{4}-\d\d-\d\dT/);
    expect(cli(repo, ['check', 'list']).stdout).toBe(`no receipts for tree ${second.slice(0, 12)} in ${NOTES}\n`);
    // The first tree's receipt copied onto the second tree names the first tree.
    repo.git('notes', `--ref=${NOTES}`, 'copy', first, second);
    const copied = commit('agent: copied receipt');
    expect(copied.code).not.toBe(0);
    expect(copied.out).toContain(`a receipt is for tree ${first.slice(0, 12)}, not this tree`);
  });

  it('checks run side by side on one tree all keep their receipt (the note is updated under a lock; the index lock is never needed)', async () => {
    const many = Object.fromEntries(['c1', 'c2', 'c3', 'c4'].map((n) => [n, { command: ['sh', '-c', 'sleep 0.2'] }]));
    repo.write('safety-gate.config.yaml', stringify(policy({ checks: { ...CHECKS, ...many } })));
    repo.git('add', '-A');
    const { spawn } = await import('node:child_process');
    // Another git holds the index lock (an editor's commit, or the checks' own write-tree): the
    // index's tree is written from a private copy, so no run fails on index.lock.
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(join(repo.path, '.git', 'index.lock'), '');
    const runs = await Promise.all(
      Object.keys(many).map(
        (n) =>
          new Promise<{ code: number | null; err: string }>((done) => {
            const child = spawn(process.execPath, [CLI, 'check', 'run', n], { cwd: repo.path, env: repo.env, stdio: ['ignore', 'ignore', 'pipe'] });
            let err = '';
            child.stderr.on('data', (b: Buffer) => (err += b.toString()));
            child.on('close', (code) => done({ code, err }));
          }),
      ),
    );
    rmSync(join(repo.path, '.git', 'index.lock'));
    expect(
      runs.map((r) => r.code),
      runs.map((r) => r.err).join('\n'),
    ).toEqual([0, 0, 0, 0]);
    const list = JSON.parse(cli(repo, ['check', 'list', '--format', 'json']).stdout);
    expect(list.receipts.map((x: { check: string }) => x.check).sort(), runs.map((r) => r.err).join('\n')).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('check: usage errors are exit 2 with one line; --help prints the usage', () => {
    const unknown = cli(repo, ['check', 'run', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the policy defines no check "nope" (defined: unit)');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'no-such-rev']).code).toBe(2);
    expect(cli(repo, ['check', 'frobnicate']).code).toBe(2);
    const help = cli(repo, ['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: safety-gate check run <name>');
  });

  it('refuses a receipt of another command than the policy defines', () => {
    repo.write('a.txt', 'v1\n');
    repo.git('add', 'a.txt');
    // The agent runs "unit" under a policy of its own where unit is `true`.
    repo.write('tmp-policy.yaml', stringify(policy({ checks: { unit: { command: ['true'] } } })));
    expect(cli(repo, ['check', 'run', 'unit', '--config', 'tmp-policy.yaml']).code).toBe(0);
    repo.rm('tmp-policy.yaml');
    const r = commit('agent: ran something else');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('a receipt ran another command or environment than the policy defines for it');
  });

  it('leaves people alone by default (applies_to: agents), and holds them with applies_to: everyone', () => {
    repo.write('a.txt', 'human\n');
    repo.git('add', 'a.txt');
    expect(commit('human work', {}).code).toBe(0);
    repo.write('safety-gate.config.yaml', stringify(policy({ rules: { 'required-checks': { options: { applies_to: 'everyone' } } } })));
    repo.git('add', '-A');
    const r = commit('human work 2', {});
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('required check unit has no passing receipt for the staged tree');
  });

  it('client_evidence: signed wants a ci signature on the client too', () => {
    repo.write('safety-gate.config.yaml', stringify(policy({ rules: { 'required-checks': { options: { client_evidence: 'signed' } } } })));
    repo.git('add', '-A');
    expect(cli(repo, ['check', 'run', 'unit']).code).toBe(0);
    const r = commit('agent: unsigned receipt');
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('a passing receipt is unsigned; only receipts signed by the ci role count here');
    expect(cli(repo, ['check', 'run', 'unit', '--key', keys.key('carol')]).code).toBe(0);
    const ok = commit('agent: ci-signed receipt');
    expect(ok.code, ok.out).toBe(0);
  });

  it('pre-push refuses a branch tip without a receipt, and passes once the check ran on it', () => {
    const remote = join(sb.dir, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', remote], { env: sb.env });
    repo.git('remote', 'add', 'origin', remote);
    repo.write('a.txt', 'pushed\n');
    repo.git('add', 'a.txt');
    repo.gitResult(['commit', '-q', '--no-verify', '-m', 'agent: no hooks'], { env: { ...repo.env, ...AGENT_ENV } });
    const tip = repo.head();
    const r = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/feature']);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain(`required check unit has no passing receipt for refs/heads/feature at ${tip.slice(0, 12)}`);
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD']).code).toBe(0);
    const ok = repo.gitResult(['push', 'origin', 'HEAD:refs/heads/feature', NOTES]);
    expect(ok.status, `${ok.stdout}${ok.stderr}`).toBe(0);
  });
});

describe('server: pre-receive on a protected branch wants a ci signature', () => {
  let server: Server;
  let repo: Repo;

  beforeEach(() => {
    server = createServer(sb, policy(), { hookEnv: 'export REMOTE_USER=dave\n' });
    execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
    repo = new Repo(join(sb.dir, 'work'), { ...sb.env, ...AGENT_ENV });
    repo.write('safety-gate.config.yaml', stringify(policy()));
    repo.write('status.txt', 'broken\n');
    repo.commitAll('seed by the agent');
  });
  const pushMain = () => push(repo, ['origin', 'HEAD:refs/heads/main', NOTES]);
  const noteLines = () => repo.git('notes', `--ref=${NOTES}`, 'show', 'HEAD^{tree}').split('\n').filter(Boolean);
  const setNote = (lines: string[]) => repo.gitResult(['notes', `--ref=${NOTES}`, 'add', '-f', '-F', '-', 'HEAD^{tree}'], { input: lines.join('\n') + '\n' });
  const refusedWith = (r: { code: number | null; out: string }, text: string) => {
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('required-checks/skipped-check');
    expect(r.out).toContain(text);
    expect(server.ref('refs/heads/main')).toBeNull();
    const rec = lastAudit(server.auditLines());
    expect(rec.decision).toBe('block');
    expect(rec.findings.filter((f) => f.rule === 'required-checks/skipped-check').map((f) => f.commit)).toEqual([repo.head()]);
  };

  it('refuses no receipt and an unsigned one', () => {
    refusedWith(push(repo, ['origin', 'HEAD:refs/heads/main']), `required check unit has no passing receipt for refs/heads/main at ${repo.head().slice(0, 12)}`);
    repo.write('status.txt', 'ok\n');
    repo.commitAll('agent: fix');
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD']).code).toBe(0);
    refusedWith(pushMain(), 'a passing receipt is unsigned; only receipts signed by the ci role count here');
  });

  it('refuses a forged CI signature (a failed run edited to pass)', () => {
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD', '--key', keys.key('carol')]).code).toBe(1);
    const [line] = noteLines();
    const [tag, v, data, sig] = line!.split(' ');
    const receipt = JSON.parse(Buffer.from(data!, 'base64').toString('utf8'));
    expect(receipt.exit_code).toBe(1);
    receipt.exit_code = 0;
    setNote([`${tag} ${v} ${Buffer.from(canonical(receipt)).toString('base64')} ${sig}`]);
    refusedWith(pushMain(), "the signature of carol@example.com's receipt does not verify (receipt altered or signature forged)");
  });

  it('refuses a receipt signed by a key outside the ci role, and one by an unknown key', () => {
    repo.write('status.txt', 'ok\n');
    repo.commitAll('agent: fix');
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD', '--key', keys.key('mallory')]).code).toBe(0);
    refusedWith(pushMain(), 'mallory@example.com signed a passing receipt but holds no ci role (roles come from the server policy)');
    setNote([]);
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD', '--key', keys.key('eve')]).code).toBe(0);
    refusedWith(pushMain(), 'the receipt is signed by a key that is not in the allowed signers');
  });

  it("refuses a receipt signed by the pusher's own key, even though it holds the ci role", () => {
    repo.write('status.txt', 'ok\n');
    repo.commitAll('agent: fix');
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD', '--key', keys.key('dave')]).code).toBe(0);
    refusedWith(pushMain(), "dave@example.com signed its own change's receipt; evidence comes from the ci role, never from the pusher or author");
  });

  it('with agents.require_scope, the agent may push receipts (notes commits), but not source under the notes ref', () => {
    server = createServer(sb, policy({ agents: { identities: ['dave', 'dave@example.com'], require_scope: true } }), { name: 'scoped.git', hookEnv: 'export REMOTE_USER=dave\n' });
    repo.git('remote', 'set-url', 'origin', server.url);
    // A commit of source under the notes ref is judged as always.
    repo.write('src/app.py', 'x = 1\n');
    const code = repo.commitAll('agent: code without a scope');
    const r = push(repo, ['origin', `${code}:${NOTES}`]);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('task-scope/missing');
    expect(server.ref(NOTES)).toBeNull();
    // Receipts (a notes commit) are no task's work.
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD']).code).toBe(1);
    const notes = push(repo, ['origin', NOTES]);
    expect(notes.code, notes.out).toBe(0);
    expect(notes.out).not.toContain('task-scope');
  });

  it('break-glass by two people lets a change without evidence through, audited as an override', () => {
    const glass = policy();
    (glass.approvals as Record<string, unknown>).roles = { ci: ['carol@example.com'], security: ['carol@example.com'], oncall: ['mallory@example.com'] };
    (glass.approvals as Record<string, unknown>).break_glass = ['security', 'oncall'];
    server = createServer(sb, glass, { name: 'glass.git', hookEnv: 'export REMOTE_USER=dave\n' });
    repo.git('remote', 'set-url', 'origin', server.url);
    for (const who of ['carol', 'mallory'] as const) {
      const r = cli(repo, [
        'approve',
        'HEAD',
        '--break-glass',
        '--incident',
        'INC-7',
        '--bypass',
        'required-checks',
        '--rollback',
        'revert HEAD',
        '--key',
        keys.key(who),
        '--repo-id',
        REPO_ID,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const r = push(repo, ['origin', 'HEAD:refs/heads/main', 'refs/notes/safety-gate']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('bypassed under break-glass INC-7');
    const rec = JSON.parse(server.auditLines().at(-1)!);
    expect(rec.decision).toBe('override');
    expect(rec.override.checks_bypassed).toEqual(['required-checks/skipped-check']);
  });

  it('lands with a valid ci signature; a feature branch needs none; the notes ref cannot be deleted', () => {
    repo.write('status.txt', 'ok\n');
    repo.commitAll('agent: fix');
    // Feature branches are where CI runs: no evidence needed there.
    expect(push(repo, ['origin', 'HEAD:refs/heads/agent/task-1']).code).toBe(0);
    // CI (carol) runs and signs the check on the tip it sees, and pushes only the notes ref.
    const ci = cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD', '--key', keys.key('carol')]);
    expect(ci.code, ci.stderr).toBe(0);
    expect(cli(repo, ['check', 'verify', '--rev', 'HEAD', '--signed']).stdout).toContain('ok    unit (signed by carol@example.com)');
    const r = pushMain();
    expect(r.code, r.out).toBe(0);
    expect(server.ref('refs/heads/main')).toBe(repo.head());
    expect(lastAudit(server.auditLines()).decision).toBe('pass');
    // ref-integrity/notes-ref: the receipts cannot be wiped.
    const del = push(repo, ['origin', `:${NOTES}`]);
    expect(del.code).not.toBe(0);
    expect(del.out).toContain(`this push deletes ${NOTES}`);
    expect(server.ref(NOTES)).not.toBeNull();
  });
});

describe('scan --range reports the tips that lack evidence', () => {
  it('in text and JSON, and stops once the check ran on the tip', () => {
    const repo = Repo.init(sb);
    repo.write('safety-gate.config.yaml', stringify(policy()));
    repo.write('status.txt', 'ok\n');
    const base = repo.commitAll('seed');
    const agent = new Repo(repo.path, { ...repo.env, ...AGENT_ENV });
    agent.write('a.txt', '1\n');
    agent.commitAll('agent 1');
    agent.write('a.txt', '2\n');
    const tip = agent.commitAll('agent 2');
    const json = cli(repo, ['scan', '--range', `${base}..HEAD`, '--format', 'json', '--no-audit']);
    expect(json.code).toBe(1);
    const findings = JSON.parse(json.stdout).findings.filter((f: { rule: string }) => f.rule === 'required-checks/skipped-check');
    expect(findings.map((f: { commit: string; message: string }) => [f.commit, f.message.split(':')[0]])).toEqual([
      [tip, `required check unit has no passing receipt for commit ${tip.slice(0, 12)} (tree ${repo.git('rev-parse', 'HEAD^{tree}').trim().slice(0, 12)})`],
    ]);
    const text = cli(repo, ['scan', '--range', `${base}..HEAD`, '--no-audit']);
    expect(text.stdout + text.stderr).toContain(`required check unit has no passing receipt for commit ${tip.slice(0, 12)}`);
    // check verify --range: the same tips, for CI.
    const v = cli(repo, ['check', 'verify', '--range', `${base}..HEAD`, '--format', 'json']);
    expect(v.code).toBe(1);
    expect(JSON.parse(v.stdout).tips.map((t: { commit: string; ok: boolean; checks: { why: string[] }[] }) => [t.commit, t.ok, t.checks[0]!.why])).toEqual([
      [tip, false, ['no receipt']],
    ]);
    expect(cli(repo, ['check', 'run', 'unit', '--rev', 'HEAD']).code).toBe(0);
    expect(cli(repo, ['scan', '--range', `${base}..HEAD`, '--no-audit']).code).toBe(0);
    expect(cli(repo, ['check', 'verify', '--range', `${base}..HEAD`]).stdout).toBe(`ok    unit on ${tip.slice(0, 12)} (unsigned receipt)\n`);
  });
});

describe("README's required-checks pipeline", () => {
  it('runs as written: refused without a receipt, lands on the client with one, refused on main until CI signs', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const begin = readme.indexOf('<!-- required-checks:begin -->');
    const end = readme.indexOf('<!-- required-checks:end -->');
    expect(begin).toBeGreaterThan(0);
    const block = readme.slice(begin, end);
    const script = block.slice(block.indexOf('```sh\n') + 6, block.lastIndexOf('```'));
    // The section's policy example is valid configuration.
    const section = readme.slice(readme.indexOf('## Required checks'));
    const yamlStart = section.indexOf('```yaml\n') + 8;
    const example = Repo.init(sb, 'example');
    example.write('safety-gate.config.yaml', section.slice(yamlStart, section.indexOf('```', yamlStart)));
    const cfg = cli(example, ['config', '--format', 'json']);
    expect(cfg.code, cfg.stderr).toBe(0);
    expect(JSON.parse(cfg.stdout).checks['test-suite']).toMatchObject({ env: { TRADING_MODE: 'paper', PYTHONHASHSEED: '0' }, timeout: '20m' });
    const bin = join(sb.dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    execFileSync('sh', ['-c', `printf '#!/bin/sh\\nexec "%s" "%s" "$@"\\n' "${process.execPath}" "${CLI}" > "${bin}/safety-gate" && chmod +x "${bin}/safety-gate"`]);
    const env: NodeJS.ProcessEnv = { ...sb.env, PATH: `${bin}:${sb.env.PATH}` };
    delete env.SAFETY_GATE_BIN;
    const r = spawnSync('bash', ['-c', script], { cwd: sb.dir, env, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/required-checks\/skipped-check\s+required check unit has no passing receipt for the staged tree \(tree [0-9a-f]{12}\): no receipt/);
    expect(out).toMatch(/check unit passed on tree [0-9a-f]{12}/);
    expect(out).toMatch(
      /remote: .*required check unit has no passing receipt for refs\/heads\/main at [0-9a-f]{12} \(tree [0-9a-f]{12}\): a passing receipt is unsigned; only receipts signed by the ci role count here/,
    );
    expect(out).toMatch(/required check unit has no passing receipt for commit [0-9a-f]{12}/);
    expect(out).toMatch(/ok {4}unit on [0-9a-f]{12} \(signed by ci@example\.com\)/);
    const head = (cwd: string, rev: string) => spawnSync('git', ['rev-parse', rev], { cwd, env: sb.env, encoding: 'utf8' }).stdout.trim();
    expect(head(join(sb.dir, 'app.git'), 'refs/heads/main')).toBe(head(join(sb.dir, 'app'), 'HEAD'));
    expect(head(join(sb.dir, 'app'), 'HEAD~1')).not.toBe('');
  });
});
