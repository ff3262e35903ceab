// Real git in temporary repositories: isolated HOME, no inherited GIT_* variables, fixed identity
// and dates so hashes and output are deterministic.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

/** Environment for child processes: the parent's minus every GIT_* and SAFETY_GATE_* variable. */
function cleanEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('GIT_') || k.startsWith('SAFETY_GATE_') || k === 'HUSKY') continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
    GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
    ...extra,
  };
}

export interface Sandbox {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

export function sandbox(extraEnv: Record<string, string> = {}): Sandbox {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'sg-test-')));
  const home = join(dir, 'home');
  mkdirSync(home);
  writeFileSync(join(home, '.gitconfig'), '[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
  return { dir, home, env: cleanEnv(home, extraEnv), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export class Repo {
  constructor(
    readonly path: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static init(sb: Sandbox, name = 'repo', args: string[] = []): Repo {
    const path = join(sb.dir, name);
    execFileSync('git', ['init', '-q', ...args, path], { env: sb.env });
    return new Repo(path, sb.env);
  }

  /** Run git; throws with stderr on failure. */
  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.path, env: this.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Run git without throwing. */
  gitResult(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
    return spawnSync('git', args, { cwd: this.path, env: opts.env ?? this.env, encoding: 'utf8', input: opts.input });
  }

  write(rel: string, content: string | Buffer, mode?: number): this {
    const p = join(this.path, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    if (mode !== undefined) chmodSync(p, mode);
    return this;
  }

  rm(rel: string): this {
    rmSync(join(this.path, rel), { recursive: true, force: true });
    return this;
  }

  /** Stage everything and commit, bypassing hooks; returns the new commit id. */
  commitAll(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--no-verify', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }
}

/** A repository whose first commit holds `config` (safety-gate.config.yaml) and `old`; its sandbox goes on `boxes` to be cleaned up. */
export function committedRepo(boxes: Sandbox[], config: Record<string, unknown>, old: Record<string, string>): Repo {
  const sb = sandbox();
  boxes.push(sb);
  const repo = Repo.init(sb);
  repo.write('safety-gate.config.yaml', stringifyYaml(config));
  for (const [p, c] of Object.entries(old)) repo.write(p, c);
  repo.commitAll('old');
  return repo;
}

/** A sandbox with a fresh repository in it: `beforeEach(() => ({ sb, repo } = tempRepo()))`. */
export function tempRepo(): { sb: Sandbox; repo: Repo } {
  const sb = sandbox();
  return { sb, repo: Repo.init(sb) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a user would. */
export function runCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    input: opts.input ?? '',
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
