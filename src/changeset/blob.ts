// A blob as rules see it: bytes read once through the run's single `git cat-file` process,
// with text, line positions and parsed forms computed on first use and shared by all rules.
//
// Decoding (once per blob, the way the file's consumer decodes it): a byte-order mark selects
// UTF-8, UTF-16 or UTF-32; without one, a NUL pattern that only UTF-16/UTF-32 text has (every
// other / every 2nd-4th byte zero) selects that encoding; anything else is UTF-8. A NUL byte in
// otherwise valid UTF-8 keeps the file text: the shell, dotenv and YAML readers read past it.
// What is neither (invalid UTF-8 with control bytes, no BOM, no UTF-16/32 pattern) is
// `binary`: it cannot be classified, and the readable-content rule fails closed on it in
// runtime scope. Cost: files without a NUL in their first 8000 bytes and without a BOM take
// the old path (one `includes(0)` and a 4-byte look).

import { foldsTowardAscii, needsUrlFold, urlFold, type FoldedView } from './url-fold.js';
import { hasEscapes, prefilterView } from './unescape.js';
import { lineStarts, positionIn } from './lines.js';

/** How the bytes of a blob are read as text. */
export type BlobEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | 'binary';

const SNIFF = 8000;

/** The encoding of `bytes` (see the file comment). */
export function sniffEncoding(bytes: Uint8Array): BlobEncoding {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8-bom';
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  const n = Math.min(b.length, SNIFF);
  const head = b.subarray(0, n);
  if (!head.includes(0)) return 'utf-8';
  // Zero counts per byte position modulo 4.
  const z = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) if (head[i] === 0) z[i & 3]!++;
  const quads = n >> 2;
  const pairs = n >> 1;
  const mostly = (count: number, of: number) => of > 0 && count >= of * 0.9;
  const rarely = (count: number, of: number) => count <= Math.max(1, of * 0.02);
  if (b.length % 4 === 0 && quads > 0) {
    if (mostly(z[1]!, quads) && mostly(z[2]!, quads) && mostly(z[3]!, quads) && rarely(z[0]!, quads)) return 'utf-32le';
    if (mostly(z[0]!, quads) && mostly(z[1]!, quads) && mostly(z[2]!, quads) && rarely(z[3]!, quads)) return 'utf-32be';
  }
  if (b.length % 2 === 0 && pairs > 0) {
    const odd = z[1]! + z[3]!;
    const even = z[0]! + z[2]!;
    if (odd >= pairs * 0.5 && rarely(even, pairs)) return 'utf-16le';
    if (even >= pairs * 0.5 && rarely(odd, pairs)) return 'utf-16be';
  }
  return isMostlyText(b) ? 'utf-8' : 'binary';
}

/** Valid UTF-8 whose control bytes (other than tab, newlines, form feed, escape and NUL) are rare. */
function isMostlyText(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return false;
  }
  let controls = 0;
  let nuls = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0) nuls++;
    else if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11 && c !== 0x1b) controls++;
  }
  return controls === 0 && nuls <= Math.max(4, b.length / 20);
}

function decode(bytes: Buffer, enc: BlobEncoding): string {
  switch (enc) {
    case 'utf-8':
    case 'binary':
      return bytes.toString('utf8');
    case 'utf-8-bom':
      return bytes.toString('utf8');
    case 'utf-16le':
    case 'utf-16be':
      // TextDecoder keeps the BOM as U+FEFF with ignoreBOM, so `text` stays a faithful decoding.
      return new TextDecoder(enc, { ignoreBOM: true }).decode(bytes);
    case 'utf-32le':
    case 'utf-32be': {
      const le = enc === 'utf-32le';
      let out = '';
      for (let i = 0; i + 3 < bytes.length; i += 4) {
        const cp = le ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
        out += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
      }
      return out;
    }
  }
}

