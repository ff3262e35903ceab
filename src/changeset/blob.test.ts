import { describe, expect, it } from 'vitest';
import { Blob, knownBinaryFormat, sniffEncoding } from './blob.js';

const le16 = (s: string) => Buffer.from(s, 'utf16le');
const be16 = (s: string) => {
  const b = le16(s);
  for (let i = 0; i < b.length; i += 2) [b[i], b[i + 1]] = [b[i + 1]!, b[i]!];
  return b;
};

describe('sniffEncoding', () => {
  it('reads byte-order marks', () => {
    expect(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf-8-bom');
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xff, 0xfe]), le16('A=1')]))).toBe('utf-16le');
    expect(sniffEncoding(Buffer.concat([Buffer.from([0xfe, 0xff]), be16('A=1')]))).toBe('utf-16be');
    expect(sniffEncoding(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]))).toBe('utf-32le');
    expect(sniffEncoding(Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x41]))).toBe('utf-32be');
  });
  it('recognises UTF-16/32 without a BOM by their NUL pattern', () => {
    expect(sniffEncoding(le16('AGENT_MODE=EXECUTE\n'))).toBe('utf-16le');
    expect(sniffEncoding(be16('AGENT_MODE=EXECUTE\n'))).toBe('utf-16be');
    const u32 = Buffer.alloc(16);
    'A=1\n'.split('').forEach((c, i) => u32.writeUInt32BE(c.charCodeAt(0), i * 4));
    expect(sniffEncoding(u32)).toBe('utf-32be');
  });
  it('keeps UTF-8 with a stray NUL as text, and calls control-byte soup binary', () => {
    expect(sniffEncoding(Buffer.from('# a\0b\nK=V\n'))).toBe('utf-8');
    expect(sniffEncoding(Buffer.from([0, 1, 2, 0x9f, 0xff, 0x10, 0, 0, 0x13]))).toBe('binary');
  });
});

describe('Blob', () => {
  it('decodes UTF-16 into text and the prefilter sees it', () => {
    const b = new Blob('x', Buffer.concat([Buffer.from([0xff, 0xfe]), le16('K=EXECUTE\n')]));
    expect(b.isText).toBe(true);
    expect(b.isBinary).toBe(true); // git's heuristic is unchanged for other rules
    expect(b.lower).toContain('execute');
    expect(b.readerText).toBe('K=EXECUTE\n');
  });
  it('readerText drops a UTF-8 BOM and reads lone CRs as line breaks; text stays faithful', () => {
    const b = new Blob('x', Buffer.from('\ufeffA=1\rB=2\r\nC=3'));
    expect(b.text).toBe('\ufeffA=1\rB=2\r\nC=3');
    expect(b.readerText).toBe('A=1\nB=2\r\nC=3');
  });
  it('knows common binary formats', () => {
    expect(knownBinaryFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d]))).toBe('png');
    expect(knownBinaryFormat(Buffer.from('PK\u0003\u0004'))).toBe('zip');
    expect(knownBinaryFormat(Buffer.from([0, 1, 2, 3, 9]))).toBeNull();
  });
});
