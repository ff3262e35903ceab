import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from './keyword-automaton.js';
import { seeded, wordsOf } from '../../test/helpers/random.js';

const found = (a: KeywordAutomaton, text: string) => new Set([...a.scan(text)].map((i) => a.keywords[i]));

describe('KeywordAutomaton', () => {
  it('finds every keyword that occurs, nested, overlapping and sharing prefixes or suffixes', () => {
    const a = new KeywordAutomaton(['he', 'she', 'his', 'hers', 'x'], false);
    expect(found(a, 'ushers')).toEqual(new Set(['she', 'he', 'hers']));
    expect(found(a, 'hi')).toEqual(new Set());
    expect(found(a, '')).toEqual(new Set());
  });

  it('folds ASCII letters only when asked, and nothing else', () => {
    const words = ['agent_mode', 'ｉｂｋｒ', 'k'];
    expect(found(new KeywordAutomaton(words, true), 'AGENT_MODE ＩＢＫＲ')).toEqual(new Set(['agent_mode']));
    expect(found(new KeywordAutomaton(words, false), 'AGENT_MODE ｉｂｋｒ \u212A')).toEqual(new Set(['ｉｂｋｒ']));
  });

  it('reads through tabs, line breaks and spaces, in the text and in the keywords, and never misses an exact occurrence', () => {
    const a = new KeywordAutomaton(['alpaca', 'begin rsa', 'x y'], true);
    expect(found(a, 'https://api.alpa\tca.markets')).toEqual(new Set(['alpaca']));
    expect(found(a, 'url: |\n  https://api.alpa\n  ca.markets')).toEqual(new Set(['alpaca']));
    expect(found(a, '-----BEGIN RSA PRIVATE KEY-----')).toEqual(new Set(['begin rsa']));
    expect(found(a, 'x y and xy')).toEqual(new Set(['x y']));
    expect(found(a, 'alpa-ca')).toEqual(new Set());
  });

  it('drops duplicate keywords, and an empty keyword occurs everywhere', () => {
    const a = new KeywordAutomaton(['ab', 'ab', '', 'b'], false);
    expect(a.keywords).toEqual(['ab', '', 'b']);
    expect(found(a, 'xab')).toEqual(new Set(['ab', '', 'b']));
    expect(found(a, 'x')).toEqual(new Set(['']));
  });

  it('agrees with includes() on random text for hundreds of keywords', () => {
    const rnd = seeded(3);
    const word = wordsOf('abcAB_.:\u00e9\uff41', rnd);
    for (let round = 0; round < 40; round++) {
      const fold = round % 2 === 0;
      const words = Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => word(1 + Math.floor(rnd() * 6)));
      const keywords = fold ? words.map((w) => w.toLowerCase()) : words;
      const a = new KeywordAutomaton(keywords, fold);
      for (let t = 0; t < 10; t++) {
        const text = word(Math.floor(rnd() * 400));
        const hay = fold ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text;
        expect(found(a, text)).toEqual(new Set(keywords.filter((k) => hay.includes(k))));
      }
    }
  });
});
