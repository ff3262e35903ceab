// The server's result cache end to end: real pushes to a bare repository whose pre-receive hook
// runs the built CLI. Objects the server judged before are judged the same again (from its
// cache, inside the bare repository), and a cache file someone edited is never believed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';

const POLICY = { extends: ['agenttrader-v2'] };
const CACHE = 'safety-gate/cache/results-v1.log';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function clone(server: Server, name: string): Repo {
  execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/${name}`], { env: sb.env });
  return new Repo(`${sb.dir}/${name}`, sb.env);
}

/** The decision and every finding the server printed, with the branch name taken out. */
function findingsOf(out: string, branch: string): string[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith('remote: '))
    .map((l) =>
      l
        .replaceAll(branch, '<branch>')
        .replace(/\b(?:run|id) [0-9a-f-]{8,}/g, '<run>')
        .trimEnd(),
    )
    .filter((l) => /block|warn|agent-mode|live-endpoint|image-pinning|replicas|secrets|readable-content/.test(l));
}

function work(repo: Repo): void {
  repo.write('README.md', 'hello\n');
  repo.commitAll('seed');
  repo.write('config/app.env', 'AGENT_MODE=EXECUTE\nAPCA_API_BASE_URL=https://api.alpaca.markets\n');
  repo.write('services/broker.py', 'import os\nURL = "https://api.alpaca.markets/v2"\n');
  repo.write('k8s/app.yaml', 'kind: Deployment\nspec:\n  replicas: 0\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:latest\n');
  repo.commitAll('agent work');
}

describe('pre-receive result cache', () => {
  it('a second push of the same objects to another branch is judged the same, from the cache; a tampered cache is ignored', () => {
    const server = createServer(sb, POLICY);
    const off = createServer(sb, POLICY, { name: 'off.git', hookEnv: 'SAFETY_GATE_CACHE=off ' });
    const repo = clone(server, 'work');
    work(repo);
    repo.git('remote', 'add', 'off', off.url);

    const first = push(repo, ['origin', 'HEAD:refs/heads/agent-a']);
    expect(first.code).not.toBe(0);
    expect(first.out).toContain('pre-receive hook declined');
    const cold = findingsOf(first.out, 'agent-a');
    expect(cold.some((l) => l.includes('agent-mode') && l.includes('config/app.env'))).toBe(true);
    expect(cold.some((l) => l.includes('live-endpoint'))).toBe(true);
    // The hook wrote its cache inside the bare repository, where no push can write.
    const file = join(server.path, CACHE);
    expect(existsSync(file)).toBe(true);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('config/app.env');
    expect(server.ref('refs/heads/agent-a')).toBeNull();

    // The refused push's objects are gone; the same objects again, to another branch.
    const second = push(repo, ['origin', 'HEAD:refs/heads/agent-b']);
    expect(second.code).not.toBe(0);
    expect(findingsOf(second.out, 'agent-b')).toEqual(cold);
    // Nothing new to store: the second push read every cached result instead.
    expect(readFileSync(file, 'utf8')).toBe(written);

    // The cache turned off gives the same answer.
    const fresh = push(repo, ['off', 'HEAD:refs/heads/agent-c']);
    expect(fresh.code).not.toBe(0);
    expect(findingsOf(fresh.out, 'agent-c')).toEqual(cold);
    expect(existsSync(join(off.path, CACHE))).toBe(false);

    // Someone edits the cache to make the push look clean: the segment no longer matches its
    // check line, so it is ignored, the findings are computed afresh and the file is rebuilt.
    const tampered = written.replace(/forbidden value/g, 'allowed value').replace(/api\.alpaca\.markets/g, 'paper-api.alpaca.markets');
    expect(tampered).not.toBe(written);
    writeFileSync(file, tampered);
    const third = push(repo, ['origin', 'HEAD:refs/heads/agent-d']);
    expect(third.code).not.toBe(0);
    expect(findingsOf(third.out, 'agent-d')).toEqual(cold);
    expect(readFileSync(file, 'utf8')).not.toBe(tampered);

    // Truncated (a crash mid-write): ignored the same way.
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 100));
    const fourth = push(repo, ['origin', 'HEAD:refs/heads/agent-e']);
    expect(findingsOf(fourth.out, 'agent-e')).toEqual(cold);
  });
});
