// Java .properties, as java.util.Properties.load reads them: logical lines (a line ending in an
// odd number of backslashes continues, the next line's leading whitespace dropped), `#` and `!`
// comment lines, the key ends at the first unescaped `=`, `:` or whitespace, then whitespace and
// one `=`/`:` are skipped; `\uXXXX`, `\t \n \r \f` and `\x` → `x` escapes in keys and values.
import { interpolationExpr } from './expr.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { positionsOf } from './values.js';

export function readProperties(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const out: Assignment[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Skip leading whitespace of a natural line.
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
    if (i >= n) break;
    if (text[i] === '\n' || text[i] === '\r') {
      i++;
      continue;
    }
    if (text[i] === '#' || text[i] === '!') {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e + 1;
      continue;
    }
    // One logical line from i: decode key and value, remembering where the value starts.
    const keyStart = i;
    let key = '';
    let value = '';
    let valueStart = -1;
    let inKey = true;
    let sawSep = false;
    for (;;) {
      if (i >= n) break;
      const c = text[i]!;
      if (c === '\n' || c === '\r') break;
      if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) {
          i++;
          break;
        }
        if (e === '\n' || e === '\r') {
          // Continuation: drop the newline and the next line's leading whitespace.
          i += e === '\r' && text[i + 2] === '\n' ? 3 : 2;
          while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
          continue;
        }
        let ch: string;
        if (e === 'u' && /^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) {
          ch = String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          ch = e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
          i += 2;
        }
        if (inKey) key += ch;
        else {
          if (valueStart === -1) valueStart = i - 2;
          value += ch;
        }
        continue;
      }
      if (inKey) {
        if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') {
          inKey = false;
          sawSep = c === '=' || c === ':';
          i++;
          // Whitespace, then at most one separator (if the key ended at whitespace), then whitespace.
          while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
          if (!sawSep && (text[i] === '=' || text[i] === ':')) {
            i++;
            while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\f')) i++;
          }
          continue;
        }
        key += c;
      } else {
        if (valueStart === -1) valueStart = i;
        value += c;
      }
      i++;
    }
    if (valueStart === -1) valueStart = i;
    if (key !== '' && keep(key)) {
      const k = pos(keyStart);
      const v = pos(valueStart);
      // Spring / Quarkus placeholders: ${name:fallback} is the fallback unless something sets name.
      const expr = value.includes('${') ? interpolationExpr(value) : undefined;
      out.push({ key, value, dynamic: false, ...(expr && { expr }), line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax: 'properties' });
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
  }
  return out;
}
