import { describe, expect, it } from 'vitest';
import { Blob } from '../changeset/blob.js';
import { KeywordScanner } from './keywords.js';
import { seeded, wordsOf } from '../../test/helpers/random.js';

const reference = (text: string, wanted: string[]) => new Set(wanted.filter((k) => readThrough(text.toLowerCase()).includes(readThrough(k))));
const scan = (text: string, wanted: string[]) => new KeywordScanner().scan(new Blob('0'.repeat(40), Buffer.from(text, 'utf8')), wanted);

/** The prefilter's definition: `includes`, read through tabs, line breaks and spaces (keyword-automaton.ts). */
const readThrough = (s: string) => s.replace(/[\t\n\r ]/g, '');

describe('KeywordScanner', () => {
  it('finds every keyword case-insensitively, nested and overlapping ones included', () => {
    const wanted = ['replica', 'replicas', 'image', 'ge_x', 'a.b', 'kind'];
    expect(scan('spec:\n  REPLICAS: 3\n  image_x: a', wanted)).toEqual(new Set(['replica', 'replicas', 'image', 'ge_x']));
    expect(scan('axb', wanted)).toEqual(new Set());
    expect(scan('A.B', wanted)).toEqual(new Set(['a.b']));
    expect(scan('', wanted)).toEqual(new Set());
    expect(scan('anything', [])).toEqual(new Set());
  });

  it('agrees with lower-casing the text, also on non-ASCII content', () => {
    const wanted = ['key', 'agent_mode', 'api', 'straße'];
    for (const text of ['\u212Aey = 1', 'AGENT_MODE=execute', 'STRASSE', 'Straße', 'APİ', 'x'.repeat(1000) + 'Api']) {
      expect(scan(text, wanted)).toEqual(reference(text, wanted));
    }
  });

  it('agrees with the reference on random ASCII', () => {
    const rnd = seeded(1);
    const word = wordsOf('abAB_.:<', rnd);
    for (let i = 0; i < 500; i++) {
      const wanted = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => word(1 + Math.floor(rnd() * 4)).toLowerCase()))];
      const text = word(Math.floor(rnd() * 60));
      expect(scan(text, wanted)).toEqual(reference(text, wanted));
    }
  });
});

describe('KeywordScanner on text the readers decode (the lower-cased view)', () => {
  it('agrees with blob.lower.includes(k) for every keyword: binary, escapes, URL folding, UTF-16', () => {
    const wanted = ['agent_mode', 'alpaca', 'ｉｂｋｒ', 'api', 'ode', 'mode=exec', '\u0000x'];
    const rnd = seeded(7);
    const bytes = Buffer.from(Array.from({ length: 4000 }, () => Math.floor(rnd() * 256)));
    const texts: Buffer[] = [
      Buffer.concat([bytes, Buffer.from('AGENT_MODE=EXECUTE'), bytes]),
      Buffer.from('AGENT\\u005FMODE=1 api.%61lpaca.markets ＩＢＫＲ'),
      Buffer.from('\ufeffAGENT_MODE=x', 'utf16le'),
      Buffer.from('x\u0000x mode=exec'),
    ];
    for (const b of texts) {
      const blob = new Blob('0'.repeat(40), b);
      const expected = new Set(wanted.filter((k) => readThrough(blob.lower).includes(readThrough(k))));
      expect(expected.size).toBeGreaterThan(0);
      expect(new KeywordScanner().scan(new Blob('0'.repeat(40), b), wanted)).toEqual(expected);
    }
  });
});

describe('KeywordScanner.scanUnion', () => {
  it('finds what scan finds for the union of the lists, whatever their order or repetition', () => {
    const a = ['replica', 'image'];
    const b = ['image', 'agent_mode', 'mode'];
    const c = ['alpaca'];
    const scanner = new KeywordScanner();
    const blob = (t: string) => new Blob('0'.repeat(40), Buffer.from(t, 'utf8'));
    for (const text of ['AGENT_MODE=x image: y', 'replicas: 0', 'api.alpaca.markets', 'nothing', 'AGENT\\u005FMODE=1']) {
      const union = [...new Set([...a, ...b, ...c])];
      const expected = new KeywordScanner().scan(blob(text), union);
      expect(scanner.scanUnion(blob(text), [a, b, null, c])).toEqual(expected);
      expect(scanner.scanUnion(blob(text), [c, b, a, a])).toEqual(expected);
      expect(scanner.scanUnion(blob(text), [b])).toEqual(new KeywordScanner().scan(blob(text), b));
    }
    expect(scanner.scanUnion(blob('image'), [null, []])).toEqual(new Set());
  });
});

