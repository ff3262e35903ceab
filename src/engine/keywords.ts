// The engine's literal prefilter: which of the rules' (lower-case) keywords occur in a blob,
// case-insensitively, in one pass over the content for all of them.
//
// ASCII content (nearly all source and config) is matched as raw bytes (a latin1 view, no
// UTF-8 decoding, no lower-cased copy) by one Aho–Corasick automaton of every keyword, ASCII
// letters folded (keyword-automaton.ts): every occurrence of every keyword, overlapping and
// nested ones included, in one pass whatever the number of keywords. For ASCII text this is
// `text.toLowerCase().includes(k)`, read through tabs, line breaks and spaces (a keyword split by
// them, which a URL parser or YAML reads whole, still lets the blob through: a superset). Other content keeps that definition literally (Unicode
// lower-casing maps some non-ASCII letters onto ASCII ones, e.g. the Kelvin sign onto `k`):
// the same single pass, case-sensitive, over the blob's lower-cased view (never one
// `includes` per keyword: a 1 MB binary blob was read ~100 times).
import { isAscii } from 'node:buffer';
import type { Blob } from '../changeset/blob.js';
import { hasEscapes } from '../changeset/unescape.js';
import { foldsInto, needsUrlFold } from '../changeset/url-fold.js';
import { KeywordAutomaton } from './keyword-automaton.js';

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
  private readonly compiled = new Map<string, KeywordAutomaton>();
  /** Each rule's keyword list (by identity), numbered: a union is keyed by the numbers. */
  private readonly listIds = new WeakMap<readonly string[], number>();
  private readonly unions = new Map<string, string[]>();
  private nextId = 0;

  /** Automata of the unions `scanUnion` built, by identity (no key to build per blob). */
  private readonly byList = new WeakMap<readonly string[], { folded?: KeywordAutomaton; exact?: KeywordAutomaton }>();

  private automaton(keywords: readonly string[], foldAscii: boolean): KeywordAutomaton {
    const mine = this.byList.get(keywords);
    if (mine) return foldAscii ? (mine.folded ??= this.automatonByKey(keywords, true)) : (mine.exact ??= this.automatonByKey(keywords, false));
    return this.automatonByKey(keywords, foldAscii);
  }

  private automatonByKey(keywords: readonly string[], foldAscii: boolean): KeywordAutomaton {
    const key = `${foldAscii ? 'i' : ''}\0${keywords.join('\0')}`;
    let a = this.compiled.get(key);
    if (!a) {
      if (this.compiled.size > 32) this.compiled.clear();
      a = new KeywordAutomaton(keywords, foldAscii);
      this.compiled.set(key, a);
    }
    return a;
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

  /** Per keyword list: its longest keyword (-1 when one holds a newline) and the characters that can spell its non-ASCII ones. */
  private readonly reachOf = new WeakMap<readonly string[], { reach: number; alsoAt: ((cp: number) => boolean) | undefined }>();

  private windowsFor(wanted: readonly string[]): { reach: number; alsoAt: ((cp: number) => boolean) | undefined } {
    let r = this.reachOf.get(wanted);
    if (!r) {
      const units = new Set<number>();
      for (const k of wanted) for (let i = 0; i < k.length; i++) if (k.charCodeAt(i) > 0x7f) units.add(k.charCodeAt(i));
      const reach = wanted.some((k) => k.includes('\n')) ? -1 : Math.max(...wanted.map((k) => k.length));
      r = { reach, alsoAt: units.size > 0 ? foldsInto(units) : undefined };
      this.reachOf.set(wanted, r);
    }
    return r;
  }

  /** The keywords of `wanted` (lower-case, deduplicated) that occur in `blob`. */
  scan(blob: Blob, wanted: readonly string[]): Set<string> {
    if (wanted.length === 0) return new Set();
    const text = plainAscii(blob.bytes);
    // UTF-8 with other characters, or undecodable: the raw bytes with ASCII case folded, plus
    // what the lower-cased view adds to them (Blob.prefilterExtras: windows around the few
    // characters that fold toward ASCII or toward a keyword's own non-ASCII characters, and
    // escapes) — the same keywords as `lower`, without lower-casing and URL-folding the whole
    // text.
    const w = text === null ? this.windowsFor(wanted) : null;
    const extras = w && w.reach > 0 ? blob.prefilterExtras(w.reach, w.alsoAt) : null;
    if (extras !== null) {
      const found = new Set<string>();
      const raw = this.automaton(wanted, true);
      for (const i of raw.scan(blob.bytes.toString('latin1'))) found.add(raw.keywords[i]!);
      if (extras.length > 0 && found.size < raw.keywords.length) {
        const exact = this.automaton(wanted, false);
        for (const i of exact.scan(extras)) found.add(exact.keywords[i]!);
      }
      return found;
    }
    // The blob's lower-cased view holds every spelling its readers decode (UTF-16/32, URL
    // folding, escapes, continuations): the keywords must be looked for there, exactly
    // (`lower.includes(k)`: case-sensitive, as the view and the keywords are lower-case).
    const a = this.automaton(wanted, text !== null);
    const found = new Set<string>();
    for (const i of a.scan(text ?? blob.lower)) found.add(a.keywords[i]!);
    return found;
  }
}
