// The content e2e tests' fixture: a bare repository whose pre-receive hook runs the built CLI,
// a clone seeded with one commit on main, and the two expectations every case makes (one real
// `git push --no-verify` each).
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, expect } from 'vitest';
import { Repo, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';

export interface ContentPush {
  server: Server;
  repo: Repo;
  /** Commit `files`, push: refused with `expected` findings, the ref unchanged, the commit undone. */
  expectRefused(files: Record<string, string | Buffer>, expected: RegExp[]): void;
  /** Commit `files`, push: the hook ran and passed (warnings allowed). */
  expectAccepted(files: Record<string, string | Buffer>): void;
}

function contentPush(sb: Sandbox, policy: Record<string, unknown>): ContentPush {
  const server = createServer(sb, policy);
  execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/work`], { env: sb.env });
  const repo = new Repo(`${sb.dir}/work`, sb.env);
  repo.write('README.md', 'seed\n');
  repo.commitAll('seed');
  expect(push(repo, ['-q', '--no-verify', 'origin', 'main']).code).toBe(0);
  return {
    server,
    repo,
    expectRefused(files, expected) {
      const before = server.ref('refs/heads/main');
      for (const [p, c] of Object.entries(files)) repo.write(p, c);
      repo.commitAll('change');
      const r = push(repo, ['--no-verify', 'origin', 'main']);
      expect(r.code, r.out).not.toBe(0);
      expect(r.out).toContain('pre-receive hook declined');
      for (const e of expected) expect(r.out).toMatch(e);
      expect(server.ref('refs/heads/main')).toBe(before);
      repo.git('reset', '-q', '--hard', 'HEAD~1');
    },
    expectAccepted(files) {
      for (const [p, c] of Object.entries(files)) repo.write(p, c);
      repo.commitAll('clean twin');
      const r = push(repo, ['--no-verify', 'origin', 'main']);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toMatch(/safety-gate: passed/);
    },
  };
}

type Files = Record<string, string | Buffer>;

/**
 * A fresh fixture for every test of the file (registers its own beforeEach/afterEach): the two
 * expectations, bound to the current test's server.
 */
export function contentPushPerTest(policy: Record<string, unknown>): Pick<ContentPush, 'expectRefused' | 'expectAccepted'> {
  let sb: Sandbox;
  let fixture: ContentPush;
  beforeEach(() => {
    sb = sandbox();
    fixture = contentPush(sb, policy);
  });
  afterEach(() => sb.cleanup());
  return {
    expectRefused: (files: Files, expected: RegExp[]) => fixture.expectRefused(files, expected),
    expectAccepted: (files: Files) => fixture.expectAccepted(files),
  };
}
