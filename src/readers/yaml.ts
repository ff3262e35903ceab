// Shared YAML loading for rules. One parse per blob per run (memoised with `blob.parseAsync`),
// whatever the number of rules that ask: every document of a multi-document stream, positions
// as 1-based line/column, anchors and aliases resolved, merge keys (`<<`) applied.
//
// The `yaml` package is loaded with `await import('yaml')` on first use only, so importing this
// module costs nothing on a hook's hot path. Never import 'yaml' statically from a rule.
//
// The tree handed out is a small, library-independent mirror of the YAML AST:
//   - an alias is replaced by the node it refers to (the same object: the tree is a DAG, and a
//     self-referencing anchor makes it cyclic; `walkYaml` guards against both);
//   - a map's `pairs` are its effective pairs: written pairs plus those brought in by `<<`
//     (explicit keys win; among merge sources the first wins), in written order;
//   - positions are where the node is written; a pair's `valuePos` is where its value is
//     written in that pair (the `*alias` token when the value is an alias).
import type { Blob } from '../changeset/blob.js';
import { lastAtOrBefore, lineStarts } from '../changeset/lines.js';

export interface YamlPos {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  /** 0-based UTF-16 offset into the text. */
  offset: number;
}

export interface YamlScalar {
  kind: 'scalar';
  /** The value as YAML reads it (YAML 1.2 core schema): string, number, boolean, null, … */
  value: unknown;
  /** String form: the value when it is a string, otherwise the scalar's source text. */
  text: string;
  /** Source text without quotes or escapes processing (as the yaml library reports it). */
  source: string;
  /** 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | null */
  style: string | null;
  tag: string | null;
  pos: YamlPos;
  /** Offset just past the scalar's source text. */
  end: number;
}

export interface YamlPair {
  /** Key as a string when the key is a scalar (numbers/booleans stringified), else null. */
  key: string | null;
  keyNode: YamlNode | null;
  value: YamlNode | null;
  keyPos: YamlPos;
  /** Where the value is written in this pair (the alias token for `k: *a`); null when absent. */
  valuePos: YamlPos | null;
  /** True when the pair comes from a merge key (`<<: *base`). */
  merged: boolean;
}

export interface YamlMap {
  kind: 'map';
  pairs: YamlPair[];
  flow: boolean;
  pos: YamlPos;
  /** Explicit tag (e.g. '!reference'), else null. */
  tag: string | null;
}

export interface YamlSeq {
  kind: 'seq';
  items: (YamlNode | null)[];
  /** Where each item is written (the alias token for `- *a`). */
  itemPos: YamlPos[];
  flow: boolean;
  pos: YamlPos;
  /** Explicit tag (GitLab's '!reference [.job, script]'), else null. */
  tag: string | null;
}

export type YamlNode = YamlScalar | YamlMap | YamlSeq;

interface YamlError {
  message: string;
  line: number;
  column: number;
}

interface YamlDoc {
  /** 0-based index of the document in the stream. */
  index: number;
  contents: YamlNode | null;
  /** Errors of this document (also listed in the result's `errors`). */
  errors: YamlError[];
  pos: YamlPos;
}

export interface YamlLoadResult {
  docs: YamlDoc[];
  /** Every error of every document, in order. Empty when the stream parses. */
  errors: YamlError[];
}

type YamlModule = typeof import('yaml');
let yamlModule: Promise<YamlModule> | undefined;

/**
 * Loads the `yaml` package once (lazily). In the bundled CLI the CommonJS package comes back as
 * a namespace with only `default` (esbuild code splitting), under vitest/tsx with named exports:
 * accept both.
 */
export function loadYamlModule(): Promise<YamlModule> {
  if (!yamlModule) {
    yamlModule = import('yaml').then((m) => {
      const ns = m as unknown as YamlModule & { default?: YamlModule };
      return typeof ns.parseAllDocuments === 'function' ? ns : (ns.default as YamlModule);
    });
  }
  return yamlModule;
}

/**
 * The text the YAML parser reads. YAML 1.1 readers (PyYAML, go-yaml: what Python services,
 * kubectl and Helm load with) break lines at a lone CR, NEL, LS and PS as well as at LF; the
 * `yaml` package (YAML 1.2) only at LF and CRLF, so `# note<U+2028>AGENT_MODE: EXECUTE` would be
 * a comment to the gate and a setting to the service. Each becomes LF, one code unit for one,
 * so every offset still points into the blob's text (lines are counted as those readers count).
 */
function yamlLineText(text: string): string {
  return /[\r\u0085\u2028\u2029]/.test(text) ? text.replace(/\r(?!\n)|[\u0085\u2028\u2029]/g, '\n') : text;
}

