import { describe, expect, it } from 'vitest';
import { BUILTIN_BROKERS } from './brokers.js';
import { findHostCandidates, findLiveHosts, HostTable, normalizeHost, parseHostPattern } from './hosts.js';

const table = new HostTable({ brokers: BUILTIN_BROKERS, extraLive: [], allow: [] });
const live = (text: string) => findLiveHosts(text, table).map((h) => (h.wildcard ? `*.${h.host}` : h.host));
const at = (text: string) => findLiveHosts(text, table).map((h) => h.offset);

describe('parseHostPattern', () => {
  it('normalises hosts, URLs and wildcards', () => {
    expect(parseHostPattern('API.Alpaca.Markets.')).toEqual({ host: 'api.alpaca.markets', wildcard: false });
    expect(parseHostPattern('https://u:p@api.alpaca.markets:443/v2?x=1')).toEqual({ host: 'api.alpaca.markets', wildcard: false });
    expect(parseHostPattern('*.binance.com')).toEqual({ host: 'binance.com', wildcard: true });
    expect(parseHostPattern('localhost')).toBeNull();
    expect(parseHostPattern('')).toBeNull();
  });
});

describe('normalizeHost', () => {
  it('decodes separators, folds compatibility characters and case', () => {
    expect(normalizeHost(String.raw`api\.alpaca\.markets`)).toBe('api.alpaca.markets');
    expect(normalizeHost(String.raw`api\\.alpaca\\.markets`)).toBe('api.alpaca.markets');
    expect(normalizeHost('api%2Ealpaca%2emarkets')).toBe('api.alpaca.markets');
    expect(normalizeHost(String.raw`api\u002ealpaca\u002Emarkets`)).toBe('api.alpaca.markets');
    expect(normalizeHost('api&#46;alpaca&#x2e;markets')).toBe('api.alpaca.markets');
    expect(normalizeHost('api[.]alpaca[.]markets')).toBe('api.alpaca.markets');
    expect(normalizeHost('ａｐｉ。ａｌｐａｃａ．markets')).toBe('api.alpaca.markets');
    expect(normalizeHost('API.ALPACA.MARKETS')).toBe('api.alpaca.markets');
    expect(normalizeHost('api.alp\u00ADaca.markets')).toBe('api.alpaca.markets');
  });
});

describe('host boundaries', () => {
  it.each([
    ['https://api.alpaca.markets/v2/orders', ['api.alpaca.markets']],
    ['wss://api.alpaca.markets/stream', ['api.alpaca.markets']],
    ['http://api.alpaca.markets:8080', ['api.alpaca.markets']],
    ['https://user:secret@api.alpaca.markets/v2', ['api.alpaca.markets']],
    ['api.alpaca.markets', ['api.alpaca.markets']],
    ['host = "api.alpaca.markets."', ['api.alpaca.markets']],
    ['HTTPS://API.ALPACA.MARKETS', ['api.alpaca.markets']],
    ['https://paper-api.alpaca.markets', []],
    ['https://broker-api.sandbox.alpaca.markets', []],
    ['https://broker-api.alpaca.markets', ['broker-api.alpaca.markets']],
    ['https://api.alpaca.markets.evil.example/', []],
    ['https://xapi.alpaca.markets', []],
    ['https://api.alpaca.marketsx', []],
    ['https://api.alpaca.markets-proxy.internal', []],
    ['https://data.alpaca.markets/v2/stocks', []],
    ['wss://stream.data.alpaca.markets/v2/iex', []],
    ['https://alpaca.markets/docs', []],
    ['https://docs.alpaca.markets/reference', []],
    ['api-fxtrade.oanda.com api-fxpractice.oanda.com', ['api-fxtrade.oanda.com']],
    ['stream-fxtrade.oanda.com', ['stream-fxtrade.oanda.com']],
    ['https://sandbox.tradier.com/v1 https://api.tradier.com/v1', ['api.tradier.com']],
    ['wss://ws.tradier.com/v1/accounts/events wss://sandbox-ws.tradier.com', ['ws.tradier.com']],
    ['https://sim-api.tradestation.com/v3 https://api.tradestation.com/v3', ['api.tradestation.com']],
    ['https://api.ibkr.com/v1/api', ['api.ibkr.com']],
    ['https://localhost:5000/v1/api', []],
    ['https://api3.binance.com https://testnet.binance.vision https://data-api.binance.vision', ['api3.binance.com']],
    ['wss://fstream.binance.com/ws wss://fstream.binancefuture.com/ws', ['fstream.binance.com']],
    ['https://demo-fapi.binance.com https://fapi.binance.com', ['fapi.binance.com']],
    ['https://api.exchange.coinbase.com https://api-public.sandbox.exchange.coinbase.com', ['api.exchange.coinbase.com']],
    ['https://api.coinbase.com/api/v3/brokerage https://api-sandbox.coinbase.com', ['api.coinbase.com']],
    ['https://api.kraken.com/0/public wss://ws.kraken.com/v2', ['api.kraken.com']],
    ['https://futures.kraken.com https://demo-futures.kraken.com', ['futures.kraken.com']],
  ])('%s', (text, expected) => {
    expect(live(text)).toEqual(expected);
  });

  it('reports the offset of the host itself', () => {
    const text = 'url: https://user:pw@api.alpaca.markets:443/v2';
    expect(at(text)).toEqual([text.indexOf('api.alpaca')]);
  });
});

