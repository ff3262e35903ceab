// A finding is what a rule reports; the decision is derived from the findings' severities.

export type Severity = 'block' | 'warn';

export interface Finding {
  /** Rule id, optionally with a sub-id: 'live-endpoint' or 'live-endpoint/new-exception'. */
  rule: string;
  severity: Severity;
  /** One line saying what is wrong. */
  message: string;
  path: string | null;
  line: number | null;
  column: number | null;
  commit: string | null;
  ref: string | null;
  /** One line an agent can act on. */
  remediation: string | null;
  /** sha256 of a matched secret (rule secrets): what the audit log keeps instead of it. Never printed. */
  secretHash?: string;
}

/** What a rule passes to `report`: severity and commit/ref attribution are filled in by the engine. */
export interface FindingInput {
  /** Sub-id appended to the rule id ('new-exception' → 'live-endpoint/new-exception'). */
  subRule?: string;
  message: string;
  path?: string | null;
  line?: number | null;
  column?: number | null;
  commit?: string | null;
  ref?: string | null;
  remediation?: string | null;
  /** Override the configured severity (e.g. an informational 'skipped' notice). */
  severity?: Severity;
  /** sha256 of a matched secret (rule secrets), for the audit log. */
  secretHash?: string;
}

export type Decision = 'pass' | 'block';

export interface ScanStats {
  commits: number;
  files: number;
  blobsRead: number;
  bytesRead: number;
  skipped: number;
  durationMs: number;
  rules: number;
}

export interface Report {
  schema: 'safety-gate/report@1';
  decision: Decision;
  findings: Finding[];
  stats: ScanStats & Record<string, unknown>;
}
