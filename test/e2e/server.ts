// A bare "server" repository with the pre-receive hook installed the way `install --server`
// does it (absolute node and CLI paths, policy kept inside the bare repository).
import { chmodSync, mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { stringify } from 'yaml';
import { CLI, Repo, type Sandbox } from '../helpers/repo.js';

/**
 * The CLI the server hook runs: the build under test, or SAFETY_GATE_TEST_CLI (an older build,
 * to show that a test fails without a fix: `SAFETY_GATE_TEST_CLI=/tmp/base/dist/cli.js npx vitest run …`).
 */
export const HOOK_CLI = process.env.SAFETY_GATE_TEST_CLI ?? CLI;

export interface Server {
  path: string;
  url: string;
  auditLines(): string[];
  ref(name: string): string | null;
}

export function createServer(sb: Sandbox, policy: Record<string, unknown> | string, opts: { name?: string; hookEnv?: string; objectFormat?: 'sha1' | 'sha256' } = {}): Server {
  const path = join(sb.dir, opts.name ?? 'server.git');
  execFileSync('git', ['init', '-q', '--bare', `--object-format=${opts.objectFormat ?? 'sha1'}`, path], { env: sb.env });
  mkdirSync(join(path, 'safety-gate'), { recursive: true });
  writeFileSync(join(path, 'safety-gate', 'policy.yaml'), typeof policy === 'string' ? policy : stringify(policy));
  const hook = join(path, 'hooks', 'pre-receive');
  writeFileSync(hook, `#!/bin/sh\n${opts.hookEnv ?? ''}exec "${process.execPath}" "${HOOK_CLI}" hook pre-receive\n`);
  chmodSync(hook, 0o755);
  return {
    path,
    url: path,
    auditLines() {
      const log = join(path, 'safety-gate', 'audit.jsonl');
      return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
    },
    ref(name) {
      try {
        return execFileSync('git', ['rev-parse', '-q', '--verify', name], { cwd: path, env: sb.env, encoding: 'utf8' }).trim();
      } catch {
        return null;
      }
    },
  };
}

export function push(repo: Repo, args: string[]): { code: number | null; out: string } {
  const r = repo.gitResult(['push', ...args]);
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
