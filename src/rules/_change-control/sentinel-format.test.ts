import { describe, expect, it } from 'vitest';
import { parseJsonSentinel, parseSha256sum, renderSentinel } from './sentinel-format.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

describe('sha256sum format', () => {
  it('reads text and binary mode lines, escaped names and BSD tags', () => {
    const text = [`${A}  dist/a.bin`, `${B} *dist/b.bin`, `\\${A}  dist/new\\nline`, `SHA256 (dist/c) = ${A}`, '', '# comment', ''].join('\n');
    const r = parseSha256sum(text);
    expect(r.errors).toEqual([]);
    expect(r.entries).toEqual([
      { path: 'dist/a.bin', hex: A, line: 1 },
      { path: 'dist/b.bin', hex: B.toLowerCase(), line: 2 },
      { path: 'dist/new\nline', hex: A, line: 3 },
      { path: 'dist/c', hex: A, line: 4 },
    ]);
  });
  it('reports malformed lines with their number', () => {
    const r = parseSha256sum(`${A}  ok\nnot a line\n${A.slice(1)}  short\n`);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
  });
  it('renders canonically (sorted, escaped) and round-trips', () => {
    const text = renderSentinel('sha256sum', [
      { path: 'z', hex: A },
      { path: 'a\\b', hex: B },
    ]);
    expect(text).toBe(`\\${B.toLowerCase()}  a\\\\b\n${A}  z\n`);
    expect(parseSha256sum(text).entries.map((e) => e.path)).toEqual(['a\\b', 'z']);
  });
  it('handles CRLF', () => {
    expect(parseSha256sum(`${A}  x\r\n`).entries[0]).toEqual({ path: 'x', hex: A, line: 1 });
  });
});

describe('json format', () => {
  it('reads a flat map or a files map, with key lines', () => {
    expect(parseJsonSentinel(`{\n  "a": "${A}",\n  "b": "${A}"\n}\n`).entries).toEqual([
      { path: 'a', hex: A, line: 2 },
      { path: 'b', hex: A, line: 3 },
    ]);
    const r = parseJsonSentinel(`{\n  "version": 1,\n  "files": {\n    "a": "${A}"\n  }\n}`);
    expect(r.entries).toEqual([{ path: 'a', hex: A, line: 4 }]);
  });
  it('reports bad values and bad documents', () => {
    expect(parseJsonSentinel(`{"a": 1}`).errors[0]!.message).toMatch(/not a sha256/);
    expect(parseJsonSentinel(`[1]`).errors).toHaveLength(1);
    expect(parseJsonSentinel(`{`).errors[0]!.message).toMatch(/not valid JSON/);
  });
  it('renders sorted two-space JSON', () => {
    expect(
      renderSentinel('json', [
        { path: 'b', hex: A },
        { path: 'a', hex: A },
      ]),
    ).toBe(`{\n  "a": "${A}",\n  "b": "${A}"\n}\n`);
  });
});
