// `safety-gate audit overdue`: break-glass uses whose follow-up has not landed. A follow-up is a
// later change on the same protected ref that names the incident in an `Incident:` trailer and
// passed the gate with nothing bypassed (an audit record with decision "pass" listing it).
import type { AuditRecord } from '../audit/record.js';

const FOLLOW_UP_MS = 24 * 3_600_000;

export interface OverdueItem {
  incident: string;
  time: string;
  due: string;
  refs: string[];
  commits: string[];
  approvers: string[];
  bypassed: string[];
  /** overdue: past due without a follow-up; pending: still within the 24 h. */
  status: 'overdue' | 'pending';
}

/** `trailers(commits)`: commit id → values of its Incident: trailers (commits git does not know are absent). */
export async function findOverdue(records: readonly AuditRecord[], now: number, trailers: (commits: string[]) => Promise<Map<string, string[]>>): Promise<OverdueItem[]> {
  const overrides = records.filter((r) => r.decision === 'override' && r.override);
  if (overrides.length === 0) return [];
  const passes = records.filter((r) => r.decision === 'pass' && !r.override);
  const incidentsOf = await trailers([...new Set(passes.flatMap((r) => r.commits))]);
  const out: OverdueItem[] = [];
  for (const o of overrides) {
    const incident = o.override!.incident;
    const refs = o.refs.filter((r) => r.new !== null && !r.ref.startsWith('refs/notes/')).map((r) => r.ref);
    const t = Date.parse(o.time);
    const followed = passes.some(
      (p) => Date.parse(p.time) >= t && p.refs.some((r) => r.new !== null && refs.includes(r.ref)) && p.commits.some((c) => (incidentsOf.get(c) ?? []).includes(incident)),
    );
    if (followed) continue;
    out.push({
      incident,
      time: o.time,
      due: new Date(t + FOLLOW_UP_MS).toISOString(),
      refs,
      commits: o.commits,
      approvers: o.override!.approvers.map((a) => a.name),
      bypassed: o.override!.checks_bypassed,
      status: now > t + FOLLOW_UP_MS ? 'overdue' : 'pending',
    });
  }
  return out;
}
