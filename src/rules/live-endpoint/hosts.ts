// Host matching for the live-endpoint rule: find every host-shaped run of text, normalise it the
// way a URL parser / resolver would, and compare it whole against the host table.
//
// Matching is at host boundaries: a run is a maximal sequence of labels joined by dots, so
// `paper-api.alpaca.markets` is one run (never `api.alpaca.markets`), and
// `api.alpaca.markets.evil.example` is one run that is not the live host. Case-insensitive; the
// scheme, credentials, port, path and a trailing dot are outside the run and do not matter.
//
// Spellings that still name the live host, and are decoded here:
//   - escaped / encoded dots: `\.` and `\\.` (regexes, JSON-escaped regexes), `[.]`, `%2e`,
//     `\u002e`, `\x2e`, `&#46;`, `&#x2e;`, `&period;`, and the dots IDNA maps to '.'
//     (U+3002 。, U+FF0E ．, U+FF61 ｡);
//   - compatibility characters that IDNA / WHATWG URL parsing folds to ASCII (fullwidth
//     `ａｐｉ`), via NFKC; characters IDNA ignores (soft hyphen, zero-width joiners, BOM);
//   - a run glued to a preceding escape: `\napi.alpaca.markets` (string escapes \n \t \r …,
//     `\u002f`, `\x2f`) and `%2Fapi.alpaca.markets` (URL-encoded `https%3A%2F%2F…`);
//   - string concatenation on one line or across a line break: `"api." + "alpaca.markets"`,
//     `'api.' . 'alpaca.markets'`, `"api." .. "alpaca.markets"`, Python's implicit
//     `("https://api." "alpaca.markets")`, shell `"api."'alpaca.markets'`;
//   - glob wildcards that cover a live host: `*.alpaca.markets`, `.*\.binance\.com` (reported as
//     a wildcard; the bare apex `alpaca.markets` is not a host anyone trades on and is not flagged).
// Not decoded (documented out of reach of a literal scanner): concatenation through variables,
// format strings or templates, splits inside the registrable label (`"alp" + "aca.markets"`),
// letters written as escapes (`\u0061pi`), base64 or other encodings, hosts assembled at run time.
// Lookalikes that resolve elsewhere (Cyrillic `аpi.alpaca.markets`, punycode `xn--…`) are other
// hosts and are not flagged.

export interface HostPattern {
  /** Lower-case host, or the base domain of a `*.base` pattern. */
  host: string;
  wildcard: boolean;
}

