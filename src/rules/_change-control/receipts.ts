// Generator receipts: what `safety-gate generate <id>` ran and which blobs went in and came out.
//
// Kept under $GIT_DIR/safety-gate/receipts/: `<id>.json` is the latest run (for people), and
// `<id>/<fingerprint>.json` every run, keyed by the sha256 of {generator, argv, inputs, outputs}.
// A client door recomputes the fingerprint from the commit (or index) it checks and looks the
// receipt up by name: one file read, however many runs happened since.
//
// Receipts live in the local repository, so they only ever convince client doors: anyone who
// can write .git can write a receipt. The server ignores them (see verify.ts).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface FileState {
  oid: string;
  mode: string;
}

/** Path → state; absent paths do not exist. */
export type FileStates = Record<string, FileState>;

export interface Receipt {
  schema: 'safety-gate/receipt@1';
  generator: string;
  argv: string[];
  /** Always the repository root. */
  cwd: '.';
  tools: { node: string; git: string; command: string | null; version: string | null };
  inputs: FileStates;
  outputs: FileStates;
  started_at: string;
  finished_at: string;
  fingerprint: string;
}

/**
 * sha256 over a canonical serialisation: the generator id and argv as JSON, then every input
 * and every output as `path NUL oid NUL mode LF`, sorted by path (code-unit order).
 */
export function fingerprint(generator: string, argv: readonly string[], inputs: FileStates, outputs: FileStates): string {
  const parts: string[] = ['safety-gate/receipt@1', JSON.stringify([generator, argv])];
  for (const [label, states] of [
    ['inputs', inputs],
    ['outputs', outputs],
  ] as const) {
    parts.push(label);
    // The default sort compares UTF-16 code units: locale-independent.
    const paths = Object.keys(states).sort();
    for (const p of paths) {
      const st = states[p]!;
      parts.push(`${p}\0${st.oid}\0${st.mode}`);
    }
  }
  return createHash('sha256')
    .update(parts.join('\n') + '\n')
    .digest('hex');
}

function receiptsDir(gitDir: string): string {
  return join(gitDir, 'safety-gate', 'receipts');
}

const encodeId = (id: string) => encodeURIComponent(id);

function latestReceiptPath(gitDir: string, id: string): string {
  return join(receiptsDir(gitDir), `${encodeId(id)}.json`);
}

function archivedReceiptPath(gitDir: string, id: string, fp: string): string {
  return join(receiptsDir(gitDir), encodeId(id), `${fp}.json`);
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function writeReceipt(gitDir: string, receipt: Receipt): { latest: string; archived: string } {
  const text = JSON.stringify(receipt, null, 2) + '\n';
  const archived = archivedReceiptPath(gitDir, receipt.generator, receipt.fingerprint);
  const latest = latestReceiptPath(gitDir, receipt.generator);
  writeAtomic(archived, text);
  writeAtomic(latest, text);
  return { latest, archived };
}

function parseReceipt(text: string): Receipt | null {
  try {
    const r = JSON.parse(text) as Receipt;
    if (r?.schema !== 'safety-gate/receipt@1' || typeof r.generator !== 'string' || !Array.isArray(r.argv)) return null;
    if (typeof r.inputs !== 'object' || typeof r.outputs !== 'object' || r.inputs === null || r.outputs === null) return null;
    // The name is not the proof: the content must hash to its fingerprint.
    if (fingerprint(r.generator, r.argv, r.inputs, r.outputs) !== r.fingerprint) return null;
    return r;
  } catch {
    return null;
  }
}

function readReceipt(path: string): Receipt | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  return parseReceipt(text);
}

/** Whether any receipt of this generator exists (lets a door skip hashing states when none does). */
export function hasReceipts(gitDir: string, id: string): boolean {
  return existsSync(join(receiptsDir(gitDir), encodeId(id)));
}

/** The receipt of exactly this run (generator, argv, inputs, outputs), or null. */
export function findReceipt(gitDir: string, id: string, fp: string): Receipt | null {
  const r = readReceipt(archivedReceiptPath(gitDir, id, fp));
  return r && r.fingerprint === fp && r.generator === id ? r : null;
}

export function latestReceipt(gitDir: string, id: string): Receipt | null {
  return readReceipt(latestReceiptPath(gitDir, id));
}

export interface StateDifference {
  path: string;
  /** missing: expected but absent; extra: present but not expected; changed: other blob or mode. */
  kind: 'missing' | 'extra' | 'changed';
}

/** Differences between what a run recorded (expected) and what a commit holds (actual), sorted by path. */
export function diffStates(expected: FileStates, actual: FileStates): StateDifference[] {
  const out: StateDifference[] = [];
  for (const [path, e] of Object.entries(expected)) {
    const a = actual[path];
    if (!a) out.push({ path, kind: 'missing' });
    else if (a.oid !== e.oid || a.mode !== e.mode) out.push({ path, kind: 'changed' });
  }
  for (const path of Object.keys(actual)) if (!expected[path]) out.push({ path, kind: 'extra' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
