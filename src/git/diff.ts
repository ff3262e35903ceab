// Parsers for `--raw -z` output of diff-index and diff-tree (including combined diffs of merges,
// `-c`, which list only paths that differ from every parent: content that first appears in the
// merge resolution).
import type { ChangeStatus, FileChange } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg, engineMsg } from '../messages.js';

const ZERO = /^0+$/;

function oidOrNull(oid: string): string | null {
  return ZERO.test(oid) ? null : oid;
}

function modeOrNull(mode: string): string | null {
  return mode === '000000' ? null : mode;
}

function normaliseStatus(letter: string): ChangeStatus {
  switch (letter) {
    case 'A':
    case 'D':
    case 'R':
    case 'C':
    case 'T':
      return letter;
    default:
      // M, and U (unmerged) / X (unknown) which only diff-files shows; treat as a modification.
      return 'M';
  }
}

/**
 * Parse raw records starting at `fields[i]`. Returns the changes and the index after them.
 * Stops at a field that does not start with ':' (the next commit id in diff-tree --stdin output).
 */
export function parseRawRecords(fields: string[], start: number, commit: string | null): { changes: FileChange[]; next: number } {
  const changes: FileChange[] = [];
  let i = start;
  while (i < fields.length) {
    const head = fields[i]!;
    if (!head.startsWith(':')) break;
    let colons = 0;
    while (head[colons] === ':') colons++;
    const parts = head.slice(colons).split(' ');
    if (colons === 1) {
      // :oldmode newmode oldoid newoid status
      const [oldMode, newMode, oldOid, newOid, statusField] = parts;
      if (statusField === undefined) throw bad(head);
      const status = normaliseStatus(statusField[0]!);
      // A rename or copy names two paths (from, then to); any other status one.
      const paired = status === 'R' || status === 'C';
      const path = fields[i + (paired ? 2 : 1)];
      const oldPath = paired ? fields[i + 1] : status === 'A' ? null : path;
      if (path === undefined || oldPath === undefined) throw bad(head);
      changes.push({
        status,
        path,
        oldPath,
        oldMode: modeOrNull(oldMode!),
        newMode: modeOrNull(newMode!),
        oldOid: oidOrNull(oldOid!),
        newOid: oidOrNull(newOid!),
        commit,
      });
      i += paired ? 3 : 2;
    } else {
      // ::mode1 mode2 … modeR oid1 oid2 … oidR STATUSES (one letter per parent)
      const n = colons;
      const modes = parts.slice(0, n + 1);
      const oids = parts.slice(n + 1, 2 * n + 2);
      const statuses = parts[2 * n + 2];
      const path = fields[i + 1];
      if (statuses === undefined || path === undefined || oids.length !== n + 1) throw bad(head);
      const newMode = modeOrNull(modes[n]!);
      const newOid = oidOrNull(oids[n]!);
      const parents = modes.slice(0, n).map((m, k) => ({ mode: modeOrNull(m), oid: oidOrNull(oids[k]!) }));
      const first = parents[0]!;
      const status: ChangeStatus =
        newOid === null
          ? 'D'
          : first.oid === null
            ? 'A'
            : first.mode !== newMode && (first.mode === '120000' || newMode === '120000' || first.mode === '160000' || newMode === '160000')
              ? 'T'
              : 'M';
      changes.push({
        status,
        path,
        oldPath: first.oid === null ? null : path,
        oldMode: first.mode,
        newMode,
        oldOid: first.oid,
        newOid,
        commit,
        parents,
      });
      i += 2;
    }
  }
  return { changes, next: i };
}

function bad(head: string): GateError {
  return new GateError('git', engineMsg.badDiffOutput(JSON.stringify(head.slice(0, 80))), msg.internalHint);
}

/** Parse `git diff-tree --stdin -z -r --raw -c …` output: commit id fields followed by their records. */
export function parseDiffTreeStdin(fields: string[]): Map<string, FileChange[]> {
  const byCommit = new Map<string, FileChange[]>();
  let i = 0;
  while (i < fields.length) {
    const id = fields[i]!;
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id)) throw bad(id);
    const { changes, next } = parseRawRecords(fields, i + 1, id);
    const list = byCommit.get(id);
    if (list) list.push(...changes);
    else byCommit.set(id, changes);
    i = next;
  }
  return byCommit;
}
