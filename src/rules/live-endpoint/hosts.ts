// Host matching for the live-endpoint rule: find every host-shaped run of text, normalise it the
// way a URL parser / resolver would, and compare it whole against the host table.
//
// Matching is at host boundaries: a run is a maximal sequence of labels joined by dots, so
// `paper-api.alpaca.markets` is one run (never `api.alpaca.markets`), and
// `api.alpaca.markets.evil.example` is one run that is not the live host. Case-insensitive; the
// scheme, credentials, port, path and a trailing dot are outside the run and do not matter.
//
// Spellings that still name the live host, and are decoded here:
//   - everything node's WHATWG URL host parser folds (domainToASCII, UTS-46): case, fullwidth and
//     compatibility forms, ideographic dots, default-ignorable code points, percent-escapes. The
//     rule scans both the text and `Blob.urlView` (the text folded by that parser, char by char,
//     offsets mapped back; ../../changeset/url-fold.ts), and normalizeHost() ends in domainToASCII;
//   - escaped / encoded dots of other languages: `\.` and `\\.` (regexes, JSON-escaped regexes),
//     `[.]`, `\u002e`, `\x2e`, `&#46;`, `&#x2e;`, `&period;`;
//   - a run glued to a preceding escape: `\napi.alpaca.markets` (string escapes \n \t \r …,
//     `\u002f`, `\x2f`) and `%2Fapi.alpaca.markets` (URL-encoded `https%3A%2F%2F…`);
//   - a run ended by a backslash, read as the URL parser ends the host there (`…markets\.x`);
//   - ASCII tab, CR and LF inside a run, which the WHATWG parser deletes anywhere in a URL;
//   - string concatenation on one line or across a line break: `"api." + "alpaca.markets"`,
//     `'api.' . 'alpaca.markets'`, `"api." .. "alpaca.markets"`, Python's implicit
//     `("https://api." "alpaca.markets")`, shell `"api."'alpaca.markets'`;
//   - glob wildcards that cover a live host: `*.alpaca.markets`, `.*\.binance\.com` (reported as
//     a wildcard; the bare apex `alpaca.markets` is not a host anyone trades on and is not flagged).
// Not decoded (documented out of reach of a literal scanner): concatenation through variables,
// format strings or templates, splits inside the registrable label (`"alp" + "aca.markets"`),
// letters written as code escapes (`\u0061pi`), base64 or other encodings, hosts assembled at
// run time. Lookalikes that resolve elsewhere (Cyrillic `аpi.alpaca.markets`, punycode `xn--…`)
// are other hosts and are not flagged; nor are runs the URL parser rejects.

import { domainToASCII } from 'node:url';
import { lastAtOrBefore } from '../../changeset/lines.js';

export interface HostPattern {
  /** Lower-case host, or the base domain of a `*.base` pattern. */
  host: string;
  wildcard: boolean;
}

/**
 * Lower-case, trimmed, trailing dot removed; `*.x` kept as a wildcard. null when not a host.
 * Read with node's WHATWG URL parser (the one the runtime uses): userinfo, port, path,
 * percent-encoding, IPv6 brackets and UTS-46 mapping are the parser's, not a hand list.
 */
