// The approval statement: canonical JSON, signed with `ssh-keygen -Y sign -n safety-gate-approval`.
// A note under refs/notes/safety-gate holds one entry per line, so that git's `cat_sort_uniq`
// notes merge strategy (and `git notes append`) combine several approvers' entries without ever
// breaking one:
//
//   safety-gate-approval v1 <base64 of the statement's canonical JSON> <base64 of the SSHSIG blob>
//
// The signed data is exactly the decoded statement bytes. Nothing in a statement is trusted
// until its signature verifies against the policy's allowed signers.
import { canonicalJson, readSignedLines } from '../config/canonical.js';

export const NAMESPACE = 'safety-gate-approval';
export const NOTES_REF = 'refs/notes/safety-gate';
const ENTRY_TAG = 'safety-gate-approval';
const STATEMENT_TYPE = 'safety-gate/approval@1';

type StatementKind = 'approval' | 'break-glass';

export interface Statement {
  type: typeof STATEMENT_TYPE;
  kind: StatementKind;
  /** The repository id of the policy (approvals.repo_id). */
  repo: string;
  /** The commit approved; null for a staged tree (`approve --staged`). */
  commit: string | null;
  /** Its tree id (for a staged approval: the index's tree). */
  tree: string;
  /** Staged approvals: the tree of the commit the staged change goes on top of (null: first commit). */
  parent_tree: string | null;
  /** Ref pattern the commit may land on ('*': any). */
  ref: string;
  /** Rules and protected groups covered (empty: whatever the approver's roles may approve). */
  covers: string[];
  reason: string;
  issued_at: string;
  expires_at: string;
  /** Break-glass only. */
  incident?: string;
  bypass?: string[];
  rollback?: string;
}

export interface Entry {
  /** The line as stored. */
  line: string;
  /** Exact signed bytes. */
  data: Buffer;
  /** Raw SSHSIG blob. */
  signature: Buffer;
  statement: Statement | null;
  /** Why the entry cannot be read as a statement. */
  problem: string | null;
}

export function encodeEntry(statement: Statement, sshsig: Buffer): string {
  const data = Buffer.from(canonicalJson(statement), 'utf8');
  return `${ENTRY_TAG} v1 ${data.toString('base64')} ${sshsig.toString('base64')}`;
}

export function statementBytes(statement: Statement): Buffer {
  return Buffer.from(canonicalJson(statement), 'utf8');
}

/** Every entry of a note's text; lines that are not entries are ignored. */
export function parseNote(text: string): Entry[] {
  const lines = readSignedLines<Statement>(text, ENTRY_TAG, { unsigned: false, malformed: 'is not a well-formed approval entry', what: 'statement', shape: shapeProblem });
  // Always signed: a well-formed entry has its signature, a malformed one an empty one.
  return lines.map(({ line, data, signature, value, problem }) => ({ line, data, signature: signature ?? Buffer.alloc(0), statement: value, problem }));
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isOid = (v: unknown): v is string => isStr(v) && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(v);

function shapeProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'holds a statement that is not an object';
  const s = v as Record<string, unknown>;
  if (s.type !== STATEMENT_TYPE) return `holds a statement of type ${JSON.stringify(s.type)}, not ${STATEMENT_TYPE}`;
  if (s.kind !== 'approval' && s.kind !== 'break-glass') return 'holds a statement of an unknown kind';
  if (!isStr(s.repo) || !isOid(s.tree) || !(s.commit === null || isOid(s.commit)) || !(s.parent_tree === null || isOid(s.parent_tree)))
    return 'holds a statement without repository, commit or tree';
  if (!isStr(s.ref) || !Array.isArray(s.covers) || !s.covers.every(isStr) || !isStr(s.reason)) return 'holds a statement without ref, covers or reason';
  if (!isStr(s.issued_at) || !isStr(s.expires_at) || Number.isNaN(Date.parse(s.issued_at)) || Number.isNaN(Date.parse(s.expires_at)))
    return 'holds a statement without valid issued_at/expires_at';
  if (s.kind === 'break-glass') {
    if (!isStr(s.incident) || s.incident === '' || !Array.isArray(s.bypass) || s.bypass.length === 0 || !s.bypass.every(isStr) || !isStr(s.rollback) || s.rollback === '') {
      return 'is a break-glass statement without incident, bypass or rollback';
    }
  }
  return null;
}

/** `30m`, `4h`, `7d`, `2w`, `90s` → milliseconds (null when malformed). */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Math.round(Number(m[1]) * unit);
}
