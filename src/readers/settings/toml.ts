// TOML (1.0), for settings: `key = value` at the top level, in [tables], [[arrays]] and inline
// tables `{ K = "V" }`. Keys may be bare, "basic" (escapes decoded) or 'literal', and dotted
// (the last part is the setting name: `env.AGENT_MODE = …`). String values are decoded as TOML
// does: basic "…" (\uXXXX, \UXXXXXXXX, \n …), multi-line basic """…""" (a newline right after
// the opening quotes is trimmed, a line-ending backslash swallows the newline and following
// whitespace), literal '…' and multi-line literal '''…'''. Non-string values (numbers, booleans,
// dates) are reported as written; in arrays only `"K=V"` strings count (pytest-env). `#` starts a comment outside strings.
import { decodeEscapeAt } from '../../changeset/unescape.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { positionsOf } from './values.js';

export function readToml(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const out: Assignment[] = [];
  const n = text.length;
  let i = 0;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipLine = () => {
    const e = text.indexOf('\n', i);
    i = e === -1 ? n : e + 1;
  };
  /** A string starting at i (a quote), decoded; i moves past it. */
  const str = (): string => {
    const q = text[i]!;
    const multi = text.startsWith(q.repeat(3), i);
    const delim = multi ? q.repeat(3) : q;
    i += delim.length;
    if (multi && text[i] === '\n') i++;
    else if (multi && text[i] === '\r' && text[i + 1] === '\n') i += 2;
    let v = '';
    while (i < n) {
      if (text.startsWith(delim, i)) {
        // Up to two extra quotes may close a multi-line string (`""""` ends with one quote in the value).
        let extra = 0;
        while (multi && extra < 2 && text[i + delim.length + extra] === q) extra++;
        v += q.repeat(extra);
        i += delim.length + extra;
        return v;
      }
      const c = text[i]!;
      if (!multi && c === '\n') return v;
      if (q === '"' && c === '\\') {
        if (multi && /^\\[ \t]*\r?\n/.test(text.slice(i, i + 64))) {
          i++;
          while (i < n && /[ \t\r\n]/.test(text[i]!)) i++;
          continue;
        }
        const dec = decodeEscapeAt(text, i, { hex: false });
        if (dec) {
          v += dec.value;
          i = dec.end;
          continue;
        }
        v += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      v += c;
      i++;
    }
    return v;
  };
  /** A dotted key at i; returns its last part and where it starts, or null. */
  const key = (): { name: string; at: number } | null => {
    let last: { name: string; at: number } | null = null;
    for (;;) {
      ws();
      const at = i;
      if (text[i] === '"' || text[i] === "'") last = { name: str(), at };
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 256));
        if (!m) return null;
        i += m[0].length;
        last = { name: m[0], at };
      }
      ws();
      if (text[i] === '.') {
        i++;
        continue;
      }
      return last;
    }
  };
  /** key = value pairs until the end of the line (top level) or the closing brace (inline table). */
  const pairs = (inline: boolean): void => {
    for (;;) {
      ws();
      if (i >= n) return;
      const c = text[i]!;
      if (inline && c === '}') {
        i++;
        return;
      }
      if (inline && (c === ',' || c === '\n' || c === '\r')) {
        i++;
        continue;
      }
      if (!inline && (c === '\n' || c === '\r')) return;
      if (c === '#') {
        skipLine();
        if (inline) continue;
        i--;
        return;
      }
      const k = key();
      if (!k || text[i] !== '=') {
        if (inline) {
          const e = text.indexOf('}', i);
          i = e === -1 ? n : e + 1;
        } else skipLine();
        return;
      }
      i++;
      ws();
      const at = i;
      const v = text[i];
      if (v === '"' || v === "'") {
        const value = str();
        if (keep(k.name)) emit(k, at, value);
      } else if (v === '{') {
        i++;
        pairs(true);
      } else if (v === '[') {
        skipArray();
      } else {
        const m = /^[^\s,}#]+/.exec(text.slice(i, i + 256));
        const value = m ? m[0] : '';
        i += value.length;
        if (value && keep(k.name)) emit(k, at, value);
      }
      if (!inline) {
        ws();
        if (text[i] === '#') skipLine();
        else if (text[i] === '\r' || text[i] === '\n') {
          if (text[i] === '\r') i++;
          i++;
        } else if (i < n) skipLine();
        return;
      }
    }
  };
  const skipArray = () => {
    let depth = 0;
    while (i < n) {
      const c = text[i]!;
      if (c === '"' || c === "'") {
        // K=V strings in arrays are environment entries (pytest-env `env = ["K=V"]`).
        const at = i + (text.startsWith(c.repeat(3), i) ? 3 : 1);
        const item = str();
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(item);
        if (m && keep(m[1]!)) {
          const kp = pos(at);
          const vp = pos(at + m[0].length);
          out.push({
            key: m[1]!,
            value: item.slice(m[0].length),
            dynamic: false,
            line: vp.line,
            column: vp.column,
            keyLine: kp.line,
            keyColumn: kp.column,
            syntax: 'toml-env-string',
          });
        }
        continue;
      }
      if (c === '#') {
        skipLine();
        continue;
      }
      if (c === '[') depth++;
      else if (c === ']' && --depth === 0) {
        i++;
        return;
      }
      i++;
    }
  };
  const emit = (k: { name: string; at: number }, at: number, value: string) => {
    const kp = pos(k.at);
    const vp = pos(at);
    out.push({ key: k.name, value, dynamic: false, line: vp.line, column: vp.column, keyLine: kp.line, keyColumn: kp.column, syntax: 'toml' });
  };
  while (i < n) {
    ws();
    const c = text[i];
    if (c === undefined) break;
    if (c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#' || c === '[') {
      skipLine();
      continue;
    }
    const before = i;
    pairs(false);
    if (i === before) skipLine();
  }
  return out;
}