export function parseHostPattern(raw: string): HostPattern | null {
  let h = raw.trim();
  h = h.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  let wildcard = false;
  const at = h.lastIndexOf('@', h.search(/[/?#]|$/));
  if (at !== -1) h = h.slice(at + 1);
  if (h.startsWith('*.')) {
    wildcard = true;
    h = h.slice(2);
  }
  let host: string;
  try {
    host = new URL(`http://${h}`).hostname;
  } catch {
    return null;
  }
  host = host.replace(/\.+$/, '');
  if (/^\[[0-9a-f:.]+\]$/.test(host)) return wildcard ? null : { host, wildcard };
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(host)) return null;
  return { host, wildcard };
}

/** Whether `host` equals `base` or is a subdomain of it. */
function isUnder(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

// --- scanning ---------------------------------------------------------------------------------
//
// Keyword-anchored: the scan starts from each occurrence of a keyword (a label of a live host,
// e.g. `alpaca`), walks left to the start of the host-shaped run around it and matches the run
// forward from there. Cost is proportional to the keyword occurrences, not to the dotted tokens
// of the file. Every host this reports contains a keyword, so the engine's blob prefilter (the
// same keywords) never hides one.

const LABEL_CHARS = String.raw`\p{L}\p{N}\p{M}\p{Default_Ignorable_Code_Point}_\-\uFF0D`;
const LABEL = `[${LABEL_CHARS}]+`;
const LABEL_CHAR = new RegExp(`^[${LABEL_CHARS}]$`, 'u');
// Separators that a parser, resolver or regex engine reads as a dot.
const SEP = String.raw`(?:\.|\\{1,2}\.|\[\.\]|%2[eE]|\\{1,2}u002[eE]|\\{1,2}x2[eE]|&#0*46;|&#[xX]0*2[eE];|&period;|[\u3002\uFF0E\uFF61])`;
const SEP_RE = new RegExp(SEP, 'g');
const SEP_AT_END = new RegExp(`${SEP}$`);
/** Longest separator spelling, to bound the look-behind window. */
const SEP_WINDOW = 12;
const RUN_AT = new RegExp(`${LABEL}(?:${SEP}${LABEL})+`, 'uy');
// ASCII-only fast path of RUN_AT; valid when the character after its match is ASCII.
const RUN_AT_ASCII = new RegExp(`[A-Za-z0-9_-]+(?:${SEP}[A-Za-z0-9_-]+)+`, 'y');
// Mapped to nothing by IDNA 2003 nameprep (RFC 3454 B.1), for runs the WHATWG parser rejects.
// eslint-disable-next-line no-misleading-character-class -- each code point is listed alone, none combines
const IGNORED = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
// A run preceded by '*' + separator is a wildcard (`*.x`, regex `.*\.x`).
const WILDCARD_BEFORE = new RegExp(`\\*${SEP}$`);
// String concatenation between two literals: closing quote, operator or nothing, opening quote;
// and the escapes of the ASCII tab and newlines (\t \n \r), which the WHATWG URL parser removes
// from anywhere in a URL ("https://api.alpaca\t.markets" is api.alpaca.markets to it).
const JOIN = /(["'`])[ \t]*(?:\+|\.\.|\.|~)?[ \t]*(?:\\?\r?\n[ \t]*(?:\+|\.\.|\.|~)?[ \t]*)?(["'`])|\\[tnr]/g;
// The raw ASCII tab and line breaks, which the WHATWG URL parser deletes anywhere in a URL (with
// the indentation a YAML block scalar strips after a line break): a host split by them is one
// host to `fetch`. Judged in a view of the text with them deleted, beside the text itself.
const RAW_BREAKS = /\t+|(?:\r?\n|\r)[ \t]*/g;

export interface HostCandidate {
  /** Normalised lower-case host. */
  host: string;
  /** Offset (UTF-16) of the host's first character in the original text. */
  offset: number;
  /** Preceded by `*.`: the text names every subdomain of `host`. */
  wildcard: boolean;
}

/**
 * Normalise a raw run the way a URL parser would: the escaped-dot spellings of regexes, JSON
 * and HTML to '.', percent-decoding, then node's `domainToASCII` (WHATWG host parsing with
 * UTS-46: case, fullwidth and compatibility forms, ideographic dots, default-ignorable code
 * points, soft hyphen). A run that parser rejects falls back to NFKC with ignorables removed
 * (other resolvers, e.g. IDNA 2003 codecs, map it so).
 */
export function normalizeHost(raw: string): string {
  // Fast path: plain ASCII hosts with plain dots.
  if (/^[A-Za-z0-9_.-]*$/.test(raw)) return raw.toLowerCase();
  const dotted = percentDecode(raw.replace(SEP_RE, '.'));
  const viaUrl = dotted.includes('%') ? '' : domainToASCII(dotted.replace(/\.+$/, ''));
  if (viaUrl !== '') return viaUrl;
  return dotted.normalize('NFKC').replace(IGNORED, '').toLowerCase();
}

/** %XX sequences decoded as UTF-8 (what the URL host parser does first); invalid ones kept. */
function percentDecode(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9A-Fa-f]{2})+/g, (m) => {
    try {
      return decodeURIComponent(m);
    } catch {
      return m;
    }
  });
}

interface Segment {
  /** Start in the joined text. */
  at: number;
  /** Start in the original text. */
  orig: number;
}

/** Text with the matches of `cut` (a global regex: literal concatenations, raw breaks) removed, and a way back to original offsets. */
function joinedView(text: string, cut: RegExp = JOIN): { text: string; toOrig(offset: number): number } | null {
  cut.lastIndex = 0;
  if (!cut.test(text)) return null;
  cut.lastIndex = 0;
  const parts: string[] = [];
  const segs: Segment[] = [];
  let last = 0;
  let at = 0;
  for (let m = cut.exec(text); m !== null; m = cut.exec(text)) {
    const piece = text.slice(last, m.index);
    segs.push({ at, orig: last });
    parts.push(piece);
    at += piece.length;
    last = m.index + m[0].length;
  }
  segs.push({ at, orig: last });
  parts.push(text.slice(last));
  const starts = segs.map((s) => s.at);
  return {
    text: parts.join(''),
    toOrig(offset: number) {
      const seg = segs[lastAtOrBefore(starts, offset)]!;
      return seg.orig + (offset - seg.at);
    },
  };
}

const ESCAPE_PREFIX = /^(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[ntrbfv0])/;
const PERCENT_PREFIX = /^[0-9a-fA-F]{2}/;

/** Whether the character (or surrogate pair) ending at `i` is a label character; its length, else 0. */
function labelCharBefore(s: string, i: number): number {
  if (i <= 0) return 0;
  const c = s.charCodeAt(i - 1);
  if (c < 0x80) {
    // ASCII fast path: [A-Za-z0-9_-].
    return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d ? 1 : 0;
  }
  const n = c >= 0xdc00 && c <= 0xdfff && i >= 2 ? 2 : 1;
  return LABEL_CHAR.test(s.slice(i - n, i)) ? n : 0;
}

/** Whether a separator spelling may end at `i`: . ] ; an ideographic / fullwidth dot, or the `2e` of an escape. */
function maySepEnd(s: string, i: number): boolean {
  const c = s.charCodeAt(i - 1);
  if (c === 0x2e || c === 0x5d || c === 0x3b || c === 0x3002 || c === 0xff0e || c === 0xff61) return true;
  return (c === 0x65 || c === 0x45) && s.charCodeAt(i - 2) === 0x32;
}

/** Start of the host-shaped run that contains offset `p`. */
function runStart(s: string, p: number): number {
  let i = p;
  for (;;) {
    // A separator first: the hex of `\u002e` / `%2e` must not be read as label characters.
    const sep = i > 0 && maySepEnd(s, i) ? SEP_AT_END.exec(s.slice(Math.max(0, i - SEP_WINDOW), i)) : null;
    if (sep && labelCharBefore(s, i - sep[0].length) > 0) {
      i -= sep[0].length;
      continue;
    }
    const n = labelCharBefore(s, i);
    if (n > 0) {
      i -= n;
      continue;
    }
    return i;
  }
}

function keywordRegExp(keywords: readonly string[]): RegExp {
  const escaped = [...keywords].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('|') || '(?!)', 'giu');
}

const keywordCache = new WeakMap<readonly string[], RegExp>();

/** Called for each host-shaped run around a keyword: its normalised host, a way to its offset, wildcard-ness. */
type Visit = (host: string, offset: () => number, wildcard: boolean, split?: boolean) => void;

const keywordTests = new WeakMap<RegExp, RegExp>();

/** Whether `s` holds one of the keywords of `kw` (a non-global twin, built once per keyword set). */
function keywordIn(kw: RegExp, s: string): boolean {
  let t = keywordTests.get(kw);
  if (!t) keywordTests.set(kw, (t = new RegExp(kw.source, 'iu')));
  return t.test(s);
}

function scanAt(s: string, kw: RegExp, toOrig: (o: number) => number, visit: Visit): void {
  const starts = new Set<number>();
  kw.lastIndex = 0;
  for (let k = kw.exec(s); k !== null; k = kw.exec(s)) {
    const start = runStart(s, k.index);
    if (starts.has(start)) continue;
    starts.add(start);
    RUN_AT_ASCII.lastIndex = start;
    let m = RUN_AT_ASCII.exec(s);
    const after = m ? s.charCodeAt(start + m[0].length) : 0;
    if (!m || after >= 0x80 || s.charCodeAt(start) >= 0x80) {
      RUN_AT.lastIndex = start;
      m = RUN_AT.exec(s);
    }
    if (!m) continue;
    const raw = m[0];
    const before = start > 1 ? s.slice(Math.max(0, start - SEP_WINDOW - 1), start) : '';
    const wildcard = before.includes('*') && WILDCARD_BEFORE.test(before);
    visit(normalizeHost(raw), () => toOrig(start), wildcard);
    // A backslash ends the host to the WHATWG URL parser (a path separator in http(s)/ws(s)
    // URLs) and to urllib3, where a regex reads `\.` as a dot: `api.alpaca.markets\.x/v2` is
    // api.alpaca.markets to fetch and requests. Both readings are judged.
    const slash = raw.indexOf('\\');
    if (slash > 0 && keywordIn(kw, raw.slice(0, slash))) visit(normalizeHost(raw.slice(0, slash)), () => toOrig(start), wildcard);
    // A run glued to the escape before it: `\napi…`, `\u002fapi…`, `%2Fapi…`.
    const prev = start > 0 ? s.charCodeAt(start - 1) : 0;
    const e = prev === 0x5c ? ESCAPE_PREFIX.exec(raw) : prev === 0x25 ? PERCENT_PREFIX.exec(raw) : null;
    if (e) {
      const skip = e[0].length;
      visit(normalizeHost(raw.slice(skip)), () => toOrig(start + skip), wildcard);
    }
  }
}

/** Line-aligned windows (the line of each keyword, with the lines around it) for the concatenation view. */
function keywordWindows(text: string, kw: RegExp): [number, number][] {
  const spans: [number, number][] = [];
  kw.lastIndex = 0;
  for (let k = kw.exec(text); k !== null; k = kw.exec(text)) {
    const lineStart = text.lastIndexOf('\n', k.index - 1) + 1;
    const prevStart = lineStart > 0 ? text.lastIndexOf('\n', lineStart - 2) + 1 : 0;
    let lineEnd = text.indexOf('\n', k.index);
    if (lineEnd === -1) lineEnd = text.length;
    let nextEnd = lineEnd < text.length ? text.indexOf('\n', lineEnd + 1) : text.length;
    if (nextEnd === -1) nextEnd = text.length;
    const last = spans[spans.length - 1];
    if (last && prevStart <= last[1]) last[1] = Math.max(last[1], nextEnd);
    else spans.push([prevStart, nextEnd]);
    kw.lastIndex = Math.max(kw.lastIndex, lineEnd);
  }
  return spans;
}

/**
 * Every host-shaped run of `text` that contains one of `keywords` (case-insensitive), also in the
 * view of `text` with literal concatenations joined; normalised, with offsets into `text`.
 */
function scanText(text: string, keywords: readonly string[], visit: Visit): void {
  let kw = keywordCache.get(keywords);
  if (!kw) keywordCache.set(keywords, (kw = keywordRegExp(keywords)));
  scanAt(text, kw, (o) => o, visit);
  JOIN.lastIndex = 0;
  if (JOIN.test(text)) {
    for (const [a, b] of keywordWindows(text, kw)) {
      const joined = joinedView(text.slice(a, b));
      if (joined) scanAt(joined.text, kw, (o) => a + joined.toOrig(o), visit);
    }
  }
  // The whole text, not keyword windows: the keyword itself may be the thing split.
  const squeezed = joinedView(text, RAW_BREAKS);
  if (squeezed) scanAt(squeezed.text, kw, squeezed.toOrig, (host, offset, wildcard) => visit(host, offset, wildcard, true));
}

/**
 * Every host-shaped run of `text` that contains one of `keywords` (case-insensitive), also in the
 * view of `text` with literal concatenations joined; normalised, with offsets into `text`.
 */
export function findHostCandidates(text: string, keywords: readonly string[]): HostCandidate[] {
  const out = new Map<string, HostCandidate>();
  scanText(text, keywords, (host, offset, wildcard) => {
    const o = offset();
    const key = `${o}\0${host}`;
    if (!out.has(key)) out.set(key, { host, offset: o, wildcard });
  });
  return [...out.values()].sort((x, y) => x.offset - y.offset || x.host.localeCompare(y.host));
}

// --- the host table ---------------------------------------------------------------------------

export interface LiveInfo {
  broker: string;
  /** The live host (or `*.base` pattern) that matched. */
  pattern: string;
  /** A paper host to use instead, if the broker has one. */
  suggest: string | null;
}

interface BrokerInput {
  name: string;
  live: readonly string[];
  paper: readonly string[];
  market_data?: readonly string[] | undefined;
  suggest?: Readonly<Record<string, string>> | undefined;
}

export interface HostTableInput {
  brokers: readonly BrokerInput[];
  extraLive: readonly string[];
  allow: readonly string[];
}

export interface AllowedLive {
  /** The allow_hosts entry as written. */
  entry: string;
  /** Live hosts / patterns it exempts. */
  covers: LiveInfo[];
}

export class HostTable {
  private readonly liveExact = new Map<string, LiveInfo>();
  private readonly liveWild: { base: string; info: LiveInfo }[] = [];
  private readonly safeExact = new Set<string>();
  private readonly safeWild: string[] = [];
  private readonly allowExact = new Set<string>();
  private readonly allowWild: string[] = [];
  /** allow_hosts entries that exempt a live host: each one is a security exception. */
  readonly allowedLive: AllowedLive[] = [];
  /** Lower-case literals: one label of every live host, so that every spelling detected contains one. */
  readonly keywords: string[];

  constructor(input: HostTableInput) {
    for (const b of input.brokers) {
      const firstPaper = b.paper.map((p) => parseHostPattern(p)).find((p) => p && !p.wildcard)?.host ?? null;
      for (const raw of b.live) {
        const p = parseHostPattern(raw);
        if (!p) continue;
        const suggestRaw = b.suggest?.[raw] ?? b.suggest?.[p.host];
        const info: LiveInfo = {
          broker: b.name,
          pattern: p.wildcard ? `*.${p.host}` : p.host,
          suggest: suggestRaw ? suggestRaw.toLowerCase() : firstPaper,
        };
        this.addLive(p, info);
      }
      for (const raw of [...b.paper, ...(b.market_data ?? [])]) {
        const p = parseHostPattern(raw);
        if (!p) continue;
        if (p.wildcard) this.safeWild.push(p.host);
        else this.safeExact.add(p.host);
      }
    }
    for (const raw of input.extraLive) {
      const p = parseHostPattern(raw);
      if (p) this.addLive(p, { broker: 'extra_live_hosts', pattern: p.wildcard ? `*.${p.host}` : p.host, suggest: null });
    }
    for (const raw of input.allow) {
      const p = parseHostPattern(raw);
      if (!p) continue;
      if (p.wildcard) this.allowWild.push(p.host);
      else this.allowExact.add(p.host);
      const covers = this.liveCoveredBy(p);
      if (covers.length > 0) this.allowedLive.push({ entry: raw, covers });
    }
    this.keywords = this.computeKeywords();
  }

  private addLive(p: HostPattern, info: LiveInfo): void {
    if (p.wildcard) this.liveWild.push({ base: p.host, info });
    else if (!this.liveExact.has(p.host)) this.liveExact.set(p.host, info);
  }

  /** Live hosts / patterns that an allow pattern would exempt. */
  private liveCoveredBy(p: HostPattern): LiveInfo[] {
    const out: LiveInfo[] = [];
    for (const [host, info] of this.liveExact) {
      if (p.wildcard ? host !== p.host && isUnder(host, p.host) : host === p.host) out.push(info);
    }
    for (const { base, info } of this.liveWild) {
      // `*.x.base` or `x.base` (exact host under a live wildcard) or `*.base`-or-wider.
      if (p.wildcard ? isUnder(base, p.host) || isUnder(p.host, base) : p.host !== base && isUnder(p.host, base)) out.push(info);
    }
    return out;
  }

  private computeKeywords(): string[] {
    const set = new Set<string>();
    const add = (host: string) => {
      const labels = host.split('.');
      // The registrable name (`alpaca` of api.alpaca.markets) when it is distinctive, else the longest label.
      const reg = labels.length >= 2 ? labels[labels.length - 2]! : labels[0]!;
      const pick = reg.length >= 4 ? reg : labels.reduce((a, b) => (b.length > a.length ? b : a));
      set.add(pick);
      // Fullwidth spelling, which IDNA folds back to ASCII.
      const wide = toFullwidth(pick);
      if (wide !== pick) set.add(wide);
    };
    for (const h of this.liveExact.keys()) add(h);
    for (const { base } of this.liveWild) add(base);
    return [...set].sort();
  }

  private isAllowed(host: string): boolean {
    if (this.allowExact.has(host)) return true;
    for (const b of this.allowWild) if (host !== b && isUnder(host, b)) return true;
    return false;
  }

  private isSafe(host: string): boolean {
    if (this.safeExact.has(host)) return true;
    for (const b of this.safeWild) if (host !== b && isUnder(host, b)) return true;
    return false;
  }

  /** The live entry a concrete host hits, or null (not live, paper, market data, or allowed). */
  classify(host: string): LiveInfo | null {
    if (this.isAllowed(host)) return null;
    const exact = this.liveExact.get(host);
    // Paper and market-data lists never exempt an exact live host: only a reviewed allow_hosts entry can.
    if (exact) return exact;
    if (this.isSafe(host)) return null;
    for (const { base, info } of this.liveWild) if (host !== base && isUnder(host, base)) return info;
    return null;
  }

  /**
   * For text naming every subdomain of `base` (`*.base`): the live entry it covers, or null.
   * Only when `base` contains a keyword label, so `*.com` is not read as a live reference.
   */
  classifyWildcard(base: string): LiveInfo | null {
    if (!this.keywords.some((k) => base.split('.').includes(k))) return null;
    for (const [host, info] of this.liveExact) {
      if (host !== base && isUnder(host, base) && !this.isAllowed(host)) return info;
    }
    for (const { base: b, info } of this.liveWild) {
      if (isUnder(b, base) || isUnder(base, b)) return info;
    }
    return null;
  }
}

function toFullwidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += c >= 0x21 && c <= 0x7e ? String.fromCharCode(c + 0xfee0) : ch;
  }
  return out;
}

