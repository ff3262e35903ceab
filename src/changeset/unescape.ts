// The escapes that most formats share, decoded the way their parsers decode them, in one
// place: `\uXXXX` (JSON, YAML, JS, Python, Java .properties, TOML), `\u{…}` (JS),
// `\UXXXXXXXX` (Python, TOML, YAML), `\xHH` (JS, Python, YAML, shell $'…'), octal `\NNN`
// (Python, shell $'…'), and the single-letter ones. Used by the readers' string decoders and by
// the prefilter view (`Blob.lower`), which also joins backslash-newline continuations (shell,
// Dockerfile, .properties, TOML, YAML double-quoted scalars).

const SIMPLE: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', e: '\x1b', '0': '\0' };

export interface EscapeOptions {
  /** Decode `\NNN` octal (Python, shell $'…'); otherwise `\0` only. */
  octal?: boolean;
  /** Decode `\xHH`. Default true. */
  hex?: boolean;
}

/**
 * Decode the escape at `s[i] === '\\'`: the decoded text and the index after it, or null when
 * the sequence is not an escape these formats share (the caller keeps its own rule for it).
 */
export function decodeEscapeAt(s: string, i: number, opts: EscapeOptions = {}): { value: string; end: number } | null {
  const e = s[i + 1];
  if (e === undefined) return null;
  const cp = (hex: string, end: number) => {
    const n = parseInt(hex, 16);
    return Number.isFinite(n) && n <= 0x10ffff ? { value: String.fromCodePoint(n), end } : null;
  };
  if (e === 'u') {
    if (s[i + 2] === '{') {
      const close = s.indexOf('}', i + 3);
      if (close !== -1 && close - i <= 10 && /^[0-9A-Fa-f]+$/.test(s.slice(i + 3, close))) return cp(s.slice(i + 3, close), close + 1);
      return null;
    }
    const h = s.slice(i + 2, i + 6);
    return /^[0-9A-Fa-f]{4}$/.test(h) ? cp(h, i + 6) : null;
  }
  if (e === 'U') {
    const h = s.slice(i + 2, i + 10);
    return /^[0-9A-Fa-f]{8}$/.test(h) ? cp(h, i + 10) : null;
  }
  if (e === 'x' && opts.hex !== false) {
    const h = /^[0-9A-Fa-f]{1,2}/.exec(s.slice(i + 2, i + 4));
    return h ? cp(h[0], i + 2 + h[0].length) : null;
  }
  if (opts.octal && /[0-7]/.test(e)) {
    const o = /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4))![0];
    return { value: String.fromCharCode(parseInt(o, 8) & 0xff), end: i + 1 + o.length };
  }
  const simple = SIMPLE[e];
  return simple !== undefined ? { value: simple, end: i + 2 } : null;
}

const HAS_ESCAPE = /\\(?:u[0-9A-Fa-f{]|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]|[0-7]{3}|\r?\n)|`\r?\n|["'`][ \t]*\+[ \t]*["'`]/;

/** Whether `prefilterView` can differ from the text. */
export function hasEscapes(text: string): boolean {
  return HAS_ESCAPE.test(text);
}

/**
 * The text with numeric escapes decoded, line continuations (backslash or backtick before a
 * newline, with the next line's indentation) and literal concatenations (`"AGENT_" + "MODE"`) joined: a keyword written `AGENT\u005FMODE` or
 * split over a continuation is still found by a literal prefilter. A superset view, never
 * positions.
 */
export function prefilterView(text: string): string {
  return text.replace(/\\u\{[0-9A-Fa-f]{1,6}\}|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|\\x[0-9A-Fa-f]{2}|\\[0-7]{3}|[\\`]\r?\n[ \t]*|["'`][ \t]*\+[ \t]*["'`]/g, (m) => {
    if (m[1] === '\n' || m[1] === '\r' || m.includes('+')) return '';
    return decodeEscapeAt(m, 0, { octal: true })?.value ?? m;
  });
}
