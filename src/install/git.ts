// The little git the installers need. Installing is not a hot path: synchronous calls keep each
// installer a straight line that is easy to read and to make idempotent.
import { isAbsolute, join, resolve } from 'node:path';
import { GateError } from '../errors.js';
import { msg } from './messages.js';
import { gitSync } from '../git/exec.js';

export { gitSync as gitTry } from '../git/exec.js';

export function git(args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = gitSync(args, cwd, env);
  if (r.status !== 0) {
    const detail = r.stderr.trim().split('\n')[0] || `exit ${r.status}`;
    throw new GateError('git', msg.gitFailed(args.join(' '), detail), msg.gitFailedHint);
  }
  return r.stdout;
}

export interface RepoInfo {
  /** Top of the working tree (absolute). */
  top: string;
  /** $GIT_DIR of this worktree (absolute). */
  gitDir: string;
  /** Common dir shared by worktrees: where the default hooks/ and the config live (absolute). */
  commonDir: string;
}

/** The working tree containing `cwd`, or null when there is none (not a repo, or bare). */
export function workTree(cwd: string, env: NodeJS.ProcessEnv): RepoInfo | null {
  const r = gitSync(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--git-common-dir'], cwd, env);
  if (r.status !== 0) return null;
  const [top, gitDir, common] = r.stdout.split('\n');
  if (!top || !gitDir || !common) return null;
  return { top, gitDir, commonDir: isAbsolute(common) ? common : resolve(cwd, common) };
}

export function isBare(dir: string, env: NodeJS.ProcessEnv): boolean {
  const r = gitSync(['rev-parse', '--is-bare-repository'], dir, env);
  return r.status === 0 && r.stdout.trim() === 'true';
}

export interface HooksPathSetting {
  value: string;
  /** local, global, system, worktree or command. */
  scope: string;
}

/** The effective core.hooksPath and where it comes from, or null when unset. */
export function hooksPathSetting(cwd: string, env: NodeJS.ProcessEnv): HooksPathSetting | null {
  const r = gitSync(['config', '--show-scope', '--get', 'core.hooksPath'], cwd, env);
  if (r.status !== 0) return null;
  const line = r.stdout.replace(/\n$/, '');
  const tab = line.indexOf('\t');
  return tab < 0 ? { value: line, scope: 'local' } : { scope: line.slice(0, tab), value: line.slice(tab + 1) };
}

/** Git resolves a relative core.hooksPath against the top of the working tree. */
export function resolveHooksPath(value: string, top: string, home: string | undefined): string {
  const expanded = value.startsWith('~/') && home ? join(home, value.slice(2)) : value;
  return resolve(top, expanded);
}

/** Hook names git itself runs; anything else in a hooks directory is inert. */
export const GIT_HOOK_NAMES = [
  'applypatch-msg',
  'pre-applypatch',
  'post-applypatch',
  'pre-commit',
  'pre-merge-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'pre-rebase',
  'post-checkout',
  'post-merge',
  'pre-push',
  'pre-receive',
  'update',
  'proc-receive',
  'post-receive',
  'post-update',
  'reference-transaction',
  'push-to-checkout',
  'pre-auto-gc',
  'post-rewrite',
  'sendemail-validate',
  'fsmonitor-watchman',
  'p4-changelist',
  'p4-prepare-changelist',
  'p4-post-changelist',
  'p4-pre-submit',
  'post-index-change',
] as const;
