// Unicode character names as Python's `\N{NAME}` escape looks them up (case-insensitive), for
// the characters a setting's key or value can be spelled with: printable ASCII (Latin letters,
// digits, punctuation) and the ASCII controls' names and aliases. Any other name is not decoded:
// the tokenizer marks its string unverifiable (fail closed) instead of carrying a whole Unicode
// name table into the hot path. Checked against python3's unicodedata in unicode-names.test.ts.

const PUNCT: Record<number, string> = {
  0x20: 'SPACE|SP',
  0x21: 'EXCLAMATION MARK',
  0x22: 'QUOTATION MARK',
  0x23: 'NUMBER SIGN',
  0x24: 'DOLLAR SIGN',
  0x25: 'PERCENT SIGN',
  0x26: 'AMPERSAND',
  0x27: 'APOSTROPHE',
  0x28: 'LEFT PARENTHESIS',
  0x29: 'RIGHT PARENTHESIS',
  0x2a: 'ASTERISK',
  0x2b: 'PLUS SIGN',
  0x2c: 'COMMA',
  0x2d: 'HYPHEN-MINUS',
  0x2e: 'FULL STOP',
  0x2f: 'SOLIDUS',
  0x3a: 'COLON',
  0x3b: 'SEMICOLON',
  0x3c: 'LESS-THAN SIGN',
  0x3d: 'EQUALS SIGN',
  0x3e: 'GREATER-THAN SIGN',
  0x3f: 'QUESTION MARK',
  0x40: 'COMMERCIAL AT',
  0x5b: 'LEFT SQUARE BRACKET',
  0x5c: 'REVERSE SOLIDUS',
  0x5d: 'RIGHT SQUARE BRACKET',
  0x5e: 'CIRCUMFLEX ACCENT',
  0x5f: 'LOW LINE',
  0x60: 'GRAVE ACCENT',
  0x7b: 'LEFT CURLY BRACKET',
  0x7c: 'VERTICAL LINE',
  0x7d: 'RIGHT CURLY BRACKET',
  0x7e: 'TILDE',
  0x00: 'NULL|NUL',
  0x09: 'CHARACTER TABULATION|HORIZONTAL TABULATION|TAB|HT',
  0x0a: 'LINE FEED|NEW LINE|END OF LINE|LF|NL|EOL',
  0x0d: 'CARRIAGE RETURN|CR',
};
const DIGITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE'];

let table: Map<string, string> | null = null;

function build(): Map<string, string> {
  const m = new Map<string, string>();
  for (let k = 0; k < 26; k++) {
    const up = String.fromCharCode(65 + k);
    m.set(`LATIN CAPITAL LETTER ${up}`, up);
    m.set(`LATIN SMALL LETTER ${up}`, up.toLowerCase());
  }
  DIGITS.forEach((d, k) => m.set(`DIGIT ${d}`, String(k)));
  for (const [cp, names] of Object.entries(PUNCT)) for (const n of names.split('|')) m.set(n, String.fromCharCode(Number(cp)));
  return m;
}

/** The character `\N{name}` stands for, or undefined when the name is not one the gate decodes. */
export function unicodeNamed(name: string): string | undefined {
  table ??= build();
  return table.get(name.toUpperCase());
}
