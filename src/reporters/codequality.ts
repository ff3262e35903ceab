// GitLab Code Quality report (artifacts:reports:codequality): a JSON array of issues in the
// Code Climate subset GitLab reads — description, check_name, fingerprint, severity, location
// (path, lines.begin). GitLab shows them in the merge request widget and diff.
import type { Finding, Report } from '../findings/types.js';
import { fingerprint } from './sarif.js';

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

/** Path-less findings (a commit, a ref, the policy) are anchored to the policy file. */
function toCodeQuality(report: Report, anchorPath: string): CodeQualityIssue[] {
  return report.findings.map((f: Finding) => ({
    description: f.remediation ? `${f.message} — fix: ${f.remediation}` : f.message,
    check_name: f.rule,
    fingerprint: fingerprint(f),
    severity: f.severity === 'block' ? 'critical' : 'minor',
    location: { path: f.path ?? anchorPath, lines: { begin: f.line ?? 1 } },
  }));
}

export function formatCodeQuality(report: Report, anchorPath: string): string {
  return `${JSON.stringify(toCodeQuality(report, anchorPath), null, 2)}\n`;
}
