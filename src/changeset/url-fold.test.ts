import { describe, expect, it } from 'vitest';
import { needsUrlFold, urlFold } from './url-fold.js';

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
