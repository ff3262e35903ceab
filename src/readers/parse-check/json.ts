import type { ParseProblem } from './languages.js';

// ---------------------------------------------------------------------------------------------
// JSON / JSONC: a validating scanner (no value built) giving the exact offset of the first error.
// Iterative (an explicit stack), so deeply nested input cannot overflow the call stack.

const enum Ch {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  BracketOpen = 91,
  Backslash = 92,
  BracketClose = 93,
  LowerE = 101,
  UpperE = 69,
  BraceOpen = 123,
  BraceClose = 125,
  Star = 42,
  BOM = 0xfeff,
}

function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of file';
  const c = text[i]!;
  if (c === '\n' || c === '\r') return 'end of line';
  return `'${c}'`;
}

/**
 * First JSON syntax error, or null when the text is valid JSON. With `comments`, accepts
 * JSONC: `//` and `/* *\/` comments and trailing commas. A leading BOM is accepted.
 */
export function checkJson(text: string, opts: { comments?: boolean } = {}): ParseProblem | null {
  if (!opts.comments) {
    // Fast path: the native parser (a lockfile of megabytes parses in milliseconds).
    try {
      JSON.parse(text.charCodeAt(0) === Ch.BOM ? text.slice(1) : text);
      return null;
    } catch {
      /* locate the error below */
    }
  }
  // The native parser refused it: the scanner finds where (it never disagrees on valid JSON).
  return scanJson(text, !!opts.comments) ?? (opts.comments ? null : { offset: 0, message: 'invalid JSON' });
}

function scanJson(text: string, jsonc: boolean): ParseProblem | null {
  const n = text.length;
  let i = text.charCodeAt(0) === Ch.BOM ? 1 : 0;
  const fail = (at: number, what: string): ParseProblem => ({ offset: at, message: what });

  const skipWs = (): ParseProblem | null => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === Ch.Space || c === Ch.Tab || c === Ch.LF || c === Ch.CR) {
        i++;
        continue;
      }
      if (jsonc && c === Ch.Slash) {
        const d = text.charCodeAt(i + 1);
        if (d === Ch.Slash) {
          const e = text.indexOf('\n', i);
          i = e === -1 ? n : e;
          continue;
        }
        if (d === Ch.Star) {
          const e = text.indexOf('*/', i + 2);
          if (e === -1) return fail(i, 'unterminated /* comment');
          i = e + 2;
          continue;
        }
      }
      return null;
    }
  };

  const scanString = (): ParseProblem | null => {
    // text[i] is '"'
    const start = i;
    i++;
    for (;;) {
      if (i >= n) return fail(start, 'unterminated string');
      const c = text.charCodeAt(i);
      if (c === Ch.Quote) {
        i++;
        return null;
      }
      if (c < 0x20) return fail(i, c === Ch.LF || c === Ch.CR ? 'unterminated string (line break inside a string)' : 'control character inside a string');
      if (c === Ch.Backslash) {
        const e = text[i + 1];
        if (e === undefined) return fail(start, 'unterminated string');
        if ('"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail(i, 'invalid \\u escape');
          i += 6;
        } else return fail(i, `invalid escape '\\${e}'`);
        continue;
      }
      i++;
    }
  };

  const isDigit = (c: number) => c >= Ch.Zero && c <= Ch.Nine;
  const scanNumber = (): ParseProblem | null => {
    const start = i;
    if (text.charCodeAt(i) === Ch.Minus) i++;
    const c0 = text.charCodeAt(i);
    if (c0 === Ch.Zero) i++;
    else if (isDigit(c0)) while (isDigit(text.charCodeAt(i))) i++;
    else return fail(start, 'invalid number');
    if (text.charCodeAt(i) === Ch.Dot) {
      i++;
      if (!isDigit(text.charCodeAt(i))) return fail(i, 'invalid number: digit expected after the decimal point');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    const e = text.charCodeAt(i);
    if (e === Ch.LowerE || e === Ch.UpperE) {
      i++;
      const s = text.charCodeAt(i);
      if (s === Ch.Plus || s === Ch.Minus) i++;
      if (!isDigit(text.charCodeAt(i))) return fail(i, 'invalid number: digit expected in the exponent');
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return null;
  };

  // Stack of open containers: '{' or '['.
  const stack: number[] = [];
  // What the scanner expects next.
  type State = 'value' | 'key' | 'afterValue';
  let state: State = 'value';
  // For trailing-comma and empty-container handling.
  let afterComma = false;

  for (;;) {
    const w = skipWs();
    if (w) return w;
    const c = text.charCodeAt(i);
    if (state === 'afterValue') {
      if (stack.length === 0) {
        if (i >= n) return null;
        return fail(i, `unexpected ${describeChar(text, i)} after the JSON value`);
      }
      const top = stack[stack.length - 1]!;
      if (c === Ch.Comma) {
        i++;
        afterComma = true;
        state = top === Ch.BraceOpen ? 'key' : 'value';
        continue;
      }
      if ((top === Ch.BraceOpen && c === Ch.BraceClose) || (top === Ch.BracketOpen && c === Ch.BracketClose)) {
        i++;
        stack.pop();
        continue;
      }
      return fail(i, `expected ',' or '${top === Ch.BraceOpen ? '}' : ']'}' but found ${describeChar(text, i)}`);
    }
    if (state === 'key') {
      if (c === Ch.BraceClose && (!afterComma || jsonc)) {
        i++;
        stack.pop();
        afterComma = false;
        state = 'afterValue';
        continue;
      }
      if (c !== Ch.Quote) {
        return fail(i, afterComma && c === Ch.BraceClose ? 'trailing comma' : `expected a property name in double quotes but found ${describeChar(text, i)}`);
      }
      const s = scanString();
      if (s) return s;
      const w2 = skipWs();
      if (w2) return w2;
      if (text.charCodeAt(i) !== Ch.Colon) return fail(i, `expected ':' but found ${describeChar(text, i)}`);
      i++;
      afterComma = false;
      state = 'value';
      continue;
    }
    // state === 'value'
    if (c === Ch.BracketClose && stack[stack.length - 1] === Ch.BracketOpen) {
      // Only reachable right after a comma: `[1,]` is a trailing comma, accepted in JSONC.
      if (afterComma && !jsonc) return fail(i, 'trailing comma');
      i++;
      stack.pop();
      afterComma = false;
      state = 'afterValue';
      continue;
    }
    if (i >= n) return fail(i, 'unexpected end of file: a value is expected');
    afterComma = false;
    if (c === Ch.BraceOpen) {
      i++;
      stack.push(Ch.BraceOpen);
      state = 'key';
      continue;
    }
    if (c === Ch.BracketOpen) {
      i++;
      stack.push(Ch.BracketOpen);
      // An empty array closes at once (handled at the top of the 'value' state).
      state = 'value';
      const w3 = skipWs();
      if (w3) return w3;
      if (text.charCodeAt(i) === Ch.BracketClose) {
        i++;
        stack.pop();
        state = 'afterValue';
      }
      continue;
    }
    if (c === Ch.Quote) {
      const s = scanString();
      if (s) return s;
      state = 'afterValue';
      continue;
    }
    if (c === Ch.Minus || isDigit(c)) {
      const s = scanNumber();
      if (s) return s;
      state = 'afterValue';
      continue;
    }
    let matched = false;
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        matched = true;
        break;
      }
    }
    if (matched) {
      state = 'afterValue';
      continue;
    }
    return fail(i, `unexpected ${describeChar(text, i)}: a value is expected`);
  }
}
