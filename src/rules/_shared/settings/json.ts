// JSON (and JSONC: comments, trailing commas) parsed into the same position-carrying tree as
// YAML (`YamlNode`), so one structural extractor (tree.ts) serves both. Throws `JsonError` with
// an offset on a syntax error: callers fall back to the line reader.
import type { YamlMap, YamlNode, YamlPos, YamlScalar, YamlSeq } from '../yaml.js';
import { positionsOf } from './values.js';

export class JsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonTree(text: string): YamlNode | null {
  const posOf = positionsOf(text);
  const P = (offset: number): YamlPos => ({ ...posOf(offset), offset });
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
        const at = i;
        node.items.push(value());
        node.itemPos.push(P(at));
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
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) throw new JsonError('unexpected character', i);
    i += m[0].length;
    const src = m[0];
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
