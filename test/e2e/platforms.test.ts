// The server recipes of README.md, run for real: each hook script is taken from the README
// (paths replaced by the test's own) and installed the way the platform runs it; then real
// pushes of a good, a bad and a good commit. Where the platform itself cannot run here
// (GitLab's Gitaly, GitHub Enterprise, Gitea), a two-line stand-in does what it does: run the
// repository's hook with the platform's identity variables. gitolite3, git http-backend and
// git daemon are the real programs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as httpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer as netServer } from 'node:net';
import { dirname, join } from 'node:path';
import { CLI, ROOT, Repo, sandbox, type Sandbox } from '../helpers/repo.js';

const POLICY = 'protected_targets: [safety-gate-policy]\n';
let sb: Sandbox;
let policy: string;
let bundleDir: string;

function readmeScript(name: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const marker = `<!-- platform:${name} -->\n\`\`\`sh\n`;
  const at = readme.indexOf(marker);
  expect(at, `README has the ${name} script`).toBeGreaterThan(0);
  return readme.slice(at + marker.length, readme.indexOf('```', at + marker.length));
}

function localize(script: string, audit: string): string {
  return script
    .replaceAll('/usr/bin/node', process.execPath)
    .replaceAll('/opt/safety-gate/dist/cli.js', CLI)
    .replaceAll('/opt/safety-gate/safety-gate-server.cjs', join(bundleDir, 'safety-gate-server.cjs'))
    .replaceAll('/etc/safety-gate/policy.yaml', policy)
    .replaceAll('/var/log/safety-gate/audit.jsonl', audit);
}

function writeExec(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function bare(name: string): string {
  const path = join(sb.dir, name);
  execFileSync('git', ['init', '-q', '--bare', path], { env: sb.env });
  return path;
}

function lastAudit(log: string): { decision: string; actor: { source: string; name: string | null }; door: string } {
  return JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!);
}

interface PushResult {
  status: number | null;
  out: string;
}
type Pusher = (repo: Repo, args: string[]) => Promise<PushResult>;