/** Lower-case, trimmed, trailing dot removed; `*.x` kept as a wildcard. null when not a host. */
export function parseHostPattern(raw: string): HostPattern | null {
  let h = raw.trim().toLowerCase();
  // Tolerate a URL where a host was meant.
  h = h.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  h = h.replace(/^[^@/]*@/, '');
  h = h.replace(/[/?#].*$/, '');
  h = h.replace(/:\d+$/, '');
  h = h.replace(/\.+$/, '');
  let wildcard = false;
  if (h.startsWith('*.')) {
    wildcard = true;
    h = h.slice(2);
  }
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(h)) return null;
  return { host: h, wildcard };
}

/** Whether `host` equals `base` or is a subdomain of it. */
export function isUnder(host: string, base: string): boolean {
  return host === base || host.endsWith(`.${base}`);
}

// --- scanning ---------------------------------------------------------------------------------

const LABEL_CHARS = String.raw`\p{L}\p{N}\p{M}_\-\uFF0D\u00AD\u200B-\u200D\u2060\uFEFF`;
const LABEL = `[${LABEL_CHARS}]+`;
// Separators that a parser, resolver or regex engine reads as a dot.
const SEP = String.raw`(?:\.|\\{1,2}\.|\[\.\]|%2[eE]|\\{1,2}u002[eE]|\\{1,2}x2[eE]|&#0*46;|&#[xX]0*2[eE];|&period;|[\u3002\uFF0E\uFF61])`;
const SEP_RE = new RegExp(SEP, 'g');
const HOST_RUN = new RegExp(`(?<![${LABEL_CHARS}])${LABEL}(?:${SEP}${LABEL})+`, 'gu');
const IGNORED = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
// A run preceded by '*' + separator is a wildcard (`*.x`, regex `.*\.x`).
const WILDCARD_BEFORE = new RegExp(`\\*${SEP}$`);
// String concatenation between two literals: closing quote, operator or nothing, opening quote.
const JOIN = /(["'`])[ \t]*(?:\+|\.\.|\.|~)?[ \t]*(?:\\?\r?\n[ \t]*(?:\+|\.\.|\.|~)?[ \t]*)?(["'`])/g;

export interface HostCandidate {
  /** Normalised lower-case host. */
  host: string;
  /** Offset (UTF-16) of the host's first character in the original text. */
  offset: number;
  /** Preceded by `*.`: the text names every subdomain of `host`. */
  wildcard: boolean;
}

/** Normalise a raw run the way a URL parser would: separators to '.', NFKC, ignorables out, lower case. */
export function normalizeHost(raw: string): string {
  return raw.replace(SEP_RE, '.').normalize('NFKC').replace(IGNORED, '').toLowerCase();
}

interface Segment {
  /** Start in the joined text. */
  at: number;
  /** Start in the original text. */
  orig: number;
}

/** Text with literal concatenations removed, and a way back to original offsets. */
function joinedView(text: string): { text: string; toOrig(offset: number): number } | null {
  JOIN.lastIndex = 0;
  if (!JOIN.test(text)) return null;
  JOIN.lastIndex = 0;
  const parts: string[] = [];
  const segs: Segment[] = [];
  let last = 0;
  let at = 0;
  for (let m = JOIN.exec(text); m !== null; m = JOIN.exec(text)) {
    const piece = text.slice(last, m.index);
    segs.push({ at, orig: last });
    parts.push(piece);
    at += piece.length;
    last = m.index + m[0].length;
  }
  segs.push({ at, orig: last });
  parts.push(text.slice(last));
  return {
    text: parts.join(''),
    toOrig(offset: number) {
      let lo = 0;
      let hi = segs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segs[mid]!.at <= offset) lo = mid;
        else hi = mid - 1;
      }
      return segs[lo]!.orig + (offset - segs[lo]!.at);
    },
  };
}

const ESCAPE_PREFIX = /^(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[ntrbfv0])/;
const PERCENT_PREFIX = /^[0-9a-fA-F]{2}/;

function scan(text: string, toOrig: (o: number) => number, wants: (raw: string) => boolean, out: Map<string, HostCandidate>): void {
  HOST_RUN.lastIndex = 0;
  for (let m = HOST_RUN.exec(text); m !== null; m = HOST_RUN.exec(text)) {
    const raw = m[0];
    if (!wants(raw)) continue;
    const start = m.index;
    const before = text.slice(Math.max(0, start - 12), start);
    const wildcard = WILDCARD_BEFORE.test(before);
    const add = (skip: number) => {
      const host = normalizeHost(raw.slice(skip));
      const offset = toOrig(start + skip);
      const key = `${offset}\0${host}`;
      if (!out.has(key)) out.set(key, { host, offset, wildcard });
    };
    add(0);
    // A run glued to the escape before it: `\napi…`, `\u002fapi…`, `%2Fapi…`.
    const prev = start > 0 ? text[start - 1] : '';
    if (prev === '\\') {
      const e = ESCAPE_PREFIX.exec(raw);
      if (e) add(e[0].length);
    } else if (prev === '%') {
      const e = PERCENT_PREFIX.exec(raw);
      if (e) add(e[0].length);
    }
  }
}

/**
 * Every host-shaped run of `text` (and of its literal-concatenation view) whose raw spelling
 * passes `wants` (a cheap keyword test), normalised, with offsets into `text`.
 */
export function findHostCandidates(text: string, wants: (raw: string) => boolean = () => true): HostCandidate[] {
  const out = new Map<string, HostCandidate>();
  scan(text, (o) => o, wants, out);
  const joined = joinedView(text);
  if (joined) scan(joined.text, joined.toOrig, wants, out);
  return [...out.values()].sort((a, b) => a.offset - b.offset || a.host.localeCompare(b.host));
}

// --- the host table ---------------------------------------------------------------------------

export interface LiveInfo {
  broker: string;
  /** The live host (or `*.base` pattern) that matched. */
  pattern: string;
  /** A paper host to use instead, if the broker has one. */
  suggest: string | null;
}

export interface BrokerInput {
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

  /** Keyword check for a raw run (cheap; before normalisation). */
  mentionsKeyword(raw: string): boolean {
    const lower = raw.toLowerCase();
    for (const k of this.keywords) if (lower.includes(k)) return true;
    return false;
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
}

/** Every live-host reference in `text`. */
export function findLiveHosts(text: string, table: HostTable): LiveHit[] {
  const hits: LiveHit[] = [];
  const seen = new Set<number>();
  for (const c of findHostCandidates(text, (raw) => table.mentionsKeyword(raw))) {
    if (seen.has(c.offset)) continue;
    let info = table.classify(c.host);
    let wildcard = false;
    if (!info && c.wildcard) {
      info = table.classifyWildcard(c.host);
      wildcard = info !== null;
    }
    if (!info) continue;
    seen.add(c.offset);
    hits.push({ host: c.host, offset: c.offset, wildcard, info });
  }
  return hits;
}