export interface LiveHit {
  host: string;
  offset: number;
  wildcard: boolean;
  info: LiveInfo;
  /** Found only with raw tabs / line breaks deleted (the host is split by them in the text). */
  split?: true;
}

/**
 * Every live-host reference in `text`, and in `view` (the text as a URL parser reads it,
 * `Blob.urlView`) when given, with offsets mapped back into `text`.
 */
export function findLiveHosts(text: string, table: HostTable, view?: { text: string; toOrig(o: number): number } | null): LiveHit[] {
  const byOffset = new Map<number, LiveHit>();
  if (view) {
    scanText(view.text, table.keywords, (host, offset, wildcard) => {
      const info = table.classify(host) ?? (wildcard ? table.classifyWildcard(host) : null);
      if (!info) return;
      const o = view.toOrig(offset());
      if (!byOffset.has(o)) byOffset.set(o, { host, offset: o, wildcard: wildcard && !table.classify(host), info });
    });
  }
  scanText(text, table.keywords, (host, offset, wildcard, split) => {
    let info = table.classify(host);
    let wild = false;
    if (!info && wildcard) {
      info = table.classifyWildcard(host);
      wild = info !== null;
    }
    if (!info) return;
    const o = offset();
    if (!byOffset.has(o)) byOffset.set(o, { host, offset: o, wildcard: wild, info, ...(split ? { split: true as const } : {}) });
  });
  return [...byOffset.values()].sort((x, y) => x.offset - y.offset);
}