describe('KeywordScanner on UTF-8 and undecodable bytes (raw bytes plus the windows that fold toward ASCII)', () => {
  it('agrees with blob.lower.includes(k) on random mixes of ASCII, characters that fold to ASCII, ignorables, escapes and junk bytes', () => {
    const rnd = seeded(11);
    // Non-ASCII keywords too (live-endpoint looks for fullwidth spellings).
    const wanted = ['agent_mode', 'alpaca', 'api', 'kind', 'ode', 'a.b', 'x1', 'ibkr', 'mode=exec', 'ｉｂｋｒ', 'straße', 'i\u0307b', 'ｍode'];
    // Pieces: plain ASCII (either case), characters that fold toward ASCII (fullwidth, Kelvin,
    // dotted I, ª, ligature, soft hyphen, zero-width joiner, BOM), ones that do not (é, CJK,
    // U+FFFD, an astral emoji), escapes (%XX, \u, continuations) and undecodable bytes.
    const pieces: (string | Buffer)[] = [
      'agent',
      '_',
      'MODE',
      'mode',
      'Alpaca',
      'API',
      'kind',
      'a.b',
      'x',
      '1',
      'ibkr',
      '=',
      'exec',
      ' ',
      '\n',
      'o',
      'd',
      'e',
      'ＡＧＥＮＴ',
      'ａｐｉ',
      '\u212A',
      '\u0130',
      '\u00AA',
      '\uFB01',
      '\u00AD',
      '\u200D',
      '\uFEFF',
      'Ｉ',
      'ＢＫＲ',
      'é',
      'STRA',
      'ß',
      'ẞ',
      'SSE',
      'b',
      'Ｍ',
      'ｍ',
      '%ef%bd%8d',
      '日本',
      '\uFFFD',
      '😀',
      '%41',
      '%5f',
      '%2e',
      '%e2%84%aa',
      '\\u005F',
      '\\\n',
      '"ag" + "ent"',
      Buffer.from([0xff]),
      Buffer.from([0xe2, 0x84]),
      Buffer.from([0x00]),
      Buffer.from([0xc3]),
      Buffer.from([0x80, 0x80]),
    ];
    for (let n = 0; n < 3000; n++) {
      const parts = Array.from({ length: 1 + Math.floor(rnd() * 14) }, () => pieces[Math.floor(rnd() * pieces.length)]!);
      const bytes = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
      const blob = new Blob('0'.repeat(40), bytes);
      // Never less than the exact definition, never more than it read through tabs, line
      // breaks and spaces (the views `lower` joins with line breaks may glue across a junction).
      const got = new KeywordScanner().scan(new Blob('0'.repeat(40), bytes), wanted);
      const where = JSON.stringify(bytes.toString('latin1'));
      for (const k of wanted) {
        if (blob.lower.includes(k)) expect(got.has(k), where).toBe(true);
        if (got.has(k)) expect(readThrough(blob.lower).includes(readThrough(k)), where).toBe(true);
      }
    }
  });

  it('never builds the lower-cased view of UTF-8 or undecodable content', () => {
    const rnd = seeded(3);
    const junk = Buffer.from(Array.from({ length: 20000 }, () => Math.floor(rnd() * 256)));
    for (const bytes of [junk, Buffer.from('déjà vu: AGENT_MODE=execute, ＡＰＩ\n')]) {
      const blob = new Blob('0'.repeat(40), bytes);
      Object.defineProperty(blob, 'lower', {
        get() {
          throw new Error('lower built');
        },
      });
      expect(() => new KeywordScanner().scan(blob, ['agent_mode', 'api'])).not.toThrow();
    }
  });
});
