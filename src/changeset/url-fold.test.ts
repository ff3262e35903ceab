import { describe, expect, it } from 'vitest';
import { needsUrlFold, urlFold } from './url-fold.js';
import { seeded, wordsOf } from '../../test/helpers/random.js';
import { domainToASCII, domainToUnicode } from 'node:url';

describe('urlFold', () => {
  it('maps like the WHATWG host parser: percent-escapes, ignorables, compatibility forms, dots', () => {
    expect(urlFold('%61pi.alp%C2%ADaca.markets').text).toBe('api.alpaca.markets');
    expect(urlFold('api.alp\u034Faca\u3002markets').text).toBe('api.alpaca.markets');
    expect(urlFold('ＡＰＩ.ⓐlpa\uFE0Fca.markets').text).toBe('api.alpaca.markets');
    // Disallowed code points stay and break the host, as they do for the parser.
    expect(urlFold('alp\u{E0061}aca').text).toBe('alp\u{E0061}aca');
    // Lookalikes are other letters.
    expect(urlFold('\u0430pi').text).toBe('\u0430pi');
  });
  it('maps offsets back to the original text', () => {
    const v = urlFold('x = "%61pi.alpaca"');
    expect(v.toOrig(v.text.indexOf('api'))).toBe(5);
    expect(v.toOrig(v.text.indexOf('alpaca'))).toBe('x = "%61pi.'.length);
  });
  it('is skipped for plain ASCII', () => {
    expect(needsUrlFold('api.alpaca.markets 100%')).toBe(false);
    expect(needsUrlFold('100%25')).toBe(true);
  });
});

describe('urlFold over long non-ASCII runs (binary blobs decoded as text)', () => {
  // The definition: each code point of a run folded on its own (domainToASCII/Unicode), ASCII
  // lower-cased; the offset of each folded character maps to its source character.
  const reference = (text: string) => {
    let out = '';
    const orig: number[] = [];
    let at = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      let f = ch.toLowerCase();
      if (cp >= 0x80) {
        const a = domainToASCII(`a${ch}a`);
        f = a === '' ? ch : domainToUnicode(a).slice(1, -1);
      }
      for (let k = 0; k < f.length; k++) orig.push(at);
      out += f;
      at += ch.length;
    }
    return { out, orig };
  };
  it('gives the per-character fold, with every offset mapped back', () => {
    const rnd = seeded(3);
    const word = wordsOf(['\ufffd', '\ufffd', 'é', 'Ä', 'ａ', 'Ｂ', '\u00ad', '\u200b', '😀', '\ud800', '中', 'x', 'Y', '-', '.', '。'], rnd);
    for (let n = 0; n < 200; n++) {
      const text = word(1 + Math.floor(rnd() * 40));
      const v = urlFold(text);
      const r = reference(text);
      expect(v.text).toBe(r.out);
      for (let i = 0; i < v.text.length; i++) {
        // Characters that fold to themselves map exactly; a folded one maps to its source's start.
        expect(v.toOrig(i), `${JSON.stringify(text)} @${i}`).toBeLessThanOrEqual(r.orig[i]! + 1);
        expect(v.toOrig(i)).toBeGreaterThanOrEqual(r.orig[i]!);
      }
    }
  });
});

describe('foldsTowardAscii', () => {
  it('is true where a lower-cased or URL-folded view can hold ASCII the bytes do not, false for characters that stay non-ASCII', async () => {
    const { foldsTowardAscii } = await import('./url-fold.js');
    const t = (ch: string) => foldsTowardAscii(ch.codePointAt(0)!);
    for (const ch of ['\u212A', '\u0130', 'Ａ', 'ａ', '\u00AA', '\u00AD', '\uFB01', '①']) expect(t(ch), ch).toBe(true);
    for (const ch of ['é', 'ß', '日', '\uFFFD', 'Ä']) expect(t(ch), ch).toBe(false);
  });
});
