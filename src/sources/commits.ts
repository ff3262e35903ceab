// Shared by every door that checks commits (pre-push, pre-receive, scan --range): one
// `git log --stdin` lists the new commits with their metadata and trailers (git's own trailer
// parsing), one `git diff-tree --stdin` gives all their changes. Two processes, whatever the
// number of commits.
import type { CommitInfo, FileChange, Person, Trailer } from '../changeset/types.js';
import { parseDiffTreeStdin } from '../git/diff.js';
import { splitZ, type GitRunner } from '../git/exec.js';

const FIELDS = ['%H', '%S', '%P', '%T', '%an', '%ae', '%at', '%cn', '%ce', '%ct', '%B', '%(trailers:only,unfold)'];
const FORMAT = FIELDS.join('%x00');

export interface CommitListing {
  commits: CommitInfo[];
  changes: FileChange[];
}

/**
 * Commits reachable from `tips` and not from `exclude` (revision arguments such as `--all`,
 * `--remotes=origin`, or `^<oid>`), oldest first, with their changes.
 * `refsByTip` maps a tip id to the refs being updated to it, for attribution.
 */
export async function listCommits(git: GitRunner, tips: string[], exclude: string[], refsByTip: Map<string, string[]>): Promise<CommitListing> {
  if (tips.length === 0) return { commits: [], changes: [] };
  const input = tips.join('\n') + '\n';
  const log = await git.run(['log', '--stdin', '--source', '--topo-order', '--reverse', '-z', '--no-color', '--no-show-signature', `--format=${FORMAT}`, '--not', ...exclude], {
    input,
  });
  const commits = parseLog(log.stdout, refsByTip);
  if (commits.length === 0) return { commits, changes: [] };
  // Rename detection only where a rule reads it: ordinary commits (task scope and protected
  // targets name both sides of a rename). A merge's combined diff lists the paths that differ
  // from every parent; pairing renames there costs seconds on a big merge and changes nothing a
  // rule decides (a rename is a delete plus an add, and both paths are checked either way), so
  // merges go to a second diff-tree without -M. Two processes, whatever the number of commits.
  const merges = commits.filter((c) => c.parents.length > 1);
  const others = commits.filter((c) => c.parents.length <= 1);
  const run = (list: CommitInfo[], flags: string[]) =>
    list.length === 0
      ? Promise.resolve(null)
      : git.run(['diff-tree', '--stdin', '-z', '-r', '--raw', '--no-abbrev', ...flags, '--root', '--no-ext-diff'], { input: list.map((c) => c.oid).join('\n') + '\n' });
  const [plain, combined] = await Promise.all([run(others, ['-M']), run(merges, ['-c'])]);
  const byCommit = parseDiffTreeStdin([...(plain ? splitZ(plain.stdout) : []), ...(combined ? splitZ(combined.stdout) : [])]);
  const changes: FileChange[] = [];
  for (const c of commits) changes.push(...(byCommit.get(c.oid!) ?? []));
  return { commits, changes };
}

function person(name: string, email: string, time: string): Person {
  return { name, email, time: Number(time) || 0 };
}

export function parseTrailers(text: string): Trailer[] {
  const out: Trailer[] = [];
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push({ key: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return out;
}

function parseLog(stdout: Buffer, refsByTip: Map<string, string[]>): CommitInfo[] {
  // Fields are NUL-separated and -z separates commits with one more NUL, which ends the last
  // field: so every commit is exactly FIELDS.length fields. Messages cannot hold NUL.
  const fields = stdout.toString('utf8').split('\0');
  const n = FIELDS.length;
  const commits: CommitInfo[] = [];
  for (let i = 0; i + n <= fields.length; i += n) {
    const f = fields.slice(i, i + n);
    const [oid, source, parents, tree, an, ae, at, cn, ce, ct, body, trailers] = f as [string, ...string[]];
    if (!oid) continue;
    commits.push({
      oid,
      parents: parents ? parents.split(' ') : [],
      tree: tree ?? null,
      author: person(an ?? '', ae ?? '', at ?? '0'),
      committer: person(cn ?? '', ce ?? '', ct ?? '0'),
      message: body ?? '',
      trailers: parseTrailers(trailers ?? ''),
      refs: refsByTip.get(source ?? '') ?? [],
    });
  }
  return commits;
}