const pushAsync =
  (env: NodeJS.ProcessEnv): Pusher =>
  (repo, args) =>
    new Promise((done) =>
      execFile('git', ['push', ...args], { cwd: repo.path, env, encoding: 'utf8' }, (err, stdout, stderr) =>
        done({ status: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` }),
      ),
    );

/** A good push, a rejected bad one, then a good one; returns the rejection's output. */
async function goodBadGood(name: string, url: string, push: Pusher, onAudit?: () => void): Promise<string> {
  const path = join(sb.dir, `${name}-work`);
  execFileSync('git', ['init', '-q', '-b', 'main', path], { env: sb.env });
  const repo = new Repo(path, sb.env);
  repo.write('README.md', 'hello\n');
  repo.commitAll('base');
  const first = await push(repo, [url, 'HEAD:refs/heads/main']);
  expect(first.status, first.out).toBe(0);
  onAudit?.();
  repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
  repo.commitAll('bad, hooks skipped');
  const bad = await push(repo, [url, 'HEAD:refs/heads/main']);
  expect(bad.status, bad.out).not.toBe(0);
  expect(bad.out).toContain('pre-receive hook declined');
  onAudit?.();
  repo.git('reset', '-q', '--hard', 'HEAD~1');
  repo.write('docs.txt', 'fine\n');
  repo.commitAll('good');
  const good = await push(repo, [url, 'HEAD:refs/heads/main']);
  expect(good.status, good.out).toBe(0);
  return bad.out;
}

beforeAll(() => {
  sb = sandbox();
  policy = join(sb.dir, 'policy.yaml');
  writeFileSync(policy, POLICY);
  bundleDir = join(sb.dir, 'ghes-environment/opt/safety-gate');
  execFileSync(process.execPath, ['build.mjs', '--bundle-only', '--outdir', bundleDir], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);
afterAll(() => sb?.cleanup());

describe('server platforms', () => {
  it('GitLab: custom_hooks/pre-receive with GL_USERNAME and GL_PROTOCOL; GL-HOOK-ERR: lines', async () => {
    const repo = bare('gitlab.git');
    const audit = join(sb.dir, 'gitlab-audit.jsonl');
    writeExec(join(repo, 'custom_hooks/pre-receive'), localize(readmeScript('gitlab'), audit));
    // Gitaly's part: run the repository's custom hook with GitLab's variables and git's stdin.
    writeExec(
      join(repo, 'hooks/pre-receive'),
      '#!/bin/sh\nexport GL_ID=user-42 GL_USERNAME=alice GL_PROTOCOL=ssh GL_REPOSITORY=project-7\nexec "$(dirname "$0")/../custom_hooks/pre-receive"\n',
    );
    const out = await goodBadGood('gitlab', repo, pushAsync(sb.env));
    expect(out).toContain('remote: GL-HOOK-ERR: config/app.env:1:12  agent-mode  AGENT_MODE is set to "EXECUTE"');
    expect(out).toContain('remote: GL-HOOK-ERR: safety-gate: blocked — 1 finding (1 blocking) (pre-receive)');
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('remote: ') && l.trim() !== 'remote:')
        .every((l) => l.startsWith('remote: GL-HOOK-ERR: ')),
    ).toBe(true);
    expect(lastAudit(audit)).toMatchObject({ door: 'pre-receive', decision: 'pass', actor: { source: 'gitlab', name: 'alice' } });
    expect(readFileSync(audit, 'utf8')).toContain('"decision":"block"');
  });

  it("Gitea / Forgejo: hooks/pre-receive.d/ behind Gitea's dispatcher, GITEA_PUSHER_NAME", async () => {
    const repo = bare('gitea.git');
    // Gitea's generated hooks/pre-receive: every executable in pre-receive.d, the same stdin.
    writeExec(
      join(repo, 'hooks/pre-receive'),
      [
        '#!/usr/bin/env bash',
        '# AUTO GENERATED BY GITEA, DO NOT MODIFY',
        'data=$(cat)',
        'exitcodes=""',
        'hookname=$(basename $0)',
        'GIT_DIR=${GIT_DIR:-$(dirname $0)/..}',
        'for hook in ${GIT_DIR}/hooks/${hookname}.d/*; do',
        '  test -x "${hook}" && test -f "${hook}" || continue',
        '  echo "${data}" | "${hook}"',
        '  exitcodes="${exitcodes} $?"',
        'done',
        'for i in ${exitcodes}; do',
        '  [ ${i} -eq 0 ] || exit ${i}',
        'done',
        '',
      ].join('\n'),
    );
    writeExec(join(repo, 'hooks/pre-receive.d/safety-gate'), localize(readmeScript('gitea'), ''));
    const out = await goodBadGood('gitea', repo, pushAsync({ ...sb.env, GITEA_PUSHER_NAME: 'bob', GITEA_REPO_NAME: 'app' }));
    expect(out).toContain('remote: config/app.env:1:12  agent-mode');
    expect(lastAudit(join(repo, 'safety-gate/audit.jsonl'))).toMatchObject({ decision: 'pass', actor: { source: 'gitea', name: 'bob' } });
  });

  it('GitHub Enterprise: the bundle in a hook environment, GITHUB_USER_LOGIN, within the 5 s budget', async () => {
    const repo = bare('ghes.git');
    const hooksRepo = join(sb.dir, 'ghes-hooks-repo');
    writeExec(join(hooksRepo, 'pre-receive.sh'), readmeScript('ghes').replaceAll('/opt/safety-gate/safety-gate-server.cjs', join(bundleDir, 'safety-gate-server.cjs')));
    writeFileSync(join(hooksRepo, 'policy.yaml'), POLICY);
    const audit = join(sb.dir, 'ghes-audit.jsonl');
    const times = join(sb.dir, 'ghes-times');
    // GitHub's part: the environment's PATH has node; its variables; the time the hook takes.
    writeExec(
      join(repo, 'hooks/pre-receive'),
      `#!/bin/sh\nexport PATH="${dirname(process.execPath)}:/usr/bin:/bin" GITHUB_USER_LOGIN=carol GITHUB_REPO_NAME=org/app GITHUB_VIA="git push" SAFETY_GATE_AUDIT_LOG="${audit}"\nstart=$(date +%s%N)\n"${hooksRepo}/pre-receive.sh" "$@"\nrc=$?\necho $(( ($(date +%s%N) - start) / 1000000 )) >> "${times}"\nexit $rc\n`,
    );
    const out = await goodBadGood('ghes', repo, pushAsync(sb.env));
    expect(out).toContain('remote: config/app.env:1:12  agent-mode');
    const ms = readFileSync(times, 'utf8').trim().split('\n').map(Number);
    console.log(`GitHub Enterprise stand-in, bundle pre-receive per push: ${ms.join(', ')} ms (budget 5000 ms)`);
    expect(ms).toHaveLength(3);
    for (const t of ms) expect(t).toBeLessThan(5000);
    expect(lastAudit(audit)).toMatchObject({ decision: 'pass', actor: { source: 'github', name: 'carol' } });
  });

  it('gitolite3: pushes through gitolite-shell, the gate as a repo-specific pre-receive hook, GL_USER', async () => {
    const home = join(sb.dir, 'gitolite-home');
    mkdirSync(home);
    const env = { ...sb.env, HOME: home };
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sb.dir, 'admin')], { env });
    execFileSync('gitolite', ['setup', '-pk', join(sb.dir, 'admin.pub')], { env, stdio: 'pipe' });
    const rcFile = join(home, '.gitolite.rc');
    let rc = readFileSync(rcFile, 'utf8');
    rc = rc.replace(/#\s*LOCAL_CODE\s*=>\s*"\$ENV\{HOME\}\/local",/, 'LOCAL_CODE => "$ENV{HOME}/local",');
    rc = rc.replace(/#\s*'repo-specific-hooks',/, "'repo-specific-hooks',");
    expect(rc).toMatch(/^\s*LOCAL_CODE => "\$ENV\{HOME\}\/local",/m);
    expect(rc).toMatch(/^\s*'repo-specific-hooks',/m);
    writeFileSync(rcFile, rc);
    writeExec(join(home, 'local/hooks/repo-specific/safety-gate'), localize(readmeScript('gitolite'), ''));
    const conf = join(home, '.gitolite/conf/gitolite.conf');
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}\nrepo app\n    RW+     =   alice\n    option hook.pre-receive = safety-gate\n`);
    execFileSync('gitolite', ['compile'], { env, stdio: 'pipe' });
    execFileSync('gitolite', ['trigger', 'POST_COMPILE'], { env, stdio: 'pipe' });
    // What sshd does with gitolite's authorized_keys line for alice's key (its command= path).
    const keys = readFileSync(join(home, '.ssh/authorized_keys'), 'utf8');
    const shell = /command="(\S+gitolite-shell) /.exec(keys)![1]!;
    const ssh = join(sb.dir, 'ssh-to-gitolite');
    writeExec(ssh, `#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nSSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22" SSH_ORIGINAL_COMMAND="$1" HOME="${home}" exec "${shell}" alice\n`);
    const gitEnv = { ...sb.env, GIT_SSH_COMMAND: ssh };
    const out = await goodBadGood('gitolite', 'git@gitolite:app', pushAsync(gitEnv));
    expect(out).toContain('remote: config/app.env:1:12  agent-mode');
    expect(lastAudit(join(home, 'repositories/app.git/safety-gate/audit.jsonl'))).toMatchObject({ decision: 'pass', actor: { source: 'gitolite', name: 'alice' } });
    // gitolite's own access control still applies: bob has no rights.
    const bob = join(sb.dir, 'ssh-as-bob');
    writeExec(bob, `#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nSSH_CONNECTION="127.0.0.1 50000 127.0.0.1 22" SSH_ORIGINAL_COMMAND="$1" HOME="${home}" exec "${shell}" bob\n`);
    const denied = spawnSync('git', ['ls-remote', 'git@gitolite:app'], { env: { ...sb.env, GIT_SSH_COMMAND: bob }, encoding: 'utf8' });
    expect(denied.status).not.toBe(0);
    expect(denied.stderr).toMatch(/DENIED/);
  });

  it('git http-backend behind a loopback HTTP server with basic auth: REMOTE_USER is the actor', async () => {
    const root = join(sb.dir, 'http-root');
    mkdirSync(root);
    const repo = join(root, 'app.git');
    execFileSync('git', ['init', '-q', '--bare', repo], { env: sb.env });
    const inst = spawnSync(process.execPath, [CLI, 'install', '--server', repo, '--config', policy], { env: sb.env, encoding: 'utf8' });
    expect(inst.status, inst.stderr).toBe(0);
    const server = await cgiServer(root, { dave: 'secret' });
    try {
      const port = (server.address() as { port: number }).port;
      const url = `http://dave:secret@127.0.0.1:${port}/app.git`;
      const out = await goodBadGood('http', url, pushAsync({ ...sb.env, GIT_TERMINAL_PROMPT: '0' }));
      expect(out).toContain('remote: config/app.env:1:12  agent-mode');
      expect(lastAudit(join(repo, 'safety-gate/audit.jsonl'))).toMatchObject({ decision: 'pass', actor: { source: 'remote-user', name: 'dave' } });
      const anon = await pushAsync({ ...sb.env, GIT_TERMINAL_PROMPT: '0' })(new Repo(join(sb.dir, 'http-work'), sb.env), [
        `http://127.0.0.1:${port}/app.git`,
        'HEAD:refs/heads/other',
      ]);
      expect(anon.status).not.toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('git daemon on loopback (receive-pack enabled, bounded): the hook runs, the actor is unknown', async () => {
    const root = join(sb.dir, 'daemon-root');
    mkdirSync(root);
    const repo = join(root, 'app.git');
    execFileSync('git', ['init', '-q', '--bare', repo], { env: sb.env });
    const inst = spawnSync(process.execPath, [CLI, 'install', '--server', repo, '--config', policy], { env: sb.env, encoding: 'utf8' });
    expect(inst.status, inst.stderr).toBe(0);
    const port = await freePort();
    const daemon: ChildProcess = spawn(
      'git',
      [
        'daemon',
        '--listen=127.0.0.1',
        `--port=${port}`,
        `--base-path=${root}`,
        '--export-all',
        '--enable=receive-pack',
        '--reuseaddr',
        '--timeout=30',
        '--init-timeout=10',
        '--max-connections=4',
        root,
      ],
      { env: sb.env, stdio: 'ignore' },
    );
    try {
      await waitForPort(port);
      const out = await goodBadGood('daemon', `git://127.0.0.1:${port}/app.git`, pushAsync(sb.env));
      expect(out).toContain('remote: config/app.env:1:12  agent-mode');
      expect(lastAudit(join(repo, 'safety-gate/audit.jsonl'))).toMatchObject({ decision: 'pass', actor: { source: 'unknown', name: null } });
    } finally {
      daemon.kill('SIGTERM');
    }
  });
});

/** A tiny web server that runs `git http-backend` as CGI for users with the right password. */
function cgiServer(root: string, users: Record<string, string>): Promise<HttpServer> {
  const server = httpServer((req, res) => {
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [user, pass] = auth ? Buffer.from(auth[1]!, 'base64').toString('utf8').split(':') : [];
    if (!user || users[user] !== pass) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const env: NodeJS.ProcessEnv = {
      ...sb.env,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
      GATEWAY_INTERFACE: 'CGI/1.1',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
    };
    const cgi = spawn('git', ['http-backend'], { env });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let sent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (sent) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      sent = true;
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => done(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((done) => {
      const c = connect(port, '127.0.0.1', () => {
        c.end();
        done(true);
      });
      c.on('error', () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`git daemon did not listen on ${port}`);
}
