// Matching: every secret rule (built-in detectors and a team's gitleaks rules, one shape) over
// the text of one blob. The engine's keyword prefilter has already decided that the blob names
// at least one keyword; here each rule runs only if one of its own keywords is among those hits.
import { shannonEntropy } from './entropy.js';
import type { Detector } from './detectors/types.js';
import type { Allowlist, Pattern, SecretRule } from './model.js';

export interface CompiledAllowlist {
  list: Allowlist;
  regexes: RegExp[];
  paths: RegExp[];
}

export interface CompiledRule {
  rule: SecretRule;
  re: RegExp | null;
  path: RegExp | null;
  allowlists: CompiledAllowlist[];
  validate?: Detector['validate'];
  rotate: string | null;
}

export interface Hit {
  ruleId: string;
  description: string;
  rotate: string | null;
  /** The secret (never leaves this rule except redacted or hashed). */
  secret: string;
  /** UTF-16 offset of the secret in the text, and of the whole match. */
  offset: number;
  matchOffset: number;
  match: string;
}

export interface ScanTarget {
  text: string;
  path: string;
  /** Commit that introduced the content (null for staged and tree scans). */
  commit: string | null;
  /** Keywords found in the blob (lower-case). */
  hits: ReadonlySet<string>;
}

const MAX_HITS_PER_BLOB = 200;

function compilePattern(p: Pattern, extra = ''): RegExp {
  const flags = [...new Set((p.flags + extra).split(''))].join('');
  return new RegExp(p.source, flags);
}

export function compileAllowlist(list: Allowlist): CompiledAllowlist {
  return { list, regexes: list.regexes.map((r) => compilePattern(r)), paths: list.paths.map((r) => compilePattern(r)) };
}

export function compileRule(rule: SecretRule, extra?: { validate?: Detector['validate']; rotate?: string }): CompiledRule {
  return {
    rule,
    re: rule.regex ? compilePattern(rule.regex, 'gd') : null,
    path: rule.path ? compilePattern(rule.path) : null,
    allowlists: rule.allowlists.map(compileAllowlist),
    validate: extra?.validate,
    rotate: extra?.rotate ?? null,
  };
}

export function detectorRule(d: Detector): SecretRule {
  return {
    id: d.id,
    description: d.description,
    origin: 'built-in',
    regex: { source: d.regex.source, flags: d.regex.flags.replace(/[gyd]/g, '') },
    secretGroup: d.secretGroup,
    entropy: d.entropy,
    keywords: [...d.keywords],
    path: null,
    allowlists: d.stopwords?.length ? [{ condition: 'OR', regexTarget: 'secret', regexes: [], paths: [], stopwords: [...d.stopwords], commits: [], targetRules: [] }] : [],
  };
}

function lineAround(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  return text.slice(start, end);
}

function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/** gitleaks semantics: OR — any criterion given allows; AND — every criterion given must. */
function allowed(a: CompiledAllowlist, c: { secret: string; match: string; line: string; path: string; commit: string | null }): boolean {
  const target = a.list.regexTarget === 'match' ? c.match : a.list.regexTarget === 'line' ? c.line : c.secret;
  const lower = c.secret.toLowerCase();
  const checks: boolean[] = [];
  if (a.list.commits.length) checks.push(c.commit !== null && a.list.commits.some((x) => x.length >= 4 && c.commit!.startsWith(x.toLowerCase())));
  if (a.paths.length) checks.push(a.paths.some((r) => test(r, c.path)));
  if (a.regexes.length) checks.push(a.regexes.some((r) => test(r, target)));
  if (a.list.stopwords.length) checks.push(a.list.stopwords.some((w) => w.length > 0 && lower.includes(w.toLowerCase())));
  if (checks.length === 0) return false;
  return a.list.condition === 'AND' ? checks.every(Boolean) : checks.some(Boolean);
}

function secretOf(m: RegExpExecArray, group: number): { secret: string; offset: number } {
  const idx = m.indices;
  if (group > 0) {
    const s = m[group];
    if (s !== undefined && idx?.[group]) return { secret: s, offset: idx[group]![0] };
    return { secret: '', offset: m.index };
  }
  for (let g = 1; g < m.length; g++) {
    const s = m[g];
    if (s && idx?.[g]) return { secret: s, offset: idx[g]![0] };
  }
  return { secret: m[0], offset: m.index };
}

/** Does any of the rule's keywords occur in the blob (no keywords: always)? */
function wants(rule: SecretRule, hits: ReadonlySet<string>): boolean {
  return rule.keywords.length === 0 || rule.keywords.some((k) => hits.has(k));
}

/**
 * Every secret in the text, in rule order then position; overlapping matches are reported once,
 * by the first rule. Global allowlists apply after each rule's own.
 */
export function scan(target: ScanTarget, rules: readonly CompiledRule[], global: readonly CompiledAllowlist[], progress?: { rule: string | null }): Hit[] {
  const out: Hit[] = [];
  const taken: [number, number][] = [];
  for (const r of rules) {
    if (!wants(r.rule, target.hits)) continue;
    // Which rule is matching, for the one line a pattern that never finishes leaves.
    if (progress) progress.rule = r.rule.id;
    if (r.path && !test(r.path, target.path)) continue;
    const globals = global.filter((g) => g.list.targetRules.length === 0 || g.list.targetRules.includes(r.rule.id));
    if (!r.re) {
      // A path-only rule: the file itself is the finding.
      const c = { secret: target.path, match: target.path, line: '', path: target.path, commit: target.commit };
      if (r.allowlists.some((a) => allowed(a, c)) || globals.some((a) => allowed(a, c))) continue;
      out.push({ ruleId: r.rule.id, description: r.rule.description, rotate: r.rotate, secret: '', offset: 0, matchOffset: 0, match: '' });
      continue;
    }
    r.re.lastIndex = 0;
    for (let m = r.re.exec(target.text); m !== null; m = r.re.exec(target.text)) {
      if (m[0].length === 0) {
        r.re.lastIndex++;
        continue;
      }
      const { secret, offset } = secretOf(m, r.rule.secretGroup);
      if (!secret) continue;
      const end = offset + secret.length;
      if (taken.some(([s, e]) => offset < e && end > s)) continue;
      if (r.rule.entropy > 0 && shannonEntropy(secret) <= r.rule.entropy) continue;
      if (r.validate && !r.validate(secret, { match: m[0], text: target.text })) continue;
      const c = { secret, match: m[0], line: lineAround(target.text, offset), path: target.path, commit: target.commit };
      if (r.allowlists.some((a) => allowed(a, c)) || globals.some((a) => allowed(a, c))) continue;
      taken.push([offset, end]);
      out.push({ ruleId: r.rule.id, description: r.rule.description, rotate: r.rotate, secret, offset, matchOffset: m.index, match: m[0] });
      if (out.length >= MAX_HITS_PER_BLOB) return out;
    }
  }
  return out;
}
