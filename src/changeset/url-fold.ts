// The text as a URL host parser reads it, for literal prefilters and host matching: %XX escapes
// decoded as UTF-8, then every non-ASCII character mapped by node's own WHATWG/UTS-46 host
// mapping (`domainToASCII`, read back with `domainToUnicode`): case and compatibility forms
// folded (fullwidth `ａ`, enclosed `ⓐ`), default-ignorable code points (soft hyphen, zero-width
// joiners, variation selectors, CGJ) removed, ideographic dots turned into '.'. Characters the
// parser rejects are kept as they are (they break a host, as they do for the parser). ASCII is
// lower-cased. Offsets map back to the original text.
import { domainToASCII, domainToUnicode } from 'node:url';
import { lastAtOrBefore } from './lines.js';

export interface FoldedView {
  text: string;
  /** Offset in the original text of the character at `offset` of the folded text. */
  toOrig(offset: number): number;
}

const mapped = new Map<number, string>();
// The same answers for the BMP, indexed (a binary blob decoded as text asks millions of times).
// Allocated on first use (packed: a sparse array would be a dictionary).
let bmp: (string | undefined)[] | null = null;

/** UTS-46 mapping of one code point: '' when ignored, itself when disallowed. */
function mapCodePoint(cp: number, ch: string): string {
  if (cp < 0x10000) {
    bmp ??= new Array<string | undefined>(0x10000).fill(undefined);
    const b = bmp[cp];
    if (b !== undefined) return b;
    return (bmp[cp] = mapOnce(cp, ch));
  }
  return mapOnce(cp, ch);
}

function mapOnce(cp: number, ch: string): string {
  let m = mapped.get(cp);
  if (m === undefined) {
    const ascii = domainToASCII(`a${ch}a`);
    if (ascii === '') m = ch;
    else {
      const uni = domainToUnicode(ascii);
      m = uni.length >= 2 ? uni.slice(1, -1) : ch;
    }
    mapped.set(cp, m);
  }
  return m;
}

/** Per BMP code point: 0 not known yet, 1 its folds stay clear of ASCII, 2 they do not. */
let towardAscii: Uint8Array | null = null;
const HAS_ASCII = /[\x00-\x7f]/;

/**
 * Whether the non-ASCII code point `cp` can be part of an ASCII word in a
 * lower-cased or URL-folded view of a text: its lower case holds ASCII (the Kelvin sign, dotted
 * capital I), or its UTS-46 mapping holds ASCII or is empty (an ignorable code point joins its
 * neighbours). Any other non-ASCII character folds to non-ASCII only, in both views, and so
 * separates ASCII words there exactly as it does in the bytes.
 */
export function foldsTowardAscii(cp: number): boolean {
  if (cp < 0x10000) {
    towardAscii ??= new Uint8Array(0x10000);
    const t = towardAscii[cp]!;
    if (t !== 0) return t === 2;
    const yes = touchesAscii(cp);
    towardAscii[cp] = yes ? 2 : 1;
    return yes;
  }
  return touchesAscii(cp);
}

function touchesAscii(cp: number): boolean {
  const ch = String.fromCodePoint(cp);
  if (HAS_ASCII.test(ch.toLowerCase())) return true;
  const f = mapCodePoint(cp, ch);
  return f !== ch && (f === '' || HAS_ASCII.test(f));
}

/**
 * Whether the non-ASCII code point `cp` can spell one of `units` (code units of non-ASCII
 * keywords) in a lower-cased or URL-folded view: itself, its lower case or its UTS-46 mapping
 * holds one of them. Memoised per set (one per keyword list).
 */
export function foldsInto(units: ReadonlySet<number>): (cp: number) => boolean {
  const memo = new Uint8Array(0x10000);
  const test = (cp: number) => {
    const ch = String.fromCodePoint(cp);
    for (const s of [ch, ch.toLowerCase(), mapCodePoint(cp, ch)]) for (let i = 0; i < s.length; i++) if (units.has(s.charCodeAt(i))) return true;
    return false;
  };
  return (cp) => {
    if (cp >= 0x10000) return test(cp);
    const t = memo[cp]!;
    if (t !== 0) return t === 2;
    const yes = test(cp);
    memo[cp] = yes ? 2 : 1;
    return yes;
  };
}

