// The index as it would be after a tool call, without touching the real one: a copy of the
// index in use, new blobs written to a private object directory (the real objects stay
// reachable as an alternate, exactly like git's own push quarantine), and the environment
// that points git at both. The pre-commit door then judges it like the commit that follows.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { createGitRunner, type GitRunner } from '../../git/exec.js';
import type { ProposedEdit } from './plan.js';

export interface ProposedIndex {
  env: NodeJS.ProcessEnv;
  paths: string[];
  dispose(): void;
}

async function gitPath(git: GitRunner, what: string): Promise<string> {
  return (await git.run(['rev-parse', '--path-format=absolute', '--git-path', what])).stdout.toString('utf8').trim();
}

export async function proposedIndex(workTree: string, env: NodeJS.ProcessEnv, edits: readonly ProposedEdit[], objectFormat: 'sha1' | 'sha256'): Promise<ProposedIndex> {
  const git = createGitRunner(workTree, env);
  const index = env.GIT_INDEX_FILE ? (isAbsolute(env.GIT_INDEX_FILE) ? env.GIT_INDEX_FILE : resolve(workTree, env.GIT_INDEX_FILE)) : await gitPath(git, 'index');
  const objects = env.GIT_OBJECT_DIRECTORY ?? (await gitPath(git, 'objects'));
  const dir = mkdtempSync(join(tmpdir(), 'safety-gate-tool-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  try {
    const tmpIndex = join(dir, 'index');
    const tmpObjects = join(dir, 'objects');
    mkdirSync(tmpObjects);
    if (existsSync(index)) copyFileSync(index, tmpIndex);
    const alternates = [objects, ...(env.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '').split(delimiter).filter(Boolean)];
    const next: NodeJS.ProcessEnv = {
      ...env,
      GIT_INDEX_FILE: tmpIndex,
      GIT_OBJECT_DIRECTORY: tmpObjects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: alternates.join(delimiter),
      // Paths are file names, never pathspec patterns.
      GIT_LITERAL_PATHSPECS: '1',
    };
    const inTmp = createGitRunner(workTree, next);
    const modes = await currentModes(
      inTmp,
      edits.map((e) => e.path),
    );
    const zero = '0'.repeat(objectFormat === 'sha1' ? 40 : 64);
    let info = '';
    for (const e of edits) {
      if (e.content === null) {
        info += `0 ${zero}\t${e.path}\0`;
        continue;
      }
      const oid = (await inTmp.run(['hash-object', '-w', '--no-filters', '--stdin'], { input: e.content })).stdout.toString('utf8').trim();
      info += `${modes.get(e.path) ?? '100644'} ${oid}\t${e.path}\0`;
    }
    await inTmp.run(['update-index', '-z', '--index-info'], { input: info });
    return { env: next, paths: edits.map((e) => e.path), dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** Modes of the paths in the index (an executable stays executable). */
async function currentModes(git: GitRunner, paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (paths.length === 0) return out;
  const r = await git.run(['ls-files', '-s', '-z', '--', ...paths]);
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const m = /^(\d{6}) [0-9a-f]+ \d\t(.*)$/s.exec(rec);
    if (m && (m[1] === '100644' || m[1] === '100755')) out.set(m[2]!, m[1]!);
  }
  return out;
}
