// `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it.
//
// GitHub is stricter than the spec in three ways that shape this file:
// - a result without a location, with `locations: []`, or with an empty `uri` makes GitHub
//   reject the whole upload ("locationFromSarifResult: expected at least one location";
//   github/codeql-action#1738, #2459, #2964). Findings without a path (commit, ref and run
//   level) are therefore anchored to a repository file, the policy file by default;
// - `region.startLine`/`startColumn` must be ≥ 1, so a region is only written when known;
// - alerts are matched across runs by `partialFingerprints`; ours is the finding's content
//   fingerprint (src/findings/fingerprint.ts: rule, path, the normalised text of the finding's
//   line and its structural context, else its message), never the line number, so an alert
//   survives edits above it. The JSON report and the baseline carry the same value; the key's
//   version (v3) changes whenever the value's recipe does.
// Findings a baseline accepted are results with `baselineState: unchanged` and an external
// suppression; findings an inline exception suppressed carry an `inSource` suppression.
import { fingerprintOf, findingFingerprint } from '../findings/fingerprint.js';
import { decide, normalizeFindings, sortFindings } from '../findings/order.js';
import type { Finding, Report, Severity, SuppressedFinding } from '../findings/types.js';
import type { RuleMeta } from '../rules/types.js';
import type { Log, PhysicalLocation, Region, ReportingDescriptor, Result, Suppression } from 'sarif';

const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'safetyGateFindingHash/v3';
const DEFAULT_INFORMATION_URI = 'https://www.npmjs.com/package/safety-gate';
const DEFAULT_ANCHOR = 'safety-gate.config.yaml';

export interface SarifOptions {
  /** safety-gate's version (driver.version and semanticVersion). */
  version: string;
  informationUri?: string;
  /**
   * Repository-relative file that findings without a path are attached to (GitHub rejects
   * location-less results). Pass the policy file in use; default `safety-gate.config.yaml`.
   */
  anchorPath?: string;
  /** automationDetails.id prefix: GitHub's analysis category (default `safety-gate/<door>` or `safety-gate`). */
  category?: string;
  /** Run id, appended to the category so each upload is its own analysis instance. */
  runId?: string;
  door?: string;
}

function level(severity: Severity): 'error' | 'warning' {
  return severity === 'block' ? 'error' : 'warning';
}

/**
 * Repository-relative path → URI reference: each segment percent-encoded (spaces, `%`, `#`,
 * `?`, `:` and non-ASCII as UTF-8), `/` kept. An encoded `:` keeps `a:b/c` from reading as
 * a URI scheme.
 */
