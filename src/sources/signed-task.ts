// Signed task envelopes (SPEC-260 trust): the task scope an agent works in counts on the server
// only when the orchestrator signed it. A commit carries the signed envelope in one trailer, so
// it survives every amend, rebase and retry of an agent loop and needs no extra ref:
//
//   Task-Envelope: v1 <base64 of the statement's canonical JSON> <base64 of the SSHSIG blob>
//
// The statement (signed with `ssh-keygen -Y sign -n safety-gate-task`, the exact decoded bytes):
//
//   {"type":"safety-gate/task@1","repo":"acme/app","issued_at":"…","expires_at":"…",
//    "envelope":{ the SPEC-260 model request envelope, as the orchestrator wrote it }}
//
// It counts when the signature verifies against the policy's allowed signers (ssh-keygen's exit
// status), the key holds a role of approvals.task_signers (default `orchestrator`) and is no
// agent identity, the statement names this repository and is within its validity, and the
// envelope passes the SPEC-260 schema. What the commit's own Task-Scope / Run-Id trailers say is
// only compared with it, never trusted.
import { canonicalJson } from '../config/canonical.js';
import type { ChangeSet, SignedTask, TaskEnvelope } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { GitAccess } from '../rules/types.js';
import { repoIdOf } from '../approvals/apply.js';
import { openTrust } from '../approvals/trust.js';
import { validateEnvelope } from './task.js';

export const TASK_NAMESPACE = 'safety-gate-task';
export const TASK_TRAILER = 'Task-Envelope';
export const TASK_STATEMENT = 'safety-gate/task@1';

export interface TaskStatement {
  type: typeof TASK_STATEMENT;
  repo: string;
  issued_at: string;
  expires_at: string;
  envelope: Record<string, unknown>;
}

export function statementBytes(st: TaskStatement): Buffer {
  return Buffer.from(canonicalJson(st), 'utf8');
}

export function encodeTrailerValue(st: TaskStatement, sshsig: Buffer): string {
  return `v1 ${statementBytes(st).toString('base64')} ${sshsig.toString('base64')}`;
}

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const isTrailer = (key: string) => key.toLowerCase() === TASK_TRAILER.toLowerCase();

type Decoded = { ok: true; data: Buffer; sig: Buffer; statement: TaskStatement } | { ok: false; problem: string };

export function decodeTrailerValue(value: string): Decoded {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 3 || parts[0] !== 'v1' || !B64.test(parts[1]!) || !B64.test(parts[2]!))
    return { ok: false, problem: `the ${TASK_TRAILER} trailer is not "v1 <statement> <signature>" (write it with safety-gate task sign)` };
  const data = Buffer.from(parts[1]!, 'base64');
  const sig = Buffer.from(parts[2]!, 'base64');
  let st: unknown;
  try {
    st = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, problem: `the ${TASK_TRAILER} statement is not JSON` };
  }
  const s = st as Record<string, unknown>;
  if (!s || typeof s !== 'object' || Array.isArray(s) || s.type !== TASK_STATEMENT) return { ok: false, problem: `the ${TASK_TRAILER} statement is not of type ${TASK_STATEMENT}` };
  if (
    typeof s.repo !== 'string' ||
    typeof s.issued_at !== 'string' ||
    typeof s.expires_at !== 'string' ||
    Number.isNaN(Date.parse(s.issued_at)) ||
    Number.isNaN(Date.parse(s.expires_at))
  ) {
    return { ok: false, problem: `the ${TASK_TRAILER} statement lacks repo, issued_at or expires_at` };
  }
  if (!s.envelope || typeof s.envelope !== 'object' || Array.isArray(s.envelope)) return { ok: false, problem: `the ${TASK_TRAILER} statement holds no envelope object` };
  if (canonicalJson(st) !== data.toString('utf8')) return { ok: false, problem: `the ${TASK_TRAILER} statement is not in canonical form` };
  return { ok: true, data, sig, statement: st as TaskStatement };
}

/** Verify the Task-Envelope trailer of every commit that carries one; results go to `cs.signedTasks`. */
export async function attachSignedTasks(cs: ChangeSet, policy: Policy, git: Pick<GitAccess, 'gitDir' | 'workTree'>, server: boolean, now: number): Promise<void> {
  const out = new Map<string | null, SignedTask>();
  const trust = openTrust(policy, git, server);
  const roles = policy.approvals?.task_signers ?? ['orchestrator'];
  const repo = repoIdOf(policy);
  const seen = new Map<string, Promise<SignedTask>>();
  try {
    for (const c of cs.commits) {
      if (c.transition) continue;
      const values = c.trailers.filter((t) => isTrailer(t.key)).map((t) => t.value);
      if (values.length === 0) continue;
      if (new Set(values).size > 1) {
        out.set(c.oid, { ok: false, problem: `${values.length} different ${TASK_TRAILER} trailers (a commit belongs to one task)` });
        continue;
      }
      let p = seen.get(values[0]!);
      if (!p) seen.set(values[0]!, (p = verifyOne(values[0]!)));
      out.set(c.oid, await p);
    }
  } finally {
    trust.close();
  }
  if (out.size > 0) cs.signedTasks = out;

  async function verifyOne(value: string): Promise<SignedTask> {
    const d = decodeTrailerValue(value);
    if (!d.ok) return { ok: false, problem: d.problem };
    const v = await trust.verify(d.data, d.sig, TASK_NAMESPACE, roles, 'the task envelope');
    if (!v.ok) return { ok: false, problem: v.why };
    const st = d.statement;
    if (st.repo !== repo) return { ok: false, problem: `the task envelope signed by ${v.principal} is for repository "${st.repo}", not "${repo}"` };
    if (now > Date.parse(st.expires_at)) return { ok: false, problem: `the task envelope signed by ${v.principal} expired at ${st.expires_at}` };
    if (Date.parse(st.issued_at) > now + 5 * 60_000) return { ok: false, problem: `the task envelope signed by ${v.principal} is issued in the future (${st.issued_at})` };
    const r = validateEnvelope(st.envelope, `the envelope signed by ${v.principal}`);
    if ('problem' in r) return { ok: false, problem: `the task envelope signed by ${v.principal} is not a SPEC-260 envelope: ${r.keyPath ? `${r.keyPath} ` : ''}${r.problem}` };
    const task: TaskEnvelope = { ...r.task, signedBy: v.principal };
    return { ok: true, task, signer: v.principal };
  }
}
