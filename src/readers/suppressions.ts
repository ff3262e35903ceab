// Inline exceptions, shared by every rule: a comment
//
//     safety-gate: allow <rule-id>[, <rule-id>…] -- <reason>
//
// in any comment syntax (#, //, /* */, <!-- -->, --, ;, %, ', REM, ::, a ` * ` block-comment
// continuation). The marker is exact and lower-case (`safety-gate: allow`); anything else is not an
// exception, so it exempts nothing. The reason is mandatory: an exception without one exempts nothing and the
// rule says so. An exception covers the line it is on, and the line directly below when it
// stands alone on its line (only whitespace before the comment marker).
//
// Exceptions are keyed to content by the rules that use them (never to line numbers), so that
// a rule can tell an exception that was already there from one added by the change.

export interface Suppression {
  /** 1-based line of the comment. */
  line: number;
  /** 1-based column of `safety-gate`. */
  column: number;
  /** Rule ids, lower-case, as written (`live-endpoint`, `agent-mode`). */
  rules: string[];
  /** Trimmed reason; null when missing or empty. */
  reason: string | null;
  /** The comment is the only thing on its line: it also covers the next line. */
  standalone: boolean;
}

export interface ListedSuppression {
  path: string;
  line: number;
  column: number;
  rule: string;
  reason: string | null;
}

// Exact, lower-case `safety-gate:` (what `scan --list-suppressions` looks for); `allow` after it.
const HEAD = /safety-gate:\s*allow\b/;
const MARKER = /(?:#|\/\/|\/\*|<!--|--|;|\*|%|'|\brem|::|\{#|\(\*)$/i;
const RULE_ID = '[a-z0-9]+(?:[-_/][a-z0-9]+)*';
const RULES = new RegExp(`^\\s*(${RULE_ID}(?:\\s*,\\s*${RULE_ID})*)`, 'i');
const CLOSERS = /(?:\*\/|-->|#\}|\*\)).*$/;

/** The exception on one line, or null. `lineText` excludes the line terminator. */
export function parseSuppressionLine(lineText: string): Omit<Suppression, 'line'> | null {
  const head = HEAD.exec(lineText);
  if (!head) return null;
  const before = lineText.slice(0, head.index).trimEnd();
  const marker = MARKER.exec(before);
  if (!marker) return null;
  const rest = lineText.slice(head.index + head[0].length);
  const ids = RULES.exec(rest);
  if (!ids) return null;
  const rules = ids[1]!.split(',').map((r) => r.trim().toLowerCase());
  const after = rest.slice(ids[0].length);
  let reason: string | null = null;
  const sep = /^\s*--(?!>)/.exec(after);
  if (sep) {
    const text = after.slice(sep[0].length).replace(CLOSERS, '').trim();
    reason = text.length > 0 ? text : null;
  }
  const lead = before.slice(0, marker.index).trim();
  return { column: head.index + 1, rules, reason, standalone: lead === '' };
}

/** Every exception in `text`, in line order. */
export function parseSuppressions(text: string): Suppression[] {
  if (!text.includes('safety-gate:')) return [];
  const out: Suppression[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (l.endsWith('\r')) l = l.slice(0, -1);
    const s = parseSuppressionLine(l);
    if (s) out.push({ line: i + 1, ...s });
  }
  return out;
}

/**
 * The exception for `rule` that covers 1-based `line`: on that line, or standing alone on the
 * line directly above. `lineAt(n)` returns the text of line n ('' past the end).
 */
export function suppressionCovering(rule: string, line: number, lineAt: (n: number) => string): Suppression | null {
  const same = parseSuppressionLine(lineAt(line));
  if (same && same.rules.includes(rule)) return { line, ...same };
  if (line > 1) {
    const above = parseSuppressionLine(lineAt(line - 1));
    if (above && above.standalone && above.rules.includes(rule)) return { line: line - 1, ...above };
  }
  return null;
}

/** Every exception in a file, one entry per rule named (for `safety-gate scan --list-suppressions`). */
export function listSuppressions(path: string, text: string): ListedSuppression[] {
  const out: ListedSuppression[] = [];
  for (const s of parseSuppressions(text)) {
    for (const rule of s.rules) out.push({ path, line: s.line, column: s.column, rule, reason: s.reason });
  }
  return out;
}