export function pathToUri(path: string): string {
  return path
    .replace(/^\.\/+/, '')
    .replace(/^\/+/, '')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** The finding's fingerprint without its line content (kept for callers of the old name). */
export function fingerprint(f: Pick<Finding, 'rule' | 'path' | 'message'>): string {
  return findingFingerprint(f);
}

/** First paragraph of the docs (GitHub shows fullDescription above the alert). */
function firstParagraph(docs: string): string {
  const para = docs.trim().split(/\n\s*\n/)[0] ?? '';
  return para.replace(/\s*\n\s*/g, ' ').trim();
}

function ruleName(id: string): string {
  // PascalCase of the id: GitHub shows `name` in some views; SARIF wants no '/' in it.
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(meta: RuleMeta, sub?: string): ReportingDescriptor {
  const id = sub ? `${meta.id}/${sub}` : meta.id;
  const docs = meta.docs.trim() || meta.description;
  return {
    id,
    name: ruleName(id),
    shortDescription: { text: sub ? `${meta.description} (${sub})` : meta.description },
    fullDescription: { text: firstParagraph(docs) || meta.description },
    help: { text: docs, markdown: docs },
    defaultConfiguration: { level: level(meta.defaultSeverity) },
    properties: { tags: ['safety-gate', meta.family] },
  };
}

function unknownDescriptor(id: string, severity: Severity): ReportingDescriptor {
  const text = `safety-gate check ${id}`;
  return {
    id,
    name: ruleName(id),
    shortDescription: { text },
    fullDescription: { text },
    help: { text: `Run \`safety-gate explain ${id.split('/')[0]}\` for details.`, markdown: `Run \`safety-gate explain ${id.split('/')[0]}\` for details.` },
    defaultConfiguration: { level: level(severity) },
    properties: { tags: ['safety-gate'] },
  };
}

function messageText(f: Finding): string {
  const lines = [f.message];
  if (f.remediation) lines.push(`Fix: ${f.remediation}`);
  if (f.path === null) {
    const where = [f.commit ? `commit ${f.commit}` : null, f.ref ? `ref ${f.ref}` : null].filter(Boolean).join(', ');
    if (where) lines.push(`At ${where}.`);
  }
  return lines.join('\n');
}

function toSarif(report: Report, rules: readonly RuleMeta[], opts: SarifOptions): Log {
  const findings = normalizeFindings(report.findings);

  const descriptors: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const add = (d: ReportingDescriptor): void => {
    if (index.has(d.id)) return;
    index.set(d.id, descriptors.length);
    descriptors.push(d);
  };
  for (const meta of rules) {
    add(descriptor(meta));
    for (const sub of meta.subRules ?? []) add(descriptor(meta, sub));
  }
  // Ids the metadata does not list (engine notices, a rule removed since) still need a descriptor.
  for (const id of [...new Set(findings.map((f) => f.rule))].filter((id) => !index.has(id)).sort()) {
    const parent = rules.find((m) => id.startsWith(`${m.id}/`));
    add(parent ? descriptor(parent, id.slice(parent.id.length + 1)) : unknownDescriptor(id, findings.find((f) => f.rule === id)!.severity));
  }

  const baselined = normalizeFindings(report.baselined ?? []);
  const suppressed = sortFindings(report.suppressed ?? []) as SuppressedFinding[];
  for (const id of [...new Set([...baselined, ...suppressed].map((f) => f.rule))].filter((id) => !index.has(id)).sort()) {
    const parent = rules.find((m) => id.startsWith(`${m.id}/`) || m.id === id);
    add(parent && parent.id !== id ? descriptor(parent, id.slice(parent.id.length + 1)) : parent ? descriptor(parent) : unknownDescriptor(id, 'warn'));
  }
  const withBaseline = report.baseline !== undefined && report.baseline !== null;
  const anchor = pathToUri(opts.anchorPath ?? DEFAULT_ANCHOR);
  const entries: { f: Finding; state: 'new' | 'unchanged' | null; suppression: Suppression | null }[] = [
    ...findings.map((f) => ({ f, state: withBaseline ? ('new' as const) : null, suppression: null })),
    ...baselined.map((f) => ({ f, state: 'unchanged' as const, suppression: { kind: 'external' as const, justification: `accepted by the baseline ${report.baseline}` } })),
    ...suppressed.map((f) => ({ f, state: withBaseline ? ('new' as const) : null, suppression: { kind: 'inSource' as const, justification: f.reason } })),
  ];
  const results = entries.map(({ f, state, suppression }): Result => {
    const region: Region = {};
    if (f.path !== null && f.line !== null && f.line >= 1) {
      region.startLine = f.line;
      if (f.column !== null && f.column >= 1) region.startColumn = f.column;
    }
    const physicalLocation: PhysicalLocation = {
      artifactLocation: { uri: f.path !== null ? pathToUri(f.path) : anchor },
    };
    if (region.startLine !== undefined) physicalLocation.region = region;
    const properties: Record<string, unknown> = { severity: f.severity };
    if (f.commit !== null) properties.commit = f.commit;
    if (f.ref !== null) properties.ref = f.ref;
    if (f.messageId) properties.messageId = f.messageId;
    if (f.path === null) properties.repositoryLevel = true;
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule)!,
      level: level(f.severity),
      message: { text: messageText(f) },
      locations: [{ physicalLocation }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprintOf(f) },
      ...(suppression ? { suppressions: [suppression] } : {}),
      ...(state ? { baselineState: state } : {}),
      properties,
    };
  });

  const category = opts.category ?? (opts.door ? `safety-gate/${opts.door}` : 'safety-gate');
  const blocked = report.decision === 'block' || decide(findings) === 'block';
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'safety-gate',
            version: opts.version,
            semanticVersion: opts.version,
            informationUri: opts.informationUri ?? DEFAULT_INFORMATION_URI,
            rules: descriptors,
          },
        },
        // GitHub reads the part before the last '/' as the analysis category.
        automationDetails: { id: `${category}/${opts.runId ?? ''}` },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { decision: blocked ? 'block' : 'pass' },
      },
    ],
  };
}

export function formatSarif(report: Report, rules: readonly RuleMeta[], opts: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, rules, opts), null, 2)}\n`;
}
