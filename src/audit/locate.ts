// Where a repository's git directory is, found without running git: for the audit record of a
// run whose git is missing or broken. Mirrors git's discovery for the cases hooks meet: $GIT_DIR
// (set for server hooks), a `.git` directory or `gitdir:` file up the tree (worktrees: their
// `commondir`), or a bare repository (HEAD, objects/ and refs/ side by side).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function kind(path: string): 'dir' | 'file' | null {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

function common(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

function bareLike(dir: string): boolean {
  return kind(join(dir, 'HEAD')) === 'file' && kind(join(dir, 'objects')) === 'dir' && kind(join(dir, 'refs')) === 'dir';
}

/** The common git directory for `cwd`, or null when none is found. */
export function gitCommonDirWithoutGit(cwd: string, env: NodeJS.ProcessEnv): string | null {
  if (env.GIT_DIR) return common(resolve(cwd, env.GIT_DIR));
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotgit = join(dir, '.git');
    const k = kind(dotgit);
    if (k === 'dir') return common(dotgit);
    if (k === 'file') {
      const m = /^gitdir: (.+)$/m.exec(readFileSync(dotgit, 'utf8'));
      if (m) return common(resolve(dir, m[1]!.trim()));
    }
    if (bareLike(dir)) return dir;
    if (dirname(dir) === dir) return null;
  }
}
