// Runs git. Children inherit the environment: in pre-receive that carries the quarantine
// (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_QUARANTINE_PATH), and in
// `git commit -a` / `git commit <paths>` it carries the temporary GIT_INDEX_FILE. Three things
// are taken out, because they make git show other objects than the ones a clone gets: replace
// refs (a pushed `refs/replace/<id>` would swap a blob, a tree or the policy file for the gate
// only), `info/grafts` (rewrites a commit's parents, hiding commits from the list of new ones)
// and GIT_REPLACE_REF_BASE (moves where replacements are read from). Every git the gate starts
// goes through `gitEnv`.
import { spawn, spawnSync } from 'node:child_process';
import { GateError } from '../errors.js';
import { msg } from '../messages.js';

interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface GitRunner {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Run git; rejects with a GateError('git') unless the exit code is in `okCodes` (default [0]). */
  run(args: readonly string[], opts?: { input?: string | Buffer; okCodes?: number[] }): Promise<GitResult>;
}

// Keep git deterministic and quiet whatever the user's config says.
const BASE_ARGS = ['-c', 'core.quotePath=false', '-c', 'diff.external=', '-c', 'color.ui=false', '-c', 'core.useReplaceRefs=false'];

/**
 * The environment of every git child: the caller's (quarantine, GIT_INDEX_FILE), with object
 * replacement and grafts switched off. Memoised per input object: hooks pass one env per run.
 */
export function gitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.GIT_NO_REPLACE_OBJECTS === '1' && env.GIT_GRAFT_FILE === NULL_DEVICE && env.GIT_REPLACE_REF_BASE === undefined) return env;
  let out = envCache.get(env);
  if (!out) {
    out = { ...env, GIT_NO_REPLACE_OBJECTS: '1', GIT_GRAFT_FILE: NULL_DEVICE };
    delete out.GIT_REPLACE_REF_BASE;
    envCache.set(env, out);
  }
  return out;
}
const NULL_DEVICE = process.platform === 'win32' ? 'NUL' : '/dev/null';
const envCache = new WeakMap<NodeJS.ProcessEnv, NodeJS.ProcessEnv>();

export function createGitRunner(cwd: string, callerEnv: NodeJS.ProcessEnv = process.env): GitRunner {
  const env = gitEnv(callerEnv);
  return {
    cwd,
    env,
    run(args, opts = {}) {
      const okCodes = opts.okCodes ?? [0];
      return new Promise<GitResult>((resolve, reject) => {
        let child;
        try {
          child = spawn('git', [...BASE_ARGS, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
        } catch (e) {
          reject(new GateError('git', msg.gitMissing((e as Error).message), msg.gitMissingHint));
          return;
        }
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => err.push(d));
        child.on('error', (e: NodeJS.ErrnoException) => {
          reject(e.code === 'ENOENT' ? new GateError('git', msg.gitMissing(e.message), msg.gitMissingHint) : new GateError('git', msg.gitFailed(args, e.message)));
        });
        child.stdin.on('error', () => {
          /* git may exit before reading all input; its exit code tells */
        });
        child.on('close', (code) => {
          const stderr = Buffer.concat(err).toString('utf8');
          const result = { stdout: Buffer.concat(out), stderr, code: code ?? -1 };
          if (okCodes.includes(result.code)) resolve(result);
          else reject(new GateError('git', msg.gitFailed(args, firstLine(stderr) || `exit ${result.code}`)));
        });
        if (opts.input !== undefined) child.stdin.end(opts.input);
        else child.stdin.end();
      });
    },
  };
}

export interface GitSyncResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Synchronous git for the few places that cannot wait (installers, the policy cache's look-up
 * of the work tree): the same arguments and environment as `createGitRunner`. A non-zero exit
 * is returned, not thrown; a git that cannot start throws a GateError('git').
 */
export function gitSync(args: readonly string[], cwd: string, callerEnv: NodeJS.ProcessEnv = process.env): GitSyncResult {
  const r = spawnSync('git', [...BASE_ARGS, ...args], { cwd, env: gitEnv(callerEnv), encoding: 'utf8' });
  if (r.error) throw new GateError('git', msg.gitMissing(r.error.message), msg.gitMissingHint);
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** The top of the work tree holding `cwd`, or `cwd` itself outside one (or without git). */
export function topLevelOrSelf(cwd: string, callerEnv: NodeJS.ProcessEnv = process.env): string {
  try {
    const r = gitSync(['rev-parse', '--show-toplevel'], cwd, callerEnv);
    return (r.status === 0 && r.stdout.trim()) || cwd;
  } catch {
    return cwd;
  }
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.replace(/^(fatal|error): /, '').trim();
}

/** Split NUL-terminated output into strings (UTF-8), dropping the empty tail. */
export function splitZ(buf: Buffer): string[] {
  const parts = buf.toString('utf8').split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
