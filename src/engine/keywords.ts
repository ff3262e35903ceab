// The engine's literal prefilter: which of the rules' (lower-case) keywords occur in a blob,
// case-insensitively, in one pass over the content for all of them.
//
// ASCII content (nearly all source and config) is matched as raw bytes (a latin1 view, no
// UTF-8 decoding, no lower-cased copy) by one compiled regular expression: the alternation of
// every keyword, compiled once per keyword set. Each hit credits the hit and every keyword it
// contains, and the scan resumes one character after the hit's start, so overlapping and
// nested keywords are all found. For ASCII text this is exactly
// `text.toLowerCase().includes(k)`. Other content keeps that definition literally (Unicode
// lower-casing maps some non-ASCII letters onto ASCII ones, e.g. the Kelvin sign onto `k`):
// the same single pass, case-sensitive, over the blob's lower-cased view (never one
// `includes` per keyword: a 1 MB binary blob was read ~100 times).
import { isAscii } from 'node:buffer';
import type { Blob } from '../changeset/blob.js';
import { hasEscapes } from '../changeset/unescape.js';
import { needsUrlFold } from '../changeset/url-fold.js';

const escape = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Bytes whose text is exactly what they say: ASCII, no NUL (UTF-16/32 in the ASCII range is
 * ASCII bytes with NULs between), no numeric escape or backslash-newline continuation, no
 * %XX escape — the spellings the blob's readers decode (see Blob.lower).
 */
function plainAscii(bytes: Buffer): string | null {
  if (!isAscii(bytes) || bytes.indexOf(0) !== -1) return null;
  const text = bytes.toString('latin1');
  return hasEscapes(text) || needsUrlFold(text) ? null : text;
}

export class KeywordScanner {
  private readonly compiled = new Map<string, RegExp>();
  /** Each rule's keyword list (by identity), numbered: a union is keyed by the numbers. */
  private readonly listIds = new WeakMap<readonly string[], number>();
  private readonly unions = new Map<string, string[]>();
  private nextId = 0;

  /** Compiled alternations of the lists `scanUnion` built, by identity (no key to build per blob). */
  private readonly byList = new WeakMap<readonly string[], { gi?: RegExp; g?: RegExp }>();

  private regex(keywords: readonly string[], flags: 'gi' | 'g'): RegExp {
    const mine = this.byList.get(keywords);
    if (mine) return (mine[flags] ??= this.regexByKey(keywords, flags));
    return this.regexByKey(keywords, flags);
  }

  private regexByKey(keywords: readonly string[], flags: 'gi' | 'g'): RegExp {
    const key = `${flags}\0${keywords.join('\0')}`;
    let r = this.compiled.get(key);
    if (!r) {
      if (this.compiled.size > 256) this.compiled.clear();
      // Longest first: at one position the longest keyword wins; the shorter ones it contains
      // are credited by `includes` below.
      r = new RegExp(
        [...keywords]
          .sort((a, b) => b.length - a.length)
          .map(escape)
          .join('|'),
        flags,
      );
      this.compiled.set(key, r);
    }
    return r;
  }

  /**
   * `scan` for the union of several keyword lists (the rules interested in one blob). The union
   * is built once per combination of lists, not once per blob: a rule's list can hold hundreds
   * of keywords (live-endpoint's base64 spellings), and a tree scan has one blob per file.
   */
  scanUnion(blob: Blob, lists: readonly (readonly string[] | null)[]): Set<string> {
    const ids = new Set<number>();
    for (const list of lists) {
      if (!list || list.length === 0) continue;
      let id = this.listIds.get(list);
      if (id === undefined) this.listIds.set(list, (id = this.nextId++));
      ids.add(id);
    }
    const key = [...ids].sort((a, b) => a - b).join(',');
    let union = this.unions.get(key);
    if (!union) {
      const all = new Set<string>();
      for (const list of lists) if (list) for (const k of list) all.add(k);
      if (this.unions.size > 256) this.unions.clear();
      this.unions.set(key, (union = [...all]));
      this.byList.set(union, {});
    }
    return this.scan(blob, union);
  }

  /** The keywords of `wanted` (lower-case, deduplicated) that occur in `blob`. */
  scan(blob: Blob, wanted: readonly string[]): Set<string> {
    if (wanted.length === 0) return new Set();
    const text = plainAscii(blob.bytes);
    // The blob's lower-cased view holds every spelling its readers decode (UTF-16/32, URL
    // folding, escapes, continuations): the keywords must be looked for there, exactly
    // (`lower.includes(k)`: a case-sensitive pass, as the view and the keywords are lower-case).
    if (text === null) return this.pass(blob.lower, wanted, 'g');
    return this.pass(text, wanted, 'gi');
  }

  /**
   * One pass over `text` for every keyword of `wanted`; 'g': exact, 'gi': ASCII case-insensitive.
   * The alternation of all of them is compiled once per set of keywords and kept (a new regular
   * expression per hit costs a compilation and starts in V8's regexp interpreter: that was most
   * of a scan's time). Every hit credits the hit and each keyword it contains, and the search
   * resumes one character after the hit's start, so every position where a keyword starts is
   * tried: overlapping and nested keywords are all found.
   */
  private pass(text: string, wanted: readonly string[], flags: 'gi' | 'g'): Set<string> {
    const found = new Set<string>();
    const r = this.regex(wanted, flags);
    r.lastIndex = 0;
    let last = '';
    for (let m = r.exec(text); m !== null; m = r.exec(text)) {
      const hit = flags === 'gi' ? m[0].toLowerCase() : m[0];
      // A keyword found before (the common case in a long file): what it contains is credited.
      if (hit !== last && !found.has(hit)) {
        for (const k of wanted) if (!found.has(k) && hit.includes(k)) found.add(k);
        if (found.size === wanted.length) break;
      }
      last = hit;
      r.lastIndex = m.index + 1;
    }
    return found;
  }
}
