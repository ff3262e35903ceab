// The pusher's Node settings never reach the server gate: NODE_OPTIONS=--require x.js on a
// local-path push used to run x.js (which exited 0) before the gate, and the push landed. Real
// git, `install --server`, `git push --no-verify` with the variables in the pusher's environment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { serverHookScript } from '../../src/install/server.js';

const POLICY = 'extends: recommended\nprotected_targets:\n  locked: ["locked/**"]\n';

let sb: Sandbox;
let bare: string;
let repo: Repo;
let preload: string;
let mark: string;

beforeEach(() => {
  sb = sandbox();
  bare = join(sb.dir, 'server.git');
  execFileSync('git', ['init', '-q', '--bare', bare], { env: sb.env });
  mark = join(sb.dir, 'preload-ran');
  preload = join(sb.dir, 'x.js');
  // What an attacker would preload: note that it ran, then end the hook "successfully".
  writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran'); if (process.argv.includes('pre-receive')) process.exit(0);\n`);
  execFileSync('git', ['clone', '-q', bare, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
});
afterEach(() => sb.cleanup());

function install(policy = POLICY): void {
  writeFileSync(join(sb.dir, 'policy.yaml'), policy);
  const r = runCli(['install', '--server', bare, '--config', join(sb.dir, 'policy.yaml')], { cwd: sb.dir, env: sb.env });
  expect(r.code, r.stderr).toBe(0);
}

function pushWith(env: Record<string, string>): { code: number | null; out: string } {
  const r = repo.gitResult(['push', '--no-verify', 'origin', 'HEAD:refs/heads/main'], { env: { ...repo.env, ...env } });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const lockedChange = () => {
  repo.write('locked/a.txt', 'x\n');
  return repo.commitAll('touch a protected file');
};
const tip = () => {
  try {
    return execFileSync('git', ['rev-parse', '-q', '--verify', 'refs/heads/main'], { cwd: bare, env: sb.env, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

describe('the installed server hook starts node with a clean Node environment', () => {
  for (const [name, env] of [
    ['NODE_OPTIONS=--require', () => ({ NODE_OPTIONS: `--require ${preload}` })],
    ['NODE_OPTIONS=--import', () => ({ NODE_OPTIONS: `--import=${preload}` })],
    ['NODE_PATH and other NODE_* kept out too', () => ({ NODE_OPTIONS: `-r ${preload}`, NODE_PATH: sb.dir, NODE_REPL_EXTERNAL_MODULE: preload })],
  ] as const) {
    it(`${name}: the preload never runs and the gate judges the push`, () => {
      install();
      const bad = lockedChange();
      const r = pushWith({ ...env(), REMOTE_USER: 'mallory' });
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/remote: .*locked\/a\.txt .*protected-target/);
      expect(r.out).toMatch(/remote: safety-gate: blocked/);
      expect(existsSync(mark)).toBe(false);
      expect(tip()).not.toBe(bad);
      // The platform identity and git's quarantine survive the scrub: the actor is recorded and
      // the pushed (quarantined) objects were read.
      const audit = readFileSync(join(bare, 'safety-gate/audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(audit.at(-1).decision).toBe('block');
      expect(audit.at(-1).actor).toMatchObject({ name: 'mallory' });
    });
  }

  it('a clean push still passes with NODE_EXTRA_CA_CERTS set', () => {
    install();
    repo.write('README.md', 'hello\n');
    const c = repo.commitAll('clean');
    const r = pushWith({ NODE_EXTRA_CA_CERTS: join(sb.dir, 'none.pem'), REMOTE_USER: 'mallory' });
    expect(r.code, r.out).toBe(0);
    expect(tip()).toBe(c);
  });

  it("the script (also the bundle's, which installs the same one) unsets the variables before exec", () => {
    for (const chained of [false, true]) {
      const s = serverHookScript('/usr/bin/node', '/opt/safety-gate/safety-gate-server.cjs', chained);
      const unsetAt = s.indexOf('unset NODE_OPTIONS NODE_PATH NODE_REPL_EXTERNAL_MODULE NODE_V8_COVERAGE');
      expect(unsetAt).toBeGreaterThan(0);
      expect(unsetAt).toBeLessThan(s.indexOf("'/usr/bin/node'"));
      expect(s).not.toMatch(/unset[^\n]*GIT_|env -i/);
    }
  });
});

describe('the CLI refuses pre-receive when NODE_OPTIONS preloads code', () => {
  // A hand-written hook that does not clear the environment (harmless preload: it only notes that it ran).
  function handHook(policy: string): void {
    writeFileSync(preload, `require('fs').writeFileSync(${JSON.stringify(mark)}, 'ran');\n`);
    install(policy);
    const hook = join(bare, 'hooks/pre-receive');
    writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" "${CLI}" hook pre-receive\n`);
    chmodSync(hook, 0o755);
  }

  it('exit 2 with one line, even for a clean push', () => {
    handHook(POLICY);
    repo.write('README.md', 'hello\n');
    repo.commitAll('clean');
    const r = pushWith({ NODE_OPTIONS: `--require ${preload}` });
    expect(r.code).not.toBe(0);
    const lines = r.out.split('\n').filter((l) => l.startsWith('remote: '));
    expect(lines.filter((l) => /NODE_OPTIONS preloads code/.test(l))).toHaveLength(1);
    expect(tip()).toBeNull();
    const audit = readFileSync(join(bare, 'safety-gate/audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(JSON.stringify(audit.at(-1))).toContain('NODE_OPTIONS preloads code');
  });

  it('server.allow_node_options: true lets the gate run and judge', () => {
    handHook(`${POLICY}server:\n  allow_node_options: true\n`);
    repo.write('README.md', 'hello\n');
    const c = repo.commitAll('clean');
    const r = pushWith({ NODE_OPTIONS: `--require ${preload}` });
    expect(r.code, r.out).toBe(0);
    expect(tip()).toBe(c);
  });

  it('other NODE_OPTIONS (no preload) are not refused', () => {
    handHook(POLICY);
    repo.write('README.md', 'hello\n');
    const c = repo.commitAll('clean');
    const r = pushWith({ NODE_OPTIONS: '--max-old-space-size=512' });
    expect(r.code, r.out).toBe(0);
    expect(tip()).toBe(c);
  });
});
