// JSON (and JSONC: comments, trailing commas) parsed into the same position-carrying tree as
// YAML (`YamlNode`), so one structural extractor (tree.ts) serves both. Throws `JsonError` with
// an offset on a syntax error: callers fall back to the line reader.
//
// Hand-written on purpose: jsonc-parser 3.3.1 (parseTree, converted to this tree with the same
// forward line cursor) read the same tree for every one of 355 parseable JSON/JSONC files
// (5.2 MiB: node_modules, test fixtures, JSONC samples) but took 1.6-2.3x the CPU (1.1-1.4 s
// against 0.57-0.85 s for five passes), and it reads a leading BOM as an error where this
// reader (like JSON.parse of the runtime's decoded text) skips it.
import type { YamlMap, YamlNode, YamlPos, YamlScalar, YamlSeq } from '../yaml.js';
import { lastAtOrBefore, lineStarts } from '../../changeset/lines.js';

/** JSON5 white space beyond JSON's: \v \f, no-break space, BOM, line/paragraph separators, Zs. */
const J5_SPACE = /[\v\f\u00a0\ufeff\u2028\u2029\p{Zs}]/u;

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * `json5`: read as the json5 package (and the JSON5 spec) reads it: single-quoted strings,
 * unquoted identifier keys (with \u escapes), \x / \0 / \v escapes and backslash-newline
 * continuations in strings, hex numbers, +/-, Infinity, NaN, leading/trailing dots, more white space.
 */
