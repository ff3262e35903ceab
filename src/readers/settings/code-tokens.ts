// Minimal tokenizers for Python and JavaScript/TypeScript: enough to find literal assignments
// to environment settings without ever matching inside comments or unrelated strings.
// Not full parsers: a token stream with string values decoded and positions kept.

import { decodeEscapeAt } from '../../changeset/unescape.js';
import { unicodeNamed } from './unicode-names.js';
import type { Assignment, Keep } from './types.js';

/** Token tests and assignment output shared by the Python and JS/TS readers. */
export interface TokenCursor {
  /** Token i exists and has this kind (and value). */
  is(i: number, kind: CodeTok['kind'], value?: string): boolean;
  /** Token i is this punctuation. */
  p(i: number, v: string): boolean;
  /** Records key = value (if the key is watched), positioned at the value. */
  emit(key: CodeTok, val: CodeTok, syntax: string): void;
}

export function tokenCursor(
  T: readonly CodeTok[],
  pos: (offset: number) => { line: number; column: number },
  keep: Keep,
  out: Assignment[],
  /** Offset where a key token's text starts (JS string tokens start at their quote). */
  keyStart: (key: CodeTok) => number = (key) => key.start,
): TokenCursor {
  const is = (i: number, kind: CodeTok['kind'], value?: string) => {
    const t = T[i];
    return !!t && t.kind === kind && (value === undefined || t.value === value);
  };
  return {
    is,
    p: (i, v) => is(i, 'punct', v),
    emit(key, val, syntax) {
      if (!keep(key.value)) return;
      const k = pos(keyStart(key));
      const v = pos(val.start);
      const why = val.unverifiable ?? key.unverifiable;
      out.push({
        key: key.value,
        value: val.value,
        dynamic: !!val.dynamic,
        line: v.line,
        column: v.column,
        keyLine: k.line,
        keyColumn: k.column,
        syntax,
        ...(why ? { unverifiable: why } : {}),
      });
    },
  };
}

export interface CodeTok {
  kind: 'name' | 'string' | 'number' | 'punct' | 'nl';
  value: string;
  start: number;
  /** Strings with interpolation (f-strings with `{}`, template literals with `${}`). */
  dynamic?: boolean;
  /** Python bytes literal (b"…"). */
  bytes?: boolean;
  /**
   * An f-string's replacement fields (source text of each expression, conversions and format
   * specs excluded) and the literal pieces around them: value = pieces[0] + f(fields[0]) +
   * pieces[1] + …. Absent when a field has a conversion or format spec (left dynamic).
   */
  fields?: string[];
  pieces?: string[];
  /** Why the literal's value cannot be known (an escape the gate does not decode): fail closed. */
  unverifiable?: string;
}

/** A number literal starts at `i`: a digit, or `.` then a digit. */
function startsNumber(text: string, i: number, cc: number): boolean {
  return isDigit(cc) || (cc === 46 && isDigit(text.charCodeAt(i + 1)));
}

/** Pushes the number literal at `i` as one token; the index after it. */
function pushNumber(text: string, i: number, toks: CodeTok[]): number {
  const e = numberEnd(text, i);
  toks.push({ kind: 'number', value: text.slice(i, e), start: i });
  return e;
}

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36 || (c >= 0xc0 && !isUnicodeSpace(c));
}
/** Unicode space separators and line terminators above U+00BF: whitespace to JS, never identifier characters. */
function isUnicodeSpace(c: number): boolean {
  return c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** End of an identifier starting at i (`$` allowed only when `dollar`). */
function identEnd(text: string, i: number, dollar: boolean): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (!isIdPart(c) || (c === 36 && !dollar)) break;
    j++;
  }
  return j;
}
/** End of a numeric literal starting at i (loose: digits, letters, '_', '.', exponent signs). */
function numberEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (isIdPart(c) || c === 46) j++;
    else if ((c === 43 || c === 45) && (text[j - 1] === 'e' || text[j - 1] === 'E') && !/^0[xX]/.test(text.slice(i, i + 2))) j++;
    else break;
  }
  return j;
}
function punctTable(list: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of [...list].sort((a, b) => b.length - a.length)) {
    const l = m.get(p[0]!) ?? [];
    l.push(p);
    m.set(p[0]!, l);
  }
  return m;
}

