// Evaluates a sentinel against one tree state: the sentinel must list exactly the files it
// covers, each with the sha256 of its blob content in that state. Shared by the `sentinel` rule,
// the server-side verification of the built-in sentinel generator and `safety-gate generate`.
import type { TreeEntry } from '../changeset/types.js';
import type { GitAccess } from '../rules/types.js';
import { blobSha256 } from './blob-hash.js';
import type { SentinelSpec } from './model.js';
import { pathKey } from './paths.js';
import { parseSentinel, renderSentinel } from './sentinel-format.js';
import type { EntryFilter } from './tracked.js';

export type SentinelProblemKind =
  | 'sentinel-missing'
  | 'sentinel-not-a-file'
  | 'sentinel-unreadable'
  | 'malformed'
  | 'stale'
  | 'missing'
  | 'extra'
  | 'duplicate'
  | 'uncheckable';

export interface SentinelProblem {
  kind: SentinelProblemKind;
  /** The covered path concerned (the sentinel's own path for sentinel-level problems). */
  subject: string;
  /** Line in the sentinel, when the problem has one. */
  line: number | null;
  message: string;
}

export interface SentinelEvaluation {
  problems: SentinelProblem[];
  /** Canonical rendering from the covered blobs; null when a covered blob cannot be hashed. */
  expectedText: string | null;
  /** The sentinel's content as stored; null when absent or unreadable. */
  actualText: string | null;
}

export function sentinelFilter(spec: SentinelSpec): EntryFilter {
  return { id: `sentinel:${spec.path}`, match: (p) => spec.covered(p) || spec.isSentinel(p) };
}

const GITLINK = '160000';

export async function evaluateSentinel(
  git: GitAccess,
  spec: SentinelSpec,
  entries: ReadonlyMap<string, TreeEntry>,
  caseInsensitive: boolean,
): Promise<SentinelEvaluation> {
  const problems: SentinelProblem[] = [];
  const key = (p: string) => pathKey(p, caseInsensitive);

  // Hash what the sentinel must cover.
  const covered = [...entries.values()].filter((e) => spec.covered(e.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  const expected = new Map<string, { path: string; hex: string | null }>();
  let renderable = true;
  await Promise.all(
    covered.map(async (e) => {
      if (e.mode === GITLINK) {
        renderable = false;
        problems.push({ kind: 'uncheckable', subject: e.path, line: null, message: `${e.path} is a submodule: it has no content to hash` });
        expected.set(key(e.path), { path: e.path, hex: null });
        return;
      }
      const hex = await blobSha256(git, e.oid);
      if (hex === null) {
        renderable = false;
        problems.push({ kind: 'uncheckable', subject: e.path, line: null, message: `${e.path} cannot be read (missing, or over limits.max_blob_bytes)` });
      }
      expected.set(key(e.path), { path: e.path, hex });
    }),
  );
  const expectedText = renderable
    ? renderSentinel(spec.format, covered.map((e) => ({ path: spec.entryPath(e.path), hex: expected.get(key(e.path))!.hex! })))
    : null;

  // Read the sentinel itself.
  const own = entries.get(spec.path) ?? [...entries.values()].find((e) => spec.isSentinel(e.path));
  if (!own) {
    problems.push({ kind: 'sentinel-missing', subject: spec.path, line: null, message: `sentinel ${spec.path} is missing` });
    return { problems, expectedText, actualText: null };
  }
  if (own.mode !== '100644' && own.mode !== '100755') {
    problems.push({ kind: 'sentinel-not-a-file', subject: spec.path, line: null, message: `sentinel ${spec.path} is not a regular file (mode ${own.mode})` });
    return { problems, expectedText, actualText: null };
  }
  const blob = await git.readBlob(own.oid);
  if (!blob) {
    problems.push({ kind: 'sentinel-unreadable', subject: spec.path, line: null, message: `sentinel ${spec.path} cannot be read (missing, or over limits.max_blob_bytes)` });
    return { problems, expectedText, actualText: null };
  }
  const parsed = parseSentinel(spec.format, blob.text);
  for (const err of parsed.errors) problems.push({ kind: 'malformed', subject: spec.path, line: err.line, message: `sentinel ${spec.path}: ${err.message}` });

  const listed = new Set<string>();
  for (const entry of parsed.entries) {
    const repo = spec.repoPath(entry.path);
    const k = repo === null ? null : key(repo);
    if (k !== null && listed.has(k)) {
      problems.push({ kind: 'duplicate', subject: repo!, line: entry.line, message: `${entry.path} is listed twice in ${spec.path}` });
      continue;
    }
    if (k !== null) listed.add(k);
    const want = k === null ? undefined : expected.get(k);
    if (!want) {
      const why = repo === null ? 'points outside the repository' : 'is not a covered file here (deleted, renamed, or outside `covers`)';
      problems.push({ kind: 'extra', subject: repo ?? entry.path, line: entry.line, message: `${spec.path} lists ${entry.path}, which ${why}` });
      continue;
    }
    if (want.hex !== null && want.hex !== entry.hex) {
      problems.push({
        kind: 'stale',
        subject: want.path,
        line: entry.line,
        message: `${spec.path} is stale for ${want.path}: it records sha256 ${entry.hex.slice(0, 12)}…, the file has ${want.hex.slice(0, 12)}…`,
      });
    }
  }
  for (const [k, want] of expected) {
    if (!listed.has(k)) problems.push({ kind: 'missing', subject: want.path, line: null, message: `${spec.path} does not list ${want.path}` });
  }
  return { problems, expectedText, actualText: blob.text };
}
