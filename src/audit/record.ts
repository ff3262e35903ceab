// The audit record: one JSON line per decision. Shared by the writer (hot path of every hook)
// and the verifier, so it imports nothing but node:crypto.
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../findings/types.js';
import { recordRetentionClass } from './retention.js';

const AUDIT_VERSION = 1;
export const GENESIS_PREV = '0'.repeat(64);

/** 'skip': a client hook skipped on request (SAFETY_GATE_SKIP); the server still checks. */
export type AuditDecision = 'pass' | 'block' | 'override' | 'error' | 'skip';

export interface AuditRef {
  ref: string;
  /** null for a creation (zero id). */
  old: string | null;
  /** null for a deletion (zero id). */
  new: string | null;
}

/** Compact finding: enough to find it again, not the full message. */
interface AuditFinding {
  rule: string;
  severity: Severity;
  path: string | null;
  line: number | null;
  commit: string | null;
  /** Who closed it with a signed approval or break-glass (absent otherwise). */
  approved_by?: string;
  /** Rule secrets: sha256 of the match (the secret itself is never logged). */
  secret_sha256?: string;
}

interface AuditActor {
  /** Where the identity came from: 'github', 'gitlab', 'gitea', 'remote-user', or 'local' (unauthenticated). */
  source: string;
  name: string | null;
}

interface AuditApprover {
  name: string;
  /** Platform that authenticated the approval. */
  source: string;
  /** ISO time of the approval. */
  time: string | null;
}

/** Minimum audit data for a break-glass override (seed: "Minimum audit data for an override"). */
interface AuditOverride {
  incident: string;
  approvers: AuditApprover[];
  checks_bypassed: string[];
  reason: string;
  rollback: string;
}

/** The agent task a decision belongs to: routing decisions are auditable (SPEC-260). */
export interface AuditTask {
  run_id: string;
  stage: string | null;
  model: string | null;
  /** Retry-budget lane: the run id with the task scope (or stage). */
  lane: string;
}

export interface AuditRecordInput {
  /** Correlates this line with CI logs, SARIF automationDetails and evidence bundles. */
  run_id: string;
  /** Which door decided: 'pre-commit' | 'commit-msg' | 'pre-push' | 'pre-receive' | 'scan'. */
  door: string;
  /** Repository identity (remote URL, bare repository path or name). */
  repo: string | null;
  refs?: AuditRef[];
  commits?: string[];
  policy_hash: string | null;
  policy_id?: string | null;
  decision: AuditDecision;
  /** Full findings are compacted to {rule, severity, path, line, commit}. */
  findings?: ReadonlyArray<Finding | AuditFinding>;
  actor: AuditActor;
  /** Default: derived from the decision and refs (`retentionClassFor`). A decision about a tag is always release-7y. */
  retention_class?: string | null;
  override?: AuditOverride | null;
  task?: AuditTask | null;
  /** Every task lane this decision is an attempt of (retry budgets); omitted when none. */
  lanes?: string[];
  /** For decision 'error': the one-line reason the gate could not decide. */
  error?: string | null;
  duration_ms?: number | null;
  /** ISO time; defaults to now. For tests and replays. */
  time?: string;
}

export interface AuditRecord {
  v: number;
  seq: number;
  time: string;
  run_id: string;
  door: string;
  repo: string | null;
  refs: AuditRef[];
  commits: string[];
  policy_hash: string | null;
  policy_id: string | null;
  decision: AuditDecision;
  findings: AuditFinding[];
  findings_count: number;
  actor: AuditActor;
  retention_class: string;
  override: AuditOverride | null;
  task: AuditTask | null;
  /** Present when the decision is an attempt of one or more task lanes. */
  lanes?: string[];
  error: string | null;
  duration_ms: number | null;
  /** sha256 hex of the previous line's exact bytes (without its newline); 64 zeros for the first. */
  prev: string;
  /** sha256 hex of canonicalJson(record without `hash`). */
  hash: string;
}

function compactFinding(f: Finding | AuditFinding): AuditFinding {
  const out: AuditFinding = { rule: f.rule, severity: f.severity, path: f.path ?? null, line: f.line ?? null, commit: f.commit ?? null };
  const by = 'approval' in f ? f.approval : 'approved_by' in f ? f.approved_by : undefined;
  if (by) out.approved_by = by;
  const hash = 'secretHash' in f ? f.secretHash : 'secret_sha256' in f ? f.secret_sha256 : undefined;
  if (hash) out.secret_sha256 = hash;
  return out;
}

/**
 * JSON with object keys sorted at every level, no whitespace. The hash is over this form, so
 * a verifier in any language can recompute it without knowing our key order.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _omit, ...rest } = record as AuditRecord;
  return sha256Hex(canonicalJson(rest));
}

/** Builds the record in its written key order (hash last). */
export function buildRecord(input: AuditRecordInput, seq: number, prev: string, now: Date = new Date()): AuditRecord {
  const findings = (input.findings ?? []).map(compactFinding);
  const refs = (input.refs ?? []).map((r) => ({ ref: r.ref, old: r.old ?? null, new: r.new ?? null }));
  const base: Omit<AuditRecord, 'hash'> = {
    v: AUDIT_VERSION,
    seq,
    time: input.time ?? now.toISOString(),
    run_id: input.run_id,
    door: input.door,
    repo: input.repo ?? null,
    refs,
    commits: [...(input.commits ?? [])],
    policy_hash: input.policy_hash ?? null,
    policy_id: input.policy_id ?? null,
    decision: input.decision,
    findings,
    findings_count: findings.length,
    actor: { source: input.actor.source, name: input.actor.name ?? null },
    retention_class: recordRetentionClass(input.retention_class, { decision: input.decision, refs }),
    override: input.override ?? null,
    task: input.task ?? null,
    ...(input.lanes && input.lanes.length > 0 ? { lanes: [...input.lanes] } : {}),
    error: input.error ?? null,
    duration_ms: typeof input.duration_ms === 'number' && Number.isFinite(input.duration_ms) ? Math.round(input.duration_ms) : null,
    prev,
  };
  return { ...base, hash: recordHash(base) };
}
