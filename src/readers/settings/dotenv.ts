// .env files, as python-dotenv and node's dotenv read them:
//   KEY=value            KEY = value        export KEY=value      KEY: value (node dotenv)
//   KEY="double"  (escapes \n \" \\, may span lines)   KEY='single' (literal)   KEY=`backtick`
//   KEY=value # comment  (a '#' after whitespace starts a comment in an unquoted value)
//   ${X:-default} expansions in unquoted and double-quoted values (dotenv-expand, python-dotenv)
// Whole-line comments and blank lines are skipped; CRLF line ends are accepted. Whitespace is
// what either consumer strips: python-dotenv's is Python's `\s` / str.strip(), which also holds
// the separators \x1c-\x1f and NEL (\x85) that JavaScript's `\s` / trim() keep, so
// `AGENT_MODE=EXECUTE\x1f` is EXECUTE to python-dotenv and pydantic-settings' env_file.
import { decodeEscapeAt } from '../../changeset/unescape.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { evaluateDefaults, positionsOf, substituteKnown } from './values.js';

/** Blanks within a line, as Python's `[^\S\r\n]` reads them plus JavaScript's (U+FEFF). */
const WS = '(?:[^\\S\\r\\n]|[\\x1c-\\x1f\\x85])';
const LINE_KEY = new RegExp(`^${WS}*(?:export${WS}+)?([A-Za-z_][A-Za-z0-9_.-]*)${WS}*(=|:(?=${WS}|$))${WS}*`, 'd');
const TRIM = new RegExp(`^${WS}+|${WS}+$`, 'g');
const COMMENT = new RegExp(`(^|${WS})#`);

export function readDotenv(text: string, pos = positionsOf(text), syntax = 'dotenv', keep: Keep = keepAll): Assignment[] {
  const out: Assignment[] = [];
  // `${X}` / `$X` read keys set earlier in the file (dotenv-expand, python-dotenv interpolate).
  // A key set twice with different values, or dynamically, is not known.
  const seen = new Map<string, string | null>();
  const known = new Map<string, string>();
  const remember = (key: string, value: string, dynamic: boolean) => {
    const before = seen.get(key);
    const v = dynamic || (before !== undefined && before !== value) ? null : value;
    seen.set(key, v);
    if (v === null) known.delete(key);
    else known.set(key, v);
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    let eol = text.indexOf('\n', i);
    if (eol === -1) eol = n;
    const line = text.slice(i, eol);
    const m = LINE_KEY.exec(line);
    if (!m) {
      i = eol + 1;
      continue;
    }
    const key = m[1]!;
    const keyOffset = i + m.indices![1]![0];
    const v = i + m[0].length; // value start offset in text
    const q = text[v];
    let value: string;
    let dynamic = false;
    let next = eol + 1;
    if (q === '"' || q === "'" || q === '`') {
      let j = v + 1;
      let buf = '';
      while (j < n && text[j] !== q) {
        if (q === '"' && text[j] === '\\' && j + 1 < n) {
          // python-dotenv decodes double-quoted values with the unicode-escape codec.
          const dec = decodeEscapeAt(text, j, { octal: true });
          if (dec && text[j + 1] !== 'n' && text[j + 1] !== 't' && text[j + 1] !== 'r') {
            buf += dec.value;
            j = dec.end;
            continue;
          }
          const e = text[j + 1]!;
          buf += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          j += 2;
          continue;
        }
        buf += text[j];
        j++;
      }
      if (j >= n) {
        // Unterminated quote: dotenv reads the rest of the line as the value.
        const raw = text.slice(v, eol).replace(/\r$/, '');
        value = raw;
      } else {
        value = buf.replace(/\r\n/g, '\n');
        if (q === '"') {
          const e = evaluateDefaults(substituteKnown(value, known));
          value = e.value;
          dynamic = e.dynamic;
        }
        const after = text.indexOf('\n', j);
        next = after === -1 ? n : after + 1;
      }
    } else {
      let raw = text.slice(v, eol).replace(/\r$/, '');
      const hash = raw.search(COMMENT);
      if (hash !== -1) raw = raw.slice(0, hash);
      raw = raw.replace(TRIM, '');
      const e = evaluateDefaults(substituteKnown(raw, known));
      value = e.value;
      dynamic = e.dynamic;
    }
    remember(key, value, dynamic);
    if (!keep(key)) {
      i = next;
      continue;
    }
    const kp = pos(keyOffset);
    const vp = pos(v);
    out.push({ key, value, dynamic, line: vp.line, column: vp.column, keyLine: kp.line, keyColumn: kp.column, syntax });
    i = next;
  }
  return out;
}