export function parseJsonTree(text: string, json5 = false): YamlNode | null {
  // The parser moves forward only: keep a line cursor instead of searching for every node.
  const starts = lineStarts(text);
  let cur = 0;
  const P = (offset: number): YamlPos => {
    if (offset < starts[cur]!) cur = lastAtOrBefore(starts, offset); // out of order (never by design)
    while (cur + 1 < starts.length && starts[cur + 1]! <= offset) cur++;
    return { line: cur + 1, column: offset - starts[cur]! + 1, offset };
  };
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === 0xfeff) i = 1;

  const skip = () => {
    for (;;) {
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || (json5 && J5_SPACE.test(text[i]!)))) i++;
      if (text[i] === '/' && text[i + 1] === '/') {
        const e = text.indexOf('\n', i);
        i = e === -1 ? n : e;
        continue;
      }
      if (text[i] === '/' && text[i + 1] === '*') {
        const e = text.indexOf('*/', i + 2);
        if (e === -1) throw new JsonError('unterminated comment', i);
        i = e + 2;
        continue;
      }
      return;
    }
  };

  const str = (): YamlScalar => {
    const start = i;
    const quote = text[i]!;
    if (json5 || quote === "'") return str5(quote);
    i++;
    // Fast path: no escape before the closing quote.
    const close = text.indexOf('"', i);
    if (close !== -1) {
      const raw = text.slice(i, close);
      if (!raw.includes('\\') && !raw.includes('\n')) {
        i = close + 1;
        return { kind: 'scalar', value: raw, text: raw, source: raw, style: 'QUOTE_DOUBLE', tag: null, pos: P(start), end: i };
      }
    }
    let v = '';
    while (i < n && text[i] !== '"') {
      const c = text[i]!;
      if (c === '\n') throw new JsonError('newline in string', i);
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          v += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : (e ?? '');
        i += 2;
        continue;
      }
      v += c;
      i++;
    }
    if (i >= n) throw new JsonError('unterminated string', start);
    i++;
    return { kind: 'scalar', value: v, text: v, source: text.slice(start + 1, i - 1), style: 'QUOTE_DOUBLE', tag: null, pos: P(start), end: i };
  };

  /** A JSON5 string (either quote) or identifier key, decoded as the json5 package does. */
  const str5 = (quote: string): YamlScalar => {
    const start = i;
    let v = '';
    const esc = (): void => {
      const e = text[i + 1];
      if (e === undefined) throw new JsonError('unterminated string', start);
      if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const h = text.slice(i + 2, i + 2 + len);
        if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(h)) throw new JsonError('bad escape', i);
        v += String.fromCharCode(parseInt(h, 16));
        i += 2 + len;
        return;
      }
      if (e === '\r') {
        i += text[i + 2] === '\n' ? 3 : 2; // line continuation
        return;
      }
      if (e === '\n' || e === '\u2028' || e === '\u2029') {
        i += 2;
        return;
      }
      if (e === '0' && !/[0-9]/.test(text[i + 2] ?? '')) v += '\0';
      else if (/[1-9]/.test(e)) throw new JsonError('bad escape', i);
      else v += ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[e] ?? e;
      i += 2;
    };
    if (quote === '"' || quote === "'") {
      i++;
      while (i < n && text[i] !== quote) {
        const c = text[i]!;
        if (c === '\n' || c === '\r') throw new JsonError('newline in string', i);
        if (c === '\\') esc();
        else {
          v += c;
          i++;
        }
      }
      if (i >= n) throw new JsonError('unterminated string', start);
      i++;
    } else {
      // an ES5 IdentifierName (key), \uXXXX escapes allowed
      while (i < n) {
        const c = text[i]!;
        if (c === '\\' && text[i + 1] === 'u') esc();
        else if (/[$_\p{L}\p{Nl}]/u.test(c) || (v !== '' && /[\p{Mn}\p{Mc}\p{Nd}\p{Pc}\u200c\u200d]/u.test(c))) {
          v += c;
          i++;
        } else break;
      }
      if (v === '') throw new JsonError('expected a key', i);
    }
    return {
      kind: 'scalar',
      value: v,
      text: v,
      source: text.slice(start, i),
      style: quote === "'" ? 'QUOTE_SINGLE' : quote === '"' ? 'QUOTE_DOUBLE' : 'PLAIN',
      tag: null,
      pos: P(start),
      end: i,
    };
  };

  const value = (): YamlNode => {
    skip();
    const c = text[i];
    const start = i;
    if (c === '{') {
      i++;
      const node: YamlMap = { kind: 'map', pairs: [], flow: true, pos: P(start), tag: null };
      skip();
      while (text[i] !== '}') {
        if (text[i] !== '"' && !(json5 && text[i] !== '}')) throw new JsonError('expected a string key', i);
        const k = str();
        skip();
        if (text[i] !== ':') throw new JsonError("expected ':'", i);
        i++;
        skip();
        const vStart = i;
        const v = value();
        node.pairs.push({ key: k.text, keyNode: k, value: v, keyPos: k.pos, valuePos: P(vStart), merged: false });
        skip();
        if (text[i] === ',') {
          i++;
          skip();
          continue;
        }
        if (text[i] !== '}') throw new JsonError("expected ',' or '}'", i);
      }
      i++;
      return node;
    }
    if (c === '[') {
      i++;
      const node: YamlSeq = { kind: 'seq', items: [], itemPos: [], flow: true, pos: P(start), tag: null };
      skip();
      while (text[i] !== ']') {
        skip();
        node.itemPos.push(P(i));
        node.items.push(value());
        skip();
        if (text[i] === ',') {
          i++;
          skip();
          continue;
        }
        if (text[i] !== ']') throw new JsonError("expected ',' or ']'", i);
      }
      i++;
      return node;
    }
    if (c === '"' || (json5 && c === "'")) return str();
    if (json5) {
      const m = /^[+-]?(0[xX][0-9A-Fa-f]+|Infinity|NaN|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
      if (m && !/^(true|false|null)/.test(text.slice(i))) {
        i += m[0].length;
        const body = m[1]!;
        const sign = m[0].startsWith('-') ? -1 : 1;
        const num = /^0[xX]/.test(body) ? parseInt(body.slice(2), 16) : Number(body);
        return { kind: 'scalar', value: sign * num, text: m[0], source: m[0], style: 'PLAIN', tag: null, pos: P(start), end: i };
      }
    }
    let src: string;
    if (text.startsWith('true', i)) src = 'true';
    else if (text.startsWith('false', i)) src = 'false';
    else if (text.startsWith('null', i)) src = 'null';
    else {
      let j = i;
      if (text[j] === '-') j++;
      const digits = j;
      for (;;) {
        const c = text.charCodeAt(j);
        if ((c >= 48 && c <= 57) || c === 46 || c === 101 || c === 69 || ((c === 43 || c === 45) && (text[j - 1] === 'e' || text[j - 1] === 'E'))) j++;
        else break;
      }
      if (j === digits) throw new JsonError('unexpected character', i);
      src = text.slice(i, j);
    }
    i += src.length;
    const v = src === 'true' ? true : src === 'false' ? false : src === 'null' ? null : Number(src);
    return { kind: 'scalar', value: v, text: src, source: src, style: 'PLAIN', tag: null, pos: P(start), end: i };
  };

  skip();
  if (i >= n) return null;
  const root = value();
  skip();
  if (i < n) throw new JsonError('unexpected content after the value', i);
  return root;
}
