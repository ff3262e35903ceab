// A finding is what a rule reports; the decision is derived from the findings' severities.

export type Severity = 'block' | 'warn';

export interface Finding {
  /** Rule id, optionally with a sub-id: 'live-endpoint' or 'live-endpoint/new-exception'. */
  rule: string;
  severity: Severity;
  /** One line saying what is wrong. */
  message: string;
  /**
   * Which of the rule's declared messages this is (its folder's messages.ts; `safety-gate explain
   * <rule>` lists them): stable across wording changes. Absent on findings the engine itself makes.
   */
  messageId?: string;
  path: string | null;
  line: number | null;
  column: number | null;
  commit: string | null;
  ref: string | null;
  /** One line an agent can act on. */
  remediation: string | null;
  /** Set when a signed approval or break-glass closed this finding: who (and why). */
  approval?: string;
  /**
   * Content fingerprint (src/findings/fingerprint.ts), set by the engine: the same value in the
   * JSON report, SARIF and the baseline. Absent on findings built outside the engine.
   */
  fingerprint?: string;
  /**
   * On `<rule>/new-exception` findings: the rule id whose finding the new inline exception
   * would suppress. An approval that closes the finding names this rule (`--covers`).
   */
  covers?: string;
  /** sha256 of a matched secret (rule secrets): what the audit log keeps instead of it. Never printed. */
  secretHash?: string;
  /**
   * protected-target: the policy's protected groups the path falls under, also through symlinks
   * (the target of a protected link is protected with the link's groups). Approval requirements
   * use them besides the groups the path itself matches.
   */
  groups?: string[];
}

/** A finding that an inline exception (`safety-gate: allow <rule> -- <reason>`) suppressed. */
export interface SuppressedFinding extends Finding {
  /** The exception's reason. */
  reason: string;
  /** 1-based line and column of the allow comment. */
  exceptionLine: number;
  exceptionColumn: number;
  /** The rule id as the comment names it (`agent-mode`, or a sub-rule `import-hygiene/syntax`). */
  exceptionRule: string;
}

/** What a rule passes to `report`: severity and commit/ref attribution are filled in by the engine. */
export interface FindingInput {
  /** Sub-id appended to the rule id ('new-exception' → 'live-endpoint/new-exception'). */
  subRule?: string;
  message: string;
  /** The declared message this text was made from (set by `createRule` from the rule's report). */
  messageId?: string;
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
  /** protected-target: the policy groups the path is protected by (see Finding.groups). */
  groups?: string[];
}

export type Decision = 'pass' | 'block';

interface ScanStats {
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
  /** Findings the baseline in force accepted: reported, never blocking. */
  baselined?: Finding[];
  /** Where the baseline in force came from ('HEAD:.safety-gate/baseline.json', a file), when one applied. */
  baseline?: string | null;
  /** Findings an effective inline exception suppressed: reported, never blocking. */
  suppressed?: SuppressedFinding[];
  stats: ScanStats & Record<string, unknown>;
}
