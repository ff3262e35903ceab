// A configuration file as read: its data plus a way back from a key path to line:column.
// YAML and JSON are both parsed with `yaml` (JSON is YAML 1.2) so every error can name its place.
import { LineCounter, parseDocument, stringify, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { ConfigError } from '../errors.js';
import { configMsg } from '../messages.js';

export type KeyPath = readonly (string | number)[];

interface Position {
  line: number;
  column: number;
}

/** Where a config file came from; `id` is unique (cycle detection, `Policy.sources`). */
export type Origin = { kind: 'file'; path: string } | { kind: 'preset'; name: string; path: string } | { kind: 'tree'; rev: string; revLabel: string; path: string };

export interface ConfigSource {
  origin: Origin;
  id: string;
  /** Name used in error messages (file:line:column). */
  display: string;
  /** Raw text (null for code configs, which are evaluated, not read). */
  text: string | null;
  /** The configuration value (for package.json: the `safety-gate` property). */
  data: unknown;
  /** Position of a key path (`key`: the key itself rather than its value); null when unknown. */
  locate(path: KeyPath, key?: boolean): Position | null;
  /** Length of the longest prefix of `path` present in this file (0: none). */
  depth(path: KeyPath): number;
}

/** YAML text of a plain value (for `safety-gate config`). Static import: a bundled dynamic import of yaml loses its named exports. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}

export function keyPathString(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

const MESSAGES: Record<string, string> = {
  MULTIPLE_DOCS: 'only one YAML document is allowed',
  DUPLICATE_KEY: 'duplicate key',
};

/** Parse YAML or JSON text; syntax errors become ConfigError with file:line:column. */
export function parseConfigText(text: string, origin: Origin, id: string, display: string, prefix: KeyPath = []): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    const message = MESSAGES[err.code] ?? err.message.split('\n')[0]!.replace(/\.$/, '');
    throw new ConfigError(configMsg.yamlSyntax(message), display, pos.line, pos.col);
  }
  let full: unknown;
  try {
    full = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ConfigError(configMsg.yamlUnreadable((e as Error).message), display);
  }
  let data: unknown = full;
  for (const seg of prefix) data = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[seg as string] : undefined;

  const find = (path: KeyPath): { node: Node | null; keyNode: Node | null; depth: number } => findNode(doc, [...prefix, ...path], prefix.length);
  return {
    origin,
    id,
    display,
    text,
    data,
    locate(path, key = false) {
      const { node, keyNode } = find(path);
      const target = key && keyNode ? keyNode : node;
      if (!target?.range) return null;
      const p = lineCounter.linePos(target.range[0]);
      return { line: p.line, column: p.col };
    },
    depth(path) {
      return Math.max(0, find(path).depth - prefix.length);
    },
  };
}

/** A config that is code (client only): no positions. */
export function codeSource(origin: Origin, id: string, display: string, data: unknown): ConfigSource {
  const has = (path: KeyPath): number => {
    let cur: unknown = data;
    let depth = 0;
    for (const seg of path) {
      if (cur === null || typeof cur !== 'object' || !(String(seg) in (cur as object))) break;
      cur = (cur as Record<string, unknown>)[seg as string];
      depth++;
    }
    return depth;
  };
  return { origin, id, display, text: null, data, locate: () => null, depth: has };
}

function findNode(doc: Document, path: KeyPath, minDepth: number): { node: Node | null; keyNode: Node | null; depth: number } {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    node = deref(doc, node);
    const next = child(doc, node, seg);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
    depth++;
  }
  if (depth < minDepth) return { node: null, keyNode: null, depth };
  return { node, keyNode, depth };
}

function deref(doc: Document, node: Node | null): Node | null {
  let n = node;
  for (let i = 0; i < 20 && n && isAlias(n); i++) n = (n.resolve(doc) as Node | undefined) ?? null;
  return n;
}

function child(doc: Document, node: Node | null, seg: string | number): { key: Node | null; value: Node | null } | null {
  if (isSeq(node)) {
    if (typeof seg !== 'number') return null;
    const item = node.items[seg] as Node | undefined;
    return item ? { key: item, value: item } : null;
  }
  if (!isMap(node)) return null;
  const merges: Node[] = [];
  for (const pair of node.items) {
    const k = pair.key as Node | null;
    const kv = isScalar(k) ? k.value : k;
    if (typeof kv === 'symbol' || kv === '<<') {
      if (pair.value) merges.push(pair.value as Node);
      continue;
    }
    if (String(kv) === String(seg)) return { key: k, value: (pair.value as Node | null) ?? k };
  }
  // `<<: *anchor` merge keys: the value lives in the merged map.
  for (const m of merges) {
    const targets = isSeq(m) ? (m.items as Node[]) : [m];
    for (const t of targets) {
      const found = child(doc, deref(doc, t), seg);
      if (found) return found;
    }
  }
  return null;
}
