// A symlink must not launder content: what the runtime opens through a link in runtime scope is
// checked at the link's path, whether the link or its out-of-scope target changes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { symlinkSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push } from './server.js';

let sb: Sandbox;
let repo: Repo;
const findings = () => {
  const r = runCli(['scan', '--staged', '--format', 'json', '--no-audit'], { cwd: repo.path, env: sb.env });
  return JSON.parse(r.stdout).findings.filter((f: { rule: string }) => f.rule === 'agent-mode') as { path: string; message: string; line: number }[];
};
const link = (target: string, path: string) => {
  mkdirSync(join(repo.path, path, '..'), { recursive: true });
  symlinkSync(target, join(repo.path, path));
};

beforeEach(() => {
  sb = sandbox();
  repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', 'extends: [agenttrader-v2]\n');
  repo.write('docs/example.env', 'AGENT_MODE=OBSERVE\n');
  repo.commitAll('base');
});
afterEach(() => sb.cleanup());

describe('content through symlinks', () => {
  it('a new link in runtime scope to an out-of-scope file is checked at the link path', () => {
    repo.write('docs/example.env', 'AGENT_MODE=EXECUTE\n');
    link('../docs/example.env', 'config/app.env');
    repo.git('add', '-A');
    const f = findings();
    expect(f.map((x) => x.path)).toEqual(['config/app.env']);
    expect(f[0]!.message).toContain('through a symlink to docs/example.env');
    expect(f[0]!.line).toBe(1);
  });

  it('editing the target of an existing link is checked at the link path', () => {
    link('../docs/example.env', 'config/app.env');
    repo.commitAll('link to a benign file');
    repo.write('docs/example.env', '# later\nAGENT_MODE=execute\n');
    repo.git('add', '-A');
    expect(findings().map((x) => [x.path, x.line])).toEqual([['config/app.env', 2]]);
  });

  it('a link to a directory exposes every file under it', () => {
    repo.write('docs/k8s/deploy.yaml', 'env:\n  - name: AGENT_MODE\n    value: EXECUTE\n');
    link('docs/k8s', 'k8s');
    repo.git('add', '-A');
    expect(findings().map((x) => x.path)).toEqual(['k8s/deploy.yaml']);
  });

  it('a link that leaves the repository or dangles is not followed', () => {
    link('/etc/hostname', 'config/host.env');
    link('../docs/missing.env', 'config/missing.env');
    repo.git('add', '-A');
    expect(findings()).toEqual([]);
  });

  it('pre-receive: link in one commit, target edited in the next', () => {
    const server = createServer(sb, { extends: ['agenttrader-v2'] });
    repo.git('remote', 'add', 'origin', server.url);
    // Seed the server before its hook is active: the base commit adds the (protected) policy file.
    const hook = join(server.path, 'hooks', 'pre-receive');
    renameSync(hook, `${hook}.off`);
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    renameSync(`${hook}.off`, hook);
    link('../docs/example.env', 'config/app.env');
    repo.commitAll('link');
    repo.write('docs/example.env', 'AGENT_MODE=EXECUTE\n');
    repo.commitAll('edit the target');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*config\/app\.env/);
  });
});