/** Known binary formats by their magic bytes: images, archives, executables, fonts, databases. */
export function knownBinaryFormat(b: Uint8Array): string | null {
  const at = (o: number, ...xs: number[]) => xs.every((x, i) => b[o + i] === x);
  const ascii = (o: number, s: string) => at(o, ...[...s].map((c) => c.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (ascii(0, 'GIF8')) return 'gif';
  if (ascii(0, 'PK') && (at(2, 3, 4) || at(2, 5, 6) || at(2, 7, 8))) return 'zip';
  if (at(0, 0x1f, 0x8b)) return 'gzip';
  if (ascii(0, '%PDF')) return 'pdf';
  if (at(0, 0x7f, 0x45, 0x4c, 0x46)) return 'elf';
  if (at(0, 0xcf, 0xfa, 0xed, 0xfe) || at(0, 0xce, 0xfa, 0xed, 0xfe) || at(0, 0xfe, 0xed, 0xfa, 0xce) || at(0, 0xfe, 0xed, 0xfa, 0xcf) || at(0, 0xca, 0xfe, 0xba, 0xbe))
    return 'mach-o/class';
  if (ascii(0, 'MZ')) return 'pe';
  if (at(0, 0, 0x61, 0x73, 0x6d)) return 'wasm';
  if (ascii(0, 'SQLite format 3')) return 'sqlite';
  if (ascii(0, 'BZh')) return 'bzip2';
  if (at(0, 0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c)) return '7z';
  if (at(0, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0)) return 'xz';
  if (at(0, 0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (ascii(0, 'RIFF') || ascii(0, 'OggS') || ascii(0, 'ID3') || ascii(4, 'ftyp') || ascii(0, 'fLaC')) return 'media';
  if (ascii(0, 'wOFF') || ascii(0, 'wOF2') || ascii(0, 'OTTO') || at(0, 0, 1, 0, 0)) return 'font';
  if (at(0, 0, 0, 1, 0) || ascii(0, 'BM') || ascii(0, 'II*') || ascii(0, 'MM')) return 'image';
  if (ascii(0, 'PAR1') || at(0, 0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59) || ascii(257, 'ustar')) return 'data';
  if (b.length >= 4 && b[2] === 0x0d && b[3] === 0x0a) return 'pyc';
  if (at(0, 0x80) && b[1] !== undefined && b[1] >= 2 && b[1] <= 5) return 'pickle';
  return null;
}

/** %XX escape runs and non-ASCII runs but U+FFFD (what undecodable bytes become: it folds to itself). */
const TOWARD_ASCII_CANDIDATES = /(?:%[0-9A-Fa-f]{2})+|[^\x00-\x7f\ufffd]+/g;

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

export class Blob {
  private _text: string | undefined;
  private _lower: string | undefined;
  private _lineStarts: number[] | undefined;
  private _encoding: BlobEncoding | undefined;
  private _readerText: string | undefined;
  private _urlView: FoldedView | null | undefined;
  private readonly parsed = new Map<string, unknown>();

  constructor(
    readonly oid: string,
    readonly bytes: Buffer,
  ) {}

  get size(): number {
    return this.bytes.length;
  }

  /** Same heuristic as git: a NUL byte in the first 8000 bytes (what git diff calls binary). */
  get isBinary(): boolean {
    const n = Math.min(this.bytes.length, SNIFF);
    return this.bytes.subarray(0, n).includes(0);
  }

  /** How the bytes are decoded into `text` (sniffed once). */
  get encoding(): BlobEncoding {
    if (this._encoding === undefined) this._encoding = sniffEncoding(this.bytes);
    return this._encoding;
  }

  /**
   * Whether a program reading this file as text would get text: UTF-8 (a NUL byte inside is
   * read past), UTF-16 or UTF-32. False for bytes that are not text in any of them.
   */
  get isText(): boolean {
    return this.encoding !== 'binary';
  }

  /**
   * The content decoded as its consumer decodes it (UTF-8, or UTF-16/32 by BOM or NUL pattern;
   * invalid sequences become U+FFFD; a BOM stays as U+FEFF). Offsets are UTF-16 code units of
   * this string.
   */
  get text(): string {
    if (this._text === undefined) this._text = decode(this.bytes, this.encoding);
    return this._text;
  }

  /**
   * `text` as a settings reader consumes it: a leading BOM dropped and lone CR line ends read
   * as line breaks (YAML, Python's universal newlines, python-dotenv and node's dotenv all do).
   * Readers compute their own positions from this string.
   */
  get readerText(): string {
    if (this._readerText === undefined) {
      let t = this.text;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
      if (t.includes('\r')) t = t.replace(/\r(?!\n)/g, '\n');
      this._readerText = t;
    }
    return this._readerText;
  }

  /**
   * Lower-cased text, for case-insensitive literal prefilters (only ever searched with
   * `includes`). When the text holds non-ASCII characters or %XX escapes, the URL-folded view
   * (`urlView`) is appended, so a keyword written with fullwidth letters, ignorable code points
   * or percent-escapes inside it still reaches the rule; so is the text with numeric escapes
   * decoded and line continuations joined (../changeset/unescape.ts).
   */
  get lower(): string {
    if (this._lower === undefined) {
      let l = this.text.toLowerCase();
      const v = this.urlView;
      if (v) l += `\n${v.text}`;
      // Escaped or continued spellings (`AGENT\u005FMODE`, `AGENT_\⏎MODE`) reach the readers,
      // which decode them the way their format does.
      if (hasEscapes(this.text)) l += `\n${prefilterView(this.text).toLowerCase()}`;
      this._lower = l;
    }
    return this._lower;
  }

  /**
   * What `lower` holds beyond the ASCII words of the raw bytes, for a literal prefilter of
   * words up to `reach` characters (no newline in them) that matches the raw bytes with ASCII
   * case folded (src/engine/keywords.ts): every such word of `lower` is either in the bytes as
   * ASCII or in this string. Words with non-ASCII characters are found here only: `alsoAt`
   * names the characters that can spell one of theirs (url-fold.ts foldsInto). Only for UTF-8 (or undecodable, read as UTF-8) content, where an
   * ASCII byte is always that character of `text` and every other character decodes from
   * non-ASCII bytes; null for UTF-16/32.
   *
   * `lower` is the lower-cased text, the URL-folded view and the escape-decoded view. In the
   * first two, an ASCII word can only differ from the bytes where a character folds toward
   * ASCII (see foldsTowardAscii) or at a %XX escape; every other non-ASCII character folds to
   * non-ASCII and separates words in both views as it does in the bytes (a word's own non-ASCII
   * characters: `alsoAt`). So the first two views
   * are built only over windows reaching `reach` characters either side of those places
   * (overlapping windows merged: a word spanning several of them lies in one window; an edge
   * never splits an escape run, whose own window overlaps it, nor a surrogate pair); the
   * escape-decoded view is added whole, as in `lower`. A binary blob decoded as text no longer
   * needs its whole text lower-cased and URL-folded (the bulk of the prefilter's time on a
   * history with a committed virtualenv).
   */
  prefilterExtras(reach: number, alsoAt?: (cp: number) => boolean): string | null {
    const enc = this.encoding;
    if (enc !== 'utf-8' && enc !== 'utf-8-bom' && enc !== 'binary') return null;
    const text = this.text;
    const parts: string[] = [];
    let from = -1;
    let to = -1;
    const flush = () => {
      if (from < 0) return;
      const w = text.slice(from, to);
      parts.push(w.toLowerCase(), urlFold(w).text);
    };
    const add = (s: number, e: number) => {
      let a = Math.max(0, s - reach);
      let b = Math.min(text.length, e + reach);
      if (a > 0 && isLowSurrogate(text.charCodeAt(a))) a--;
      if (b < text.length && isLowSurrogate(text.charCodeAt(b))) b++;
      if (from >= 0 && a <= to) to = Math.max(to, b);
      else {
        flush();
        from = a;
        to = b;
      }
    };
    TOWARD_ASCII_CANDIDATES.lastIndex = 0;
    for (let m = TOWARD_ASCII_CANDIDATES.exec(text); m !== null; m = TOWARD_ASCII_CANDIDATES.exec(text)) {
      const run = m[0];
      if (run.charCodeAt(0) === 0x25) {
        add(m.index, m.index + run.length);
        continue;
      }
      for (let i = 0; i < run.length;) {
        const cp = run.codePointAt(i)!;
        const n = cp > 0xffff ? 2 : 1;
        if (foldsTowardAscii(cp) || alsoAt?.(cp)) add(m.index + i, m.index + i + n);
        i += n;
      }
    }
    flush();
    if (hasEscapes(text)) parts.push(prefilterView(text).toLowerCase());
    return parts.join('\n');
  }

  /** The text as a URL host parser reads it (see url-fold.ts), or null when it is plain lower-cased ASCII. */
  get urlView(): FoldedView | null {
    if (this._urlView === undefined) this._urlView = needsUrlFold(this.text) ? urlFold(this.text) : null;
    return this._urlView;
  }

  /** 1-based line and column of a UTF-16 offset into `text`. */
  position(offset: number): { line: number; column: number } {
    return positionIn(this.lineStarts(), offset);
  }

  /** Offsets where each line starts (line 1 at index 0). Lines end at \n; a \r before it stays in the line. */
  lineStarts(): number[] {
    if (this._lineStarts === undefined) {
      this._lineStarts = lineStarts(this.text);
    }
    return this._lineStarts;
  }

  /** Text of 1-based line `n` without its line terminator (\n or \r\n). */
  line(n: number): string {
    const starts = this.lineStarts();
    const start = starts[n - 1];
    if (start === undefined) return '';
    const next = starts[n];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end -= 1;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  /**
   * Memoised parse: every rule asking for the same `kind` of the same blob shares one result,
   * so a file is parsed at most once per run whatever the number of rules.
   */
  parse<T>(kind: string, parser: (blob: Blob) => T): T {
    if (this.parsed.has(kind)) return this.parsed.get(kind) as T;
    const value = parser(this);
    this.parsed.set(kind, value);
    return value;
  }

  /**
   * Frees every parsed form: tree-sitter trees live in WebAssembly memory, which the garbage
   * collector never sees, so they are `delete()`d here. A later parse request parses again. The
   * engine calls this when every path holding the blob is done.
   */
  dispose(): void {
    for (const v of this.parsed.values()) {
      if (v !== null && typeof v === 'object' && !(v instanceof Promise) && typeof (v as { delete?: unknown }).delete === 'function') (v as { delete(): void }).delete();
    }
    this.parsed.clear();
  }

  /** Async variant for parsers that must be loaded on demand (tree-sitter, TypeScript). */
  async parseAsync<T>(kind: string, parser: (blob: Blob) => Promise<T>): Promise<T> {
    if (this.parsed.has(kind)) return (await this.parsed.get(kind)) as T;
    const pending = parser(this);
    this.parsed.set(kind, pending);
    const value = await pending;
    this.parsed.set(kind, value);
    return value;
  }
}
