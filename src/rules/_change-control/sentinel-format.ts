// Sentinel (hash manifest) formats.
//
// sha256sum: what `sha256sum` (GNU coreutils) prints and `sha256sum -c` reads: `<hex>  <path>`
// (two spaces; ` *<path>` in binary mode). A name containing a backslash or a newline is written
// with a leading `\` and escaped as `\\` / `\n` (`\r` too in coreutils 9). BSD tags
// (`SHA256 (path) = hex`, `sha256sum --tag`) are read as well. Blank lines and `#` comment lines
// are ignored.
//
// json: a map path → hex, either the whole document (`{"a/b.bin": "<hex>"}`) or under a `files`
// key next to metadata (`{"version": 1, "files": {"a/b.bin": "<hex>"}}`).
//
// Hex is compared case-insensitively; rendering is canonical: sorted by path (code-unit order),
// lower-case hex, one entry per line, trailing newline.
import { sentinelFormatMsg } from './messages.js';

export type SentinelFormat = 'sha256sum' | 'json';

interface SentinelEntry {
  path: string;
  hex: string;
  /** 1-based line in the sentinel. */
  line: number;
}

export interface ParsedSentinel {
  entries: SentinelEntry[];
  errors: { line: number; message: string }[];
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

function unescapeName(name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = name[++i];
    if (n === '\\') out += '\\';
    else if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else return null;
  }
  return out;
}

function escapeName(name: string): { escaped: boolean; text: string } {
  if (!/[\\\n\r]/.test(name)) return { escaped: false, text: name };
  return { escaped: true, text: name.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') };
}

export function parseSha256sum(text: string): ParsedSentinel {
  const entries: SentinelEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const line = i + 1;
    const l = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (l.trim() === '' || l.startsWith('#')) return;
    const tag = /^(\\)?SHA256 \((.*)\) = ([0-9a-fA-F]{64})$/.exec(l);
    if (tag) {
      const name = tag[1] ? unescapeName(tag[2]!) : tag[2]!;
      if (name === null) errors.push({ line, message: sentinelFormatMsg.badEscape });
      else entries.push({ path: name, hex: tag[3]!.toLowerCase(), line });
      return;
    }
    const escaped = l.startsWith('\\');
    const body = escaped ? l.slice(1) : l;
    const hex = body.slice(0, 64);
    const sep = body.slice(64, 66);
    if (!HEX64.test(hex) || (sep !== '  ' && sep !== ' *')) {
      errors.push({ line, message: sentinelFormatMsg.notSha256sumLine });
      return;
    }
    const rawName = body.slice(66);
    const name = escaped ? unescapeName(rawName) : rawName;
    if (name === null || name === '') {
      errors.push({ line, message: name === null ? sentinelFormatMsg.badEscape : sentinelFormatMsg.missingName });
      return;
    }
    entries.push({ path: name, hex: hex.toLowerCase(), line });
  });
  return { entries, errors };
}

/** Line of each key of the JSON map (first occurrence after `from`). */
function keyLine(text: string, key: string, from: number): number {
  const needle = JSON.stringify(key);
  let at = text.indexOf(needle, from);
  while (at !== -1) {
    const after = text.slice(at + needle.length).match(/^\s*:/);
    if (after) break;
    at = text.indexOf(needle, at + 1);
  }
  if (at === -1) return 1;
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export function parseJsonSentinel(text: string): ParsedSentinel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { entries: [], errors: [{ line: 1, message: sentinelFormatMsg.notJson((e as Error).message) }] };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { entries: [], errors: [{ line: 1, message: sentinelFormatMsg.notJsonMap }] };
  }
  let map = doc as Record<string, unknown>;
  let from = 0;
  const files = map.files;
  if (files !== null && typeof files === 'object' && !Array.isArray(files)) {
    map = files as Record<string, unknown>;
    from = text.indexOf('"files"');
  }
  const entries: SentinelEntry[] = [];
  const errors: { line: number; message: string }[] = [];
  for (const [path, hex] of Object.entries(map)) {
    const line = keyLine(text, path, Math.max(0, from));
    if (typeof hex !== 'string' || !HEX64.test(hex)) errors.push({ line, message: sentinelFormatMsg.notHex(path) });
    else entries.push({ path, hex: hex.toLowerCase(), line });
  }
  return { entries, errors };
}

export function parseSentinel(format: SentinelFormat, text: string): ParsedSentinel {
  return format === 'json' ? parseJsonSentinel(text) : parseSha256sum(text);
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export function renderSentinel(format: SentinelFormat, entries: readonly { path: string; hex: string }[]): string {
  const sorted = [...entries].sort(byPath);
  if (format === 'json') {
    const obj: Record<string, string> = {};
    for (const e of sorted) obj[e.path] = e.hex.toLowerCase();
    return JSON.stringify(obj, null, 2) + '\n';
  }
  return sorted
    .map((e) => {
      const { escaped, text } = escapeName(e.path);
      return `${escaped ? '\\' : ''}${e.hex.toLowerCase()}  ${text}\n`;
    })
    .join('');
}
