// Go RE2 syntax (what gitleaks configs are written in) → a JavaScript RegExp with the same
// meaning, or a refusal naming what has no safe equivalent. Never a silent approximation.
//
// Translated: inline flags (?i) (?s) (?m) and (?-…), also mid-pattern and scoped (?i:…) — (?i)
// at the very start becomes the `i` flag, anywhere else letters are expanded to [aA]; `.`
// (RE2 never matches \n without s; JavaScript also stops at \r, \u2028, \u2029) → [^\n];
// ^ and $ under m; \A and \z; \s (RE2: [\t\n\f\r ]) and \S; (?P<name>…); POSIX classes
// [[:alpha:]] inside brackets; \Q…\E; \x{…}; \pL / \p{Greek} (the `u` flag); octal \123;
// punctuation escapes RE2 allows and unicode-mode JavaScript does not.
// Refused: (?U) ungreedy, \C, \1-style backreferences and lookaround (not RE2: gitleaks itself
// rejects them), negated POSIX classes [[:^alpha:]], a case-insensitive class range that mixes
// letters and other characters, anything JavaScript then fails to compile. (Checked against
// gitleaks' own default config: every one of its ~300 patterns translates.)

export class Re2Error extends Error {}

export interface Translated {
  source: string;
  flags: string;
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
}

/** `.`, `^` and `$`, as the flags in force read them: (?s) lets `.` match a line end, (?m) anchors `^` and `$` at line ends. */
const BY_FLAGS = new Map<string, (f: Flags) => string>([
  ['.', (f) => (f.s ? '[\\s\\S]' : '[^\\n]')],
  ['^', (f) => (f.m ? '(?<![^\\n])' : '(?<![\\s\\S])')],
  ['$', (f) => (f.m ? '(?![^\\n])' : '(?![\\s\\S])')],
]);

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Characters JavaScript's \\s matches and RE2's \\s ([\\t\\n\\f\\r ]) does not. */
const JS_ONLY_SPACE = '\\v\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

const SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

function isLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

function escapeLiteral(c: string, inClass: boolean): string {
  if (inClass) return c === ']' || c === '\\' || c === '^' || c === '-' || c === '[' ? `\\${c}` : c;
  return SYNTAX.has(c) ? `\\${c}` : c;
}

function caseLiteral(c: string, f: Flags, globalI: boolean): string {
  if (f.i && !globalI && isLetter(c)) return `[${c.toUpperCase()}${c.toLowerCase()}]`;
  return escapeLiteral(c, false);
}

function hex(code: number, unicode: { used: boolean }): string {
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  unicode.used = true;
  return `\\u{${code.toString(16)}}`;
}

