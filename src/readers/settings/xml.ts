// XML settings files (.xml, .config: .NET appSettings, Maven/surefire environmentVariables,
// phpunit <env>, launchd plists), read as an XML parser would: comments never match, CDATA is
// element text, entities (&amp; &#69; &#x45; and the internal entities its DOCTYPE declares)
// decoded, in element text and in attribute values (key="AGENT&#95;MODE" names AGENT_MODE). Settings are
//   <K>V</K>                                an element named like the setting, text content
//   <add key="K" value="V"/>  <env name="K" value="V"/>   a key/name attribute with a value attribute
//   <x K="V"/>                              an attribute named like the setting
//   <key>K</key><string>V</string>          plist dictionaries (launchd EnvironmentVariables)
import { keepAll, type Assignment, type Keep } from './types.js';
import { positionsOf } from './values.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Character and entity references decoded as an XML parser does: the five predefined entities,
 * `&#N;` / `&#xH;`, and the internal entities the file's DOCTYPE declares (`<!ENTITY m "EXECUTE">`,
 * expanded recursively as expat does for ElementTree and lxml; bounded against entity bombs).
 */
function decodeEntities(s: string, declared?: ReadonlyMap<string, string>, depth = 0): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z_][-A-Za-z0-9_.]*);/g, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(n) && n <= 0x10ffff ? String.fromCodePoint(n) : m;
    }
    const d = declared?.get(e);
    if (d !== undefined) {
      if (depth >= 8) return m;
      const x = decodeEntities(d, declared, depth + 1);
      // an entity bomb (expat refuses amplification too): the reference stays unexpanded
      return x.length <= 10_000 ? x : m;
    }
    return ENTITIES[e] ?? m;
  });
}

/** Internal general entities of the DOCTYPE's internal subset (external and parameter entities are not read). */
function internalEntities(text: string): Map<string, string> | undefined {
  const dt = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/.exec(text);
  if (!dt) return undefined;
  const out = new Map<string, string>();
  const re = /<!ENTITY\s+([A-Za-z_][-A-Za-z0-9_.]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (let m = re.exec(dt[1]!); m !== null; m = re.exec(dt[1]!)) if (!out.has(m[1]!)) out.set(m[1]!, m[2] ?? m[3] ?? '');
  return out;
}

const ATTR = /([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function readXml(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  // Not XML (a `.config` file in another syntax): the caller falls back to the line reader.
  if (!/^\s*</.test(text)) throw new Error('not XML');
  // Comments, processing instructions and DOCTYPE blanked (newlines kept, so offsets stay true).
  const declared = internalEntities(text);
  const t = text.replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*\[[\s\S]*?\]\s*>|<!DOCTYPE[^>]*>/g, (m) => m.replace(/[^\n]/g, ' '));
  const decode = (x: string) => decodeEntities(x, declared);
  const out: Assignment[] = [];
  const emit = (key: string, keyAt: number, value: string, valueAt: number, syntax: string) => {
    if (!keep(key)) return;
    const k = pos(keyAt);
    const v = pos(valueAt);
    out.push({ key, value, dynamic: false, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax });
  };
  const TAG = /<([A-Za-z_][-A-Za-z0-9_.:]*)((?:\s+[^<>]*?)?)(\/?)>/g;
  let lastKey: { name: string; at: number; end: number } | null = null;
  for (let m = TAG.exec(t); m !== null; m = TAG.exec(t)) {
    const name = m[1]!;
    const attrs = m[2] ?? '';
    const attrsAt = m.index + 1 + name.length;
    // Attributes: key/name + value, and attributes named like a setting.
    let keyAttr: { v: string; at: number } | null = null;
    let valueAttr: { v: string; at: number } | null = null;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(attrs); a !== null; a = ATTR.exec(attrs)) {
      const an = a[1]!;
      const raw = a[3] ?? a[4] ?? '';
      const at = attrsAt + a.index + a[0].length - raw.length - 1;
      const v = decode(raw);
      if (an === 'key' || an === 'name') keyAttr = { v, at };
      else if (an === 'value') valueAttr = { v, at };
      emit(an, attrsAt + a.index, v, at, 'xml-attribute');
    }
    if (keyAttr && valueAttr) emit(keyAttr.v, keyAttr.at, valueAttr.v, valueAttr.at, 'xml-key-value');
    if (m[3] === '/') continue;
    // Text content up to the next tag (CDATA counts as text).
    const after = m.index + m[0].length;
    const rest = t.slice(after, after + 4096);
    const tm = /^(\s*)(<!\[CDATA\[([\s\S]*?)\]\]>|[^<]*)\s*<\/([A-Za-z_][-A-Za-z0-9_.:]*)\s*>/.exec(rest);
    if (!tm || tm[4] !== name) continue;
    const textAt = after + tm[1]!.length + (tm[3] !== undefined ? 9 : 0);
    const content = tm[3] !== undefined ? tm[3] : decode(tm[2]!.trimEnd());
    emit(name, m.index + 1, content, textAt, 'xml-element');
    // plist: <key>K</key> followed by <string>V</string>
    if (name === 'key') lastKey = { name: content, at: textAt, end: after + tm[0].length };
    else if (lastKey && name === 'string' && /^\s*$/.test(t.slice(lastKey.end, m.index))) {
      emit(lastKey.name, lastKey.at, content, textAt, 'plist');
      lastKey = null;
    } else lastKey = null;
  }
  return out;
}
