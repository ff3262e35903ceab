// The work tree as `safety-gate generate` sees it: the files git would consider (tracked, plus
// untracked ones that are not ignored), with the blob ids `git add` would give them.
import { lstatSync, readlinkSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GitRunner } from '../git/exec.js';
import { splitZ } from '../git/exec.js';
import { gitBlobId } from '../rules/_change-control/blob-hash.js';
import type { FileStates } from '../rules/_change-control/receipts.js';

/** Tracked and untracked-but-not-ignored paths, relative to the root, deduplicated and sorted. */
export async function candidatePaths(git: GitRunner): Promise<string[]> {
  const r = await git.run(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--full-name']);
  return [...new Set(splitZ(r.stdout))].sort();
}

/**
 * Blob ids of the existing files among `paths`, as `git add` would store them (clean filters
 * and eol conversion applied by `git hash-object`). `write`: also store the blobs (to read
 * their exact content back). Symlinks hash their target text; directories (submodules) are
 * skipped.
 */
export async function hashFiles(git: GitRunner, root: string, paths: readonly string[], format: 'sha1' | 'sha256', write = false): Promise<FileStates> {
  const out: FileStates = {};
  const regular: { path: string; mode: string }[] = [];
  for (const p of paths) {
    let st;
    try {
      st = lstatSync(join(root, p));
    } catch {
      continue; // deleted in the work tree
    }
    if (st.isSymbolicLink()) out[p] = { oid: gitBlobId(Buffer.from(readlinkSync(join(root, p))), format), mode: '120000' };
    else if (st.isFile()) {
      const mode = st.mode & 0o100 ? '100755' : '100644';
      // --stdin-paths is line based: a name with a newline is hashed here, without filters.
      if (p.includes('\n')) out[p] = { oid: gitBlobId(readFileSync(join(root, p)), format), mode };
      else regular.push({ path: p, mode });
    }
  }
  if (regular.length > 0) {
    const r = await git.run(['hash-object', ...(write ? ['-w'] : []), '--stdin-paths'], { input: regular.map((f) => f.path).join('\n') + '\n' });
    const oids = r.stdout.toString('utf8').trim().split('\n');
    regular.forEach((f, i) => {
      out[f.path] = { oid: oids[i]!, mode: f.mode };
    });
  }
  return out;
}

/** Contents of blobs by id, through one `git cat-file --batch`. */
export async function readBlobs(git: GitRunner, oids: readonly string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const unique = [...new Set(oids)];
  if (unique.length === 0) return out;
  const r = await git.run(['cat-file', '--batch'], { input: unique.join('\n') + '\n' });
  const buf = r.stdout;
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(0x0a, at);
    if (nl === -1) break;
    const [oid, type, size] = buf.toString('utf8', at, nl).split(' ');
    if (type === 'missing' || size === undefined) {
      at = nl + 1;
      continue;
    }
    const n = Number(size);
    out.set(oid!, buf.subarray(nl + 1, nl + 1 + n));
    at = nl + 1 + n + 1;
  }
  return out;
}
