// The README's "One agent run, end to end", run as written against a real bare server with the
// hook installed and real ssh-keygen keys: a signed task, an out-of-scope attempt refused and
// counted, a CI-signed receipt, a person's approval and lane reset, the push to main, a signed
// release tag and its evidence bundle. Every refusal is asserted by its reason, the lane's count
// by the server's audit log.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

const RUN = '0b6f2c1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e';
const LANE = `${RUN}/file:config/**`;

function readmeBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('<!-- agent-run:begin -->'), readme.indexOf('<!-- agent-run:end -->'));
  expect(block.length).toBeGreaterThan(100);
  return block.slice(block.indexOf('```sh\n') + 6, block.lastIndexOf('```'));
}

function run(script: string): { out: string; status: number | null; work: string } {
  const bin = join(sb.dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'safety-gate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
  const work = join(sb.dir, 'work');
  mkdirSync(work);
  const r = spawnSync('bash', ['-c', script], { cwd: work, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH}` }, encoding: 'utf8', timeout: 240_000 });
  return { out: `${r.stdout}${r.stderr}`, status: r.status, work };
}

const git = (cwd: string, ...args: string[]) => spawnSync('git', args, { cwd, env: sb.env, encoding: 'utf8' }).stdout.trim();

interface AuditLine {
  decision: string;
  refs: { ref: string }[];
  task?: { lane?: string };
  actor?: { name?: string };
  retention_class?: string;
}

describe("README's agent run", () => {
  it('runs as written: refused out of scope and counted, refused without receipt and approval, then lands and is released', () => {
    const { out, status, work } = run(readmeBlock());
    expect(status, out).toBe(0);
    // The out-of-scope attempt, the warning, the refusal of main for both missing pieces of evidence.
    expect(out).toMatch(/remote: src\/app\.py\s+task-scope\s+out of scope, pending review: src\/app\.py modified, outside the scope of task 0b6f2c1e/);
    expect(out).toContain(`retry budget: 1 attempt left of 2 for task lane ${LANE}`);
    expect(out).toMatch(/policy-record\/approval\s+agent push by codex-bot to protected branch refs\/heads\/main/);
    expect(out).toMatch(/required-checks\/skipped-check\s+required check unit has no passing receipt for refs\/heads\/main/);
    expect(out).toMatch(/check unit passed on tree [0-9a-f]{12} in [\d.]+s; signed receipt stored in refs\/notes\/safety-gate-checks/);
    expect(out).toMatch(/policy-record\/approval\s+approved by alice@example\.com \(reviewed the run\)/);
    // main is the agent's commit; the signed release tag landed and names it.
    const server = join(work, 'app.git');
    expect(git(server, 'rev-parse', 'refs/heads/main')).toBe(git(join(work, 'app'), 'rev-parse', 'HEAD'));
    expect(git(server, 'rev-parse', 'app/v1.0.0^{commit}')).toBe(git(server, 'rev-parse', 'refs/heads/main'));
    expect(git(server, 'cat-file', '-t', 'app/v1.0.0')).toBe('tag');
    // The server's audit log: two refused attempts of the lane (the main push counted although it
    // brought no commit of its own), then the landing; the tag decision kept seven years.
    const audit = readFileSync(join(server, 'safety-gate', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLine);
    const lane = audit.filter((a) => a.task?.lane === LANE).map((a) => `${a.decision} ${a.refs.map((r) => r.ref).join(',')}`);
    expect(lane).toEqual(['block refs/heads/agent/task-1', 'pass refs/heads/agent/task-1', 'block refs/heads/main', 'pass refs/heads/main']);
    const tag = audit.filter((a) => a.refs.some((r) => r.ref === 'refs/tags/app/v1.0.0'));
    expect(tag.map((a) => [a.decision, a.retention_class, a.actor?.name])).toEqual([['pass', 'release-7y', 'carol']]);
    // The evidence bundle holds its decisions and verifies.
    const bundle = join(work, 'evidence-1.0.0');
    for (const f of ['SHA256SUMS', 'bundle.json', 'decisions.json', 'tag-object.txt']) expect(existsSync(join(bundle, f)), f).toBe(true);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: bundle }).status).toBe(0);
  });

  it('without the lane reset, the exhausted lane refuses the landing push although every other piece of evidence is there', () => {
    const script = readmeBlock()
      .split('\n')
      .filter((l) => !l.includes('--reset-lane'))
      .join('\n');
    const { out, work } = run(script);
    expect(out).toContain(`retry budget exhausted (2 of 2) for task lane ${LANE}`);
    expect(git(join(work, 'app.git'), 'rev-parse', 'refs/heads/main')).not.toBe(git(join(work, 'app'), 'rev-parse', 'HEAD'));
  });

  it('a release tag on a commit whose tree has no CI-signed receipt is refused, although the gate passed that commit', () => {
    const block = readmeBlock();
    expect(block).toContain('git clone -q app.git rel && cd rel\n');
    const { out, work } = run(block.replace('git clone -q app.git rel && cd rel\n', 'git clone -q app.git rel && cd rel && git reset -q --hard HEAD~1\n'));
    expect(out).toMatch(
      /release-tags\/checks\s+release tag app\/v1\.0\.0 names commit [0-9a-f]{12}, whose tree has no passing receipt signed by CI for every required check \(unit: /,
    );
    expect(spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/tags/app/v1.0.0'], { cwd: join(work, 'app.git'), env: sb.env }).status).not.toBe(0);
  });

  it('a move of main onto a feature branch needs every commit it brings approved, not only the tip', () => {
    const amend = 'git commit -q --amend -m "Paper mode" -m "$(cat ../task.trailers)"\n';
    const block = readmeBlock();
    expect(block).toContain(amend);
    // A second in-scope commit on the task branch; the person approves only the tip (HEAD).
    const second = 'echo 1 > config/retries && git add -A && git commit -q -m "Retries" -m "$(cat ../task.trailers)"\n';
    const { out, work } = run(block.replace(amend, amend + second));
    const app = join(work, 'app');
    const first = git(app, 'rev-parse', 'HEAD~1');
    expect(out).toMatch(
      new RegExp(`policy-record/approval\\s+agent push by codex-bot to protected branch refs/heads/main: commit ${first.slice(0, 12)} needs a person's signed approval`),
    );
    expect(git(join(work, 'app.git'), 'rev-parse', 'refs/heads/main')).not.toBe(git(app, 'rev-parse', 'HEAD'));
  });

  it('a push that also carries a second task is an attempt of both lanes: the spent lane still refuses it', () => {
    const block = readmeBlock()
      .split('\n')
      .filter((l) => !l.includes('--reset-lane'))
      .join('\n');
    // Before the landing push, a commit signed for another run rides along (a fresh lane).
    const landing = 'git push origin HEAD:main                             # lands: signed task, CI receipt, approval';
    expect(block).toContain(landing);
    const other = [
      `sed 's/0b6f2c1e-3d4a-4b5c-8d9e-0f1a2b3c4d5e/1c7a3d2f-4e5b-4c6d-9e0f-1a2b3c4d5e6f/' ../task.json > ../task2.json`,
      'safety-gate task sign ../task2.json --key ../orchestrator_key --repo-id acme/app --out ../task2.trailers',
      'git commit -q --allow-empty -m "Other task" -m "$(cat ../task2.trailers)"',
    ].join('\n');
    const { out, work } = run(block.replace(landing, `${other}\n${landing}`));
    expect(out).toContain(`retry budget exhausted (2 of 2) for task lane ${LANE}`);
    const server = join(work, 'app.git');
    const audit = readFileSync(join(server, 'safety-gate', 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditLine & { lanes?: string[] });
    const last = audit.filter((a) => a.refs.some((r) => r.ref === 'refs/heads/main')).at(-1)!;
    expect(last.decision).toBe('block');
    expect(last.lanes).toEqual([LANE, '1c7a3d2f-4e5b-4c6d-9e0f-1a2b3c4d5e6f/file:config/**']);
  });
});