const PY_PUNCT = ['**=', '//=', '>>=', '<<=', '...', '->', ':=', '==', '!=', '<=', '>=', '**', '//', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=', '<<', '>>'];

const PY_TABLE = punctTable(PY_PUNCT);

/**
 * Python tokens. `nl` marks the end of a logical line (newlines inside brackets are ignored).
 * Names are NFKC-normalised as CPython does (PEP 3131: `ｅｎｖｉｒｏｎ` is `environ`) unless
 * `rawNames`; strings are decoded (`\N{NAME}` through unicode-names.ts).
 */
export function tokenizePython(text: string, opts: { rawNames?: boolean } = {}): CodeTok[] {
  const toks: CodeTok[] = [];
  const n = text.length;
  let i = 0;
  let depth = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      if (depth === 0 && toks.length > 0 && toks[toks.length - 1]!.kind !== 'nl') toks.push({ kind: 'nl', value: '\n', start: i });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || text[i + 1] === '\r')) {
      i += text[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (c === '#') {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    const sp = c === '"' || c === "'" || 'rRbBuUfF'.includes(c) ? /^([rRbBuUfF]{0,2})(['"])/.exec(text.slice(i, i + 3)) : null;
    if (sp && (sp[1] === '' || /^[A-Za-z]/.test(c))) {
      const prefix = sp[1]!.toLowerCase();
      const q = sp[2]!;
      const start = i;
      i += sp[1]!.length;
      const triple = text.startsWith(q.repeat(3), i);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      let v = '';
      const raw = prefix.includes('r');
      const fmt = prefix.includes('f');
      let dynamic = false;
      let unknownName = false;
      let fields: string[] | null = fmt ? [] : null;
      const pieces: string[] | null = fmt ? [] : null;
      let pieceStart = 0;
      while (i < n && !text.startsWith(delim, i)) {
        const d = text[i]!;
        if (!triple && d === '\n') break;
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1]!;
          if (raw) v += d + e;
          else if (e === '\n') v += '';
          else {
            // \xHH, \uXXXX, \UXXXXXXXX, octal and the letter escapes, as CPython decodes them
            // (\u, \U and \N{…} only in str literals, not bytes).
            if (e === 'N' && text[i + 2] === '{' && !prefix.includes('b')) {
              const close = text.indexOf('}', i + 3);
              const ch = close === -1 || close - i > 96 ? undefined : unicodeNamed(text.slice(i + 3, close));
              if (ch !== undefined) {
                v += ch;
                i = close + 1;
                continue;
              }
              unknownName = true;
            }
            const dec = prefix.includes('b') && (e === 'u' || e === 'U') ? null : decodeEscapeAt(text, i, { octal: true });
            if (dec) {
              v += dec.value;
              i = dec.end;
              continue;
            }
            v += e;
          }
          i += 2;
          continue;
        }
        if (fmt && d === '{') {
          if (text[i + 1] === '{') {
            v += '{';
            i += 2;
            continue;
          }
          dynamic = true;
          // The field's expression, up to its matching `}` (strings inside it skipped).
          let depthF = 0;
          let j = i;
          for (; j < n; j++) {
            const f = text[j]!;
            if (f === '{' || f === '(' || f === '[') depthF++;
            else if ((f === '}' || f === ')' || f === ']') && --depthF === 0) break;
            else if ((f === '"' || f === "'") && f !== q) {
              const e = text.indexOf(f, j + 1);
              j = e === -1 ? n : e;
            } else if (f === '\n' && !triple) break;
          }
          const expr = text.slice(i + 1, j);
          if (text[j] === '}' && /^[^!:=]*$/.test(expr.replace(/(["'])[^"']*\1/g, '""')) && fields) {
            pieces!.push(v.slice(pieceStart));
            fields.push(expr);
            pieceStart = v.length;
            i = j + 1;
            continue;
          }
          fields = null;
        }
        if (fmt && d === '}' && text[i + 1] === '}') {
          v += '}';
          i += 2;
          continue;
        }
        v += d;
        i++;
      }
      i += text.startsWith(delim, i) ? delim.length : 0;
      const prev = toks[toks.length - 1];
      const gap = prev?.kind === 'string' ? text.slice(prevEnd(prev), start) : null;
      const isBytes = prefix.includes('b');
      const withFields = dynamic && fields && fields.length > 0 ? { fields, pieces: [...pieces!, v.slice(pieceStart)] } : {};
      if (prev && gap !== null && (depth > 0 ? /^(\s|#[^\n]*)*$/.test(gap) : /^([ \t\f]|\\\r?\n)*$/.test(gap))) {
        // implicit concatenation of adjacent literals (fields of either: left dynamic); inside
        // brackets newlines and comments between them are whitespace, outside a backslash-newline
        prev.value += v;
        prev.dynamic ||= dynamic;
        if (unknownName) prev.unverifiable = UNKNOWN_NAME;
        delete prev.fields;
        delete prev.pieces;
        (prev as CodeTok & { end?: number }).end = i;
      } else {
        const t: CodeTok & { end?: number } = {
          kind: 'string',
          value: v,
          start,
          dynamic,
          end: i,
          ...(isBytes ? { bytes: true } : {}),
          ...withFields,
          ...(unknownName ? { unverifiable: UNKNOWN_NAME } : {}),
        };
        toks.push(t);
      }
      continue;
    }
    const cc = text.charCodeAt(i);
    if (isIdStart(cc) && cc !== 36) {
      const e = identEnd(text, i, false);
      const raw = text.slice(i, e);
      toks.push({ kind: 'name', value: opts.rawNames || e - i === countAscii(raw) ? raw : raw.normalize('NFKC'), start: i });
      i = e;
      continue;
    }
    if (startsNumber(text, i, cc)) {
      i = pushNumber(text, i, toks);
      continue;
    }
    const p = PY_TABLE.get(c)?.find((x) => text.startsWith(x, i)) ?? c;
    if (p === '(' || p === '[' || p === '{') depth++;
    else if ((p === ')' || p === ']' || p === '}') && depth > 0) depth--;
    toks.push({ kind: 'punct', value: p, start: i });
    i += p.length;
  }
  return toks;
}

const UNKNOWN_NAME = 'a \\N{…} escape names a character the gate does not decode';

/** Number of ASCII characters at the start of `s` (all of it for an ASCII name). */
function countAscii(s: string): number {
  let k = 0;
  while (k < s.length && s.charCodeAt(k) < 0x80) k++;
  return k;
}

function prevEnd(t: CodeTok): number {
  return (t as CodeTok & { end?: number }).end ?? t.start;
}

const JS_PUNCT = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
];
const JS_TABLE = punctTable(JS_PUNCT);
const REGEX_AFTER_KEYWORD = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw', 'yield', 'await', 'instanceof']);

/** JavaScript / TypeScript tokens (no `nl` tokens: ASI is not modelled). */
export function tokenizeJs(text: string): CodeTok[] {
  const toks: CodeTok[] = [];
  const n = text.length;
  let i = 0;
  const regexAllowed = () => {
    const p = toks[toks.length - 1];
    if (!p) return true;
    if (p.kind === 'name') return REGEX_AFTER_KEYWORD.has(p.value);
    if (p.kind === 'punct') return !(p.value === ')' || p.value === ']' || p.value === '}' || p.value === '++' || p.value === '--');
    return false;
  };
  const skipTemplate = (from: number): { end: number; value: string; dynamic: boolean } => {
    // from: index after the opening backtick
    let j = from;
    let v = '';
    let dynamic = false;
    while (j < n && text[j] !== '`') {
      if (text[j] === '\\') {
        const dec = decodeEscapeAt(text, j);
        if (dec) {
          v += dec.value;
          j = dec.end;
          continue;
        }
        v += text[j + 1] ?? '';
        j += 2;
        continue;
      }
      if (text[j] === '$' && text[j + 1] === '{') {
        // `${"lit"}` / `${''}`: a substitution of one string literal is that literal.
        const lit = /^\$\{\s*(["'])([^"'\\\n`]*)\1\s*\}/.exec(text.slice(j, j + 256));
        if (lit) {
          v += lit[2];
          j += lit[0].length;
          continue;
        }
        dynamic = true;
        let depth = 0;
        for (; j < n; j++) {
          const d = text[j];
          if (d === '{') depth++;
          else if (d === '}' && --depth === 0) break;
          else if (d === '`') j = skipTemplate(j + 1).end - 1;
          else if (d === '"' || d === "'") {
            const e = text.indexOf(d, j + 1);
            j = e === -1 ? n : e;
          }
        }
        j++;
        continue;
      }
      v += text[j];
      j++;
    }
    return { end: Math.min(j + 1, n), value: v, dynamic };
  };
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || (c >= '\u1680' && isUnicodeSpace(c.charCodeAt(0)))) {
      i++;
      continue;
    }
    const commentEnd = slashCommentEnd(text, i, true);
    if (commentEnd !== -1) {
      i = commentEnd;
      continue;
    }
    if (c === '#' && text[i + 1] === '!' && i === 0) {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = i;
      i++;
      let v = '';
      while (i < n && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\') {
          const e = text[i + 1] ?? '';
          const dec = e === '\n' ? null : decodeEscapeAt(text, i);
          if (dec) {
            v += dec.value;
            i = dec.end;
            continue;
          }
          v += e === '\n' || e === '\r' ? '' : e;
          i += 2;
          continue;
        }
        v += text[i];
        i++;
      }
      i++;
      toks.push({ kind: 'string', value: v, start });
      continue;
    }
    if (c === '`') {
      const start = i;
      const t = skipTemplate(i + 1);
      i = t.end;
      toks.push({ kind: 'string', value: t.value, start, dynamic: t.dynamic });
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let cls = false;
      while (j < n && text[j] !== '\n') {
        const d = text[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === '[') cls = true;
        else if (d === ']') cls = false;
        else if (d === '/' && !cls) break;
        j++;
      }
      j++;
      while (j < n && /[a-z]/i.test(text[j]!)) j++;
      toks.push({ kind: 'punct', value: 'regex', start: i });
      i = j;
      continue;
    }
    const cc = text.charCodeAt(i);
    if (isIdStart(cc) || (c === '\\' && text[i + 1] === 'u')) {
      // Identifiers may hold \uXXXX / \u{…} escapes (process.env.\u0041GENT_MODE is AGENT_MODE).
      let j = i;
      let name = '';
      for (;;) {
        const e = identEnd(text, j, true);
        name += text.slice(j, e);
        j = e;
        if (text[j] === '\\' && text[j + 1] === 'u') {
          const dec = decodeEscapeAt(text, j);
          if (dec) {
            name += dec.value;
            j = dec.end;
            continue;
          }
        }
        break;
      }
      if (j === i) {
        toks.push({ kind: 'punct', value: c, start: i });
        i++;
        continue;
      }
      toks.push({ kind: 'name', value: name, start: i });
      i = j;
      continue;
    }
    if (startsNumber(text, i, cc)) {
      i = pushNumber(text, i, toks);
      continue;
    }
    const p = JS_TABLE.get(c)?.find((x) => text.startsWith(x, i)) ?? c;
    toks.push({ kind: 'punct', value: p, start: i });
    i += p.length;
  }
  return toks;
}

/**
 * The `{` tokens whose top level holds a spread `isSpread` accepts (`{ ...process.env, K: "V" }`,
 * `{**os.environ, "K": "V"}`): one pass with a stack of open brackets, linear in the file.
 * `isSpread(j)` is asked only of punctuation tokens that are not brackets.
 */
export function bracesSpreading(T: readonly CodeTok[], isSpread: (j: number) => boolean): Set<number> {
  const out = new Set<number>();
  const stack: number[] = [];
  for (let j = 0; j < T.length; j++) {
    const t = T[j]!;
    if (t.kind !== 'punct') continue;
    if (t.value === '(' || t.value === '[' || t.value === '{') stack.push(j);
    else if (t.value === ')' || t.value === ']' || t.value === '}') stack.pop();
    else if (isSpread(j)) {
      const open = stack[stack.length - 1];
      if (open !== undefined && T[open]!.value === '{') out.add(open);
    }
  }
  return out;
}

/**
 * The index after a `//` comment (at its newline) or a `/* … *\/` comment starting at `i`; -1
 * when none starts there. `jsLineTerminators`: U+2028 and U+2029 end a `//` comment too
 * (ECMAScript LineTerminator; HCL ends it at a newline only).
 */
export function slashCommentEnd(text: string, i: number, jsLineTerminators = false): number {
  if (text.charCodeAt(i) !== 47) return -1;
  const next = text[i + 1];
  if (next === '/') {
    const e = text.indexOf('\n', i);
    const end = e === -1 ? text.length : e;
    if (jsLineTerminators) {
      for (let k = i + 2; k < end; k++) {
        const c = text.charCodeAt(k);
        if (c === 0x2028 || c === 0x2029) return k;
      }
    }
    return end;
  }
  if (next === '*') {
    const e = text.indexOf('*/', i + 2);
    return e === -1 ? text.length : e + 2;
  }
  return -1;
}
