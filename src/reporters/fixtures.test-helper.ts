// Shared test data for the reporter tests (not shipped: nothing outside tests imports it).
import type { Finding, Report } from '../findings/types.js';
import type { RuleMeta } from '../rules/types.js';

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    rule: 'forbidden-value',
    severity: 'block',
    message: 'AGENT_MODE=EXECUTE is committed',
    path: 'config/app.env',
    line: 3,
    column: 1,
    commit: 'a'.repeat(40),
    ref: 'refs/heads/main',
    remediation: 'set AGENT_MODE to a non-execute mode',
    ...over,
  };
}

export function report(findings: Finding[], over: Partial<Report> = {}): Report {
  const decision = findings.some((f) => f.severity === 'block') ? 'block' : 'pass';
  return {
    schema: 'safety-gate/report@1',
    decision,
    findings,
    stats: { commits: 1, files: 4, blobsRead: 4, bytesRead: 1024, skipped: 0, durationMs: 12, rules: 2 },
    ...over,
  };
}

export const metas: RuleMeta[] = [
  {
    id: 'forbidden-value',
    family: 'forbidden modes',
    description: 'Blocks committed config that sets AGENT_MODE=EXECUTE.',
    docs: 'Blocks committed configuration that sets `AGENT_MODE=EXECUTE`.\nIn any syntax.\n\nFix: set a non-execute mode.',
    defaultSeverity: 'block',
  },
  {
    id: 'live-endpoint',
    family: 'live endpoints',
    description: 'Blocks live broker hosts in runtime scope.',
    docs: 'Blocks live broker endpoints.\n\nFix: use the paper endpoint.',
    defaultSeverity: 'block',
    subRules: ['new-exception'],
  },
];
