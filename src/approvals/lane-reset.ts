// Lane resets (SPEC-260 retry budgets): a person restarts an exhausted task lane with a signed
// statement, `safety-gate approve --reset-lane LANE --key KEY`. It lives in the approvals notes
// ref, on the note of the blob `safety-gate lane-reset <lane>\n` (a lane is no git object; this
// blob's id is one both sides compute), one entry per line:
//
//   safety-gate-lane-reset v1 <base64 of the statement's canonical JSON> <base64 of the SSHSIG blob>
//
// signed with namespace safety-gate-lane-reset. It counts when the signature verifies, the key
// holds a role of approvals.lane_reset (default security), is no agent identity and not the
// pusher, and the statement names this repository and this lane. Blocked attempts recorded
// before its issued_at no longer count against the lane.
import { canonicalJson } from '../config/canonical.js';
import type { ChangeSet } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { GitAccess } from '../rules/types.js';
import { repoIdOf } from './apply.js';
import { mayBePusher, pusherIdentity } from './identity.js';
import { NOTES_REF } from './statement.js';
import { openTrust } from './trust.js';

export const RESET_NAMESPACE = 'safety-gate-lane-reset';
const RESET_TAG = 'safety-gate-lane-reset';
export const RESET_TYPE = 'safety-gate/lane-reset@1';

export interface ResetStatement {
  type: typeof RESET_TYPE;
  repo: string;
  lane: string;
  reason: string;
  issued_at: string;
}

/** The content of the blob whose note holds a lane's resets. */
export function laneObjectContent(lane: string): string {
  return `safety-gate lane-reset ${lane}\n`;
}

export function encodeReset(st: ResetStatement, sshsig: Buffer): string {
  return `${RESET_TAG} v1 ${Buffer.from(canonicalJson(st), 'utf8').toString('base64')} ${sshsig.toString('base64')}`;
}

export function resetBytes(st: ResetStatement): Buffer {
  return Buffer.from(canonicalJson(st), 'utf8');
}

export interface LaneReset {
  /** Time (ms) of the latest reset that counts; null: none. */
  at: number | null;
  by: string | null;
  /** Why other reset entries did not count. */
  rejected: string[];
}

/** The latest reset of `lane` that counts, from the notes ref this door trusts (and, on the server, its pushed value). */
export async function latestReset(policy: Policy, git: GitAccess, cs: ChangeSet, server: boolean, lane: string, now: number): Promise<LaneReset> {
  const result: LaneReset = { at: null, by: null, rejected: [] };
  const obj = await git.run(['hash-object', '--stdin'], laneObjectContent(lane));
  if (obj.code !== 0) return result;
  const oid = obj.stdout.toString('utf8').trim();
  const notes: string[] = [];
  if (server) for (const r of cs.refs) if (r.ref === NOTES_REF && r.kind !== 'delete') notes.push(r.newOid);
  const cur = await git.run(['rev-parse', '--verify', '-q', `${NOTES_REF}^{commit}`]);
  if (cur.code === 0) notes.push(cur.stdout.toString('utf8').trim());
  const lines = new Set<string>();
  for (const n of new Set(notes)) {
    const snap = git.snapshot(n);
    for (const path of [oid, `${oid.slice(0, 2)}/${oid.slice(2)}`, `${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid.slice(4)}`]) {
      const e = await snap.entry(path);
      if (!e) continue;
      const blob = await git.readBlob(e.oid);
      if (blob) for (const l of blob.text.split('\n')) if (l.trim().startsWith(`${RESET_TAG} `)) lines.add(l.trim());
    }
  }
  if (lines.size === 0) return result;
  const trust = openTrust(policy, git, server);
  const roles = policy.approvals?.lane_reset ?? ['security'];
  const repo = repoIdOf(policy);
  const pusher = pusherIdentity(policy.approvals?.identities ?? {}, cs.actor);
  try {
    for (const line of lines) {
      const parts = line.split(/\s+/);
      if (parts.length !== 4 || parts[1] !== 'v1') {
        result.rejected.push('a lane reset entry is not well formed');
        continue;
      }
      const data = Buffer.from(parts[2]!, 'base64');
      let st: ResetStatement;
      try {
        st = JSON.parse(data.toString('utf8')) as ResetStatement;
      } catch {
        result.rejected.push('a lane reset entry holds no JSON statement');
        continue;
      }
      if (st?.type !== RESET_TYPE || canonicalJson(st) !== data.toString('utf8') || typeof st.issued_at !== 'string' || Number.isNaN(Date.parse(st.issued_at))) {
        result.rejected.push('a lane reset entry holds no canonical lane-reset statement');
        continue;
      }
      const v = await trust.verify(data, Buffer.from(parts[3]!, 'base64'), RESET_NAMESPACE, roles, 'a lane reset');
      if (!v.ok) {
        result.rejected.push(v.why);
        continue;
      }
      if (st.repo !== repo) result.rejected.push(`${v.principal}'s lane reset is for repository "${st.repo}", not "${repo}"`);
      else if (st.lane !== lane) result.rejected.push(`${v.principal}'s lane reset is for lane ${st.lane}`);
      else if (mayBePusher(pusher, v.names)) result.rejected.push(`${v.principal} is the pusher (${pusher.label}); a lane is reset by someone else`);
      else if (Date.parse(st.issued_at) > now + 5 * 60_000) result.rejected.push(`${v.principal}'s lane reset is issued in the future (${st.issued_at})`);
      else {
        const at = Date.parse(st.issued_at);
        if (result.at === null || at > result.at) {
          result.at = at;
          result.by = v.principal;
        }
      }
    }
  } finally {
    trust.close();
  }
  return result;
}
