// Value helpers shared by the readers: shell-style default substitution (`${X:-word}`), line
// positions of a text, and the normalisation rules apply before comparing.

import { lineStarts, positionIn } from '../../changeset/lines.js';

/** Normalise a value as the runtime compares it: trimmed, one pair of surrounding quotes removed, case-folded. */
export function normalizeValue(value: string, caseSensitive = false): string {
  let v = value.trim();
  for (let i = 0; i < 2 && v.length >= 2; i++) {
    const q = v[0];
    if ((q === '"' || q === "'" || q === '`') && v[v.length - 1] === q) v = v.slice(1, -1).trim();
    else break;
  }
  return caseSensitive ? v : v.toLowerCase();
}

export interface Evaluated {
  value: string;
  dynamic: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Substitute shell/compose/dotenv/Docker parameter expansions in an unquoted-or-double-quoted
 * value: `${X:-w}`, `${X-w}`, `${X:=w}`, `${X=w}` become `w` (the value in effect when X is
 * unset, which is what a committed file can say); `$X`, `${X}`, `${X:+w}`, `${X:?e}`, `$(…)`,
 * `{{ … }}` and `${{ … }}` make the value dynamic. `$$` is a literal `$` (compose escape).
 */
export function evaluateDefaults(raw: string): Evaluated {
  if (!raw.includes('$') && !raw.includes('{{')) return { value: raw, dynamic: false };
  let out = '';
  let dynamic = false;
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '{' && raw[i + 1] === '{') {
      const end = raw.indexOf('}}', i + 2);
      dynamic = true;
      out += raw.slice(i, end === -1 ? raw.length : end + 2);
      i = end === -1 ? raw.length : end + 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = raw[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (n === '{' && raw[i + 2] === '{') {
      const end = raw.indexOf('}}', i + 3);
      dynamic = true;
      out += raw.slice(i, end === -1 ? raw.length : end + 2);
      i = end === -1 ? raw.length : end + 2;
      continue;
    }
    if (n === '{') {
      const close = matchBrace(raw, i + 1);
      const inner = raw.slice(i + 2, close === -1 ? raw.length : close);
      i = close === -1 ? raw.length : close + 1;
      const m = NAME.exec(inner);
      if (m) {
        const rest = inner.slice(m[0].length);
        const op = /^(:-|:=|-|=)/.exec(rest);
        if (op) {
          const word = evaluateDefaults(rest.slice(op[0].length));
          out += word.value;
          dynamic ||= word.dynamic;
          continue;
        }
      }
      dynamic = true;
      out += '${' + inner + '}';
      continue;
    }
    if (n === '(') {
      const close = matchParen(raw, i + 1);
      dynamic = true;
      out += raw.slice(i, close === -1 ? raw.length : close + 1);
      i = close === -1 ? raw.length : close + 1;
      continue;
    }
    const m = n === undefined ? null : /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(raw.slice(i + 1));
    if (m) {
      dynamic = true;
      out += '$' + m[0];
      i += 1 + m[0].length;
      continue;
    }
    out += '$';
    i++;
  }
  return { value: out, dynamic };
}

/** Index of the `}` closing the `{` at `open`, or -1. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `)` closing the `(` at `open`, or -1 (quotes inside are skipped roughly). */
export function matchParen(s: string, open: number, limit = s.length): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = open; i < limit; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

export { lineStarts };

/** A function mapping an offset of `text` to its 1-based line/column. */
export function positionsOf(text: string): (offset: number) => { line: number; column: number } {
  const starts = lineStarts(text);
  return (offset: number) => positionIn(starts, offset);
}

/**
 * `$K` / `${K}` / `${K:-w}` replaced by the value the same file gave K (a Dockerfile ARG or
 * ENV, an earlier .env key); unknown names are left for evaluateDefaults to judge.
 */
export function substituteKnown(raw: string, vars: ReadonlyMap<string, string>): string {
  if (!raw.includes('$') || vars.size === 0) return raw;
  return raw.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)((?::?[-=])[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a: string | undefined, op: string | undefined, b: string | undefined) => {
    const name = a ?? b!;
    const v = vars.get(name);
    if (v === undefined) return m;
    // ${K:-w} / ${K:=w}: w only when K is empty (":") or unset.
    if (op && op.startsWith(':') && v === '') return m;
    return v;
  });
}

/**
 * A setting key the way settings loaders compare it: pydantic-settings (case-insensitive by
 * default, `env_nested_delimiter` `__`), Spring relaxed binding (`agent.mode`, `agent-mode`,
 * `AGENT_MODE`, `agentMode`), YAML/JSON app config nested maps (joined by the readers with `.`):
 * camelCase split into words, case-folded, every run of `_ . -` (and spaces) one `_`, leading
 * and trailing separators dropped; a Quarkus profile prefix (`%prod.`) dropped. `LiveTradingEnabled`, `live.trading-enabled` and
 * `LIVE__TRADING_ENABLED` are all `live_trading_enabled`.
 */
const keyCache = new Map<string, string>();
export function normalizeKey(key: string): string {
  const hit = keyCache.get(key);
  if (hit !== undefined) return hit;
  const n = key
    // Quarkus / Micronaut profile keys: %prod.agent.mode is agent.mode in the prod profile.
    .replace(/^%[A-Za-z0-9_,-]+\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[-_.\s]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (keyCache.size > 20_000) keyCache.clear();
  keyCache.set(key, n);
  return n;
}

/** A `Keep` for watched names compared by `normalizeKey`. */
export function normalizedKeep(names: Iterable<string>): (key: string) => boolean {
  const set = new Set<string>();
  for (const n of names) set.add(normalizeKey(n));
  return (key) => set.has(normalizeKey(key));
}
