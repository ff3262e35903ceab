// Reading and adding receipts in refs/notes/safety-gate-checks.
//
// Readers go through git objects only: the notes commit's tree, looked up at the note paths of
// the tree id (any fan-out), so a door can read the pushed value of the ref from the push itself
// (pre-receive: the new value sits in the quarantine) as well as the repository's current one.
import { CHECKS_NOTES_REF, notePaths, parseReceiptNote, type ReceiptEntry } from './receipt.js';

/** The part of GitAccess (rules) and GitRunner (commands) these helpers need. */
export interface GitLike {
  run(args: readonly string[], input?: string | Buffer): Promise<{ stdout: Buffer; code: number }>;
}

async function revParse(git: GitLike, rev: string): Promise<string | null> {
  const r = await git.run(['rev-parse', '--verify', '-q', rev]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

/** The notes commits to read: the pushed values of the notes ref (pre-receive), then its current value. */
export async function notesCommits(git: GitLike, pushed: readonly string[]): Promise<string[]> {
  const out = [...pushed];
  const cur = await revParse(git, `${CHECKS_NOTES_REF}^{commit}`);
  if (cur) out.push(cur);
  return [...new Set(out)];
}

/** Text of the file at `path` in the tree of notes commit `commit`, or null. */
export type NoteReader = (commit: string, path: string) => Promise<string | null>;

/** A NoteReader over plain git (commands; rules read through the run's snapshots instead). */
export function gitNoteReader(git: GitLike): NoteReader {
  return async (commit, path) => {
    const r = await git.run(['cat-file', 'blob', `${commit}:${path}`]);
    return r.code === 0 ? r.stdout.toString('utf8') : null;
  };
}

/** The part of a rule's GitAccess a snapshot reader needs. */
interface SnapshotGit {
  snapshot(rev: string): { entry(path: string): Promise<{ oid: string } | null> };
  readBlob(oid: string): Promise<{ text: string } | null>;
}

/** A NoteReader for rules: through the run's snapshots and its one cat-file (no process per note). */
export function snapshotNoteReader(git: SnapshotGit): NoteReader {
  return async (commit, path) => {
    const e = await git.snapshot(commit).entry(path);
    const blob = e ? await git.readBlob(e.oid) : null;
    return blob ? blob.text : null;
  };
}

/** Every receipt attached to `object` in any of the notes commits, each line once. */
export async function receiptsFor(read: NoteReader, commits: readonly string[], object: string): Promise<ReceiptEntry[]> {
  const out = new Map<string, ReceiptEntry>();
  for (const n of commits) {
    for (const path of notePaths(object)) {
      const text = await read(n, path);
      if (text === null) continue;
      for (const e of parseReceiptNote(text)) out.set(e.line, e);
    }
  }
  return [...out.values()];
}

/** The non-empty lines of a `git notes show` (none when the object has no note). */
export function noteLines(shown: { code: number; stdout: Buffer }): string[] {
  return shown.code === 0
    ? shown.stdout
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
}

/** Adds one receipt line to the note of `object`, keeping every line already there. */
export async function addReceiptLine(git: GitLike, object: string, line: string): Promise<{ ok: boolean; error: string; lines: number }> {
  const lines = noteLines(await git.run(['notes', `--ref=${CHECKS_NOTES_REF}`, 'show', object]));
  if (!lines.includes(line)) lines.push(line);
  const add = await git.run(['notes', `--ref=${CHECKS_NOTES_REF}`, 'add', '-f', '-F', '-', object], lines.join('\n') + '\n');
  return { ok: add.code === 0, error: add.code === 0 ? '' : `git notes add exited with ${add.code}`, lines: lines.length };
}