describe('adversarial spellings', () => {
  it.each([
    [String.raw`re.compile(r"^https://api\.alpaca\.markets/")`, ['api.alpaca.markets']],
    [String.raw`{"pattern": "api\\.alpaca\\.markets"}`, ['api.alpaca.markets']],
    [String.raw`{"url": "https:\/\/api\u002ealpaca\u002emarkets"}`, ['api.alpaca.markets']],
    ['redirect=https%3A%2F%2Fapi.alpaca.markets%2Fv2', ['api.alpaca.markets']],
    ['https%3A%2F%2Fapi%2Ealpaca%2Emarkets', ['api.alpaca.markets']],
    [String.raw`"first\napi.alpaca.markets"`, ['api.alpaca.markets']],
    ['<a href="https://api&#46;alpaca&#46;markets">', ['api.alpaca.markets']],
    ['ａｐｉ.ａｌｐａｃａ.ｍａｒｋｅｔｓ', ['api.alpaca.markets']],
    ['ＡＰＩ。ＡＬＰＡＣＡ。ＭＡＲＫＥＴＳ', ['api.alpaca.markets']],
    ['api.alpaca.mar\u00ADkets', ['api.alpaca.markets']],
    ['url = "https://api." + "alpaca.markets"', ['api.alpaca.markets']],
    ["url = 'https://api.' . 'alpaca.markets';", ['api.alpaca.markets']],
    ['local u = "api." .. "alpaca.markets"', ['api.alpaca.markets']],
    ['URL = ("https://api."\n       "alpaca.markets")', ['api.alpaca.markets']],
    ['const u = "https://api." +\n  "alpaca.markets";', ['api.alpaca.markets']],
    [`HOST="api."'alpaca.markets'`, ['api.alpaca.markets']],
    ['ALLOWED = ["*.alpaca.markets"]', ['*.alpaca.markets']],
    [String.raw`ok = re.match(r".*\.binance\.com$", host)`, ['*.binance.com']],
    ['ALLOWED = ["*.sandbox.alpaca.markets", "*.binance.vision"]', []],
    // Lookalikes resolve elsewhere: not the live host.
    ['https://аpi.alpaca.markets', []],
    ['https://xn--pi-7ld.alpaca.markets', []],
    ['https://éapi.alpaca.markets', []],
  ])('%s', (text, expected) => {
    expect(live(text)).toEqual(expected);
  });

  it('a split inside the broker name is out of reach: the blob prefilter never sees it (documented)', () => {
    const text = '"https://api.alp" + "aca.markets"';
    expect(table.keywords.some((k) => text.toLowerCase().includes(k))).toBe(false);
  });

  it('gives the position of a concatenated host in the original text', () => {
    const text = 'x\nURL = ("https://api."\n       "alpaca.markets")';
    expect(at(text)).toEqual([text.indexOf('api.')]);
  });

  it('scans base64-like runs in linear time', () => {
    const text = 'a'.repeat(200_000) + ' alpaca ' + 'b.'.repeat(100_000);
    const t0 = Date.now();
    findLiveHosts(text, table);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('HostTable', () => {
  it('uses broker labels as keywords, with fullwidth spellings', () => {
    expect(table.keywords).toEqual(
      expect.arrayContaining(['alpaca', 'oanda', 'tradier', 'ibkr', 'interactivebrokers', 'tradestation', 'binance', 'coinbase', 'kraken', 'ａｌｐａｃａ']),
    );
    for (const k of table.keywords) expect(k).toBe(k.toLowerCase());
  });

  it('every host a scan reports contains a keyword (the prefilter never hides a finding)', () => {
    const samples = [String.raw`api\.alpaca\.markets`, 'ＡＰＩ。ＡＬＰＡＣＡ。ＭＡＲＫＥＴＳ', 'https%3A%2F%2Fapi%2Ealpaca%2Emarkets', 'stream-fxtrade.oanda.com'];
    for (const s of samples) {
      expect(live(s).length).toBe(1);
      expect(table.keywords.some((k) => s.toLowerCase().includes(k))).toBe(true);
    }
  });

  it('extends with extra live hosts and wildcards; paper hosts carve out of wildcards', () => {
    const t = new HostTable({ brokers: BUILTIN_BROKERS, extraLive: ['*.binance.com', 'live.mybroker.io'], allow: [] });
    expect(findLiveHosts('https://x.binance.com https://demo-api.binance.com https://live.mybroker.io https://paper.mybroker.io', t).map((h) => h.host)).toEqual([
      'x.binance.com',
      'live.mybroker.io',
    ]);
    expect(t.keywords).toContain('mybroker');
  });

  it('paper lists never exempt an exact live host; allow_hosts does and is recorded', () => {
    const t = new HostTable({ brokers: [...BUILTIN_BROKERS, { name: 'sneaky', live: [], paper: ['api.alpaca.markets'] }], extraLive: [], allow: [] });
    expect(findLiveHosts('api.alpaca.markets', t)).toHaveLength(1);
    const a = new HostTable({ brokers: BUILTIN_BROKERS, extraLive: [], allow: ['api.alpaca.markets', 'paper-api.alpaca.markets', '*.kraken.com'] });
    expect(findLiveHosts('api.alpaca.markets api.kraken.com futures.kraken.com api-fxtrade.oanda.com', a).map((h) => h.host)).toEqual(['api-fxtrade.oanda.com']);
    expect(a.allowedLive.map((x) => x.entry)).toEqual(['api.alpaca.markets', '*.kraken.com']);
  });

  it('finds candidates only around keywords', () => {
    expect(findHostCandidates('os.path.join x.y.z', ['alpaca'])).toEqual([]);
    expect(findHostCandidates('os.path.join', ['path']).map((c) => c.host)).toEqual(['os.path.join']);
    expect(findHostCandidates(String.raw`x = foo\.API\.Alpaca\.markets.`, ['alpaca']).map((c) => c.host)).toEqual(['foo.api.alpaca.markets']);
  });
});

describe('hosts read through the WHATWG URL parser', () => {
  it("parseHostPattern takes the parser's host: percent-escapes, UTS-46, IPv6 brackets", () => {
    expect(parseHostPattern('https://%61pi.alpaca.markets')).toEqual({ host: 'api.alpaca.markets', wildcard: false });
    expect(parseHostPattern('ａｐｉ.alpaca.markets')).toEqual({ host: 'api.alpaca.markets', wildcard: false });
    expect(parseHostPattern('http://[2001:db8::1]:8443/x')).toEqual({ host: '[2001:db8::1]', wildcard: false });
  });
  it('normalizeHost uses domainToASCII (ignorables, enclosed letters) and keeps lookalikes apart', () => {
    expect(normalizeHost('api.alp\u034Faca.markets')).toBe('api.alpaca.markets');
    expect(normalizeHost('api.ⓐlpaca.markets')).toBe('api.alpaca.markets');
    expect(normalizeHost('\u0430pi.alpaca.markets')).toBe('xn--pi-6kc.alpaca.markets');
  });
});

// WHATWG URL parsing (fetch, axios, new URL) and urllib3 (requests) end a host at a backslash and
// delete ASCII tab and newlines anywhere in a URL.
describe('hosts as the URL parser reads them around backslashes and raw whitespace', () => {
  it.each([
    ['YAML/env plain', 'BROKER_URL=https://api.alpaca.markets\\.x/v2'],
    ['JSON-escaped', '{"u": "https://api.alpaca.markets\\\\.x/v2"}'],
    ['a literal \\x2e', "U = r'https://api.alpaca.markets\\x2ex/v2'"],
    ['a literal \\u002e', 'u: https://api.alpaca.markets\\u002ex/v2'],
  ])('a host ended by a backslash (%s) is the live host', (_f, text) => {
    expect(new URL(`https://api.alpaca.markets\\x/v2`).hostname).toBe('api.alpaca.markets');
    expect(live(text)).toContain('api.alpaca.markets');
  });

  it.each([
    ['a tab inside a label', 'u: "https://api.alpa\tca.markets/v2"'],
    ['a line break in a YAML block scalar', 'u: |\n  https://api.alpaca.\n  markets/v2\n'],
    ['CRLF in a Python triple-quoted string', 'U = """https://api.alpaca\r\n.markets/v2"""\r\n'],
  ])('%s is deleted the way the WHATWG parser deletes it', (_f, text) => {
    expect(new URL('https://api.alpa\tca.mark\nets/v2').hostname).toBe('api.alpaca.markets');
    expect(live(text)).toContain('api.alpaca.markets');
  });

  it('clean twins: a regex-escaped paper host, a paper host on the line after a live-looking word, and a longer host stay clean', () => {
    expect(live(String.raw`PAPER = r"paper-api\.alpaca\.markets"`)).toEqual([]);
    expect(live('u: https://paper-api.alpaca.markets\\x/v2')).toEqual([]);
    expect(live('hosts:\n  - paper-api.alpaca.markets\n  - data.sandbox.alpaca.markets\n')).toEqual([]);
    expect(live('u: "https://api.alpaca.markets.example\tx/v2"')).toEqual([]);
  });
});
