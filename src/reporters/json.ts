// `--format json`: the `safety-gate/report@1` contract. Agents and CI parse this, so the shape
// is fixed: every finding carries all twelve keys (null when unknown) in one key order. Findings
// that a baseline accepted or an inline exception suppressed are listed apart (`baselined`,
// `suppressed`); they never block.
import { fingerprintOf } from '../findings/fingerprint.js';
import { decide, normalizeFindings, sortFindings } from '../findings/order.js';
import type { Finding, Report, SuppressedFinding } from '../findings/types.js';

const REPORT_SCHEMA = 'safety-gate/report@1';

const STATS_ORDER = ['commits', 'files', 'blobsRead', 'bytesRead', 'skipped', 'durationMs', 'rules'] as const;

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function int(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** The report's stable subset of a Finding, every field always present. */
interface JsonFinding extends Pick<Finding, 'rule' | 'severity' | 'message' | 'path' | 'line' | 'column' | 'commit' | 'ref' | 'remediation'> {
  /** Content fingerprint, the same value as SARIF's partialFingerprints and the baseline's. */
  fingerprint: string;
  /** `<rule>/new-exception`: the rule the new inline exception suppresses; otherwise null. */
  covers: string | null;
  /** The rule's declared message this finding is (`safety-gate explain <rule>` lists them); null for the engine's own. */
  messageId: string | null;
}

interface JsonSuppressedFinding extends JsonFinding {
  reason: string;
  exceptionLine: number;
}

function toJsonFinding(f: Finding): JsonFinding {
  return {
    rule: f.rule,
    severity: f.severity === 'warn' ? 'warn' : 'block',
    message: f.message,
    path: str(f.path),
    line: int(f.line),
    column: int(f.column),
    commit: str(f.commit),
    ref: str(f.ref),
    remediation: str(f.remediation),
    fingerprint: fingerprintOf(f),
    covers: str(f.covers),
    messageId: str(f.messageId),
  };
}

/** Stats with the documented keys first, extra keys after in sorted order; undefined → null. */
function orderedStats(stats: Report['stats']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const s = stats as Record<string, unknown>;
  for (const k of STATS_ORDER) out[k] = s[k] ?? null;
  for (const k of Object.keys(s).sort()) if (!(k in out)) out[k] = s[k] ?? null;
  return out;
}

function toJsonReport(report: Report): {
  schema: typeof REPORT_SCHEMA;
  decision: 'pass' | 'block';
  findings: JsonFinding[];
  baselined: JsonFinding[];
  suppressed: JsonSuppressedFinding[];
  baseline: string | null;
  stats: Record<string, unknown>;
} {
  const findings = normalizeFindings(report.findings);
  return {
    schema: REPORT_SCHEMA,
    // Never print "pass" next to a blocking finding, whatever the caller passed.
    decision: report.decision === 'block' || decide(findings) === 'block' ? 'block' : 'pass',
    findings: findings.map(toJsonFinding),
    baselined: normalizeFindings(report.baselined ?? []).map(toJsonFinding),
    suppressed: sortFindings(report.suppressed ?? []).map((f) => ({
      ...toJsonFinding(f),
      reason: (f as SuppressedFinding).reason,
      exceptionLine: (f as SuppressedFinding).exceptionLine,
    })),
    baseline: report.baseline ?? null,
    stats: orderedStats(report.stats),
  };
}

/** One JSON object, two-space indented, newline-terminated. */
export function formatJson(report: Report): string {
  return `${JSON.stringify(toJsonReport(report), null, 2)}\n`;
}