export function translateRe2(pattern: string): Translated {
  let pos = 0;
  const src = pattern;
  const unicode = { used: false };
  let globalI = false;
  // (?i) (or (?is), …) at the very start applies to the whole pattern: use JavaScript's flag.
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  const initial: Flags = { i: false, s: false, m: false };
  if (lead) {
    if (lead[1]!.includes('U')) throw new Re2Error('the ungreedy flag (?U) has no JavaScript equivalent');
    initial.i = lead[1]!.includes('i');
    initial.s = lead[1]!.includes('s');
    initial.m = lead[1]!.includes('m');
    // Where some group turns it off again ((?-i:…)), letters are expanded instead of using the flag.
    globalI = initial.i && !/\(\?[a-zA-Z]*-[a-zA-Z]*i/.test(src);
    pos = lead[0].length;
  }
  const stack: Flags[] = [];
  let f: Flags = { ...initial };
  let out = '';

  const fail = (what: string): never => {
    throw new Re2Error(`${what} (at character ${pos + 1})`);
  };

  const parseFlags = (spec: string): Flags => {
    const next = { ...f };
    let on = true;
    for (const ch of spec) {
      if (ch === '-') {
        on = false;
        continue;
      }
      if (ch === 'U') fail('the ungreedy flag (?U) has no JavaScript equivalent');
      if (ch !== 'i' && ch !== 's' && ch !== 'm') fail(`unknown flag "${ch}"`);
      next[ch as 'i' | 's' | 'm'] = on;
    }
    if (globalI && !next.i) fail('turning case-insensitivity off inside a (?i) pattern has no JavaScript equivalent');
    return next;
  };

  const escape = (inClass: boolean): string => {
    // at src[pos] === '\\'
    const next = src[pos + 1];
    if (next === undefined) return fail('trailing backslash');
    const c: string = next;
    pos += 2;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'b':
      case 'B':
        if (inClass && (c === 'b' || c === 'B')) fail(`\\${c} inside a class`);
        return `\\${c}`;
      case 's':
        return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      case 'S':
        // RE2's \S is JavaScript's \S plus the characters only JavaScript counts as space.
        return inClass ? `\\S${JS_ONLY_SPACE}` : '[^\\t\\n\\f\\r ]';
      case 'A':
        if (inClass) fail('\\A inside a class');
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) fail('\\z inside a class');
        return '(?![\\s\\S])';
      case 'C':
        return fail('\\C (any byte) has no JavaScript equivalent');
      case 'Q': {
        const end = src.indexOf('\\E', pos);
        const lit = end === -1 ? src.slice(pos) : src.slice(pos, end);
        pos = end === -1 ? src.length : end + 2;
        return [...lit].map((ch) => (inClass ? escapeLiteral(ch, true) : caseLiteral(ch, f, globalI))).join('');
      }
      case 'E':
        return '';
      case 'n':
      case 't':
      case 'r':
      case 'f':
      case 'v':
        return `\\${c}`;
      case 'a':
        return '\\x07';
      case 'x': {
        if (src[pos] === '{') {
          const end = src.indexOf('}', pos);
          if (end === -1) fail('unterminated \\x{');
          const code = parseInt(src.slice(pos + 1, end), 16);
          if (!Number.isFinite(code) || code > 0x10ffff) fail('bad \\x{…} escape');
          pos = end + 1;
          return hex(code, unicode);
        }
        const h = src.slice(pos, pos + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(h)) fail('bad \\x escape');
        pos += 2;
        return `\\x${h}`;
      }
      case 'p':
      case 'P': {
        unicode.used = true;
        if (src[pos] === '{') {
          const end = src.indexOf('}', pos);
          if (end === -1) fail('unterminated \\p{');
          let name = src.slice(pos + 1, end);
          pos = end + 1;
          let neg = c === 'P';
          if (name.startsWith('^')) {
            neg = !neg;
            name = name.slice(1);
          }
          return `\\${neg ? 'P' : 'p'}{${name}}`;
        }
        const name = src[pos];
        if (!name || !/[A-Za-z]/.test(name)) fail('bad \\p escape');
        pos += 1;
        return `\\${c}{${name}}`;
      }
      default:
        if (/[0-7]/.test(c)) {
          // RE2: \0, or two/three octal digits; a single 1-9 would be a backreference.
          let digits = c;
          while (digits.length < 3 && /[0-7]/.test(src[pos] ?? '')) digits += src[pos++]!;
          if (digits.length === 1 && c !== '0') fail(`backreference \\${c} is not RE2`);
          return hex(parseInt(digits, 8), unicode);
        }
        if (/[89]/.test(c)) fail(`backreference \\${c} is not RE2`);
        if (/[A-Za-z0-9]/.test(c)) fail(`unknown escape \\${c}`);
        // Escaped punctuation: a literal.
        return inClass ? escapeLiteral(c, true) : caseLiteral(c, { ...f, i: false }, globalI);
    }
  };

  // One member of a bracket class at src[pos]: the character it stands for ('' for an escape
  // that is not one character, such as \\d) and its JavaScript text.
  const member = (): [ch: string, text: string] => {
    if (src[pos] === '\\') {
      const before = pos;
      const text = escape(true);
      const raw = src.slice(before, pos);
      return [raw.length === 2 && !/[A-Za-z0-9]/.test(raw[1]!) ? raw[1]! : '', text];
    }
    const ch = src[pos]!;
    pos++;
    return [ch, escapeLiteral(ch, true)];
  };

  const klass = (): string => {
    // at src[pos] === '['
    pos++;
    let body = '';
    let negate = false;
    if (src[pos] === '^') {
      negate = true;
      pos++;
    }
    const items: { lo: string | null; text: string }[] = [];
    let first = true;
    while (pos < src.length && (src[pos] !== ']' || first)) {
      first = false;
      if (src.startsWith('[:', pos)) {
        const end = src.indexOf(':]', pos + 2);
        if (end === -1) fail('unterminated POSIX class');
        const name = src.slice(pos + 2, end);
        pos = end + 2;
        if (name.startsWith('^')) fail(`negated POSIX class [:${name}:] inside brackets has no safe JavaScript equivalent`);
        const expansion = POSIX[name];
        if (!expansion) fail(`unknown POSIX class [:${name}:]`);
        items.push({ lo: null, text: expansion! });
        continue;
      }
      const [lo, loText] = member();
      if (src[pos] === '-' && src[pos + 1] !== ']' && pos + 1 < src.length && lo !== '') {
        pos++;
        const [hi, hiText] = member();
        if (hi === '') fail('class range ending in an escape');
        if (hi < lo) fail(`bad class range ${lo}-${hi}`);
        let text = `${loText}-${hiText}`;
        if (f.i && !globalI) {
          if (/^[a-z]$/.test(lo) && /^[a-z]$/.test(hi)) text += `${lo.toUpperCase()}-${hi.toUpperCase()}`;
          else if (/^[A-Z]$/.test(lo) && /^[A-Z]$/.test(hi)) text += `${lo.toLowerCase()}-${hi.toLowerCase()}`;
          else {
            const lc = lo.charCodeAt(0);
            const hc = hi.charCodeAt(0);
            const touches = (a: number, b: number) => lc <= b && hc >= a;
            if (touches(65, 90) || touches(97, 122)) fail(`case-insensitive class range ${lo}-${hi} mixes letters and other characters`);
          }
        }
        items.push({ lo: null, text });
        continue;
      }
      let text = loText;
      if (f.i && !globalI && isLetter(lo)) text = `${lo.toUpperCase()}${lo.toLowerCase()}`;
      items.push({ lo, text });
    }
    if (src[pos] !== ']') fail('unterminated character class');
    pos++;
    body = items.map((i) => i.text).join('');
    return `[${negate ? '^' : ''}${body}]`;
  };

  while (pos < src.length) {
    const c = src[pos]!;
    if (c === '\\') {
      out += escape(false);
      continue;
    }
    if (c === '[') {
      out += klass();
      continue;
    }
    if (c === '(') {
      if (src.startsWith('(?P<', pos)) {
        stack.push(f);
        out += '(?<';
        pos += 4;
        continue;
      }
      if (src.startsWith('(?<', pos) && !src.startsWith('(?<=', pos) && !src.startsWith('(?<!', pos)) {
        stack.push(f);
        out += '(?<';
        pos += 3;
        continue;
      }
      if (src.startsWith('(?=', pos) || src.startsWith('(?!', pos) || src.startsWith('(?<=', pos) || src.startsWith('(?<!', pos)) {
        fail('lookaround is not RE2 syntax (gitleaks rejects it too)');
      }
      const m = /^\(\?([A-Za-z-]*)(:|\))/.exec(src.slice(pos));
      if (m) {
        const next = parseFlags(m[1]!);
        pos += m[0].length;
        if (m[2] === ')') {
          // Flags for the rest of the current group.
          f = next;
          continue;
        }
        stack.push(f);
        f = next;
        out += '(?:';
        continue;
      }
      if (src[pos + 1] === '?') fail('unknown group syntax');
      stack.push(f);
      out += '(';
      pos++;
      continue;
    }
    if (c === ')') {
      const prev = stack.pop();
      if (prev === undefined) fail('unbalanced )');
      f = prev!;
      out += ')';
      pos++;
      continue;
    }
    const flagged = BY_FLAGS.get(c);
    if (flagged) {
      out += flagged(f);
      pos++;
      continue;
    }
    if (c === '{') {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(pos));
      if (rep) {
        const n = Number(rep[1]);
        const mx = rep[3] ? Number(rep[3]) : n;
        if (n > 1000 || mx > 1000) fail('repetition count above 1000 (RE2 limit)');
        out += rep[0];
        pos += rep[0].length;
        continue;
      }
      out += '\\{';
      pos++;
      continue;
    }
    if (c === '}' || c === ']') {
      out += `\\${c}`;
      pos++;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '|') {
      out += c;
      pos++;
      continue;
    }
    if (c === '/') {
      out += '\\/';
      pos++;
      continue;
    }
    // Any other character, including non-ASCII: a literal.
    const cp = src.codePointAt(pos)!;
    const ch = String.fromCodePoint(cp);
    out += caseLiteral(ch, f, globalI);
    pos += ch.length;
  }
  if (stack.length > 0) throw new Re2Error('unbalanced (');
  const flags = `${globalI ? 'i' : ''}${unicode.used ? 'u' : ''}`;
  try {
    new RegExp(out, flags);
  } catch (e) {
    throw new Re2Error(`no JavaScript equivalent: ${(e as Error).message}`);
  }
  return { source: out, flags };
}
