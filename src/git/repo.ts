// Locates the repository once per run: git dir, work tree, object format, bare or not.
import { GateError } from '../errors.js';
import { msg } from '../messages.js';
import { resolve } from 'node:path';
import { createGitRunner, type GitRunner } from './exec.js';

export interface RepoInfo {
  /** HEAD's commit id when asked for with `withHead` (null: unborn branch or not asked). */
  head: string | null;
  gitDir: string;
  commonDir: string;
  workTree: string | null;
  bare: boolean;
  objectFormat: 'sha1' | 'sha256';
  git: GitRunner;
}

export const EMPTY_TREE = {
  sha1: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  sha256: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
} as const;

export function zeroOid(format: 'sha1' | 'sha256'): string {
  return '0'.repeat(format === 'sha1' ? 40 : 64);
}

export async function openRepo(cwd: string, env: NodeJS.ProcessEnv = process.env, opts: { withHead?: boolean } = {}): Promise<RepoInfo> {
  const git = createGitRunner(cwd, env);
  const base = ['rev-parse', '--is-bare-repository', '--absolute-git-dir', '--git-common-dir', '--show-object-format', '--show-cdup'];
  let out: string;
  let head: string | null = null;
  try {
    // One process: --show-cdup prints nothing in a bare repository, and HEAD's id comes last.
    // An unborn HEAD makes the whole call fail, so ask again without it (only before a first commit).
    const first = opts.withHead ? await git.run([...base, 'HEAD^{commit}', '--'], { okCodes: [0, 128] }) : null;
    if (first && first.code === 0) {
      const lines = first.stdout.toString('utf8').split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (lines[lines.length - 1] === '--') lines.pop();
      head = lines.pop() ?? null;
      out = lines.join('\n');
    } else {
      out = (await git.run(base)).stdout.toString('utf8');
    }
  } catch (e) {
    if (e instanceof GateError && /not a git repository/i.test(e.message)) {
      throw new GateError('git', msg.notARepo(cwd), msg.notARepoHint);
    }
    throw e;
  }
  const lines = out.split('\n');
  const bare = lines[0] === 'true';
  const gitDir = lines[1]!;
  const commonDir = resolve(cwd, lines[2]!);
  const objectFormat = lines[3] === 'sha256' ? 'sha256' : 'sha1';
  const workTree = bare ? null : resolve(cwd, lines[4] ?? '');
  return { head, gitDir, commonDir, workTree, bare, objectFormat, git: workTree && workTree !== cwd ? createGitRunner(workTree, env) : git };
}
