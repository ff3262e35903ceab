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

class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonTree(text: string): YamlNode | null {
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
      while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
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

  const value = (): YamlNode => {
    skip();
    const c = text[i];
    const start = i;
    if (c === '{') {
      i++;
      const node: YamlMap = { kind: 'map', pairs: [], flow: true, pos: P(start), tag: null };
      skip();
      while (text[i] !== '}') {
        if (text[i] !== '"') throw new JsonError('expected a string key', i);
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
    if (c === '"') return str();
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
