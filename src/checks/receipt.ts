// Required-check receipts: what `safety-gate check run <name>` ran, on which tree, and how it
// ended. Stored as git notes under refs/notes/safety-gate-checks, one entry per line (so git's
// `cat_sort_uniq` notes merge and `git notes append` combine runs without breaking one):
//
//   safety-gate-check v1 <base64 of the receipt's canonical JSON> <base64 of the SSHSIG blob | ->
//
// `-`: an unsigned receipt (evidence on the client doors only, when the policy allows it). A signed
// receipt is signed with `ssh-keygen -Y sign -n safety-gate-check` over exactly the decoded bytes.
//
// The note is attached to the TREE object the check ran on, not to a commit: the receipt is about
// content, and every commit with tree T (the commit made from the staged tree, an amend that only
// rewords the message, a rebase that lands on the same content, a cherry-pick) is found by one
// lookup of T. A commit-keyed note would be lost by each of those and could not exist before
// `git commit` runs (pre-commit has only the index's tree). The receipt names its tree as well,
// so a note copied onto another tree is "a receipt for another tree".
import { createHash } from 'node:crypto';
import { canonicalJson, readSignedLines } from '../config/canonical.js';
import type { ResolvedCheck } from '../config/schema.js';

export const CHECK_NAMESPACE = 'safety-gate-check';
export const CHECKS_NOTES_REF = 'refs/notes/safety-gate-checks';
const CHECK_ENTRY_TAG = 'safety-gate-check';
export const RECEIPT_TYPE = 'safety-gate/check-receipt@1';

export interface CheckReceipt {
  type: typeof RECEIPT_TYPE;
  /** Repository id (approvals.repo_id, else policy_id, else "default"). */
  repo: string;
  check: string;
  /** sha256 of the canonical JSON of {command, env} as the policy resolved them. */
  command_digest: string;
  tree: string;
  /** The command's exit status; 124 when it timed out, 127 when it could not start, 128+N on signal N. */
  exit_code: number;
  duration_ms: number;
  /** sha256 of stdout and stderr as they came (interleaved in arrival order). */
  output_digest: string;
  /** ISO time the run finished. */
  time: string;
  /** Who ran it: host, user and the safety-gate version (informational; the signature is what counts). */
  runner: { host: string; user: string; tool: string };
}

export interface ReceiptEntry {
  line: string;
  /** Exact bytes that are (or would be) signed. */
  data: Buffer;
  /** SSHSIG blob; null for an unsigned receipt. */
  signature: Buffer | null;
  receipt: CheckReceipt | null;
  /** Why the line cannot be read as a receipt. */
  problem: string | null;
}

/** The digest a receipt must carry for a check of this policy. */
export function commandDigest(check: Pick<ResolvedCheck, 'command' | 'env'>): string {
  return createHash('sha256')
    .update(canonicalJson({ command: check.command, env: check.env }))
    .digest('hex');
}

export function receiptBytes(r: CheckReceipt): Buffer {
  return Buffer.from(canonicalJson(r), 'utf8');
}

export function encodeReceipt(r: CheckReceipt, sshsig: Buffer | null): string {
  return `${CHECK_ENTRY_TAG} v1 ${receiptBytes(r).toString('base64')} ${sshsig ? sshsig.toString('base64') : '-'}`;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isOid = (v: unknown): v is string => isStr(v) && /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(v);
const isHex64 = (v: unknown): v is string => isStr(v) && /^[0-9a-f]{64}$/.test(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function shapeProblem(v: unknown): string | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'holds a receipt that is not an object';
  const r = v as Record<string, unknown>;
  if (r.type !== RECEIPT_TYPE) return `holds a receipt of type ${JSON.stringify(r.type)}, not ${RECEIPT_TYPE}`;
  if (!isStr(r.repo) || !isStr(r.check) || r.check === '' || !isOid(r.tree)) return 'holds a receipt without repository, check or tree';
  if (!isHex64(r.command_digest) || !isHex64(r.output_digest)) return 'holds a receipt without command or output digest';
  if (!isInt(r.exit_code) || !isInt(r.duration_ms) || r.duration_ms < 0) return 'holds a receipt without exit code or duration';
  if (!isStr(r.time) || Number.isNaN(Date.parse(r.time))) return 'holds a receipt without a valid time';
  const runner = r.runner as Record<string, unknown> | null;
  if (!runner || typeof runner !== 'object' || !isStr(runner.host) || !isStr(runner.user) || !isStr(runner.tool)) return 'holds a receipt without its runner';
  return null;
}

/** Every receipt line of a note's text; other lines are ignored. */
export function parseReceiptNote(text: string): ReceiptEntry[] {
  const lines = readSignedLines<CheckReceipt>(text, CHECK_ENTRY_TAG, { unsigned: true, malformed: 'is not a well-formed receipt entry', what: 'receipt', shape: shapeProblem });
  return lines.map(({ line, data, signature, value, problem }) => ({ line, data, signature, receipt: value, problem }));
}

/** Note paths git may store an object's note under (no fan-out, 2/38, 2/2/36). */
export function notePaths(oid: string): string[] {
  return [oid, `${oid.slice(0, 2)}/${oid.slice(2)}`, `${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid.slice(4)}`];
}
