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

/** UTS-46 mapping of one code point: '' when ignored, itself when disallowed. */
function mapCodePoint(cp: number, ch: string): string {
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

const NEEDS_FOLD = /[^\x00-\x7f]|%[0-9A-Fa-f]{2}/;

/** Whether `urlFold` can differ from plain lower-casing. */
export function needsUrlFold(text: string): boolean {
  return NEEDS_FOLD.test(text);
}

const SPECIAL = /(?:%[0-9A-Fa-f]{2})+|[^\x00-\x7f]+/g;

export function urlFold(text: string): FoldedView {
  // Segments of the folded text: ASCII stretches map linearly, each folded special character
  // maps to the start of its source.
  const parts: string[] = [];
  const segAt: number[] = [];
  const segOrig: number[] = [];
  const segLinear: boolean[] = [];
  let at = 0;
  const seg = (s: string, orig: number, linear: boolean) => {
    if (s.length === 0) return;
    const k = parts.length - 1;
    if (linear && k >= 0 && segLinear[k] && segOrig[k]! + parts[k]!.length === orig) {
      parts[k] += s;
      at += s.length;
      return;
    }
    parts.push(s);
    segAt.push(at);
    segOrig.push(orig);
    segLinear.push(linear);
    at += s.length;
  };
  const foldChars = (s: string, orig: number, step: boolean) => {
    let o = orig;
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      const f = cp < 0x80 ? ch.toLowerCase() : mapCodePoint(cp, ch);
      // A character that folds to itself keeps the stretch linear.
      seg(f, o, step && f.length === ch.length && (f === ch || f === ch.toLowerCase()));
      if (step) o += ch.length;
    }
  };
  let last = 0;
  SPECIAL.lastIndex = 0;
  for (let m = SPECIAL.exec(text); m !== null; m = SPECIAL.exec(text)) {
    seg(text.slice(last, m.index).toLowerCase(), last, true);
    const run = m[0];
    if (run.charCodeAt(0) === 0x25) {
      let decoded: string | null = null;
      try {
        decoded = decodeURIComponent(run);
      } catch {
        decoded = null;
      }
      // Only escapes that can spell a host character matter (not %20, %2F is a delimiter).
      if (decoded !== null && /[A-Za-z0-9.\-_]|[^\x00-\x7f]/.test(decoded)) foldChars(decoded, m.index, false);
      else seg(run.toLowerCase(), m.index, true);
    } else {
      foldChars(run, m.index, true);
    }
    last = m.index + run.length;
  }
  seg(text.slice(last).toLowerCase(), last, true);
  const folded = parts.join('');
  return {
    text: folded,
    toOrig(o: number) {
      if (segAt.length === 0) return 0;
      const lo = lastAtOrBefore(segAt, o);
      return segLinear[lo] ? segOrig[lo]! + (o - segAt[lo]!) : segOrig[lo]!;
    },
  };
}
