// Human output: a terminal, a CI log, or `remote:` lines on a push. One line per finding,
// an indented fix line, then one verdict line. Deterministic; colour only when the CLI asks.
import { decide, normalizeFindings } from '../findings/order.js';
import type { Finding, Report } from '../findings/types.js';
import { printable } from './sanitize.js';

export interface TextOptions {
  color: boolean;
  /** The door that ran ('pre-receive', 'scan', …); named in the verdict line. */
  door?: string;
}

type Paint = (s: string) => string;

function painter(color: boolean): { red: Paint; yellow: Paint; green: Paint; dim: Paint; bold: Paint } {
  const wrap =
    (open: number, close: number): Paint =>
    (s) =>
      color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return { red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

function short(oid: string): string {
  return /^[0-9a-f]{40,64}$/.test(oid) ? oid.slice(0, 12) : oid;
}

/** `path:line:col`, or where a path-less finding belongs (a commit, a ref, the repository). */
function location(f: Finding): string {
  if (f.path !== null) {
    let loc = printable(f.path);
    if (f.line !== null) {
      loc += `:${f.line}`;
      if (f.column !== null) loc += `:${f.column}`;
    }
    return loc;
  }
  if (f.commit !== null) return `commit ${short(printable(f.commit))}`;
  if (f.ref !== null) return printable(f.ref);
  return '(repository)';
}

/** Commit and ref not already named by the location. */
function context(f: Finding): string {
  const parts: string[] = [];
  if (f.commit !== null && f.path !== null) parts.push(short(printable(f.commit)));
  if (f.ref !== null && (f.path !== null || f.commit !== null)) parts.push(printable(f.ref));
  return parts.length ? `  [${parts.join(' ')}]` : '';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function statsSummary(stats: Report['stats']): string {
  const parts: string[] = [];
  if (typeof stats.commits === 'number' && stats.commits > 0) parts.push(plural(stats.commits, 'commit'));
  if (typeof stats.files === 'number') parts.push(plural(stats.files, 'file'));
  return parts.length ? `${parts.join(', ')} checked` : '';
}

export function formatText(report: Report, opts: TextOptions): string {
  const c = painter(opts.color);
  const findings = normalizeFindings(report.findings);
  const blocking = findings.filter((f) => f.severity === 'block');
  const warnings = findings.filter((f) => f.severity !== 'block');
  const out: string[] = [];

  const section = (title: string, list: Finding[], paint: Paint): void => {
    if (list.length === 0) return;
    out.push(paint(c.bold(`${title}:`)));
    for (const f of list) {
      out.push(`${paint(location(f))}  ${c.bold(printable(f.rule))}  ${printable(f.message)}${c.dim(context(f))}`);
      if (f.remediation) out.push(c.dim(`    fix: ${printable(f.remediation)}`));
    }
  };
  section('blocking', blocking, c.red);
  section('warnings', warnings, c.yellow);
  // Accepted findings are counted, never hidden: the JSON and SARIF reports list each one.
  const baselined = report.baselined?.length ?? 0;
  if (baselined > 0) {
    out.push(c.dim(`baselined: ${plural(baselined, 'finding')} accepted by the baseline ${printable(report.baseline ?? '')} (not blocking; --format json lists them)`));
  }
  const suppressed = report.suppressed?.length ?? 0;
  if (suppressed > 0) out.push(c.dim(`suppressed: ${plural(suppressed, 'finding')} by inline exceptions (safety-gate scan --list-suppressions lists them)`));

  const where = opts.door ? ` (${printable(opts.door)})` : '';
  const blocked = report.decision === 'block' || decide(findings) === 'block';
  if (blocked) {
    const counts = findings.length > 0 ? `${plural(findings.length, 'finding')} (${blocking.length} blocking)` : 'policy could not be satisfied';
    out.push(c.red(c.bold(`safety-gate: blocked — ${counts}${where}`)));
    const ids = [...new Set(blocking.map((f) => f.rule.split('/')[0]!))];
    if (ids.length > 0) out.push(c.dim(`details: ${ids.map((id) => `safety-gate explain ${printable(id)}`).join(' · ')}`));
  } else {
    const summary = statsSummary(report.stats);
    const tail = warnings.length > 0 ? `with ${plural(warnings.length, 'warning')}` : summary ? `— ${summary}` : '— no findings';
    out.push(c.green(c.bold(`safety-gate: passed ${tail}${where}`)));
  }
  return `${out.join('\n')}\n`;
}