/** Parse a blob as a YAML stream; memoised per blob (kind 'yaml'), shared by every rule. */
export function loadYamlDocuments(blob: Blob): Promise<YamlLoadResult> {
  return blob.parseAsync('yaml', async (b) => parseYamlText(yamlLineText(b.text), await loadYamlModule()));
}

/** Pure parse of YAML text with an already loaded `yaml` module. */
export function parseYamlText(text: string, Y: YamlModule): YamlLoadResult {
  const starts = lineStarts(text);
  const posOf = (offset: number): YamlPos => {
    const i = lastAtOrBefore(starts, offset);
    return { line: i + 1, column: offset - starts[i]! + 1, offset };
  };

  const result: YamlLoadResult = { docs: [], errors: [] };
  let parsed: ReturnType<YamlModule['parseAllDocuments']>;
  try {
    parsed = Y.parseAllDocuments(text, { merge: true, uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    const error = { message: e instanceof Error ? e.message : String(e), line: 1, column: 1 };
    return { docs: [], errors: [error] };
  }
  // An empty stream gives an EmptyStream (an array with `empty: true`), no documents.
  const docs = Array.isArray(parsed) ? parsed : [parsed];

  docs.forEach((doc, index) => {
    const errors: YamlError[] = doc.errors.map((e) => {
      const p = posOf(e.pos[0]);
      return { message: e.message.split('\n')[0]!, line: p.line, column: p.column };
    });
    result.errors.push(...errors);

    type AnyNode = import('yaml').Node;
    const memo = new Map<unknown, YamlNode>();
    const inProgress = new Set<unknown>();

    const rangePos = (n: { range?: [number, number, number] | null | undefined } | null | undefined): YamlPos => posOf(n?.range?.[0] ?? 0);

    const resolveAlias = (n: unknown): unknown => {
      let cur = n;
      for (let i = 0; i < 64 && Y.isAlias(cur); i++) {
        try {
          cur = (cur as import('yaml').Alias).resolve(doc);
        } catch {
          return undefined;
        }
      }
      return Y.isAlias(cur) ? undefined : cur;
    };

    const convert = (raw: unknown): YamlNode | null => {
      const n = resolveAlias(raw);
      if (n === undefined || n === null) return null;
      const cached = memo.get(n);
      if (cached) return cached;
      if (Y.isScalar(n)) {
        const s = n as import('yaml').Scalar;
        const value = s.value;
        const source = typeof s.source === 'string' ? s.source : value === null ? '' : String(value);
        const node: YamlScalar = {
          kind: 'scalar',
          value,
          text: typeof value === 'string' ? value : source,
          source,
          style: (s.type as string | undefined) ?? null,
          tag: s.tag ?? null,
          pos: rangePos(s),
          end: s.range?.[1] ?? rangePos(s).offset,
        };
        memo.set(n, node);
        return node;
      }
      if (Y.isSeq(n)) {
        const s = n as import('yaml').YAMLSeq;
        const node: YamlSeq = { kind: 'seq', items: [], itemPos: [], flow: !!s.flow, pos: rangePos(s), tag: s.tag ?? null };
        memo.set(n, node);
        inProgress.add(n);
        for (const item of s.items) {
          node.items.push(convert(item));
          node.itemPos.push(rangePos(item as AnyNode));
        }
        inProgress.delete(n);
        return node;
      }
      if (Y.isMap(n)) {
        const m = n as import('yaml').YAMLMap;
        const node: YamlMap = { kind: 'map', pairs: [], flow: !!m.flow, pos: rangePos(m), tag: m.tag ?? null };
        memo.set(n, node);
        inProgress.add(n);
        const explicit = new Set<string>();
        for (const p of m.items) {
          if (!isMergeKey(p.key)) {
            const k = keyString(p.key);
            if (k !== null) explicit.add(k);
          }
        }
        const seen = new Set<string>();
        for (const p of m.items) {
          if (isMergeKey(p.key)) {
            // `<<: *a`, `<<: [*a, *b]` or `<<: {k: v}`: bring in the source maps' pairs.
            const v = resolveAlias(p.value);
            const sources: unknown[] = Y.isSeq(v) ? (v as import('yaml').YAMLSeq).items : [p.value];
            for (const src of sources) {
              const target = resolveAlias(src);
              if (!Y.isMap(target) || inProgress.has(target)) continue;
              const converted = convert(target);
              if (!converted || converted.kind !== 'map') continue;
              for (const mp of converted.pairs) {
                if (mp.key !== null && (explicit.has(mp.key) || seen.has(mp.key))) continue;
                if (mp.key !== null) seen.add(mp.key);
                node.pairs.push({ ...mp, merged: true });
              }
            }
            continue;
          }
          const key = keyString(p.key);
          if (key !== null) seen.add(key);
          const keyNode = convert(p.key);
          const valueRaw = p.value as AnyNode | null;
          node.pairs.push({
            key,
            keyNode,
            value: convert(valueRaw),
            keyPos: rangePos(p.key as AnyNode),
            valuePos: valueRaw && valueRaw.range ? rangePos(valueRaw) : null,
            merged: false,
          });
        }
        inProgress.delete(n);
        return node;
      }
      return null;
    };

    function isMergeKey(k: unknown): boolean {
      if (!Y.isScalar(k)) return false;
      const s = k as import('yaml').Scalar;
      return (typeof s.value === 'symbol' || s.value === '<<') && s.source === '<<' && s.type === 'PLAIN';
    }

    function keyString(k: unknown): string | null {
      const n = resolveAlias(k);
      if (!Y.isScalar(n)) return null;
      const v = (n as import('yaml').Scalar).value;
      if (typeof v === 'string') return v;
      if (v === null) return (n as import('yaml').Scalar).source ?? '';
      if (typeof v === 'symbol') return '<<';
      return String(v);
    }

    let contents: YamlNode | null = null;
    try {
      contents = convert(doc.contents);
    } catch {
      contents = null;
    }
    result.docs.push({ index, contents, errors, pos: posOf(doc.range?.[0] ?? 0) });
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// Helpers to walk the tree.

export function isYamlMap(n: YamlNode | null | undefined): n is YamlMap {
  return !!n && n.kind === 'map';
}
export function isYamlSeq(n: YamlNode | null | undefined): n is YamlSeq {
  return !!n && n.kind === 'seq';
}
export function isYamlScalar(n: YamlNode | null | undefined): n is YamlScalar {
  return !!n && n.kind === 'scalar';
}

/** The effective pair of `key` in a map (explicit or merged); the last written one wins, as in YAML loaders. */
export function mapPair(map: YamlNode | null | undefined, key: string): YamlPair | undefined {
  if (!isYamlMap(map)) return undefined;
  let found: YamlPair | undefined;
  for (const p of map.pairs) if (p.key === key) found = p;
  return found;
}

/** The value node of `key` in a map, or null. */
export function mapGet(map: YamlNode | null | undefined, key: string): YamlNode | null {
  return mapPair(map, key)?.value ?? null;
}

/** Follow a path of keys and indexes; null as soon as a step is missing. */
export function getIn(node: YamlNode | null | undefined, path: readonly (string | number)[]): YamlNode | null {
  let cur: YamlNode | null = node ?? null;
  for (const step of path) {
    if (cur === null) return null;
    if (typeof step === 'number') cur = isYamlSeq(cur) ? (cur.items[step] ?? null) : null;
    else cur = mapGet(cur, step);
  }
  return cur;
}

/** The string form of a scalar node (`text`), or null for maps, sequences and missing nodes. */
export function scalarText(node: YamlNode | null | undefined): string | null {
  return isYamlScalar(node) ? node.text : null;
}

interface YamlWalkContext {
  /** Keys and indexes from the document root to this node. */
  path: readonly (string | number)[];
  /** Parent map or sequence; null at the root. */
  parent: YamlMap | YamlSeq | null;
  /** The pair whose value this node is (for map values). */
  pair: YamlPair | null;
  /** Where this node is written at this place in the tree (alias token for aliases). */
  pos: YamlPos;
}

/** Return false from the visitor to skip the node's children. */
export type YamlVisitor = (node: YamlNode, ctx: YamlWalkContext) => void | boolean;

/**
 * Depth-first walk of a node in document order, aliases followed. Guards: a node is never
 * entered twice on the same path (cycles), and at most `budget` visits are made (alias bombs),
 * after which the walk stops.
 */
export function walkYaml(root: YamlNode | null, visit: YamlVisitor, budget = 200_000): void {
  if (!root) return;
  let left = budget;
  const onPath = new Set<YamlNode>();
  const rec = (node: YamlNode, ctx: YamlWalkContext): void => {
    if (left-- <= 0 || onPath.has(node)) return;
    if (visit(node, ctx) === false) return;
    if (node.kind === 'scalar') return;
    onPath.add(node);
    if (node.kind === 'map') {
      for (const pair of node.pairs) {
        if (!pair.value) continue;
        rec(pair.value, {
          path: [...ctx.path, pair.key ?? '?'],
          parent: node,
          pair,
          pos: pair.valuePos ?? pair.value.pos,
        });
      }
    } else {
      node.items.forEach((item, i) => {
        if (!item) return;
        rec(item, { path: [...ctx.path, i], parent: node, pair: null, pos: node.itemPos[i] ?? item.pos });
      });
    }
    onPath.delete(node);
  };
  rec(root, { path: [], parent: null, pair: null, pos: root.pos });
}