const NEEDS_FOLD = /[^\x00-\x7f]|%[0-9A-Fa-f]{2}/;

/** Whether `urlFold` can differ from plain lower-casing. */
export function needsUrlFold(text: string): boolean {
  return NEEDS_FOLD.test(text);
}

const SPECIAL = /(?:%[0-9A-Fa-f]{2})+|[^\x00-\x7f]+/g;

const UPPER = /[A-Z]+/g;

export function urlFold(text: string): FoldedView {
  // Segments of the folded text: ASCII stretches map linearly, each folded special character
  // maps to the start of its source. Everything that folds to itself (ASCII, lower-cased;
  // non-ASCII characters the mapping keeps) is copied from `src` as one range, so a long text
  // (a binary blob decoded as text alternates ASCII and other bytes every few characters)
  // costs a few slices, not one segment and one string per stretch.
  const src = text.replace(UPPER, (u) => u.toLowerCase());
  const out: string[] = [];
  const segAt: number[] = [];
  const segOrig: number[] = [];
  const segLinear: boolean[] = [];
  const segLen: number[] = [];
  let at = 0;
  const seg = (s: string, orig: number, linear: boolean) => {
    if (s.length === 0) return;
    out.push(s);
    const k = segAt.length - 1;
    if (linear && k >= 0 && segLinear[k] && segOrig[k]! + segLen[k]! === orig) {
      segLen[k]! += s.length;
      at += s.length;
      return;
    }
    segAt.push(at);
    segOrig.push(orig);
    segLinear.push(linear);
    segLen.push(s.length);
    at += s.length;
  };
  // Start of the stretch of `src` that folds to itself and is not yet emitted.
  let copyFrom = 0;
  const copyTo = (end: number) => {
    if (end > copyFrom) seg(src.slice(copyFrom, end), copyFrom, true);
  };
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(text); m !== null; m = SPECIAL.exec(text)) {
    const run = m[0];
    if (run.charCodeAt(0) === 0x25) {
      let decoded: string | null = null;
      try {
        decoded = decodeURIComponent(run);
      } catch {
        decoded = null;
      }
      // Only escapes that can spell a host character matter (not %20, %2F is a delimiter).
      if (decoded !== null && /[A-Za-z0-9.\-_]|[^\x00-\x7f]/.test(decoded)) {
        copyTo(m.index);
        // Each decoded character maps to the start of the escapes.
        for (const ch of decoded) {
          const cp = ch.codePointAt(0)!;
          seg(cp < 0x80 ? ch.toLowerCase() : mapCodePoint(cp, ch), m.index, false);
        }
        copyFrom = m.index + run.length;
      }
      // Otherwise the escapes stay as they are (lower-cased: `src`).
      continue;
    }
    for (let i = 0; i < run.length;) {
      const cp = run.codePointAt(i)!;
      const n = cp > 0xffff ? 2 : 1;
      const ch = n === 1 ? run[i]! : run.slice(i, i + 2);
      const f = mapCodePoint(cp, ch);
      if (f !== ch) {
        const o = m.index + i;
        copyTo(o);
        // A character that folds to one of the same length (its lower case) keeps the stretch linear.
        seg(f, o, f.length === ch.length && f === ch.toLowerCase());
        copyFrom = o + n;
      }
      i += n;
    }
  }
  copyTo(text.length);
  const folded = out.join('');
  return {
    text: folded,
    toOrig(o: number) {
      if (segAt.length === 0) return 0;
      const lo = lastAtOrBefore(segAt, o);
      return segLinear[lo] ? segOrig[lo]! + (o - segAt[lo]!) : segOrig[lo]!;
    },
  };
}
