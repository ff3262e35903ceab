// Evaluates a sentinel against one tree state: the sentinel must list exactly the files it
// covers, each with the sha256 of its blob content in that state. Shared by the `sentinel` rule,
// the server-side verification of the built-in sentinel generator and `safety-gate generate`.
import type { TreeEntry } from '../../changeset/types.js';
import type { CommitView, GitAccess } from '../types.js';
import { perRun } from '../../engine/run-cache.js';
import { trackedAfter } from './tracked.js';
import { blobSha256, knownSha256 } from './blob-hash.js';
import type { SentinelSpec } from './model.js';
import { pathKey } from '../../engine/spellings.js';
import { parseSentinel, renderSentinel } from './sentinel-format.js';
import type { EntryFilter } from './tracked.js';
import type { MessageOf } from '../messages.js';
import type { sentinelMessages } from '../sentinel/messages.js';

type SentinelProblemKind = 'sentinel-missing' | 'sentinel-not-a-file' | 'sentinel-unreadable' | 'malformed' | 'stale' | 'missing' | 'extra' | 'duplicate' | 'uncheckable';

interface SentinelProblem {
  kind: SentinelProblemKind;
  /** The covered path concerned (the sentinel's own path for sentinel-level problems). */
  subject: string;
  /** Line in the sentinel, when the problem has one. */
  line: number | null;
  /** The finding it is (sentinel/messages.ts). */
  msg: MessageOf<typeof sentinelMessages>;
}

export interface SentinelEvaluation {
  problems: SentinelProblem[];
  /** Canonical rendering from the covered blobs (computed on first read); null when a covered blob cannot be hashed. */
  readonly expectedText: string | null;
  /** The sentinel's content as stored; null when absent or unreadable. */
  actualText: string | null;
}

function sentinelFilter(spec: SentinelSpec): EntryFilter {
  return { id: `sentinel:${spec.path}`, match: (p) => spec.covered(p) || spec.isSentinel(p) };
}

const GITLINK = '160000';

function lazy(problems: SentinelProblem[], render: () => string | null, actualText: string | null): SentinelEvaluation {
  let text: string | null | undefined;
  return {
    problems,
    actualText,
    get expectedText() {
      if (text === undefined) text = render();
      return text;
    },
  };
}

/** `entries`: the tree state filtered by sentinelFilter(spec). */
export async function evaluateSentinel(git: GitAccess, spec: SentinelSpec, entries: ReadonlyMap<string, TreeEntry>, caseInsensitive: boolean): Promise<SentinelEvaluation> {
  const problems: SentinelProblem[] = [];
  // Tree paths are canonical already; only a case-insensitive policy needs a folded key.
  const key = caseInsensitive ? (p: string) => pathKey(p, true) : (p: string) => p;

  // Hash what the sentinel must cover: each blob read and hashed once per run.
  // `entries` passed sentinelFilter: everything but the sentinel itself is covered.
  const covered = [...entries.values()].filter((e) => !spec.isSentinel(e.path));
  const known = knownSha256(git);
  const missing = covered.filter((e) => e.mode !== GITLINK && !known.has(e.oid));
  await Promise.all(missing.map((e) => blobSha256(git, e.oid)));
  const expected = new Map<string, { path: string; hex: string | null }>();
  let renderable = true;
  for (const e of covered) {
    if (e.mode === GITLINK) {
      renderable = false;
      problems.push({ kind: 'uncheckable', subject: e.path, line: null, msg: { messageId: 'submodule', data: { path: e.path } } });
      expected.set(key(e.path), { path: e.path, hex: null });
      continue;
    }
    const hex = known.get(e.oid) ?? null;
    if (hex === null) {
      renderable = false;
      problems.push({ kind: 'uncheckable', subject: e.path, line: null, msg: { messageId: 'unreadable', data: { path: e.path } } });
    }
    expected.set(key(e.path), { path: e.path, hex });
  }
  // renderSentinel sorts.
  const render = () =>
    renderable
      ? renderSentinel(
          spec.format,
          covered.map((e) => ({ path: spec.entryPath(e.path), hex: expected.get(key(e.path))!.hex! })),
        )
      : null;

  // Read the sentinel itself.
  const own = entries.get(spec.path) ?? [...entries.values()].find((e) => spec.isSentinel(e.path));
  if (!own) {
    problems.push({ kind: 'sentinel-missing', subject: spec.path, line: null, msg: { messageId: 'sentinelMissing', data: { sentinel: spec.path } } });
    return lazy(problems, render, null);
  }
  if (own.mode !== '100644' && own.mode !== '100755') {
    problems.push({ kind: 'sentinel-not-a-file', subject: spec.path, line: null, msg: { messageId: 'sentinelNotAFile', data: { sentinel: spec.path, mode: own.mode } } });
    return lazy(problems, render, null);
  }
  const blob = await git.readBlob(own.oid);
  if (!blob) {
    problems.push({ kind: 'sentinel-unreadable', subject: spec.path, line: null, msg: { messageId: 'sentinelUnreadable', data: { sentinel: spec.path } } });
    return lazy(problems, render, null);
  }
  const parsed = parseSentinel(spec.format, blob.text);
  for (const err of parsed.errors)
    problems.push({ kind: 'malformed', subject: spec.path, line: err.line, msg: { messageId: 'malformed', data: { sentinel: spec.path, problem: err.message } } });

  const listed = new Set<string>();
  for (const entry of parsed.entries) {
    const repo = spec.repoPath(entry.path);
    const k = repo === null ? null : caseInsensitive ? pathKey(repo, true) : repo;
    if (k !== null && listed.has(k)) {
      problems.push({ kind: 'duplicate', subject: repo!, line: entry.line, msg: { messageId: 'duplicate', data: { path: entry.path, sentinel: spec.path } } });
      continue;
    }
    if (k !== null) listed.add(k);
    const want = k === null ? undefined : expected.get(k);
    if (!want) {
      const data = { sentinel: spec.path, path: entry.path };
      problems.push({ kind: 'extra', subject: repo ?? entry.path, line: entry.line, msg: repo === null ? { messageId: 'outside', data } : { messageId: 'notCovered', data } });
      continue;
    }
    if (want.hex !== null && want.hex !== entry.hex) {
      problems.push({
        kind: 'stale',
        subject: want.path,
        line: entry.line,
        msg: { messageId: 'stale', data: { sentinel: spec.path, path: want.path, recorded: entry.hex.slice(0, 12), actual: want.hex.slice(0, 12) } },
      });
    }
  }
  for (const [k, want] of expected) {
    if (!listed.has(k)) problems.push({ kind: 'missing', subject: want.path, line: null, msg: { messageId: 'unlisted', data: { sentinel: spec.path, path: want.path } } });
  }
  return lazy(problems, render, blob.text);
}

/** The sentinel evaluated in the tree after a commit, once per run (the rule and the server's check of the built-in generator share it). */
export function evaluateSentinelAfter(git: GitAccess, spec: SentinelSpec, view: CommitView, caseInsensitive: boolean): Promise<SentinelEvaluation> {
  return perRun(git, `sentinel-eval:${spec.path}:${view.snapshot.id}:${caseInsensitive}`, async () => {
    const entries = await trackedAfter(git, sentinelFilter(spec), view);
    return evaluateSentinel(git, spec, entries, caseInsensitive);
  });
}
