// Python source as CPython reads it, before any reader looks at it (PEP 263, PEP 3131):
//   - the coding cookie on line 1 or 2 (`# -*- coding: utf-7 -*-`, `# vim: set fileencoding=…`)
//     names the codec the bytes are decoded with: utf-8 (the default), latin-1 / ascii, utf-7
//     (decoded here), and the codecs Node's TextDecoder knows (cp1252, shift_jis, euc-jp, gbk,
//     big5, koi8-r, …). A cookie naming a codec the gate cannot decode (cp037/EBCDIC, hz, …)
//     leaves `undecodable` set: readers fail closed on such a file instead of reading bytes
//     CPython reads as other text (a cookie CPython itself rejects, utf-16 or rot13, is a file
//     that does not run: read as UTF-8);
//   - lone CR line ends are line breaks (universal newlines);
//   - identifiers are NFKC-normalised (`os.ｅｎｖｉｒｏｎ` is `os.environ`); string literals keep
//     their characters.
import type { Blob } from '../changeset/blob.js';
import { tokenizePython } from './settings/code-tokens.js';

export interface PythonSource {
  text: string;
  /** The codec named by the coding cookie (normalised), or null without one. */
  codec: string | null;
  /** Set when the cookie names a codec the gate cannot decode: the file is not read. */
  undecodable?: string;
  /** 1-based line of the cookie. */
  cookieLine?: number;
}

const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const UTF8 = new Set(['utf-8', 'utf8', 'u8', 'utf', 'cp65001', 'utf-8-sig']);
const LATIN1 = new Set(['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', '8859', 'cp819', 'l1', 'latin', 'ascii', 'us-ascii', '646']);
const UTF7 = new Set(['utf-7', 'utf7', 'u7', 'unicode-1-1-utf-7']);
/** Cookies CPython refuses ("encoding problem"): the file never runs, so read it as UTF-8. */
const REFUSED = /^(utf-(16|32)(-?[bl]e)?|u(16|32)|rot-?13|hex|base64|zlib|bz2|uu|quopri)$/;
/** Python codec names that TextDecoder spells differently. */
const TO_WHATWG: Record<string, string> = {
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  's-jis': 'shift_jis',
  'euc-jp': 'euc-jp',
  ujis: 'euc-jp',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
};

/** The codec a coding cookie names (lines 1–2, as CPython finds it), normalised; null without one. */
export function codingCookie(text: string): { codec: string; line: number } | null {
  if (!text.includes('coding')) return null;
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  let m = COOKIE.exec(first);
  if (m) return { codec: m[1]!.toLowerCase().replace(/_/g, '-'), line: 1 };
  // Line 2 counts only when line 1 is blank or a comment.
  if (nl === -1 || !/^[ \t\f]*(#.*)?\r?$/.test(first)) return null;
  const nl2 = text.indexOf('\n', nl + 1);
  m = COOKIE.exec(text.slice(nl + 1, nl2 === -1 ? text.length : nl2));
  return m ? { codec: m[1]!.toLowerCase().replace(/_/g, '-'), line: 2 } : null;
}

/** Decodes UTF-7 (RFC 2152) text: `+…-` runs of modified base64 carrying UTF-16 code units, `+-` is `+`. */
export function decodeUtf7(s: string): string {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c !== '+') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (s[i] === '-') {
      out += '+';
      i++;
      continue;
    }
    let bits = 0;
    let acc = 0;
    while (i < s.length) {
      const v = B64.indexOf(s[i]!);
      if (v === -1) break;
      acc = ((acc << 6) | v) & 0xffffff;
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        out += String.fromCharCode((acc >> bits) & 0xffff);
      }
      i++;
    }
    if (s[i] === '-') i++;
  }
  return out;
}

/** Identifiers NFKC-normalised (PEP 3131), strings and comments untouched; `text` itself when it is ASCII. */
export function nfkcIdentifiers(text: string): string {
  if (!/[^\x00-\x7f]/.test(text)) return text;
  let out = '';
  let at = 0;
  for (const t of tokenizePython(text, { rawNames: true })) {
    if (t.kind !== 'name') continue;
    const raw = text.slice(t.start, t.start + t.value.length);
    if (!/[^\x00-\x7f]/.test(raw)) continue;
    const n = raw.normalize('NFKC');
    if (n === raw) continue;
    out += text.slice(at, t.start) + n;
    at = t.start + raw.length;
  }
  return at === 0 ? text : out + text.slice(at);
}

/** The blob's text as CPython decodes it (memoised per blob). */
export function pythonSource(blob: Blob): PythonSource {
  return blob.parse('python-source', (b) => decodePython(b.bytes, b.readerText));
}

export function decodePython(bytes: Uint8Array, utf8Text: string): PythonSource {
  const cookie = codingCookie(utf8Text);
  if (!cookie || UTF8.has(cookie.codec) || REFUSED.test(cookie.codec)) return { text: utf8Text, codec: cookie?.codec ?? null };
  const lineEnds = (t: string) => (t.includes('\r') ? t.replace(/\r(?!\n)/g, '\n') : t);
  const c = cookie.codec;
  if (LATIN1.has(c)) return { text: lineEnds(Buffer.from(bytes).toString('latin1')), codec: c, cookieLine: cookie.line };
  if (UTF7.has(c)) return { text: lineEnds(decodeUtf7(Buffer.from(bytes).toString('latin1'))), codec: c, cookieLine: cookie.line };
  try {
    const label = TO_WHATWG[c] ?? c.replace(/^cp(125\d)$/, 'windows-$1');
    const d = new TextDecoder(label);
    // TextDecoder folds some labels onto another codec (latin-1 → windows-1252): accept only
    // labels that decode as themselves or as their documented equivalent.
    if (d.encoding === 'replacement' || d.encoding.startsWith('utf-16')) throw new RangeError(c);
    return { text: lineEnds(d.decode(bytes)), codec: c, cookieLine: cookie.line };
  } catch {
    return { text: utf8Text, codec: c, undecodable: c, cookieLine: cookie.line };
  }
}

/**
 * The blob as CPython's parser sees it: decoded per its cookie, lone CR as line breaks and
 * identifiers NFKC-normalised; `blob.text` itself when nothing differs (the common case).
 */
export function pythonView(blob: Blob): string {
  return blob.parse('python-view', (b) => {
    const src = pythonSource(b);
    const v = nfkcIdentifiers(src.text);
    return v === b.text ? b.text : v;
  });
}
