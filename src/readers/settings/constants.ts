// The constant evaluator of the Python and JS/TS readers: pure expressions of literals are
// computed the way the interpreter would, before any reader pattern looks at the tokens, so a
// key or value spelled as an expression reads exactly like the literal it evaluates to:
//
//   Python   "AGENT_" + "MODE", "%s_MODE" % "AGENT", "{}_{}".format("AGENT", "MODE"),
//            f"{'AGENT'}_MODE", "_".join(["AGENT", "MODE"]), "ETUCEXE"[::-1], "x" * 2,
//            chr(69), str(…), bytes.fromhex("45…").decode(), bytes([69, …]).decode(),
//            b"…".decode(), "…".encode(), base64.b64decode("…") (b32/b16/urlsafe),
//            binascii.unhexlify("…"), codecs.decode("…", "rot13"/"hex"/"base64"),
//            .upper() .lower() .strip() .casefold() .title() .replace(a, b) .removeprefix …
//   JS/TS    "AGENT_" + "MODE", ["AGENT", "MODE"].join("_"), "x".concat("y"), .repeat(n),
//            String.fromCharCode(69, …), atob("…"), Buffer.from("…", "hex"|"base64").toString(),
//            .split(s), .reverse(), .slice(a, b), .toUpperCase() .toLowerCase() .trim() .replace
//
// `foldConstants` rewrites a token stream: each maximal constant expression that evaluates to a
// string becomes one string token positioned at the expression's first token. Anything that
// is not a literal (a name, a call of anything else, a float) makes the whole expression
// non-constant and it is left as it is (what stays out of reach is listed in agent-mode's docs).
import type { CodeTok } from './code-tokens.js';

type Lang = 'python' | 'js';
type Const = { t: 'str'; v: string } | { t: 'bytes'; v: string } | { t: 'int'; v: number } | { t: 'list'; v: Const[] };

const PY_KEYWORDS = new Set([
  'return',
  'in',
  'not',
  'and',
  'or',
  'if',
  'else',
  'elif',
  'lambda',
  'yield',
  'await',
  'is',
  'assert',
  'del',
  'print',
  'from',
  'import',
  'raise',
  'while',
  'for',
  'with',
  'as',
]);
const JS_KEYWORDS = new Set(['return', 'case', 'in', 'of', 'else', 'do', 'yield', 'await', 'throw', 'instanceof', 'export', 'default']);
/** Tokens after which an expression cannot start as its own operand (it would bind to what precedes). */
const BINDS_LEFT = new Set(['.', '?.', '+', '-', '*', '/', '//', '%', '@', '**', '~', '!', '<<', '>>', '>>>', '&', '^', 'regex']);
const MAX_LEN = 4096;

/** Names a constant expression can start with (the decoders and constructors evaluated). */
const PY_FIRST = new Set([
  'chr',
  'str',
  'bytes',
  'bytearray',
  'base64',
  'binascii',
  'codecs',
  'builtins',
  'b64decode',
  'standard_b64decode',
  'urlsafe_b64decode',
  'decodebytes',
  'b16decode',
  'b32decode',
  'unhexlify',
  'a2b_hex',
  'a2b_base64',
]);
const JS_FIRST = new Set(['String', 'atob', 'Buffer', 'decodeURIComponent', 'decodeURI', 'globalThis', 'window', 'self', 'global']);

export function foldConstants(T: CodeTok[], lang: Lang, tokenize?: (text: string) => CodeTok[]): CodeTok[] {
  const out: CodeTok[] = [];
  const keywords = lang === 'python' ? PY_KEYWORDS : JS_KEYWORDS;
  const first = lang === 'python' ? PY_FIRST : JS_FIRST;
  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    const prev = out[out.length - 1];
    const next = T[i + 1];
    // Only where something could be computed: a string with fields, or a literal/bracket/decoder
    // followed by an operator, a method, a subscript or a call.
    const worth =
      (t.kind === 'string' && !!t.fields) ||
      (t.kind === 'name' ? first.has(t.value) : t.kind !== 'nl' && t.kind !== 'punct') ||
      (t.kind === 'punct' && (t.value === '(' || t.value === '['));
    const startable =
      worth &&
      (t.kind === 'name' || t.kind === 'punct' || !!t.fields || (next?.kind === 'punct' && ['+', '*', '%', '.', '['].includes(next.value))) &&
      !(
        prev &&
        (prev.kind === 'string' ||
          prev.kind === 'number' ||
          (prev.kind === 'name' && !keywords.has(prev.value)) ||
          (prev.kind === 'punct' && (BINDS_LEFT.has(prev.value) || prev.value === ')' || prev.value === ']' || prev.value === '}')))
      ) &&
      !(lang === 'js' && prev?.kind === 'name' && (prev.value === 'typeof' || prev.value === 'void' || prev.value === 'delete'));
    if (startable) {
      const ev = new Evaluator(T, lang, tokenize);
      const r = ev.expr(i);
      if (r && r.c.t === 'str' && r.c.v.length <= MAX_LEN && (r.end - i > 1 || t.fields)) {
        // Positioned at the first literal (not at an opening parenthesis).
        let k = i;
        while (k < r.end - 1 && T[k]!.kind === 'punct' && T[k]!.value === '(') k++;
        out.push({ kind: 'string', value: r.c.v, start: T[k]!.start });
        i = r.end - 1;
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** The constant a whole token stream evaluates to (an f-string field), or null. */
function evalText(text: string, lang: Lang, tokenize: (text: string) => CodeTok[]): Const | null {
  const T = tokenize(text).filter((t) => t.kind !== 'nl');
  const r = new Evaluator(T, lang, tokenize).expr(0);
  return r && r.end === T.length ? r.c : null;
}

interface R {
  c: Const;
  end: number;
}

const str = (v: string): Const => ({ t: 'str', v });
const latin1ToUtf8 = (v: string) => Buffer.from(v, 'latin1').toString('utf8');
const utf8ToLatin1 = (v: string) => Buffer.from(v, 'utf8').toString('latin1');

class Evaluator {
  private depth = 0;
  constructor(
    private readonly T: readonly CodeTok[],
    private readonly lang: Lang,
    private readonly tokenize?: (text: string) => CodeTok[],
  ) {}

  private p(i: number, v: string): boolean {
    const t = this.T[i];
    return !!t && t.kind === 'punct' && t.value === v;
  }
  private name(i: number, v?: string): boolean {
    const t = this.T[i];
    return !!t && t.kind === 'name' && (v === undefined || t.value === v);
  }

  /** additive := term (('+' | '-') term)* */
  expr(i: number): R | null {
    if (++this.depth > 64) return null;
    try {
      let l = this.term(i);
      while (l && (this.p(l.end, '+') || this.p(l.end, '-'))) {
        const op = this.T[l.end]!.value;
        const r = this.term(l.end + 1);
        if (!r) return null;
        const c = op === '+' ? add(l.c, r.c, this.lang) : l.c.t === 'int' && r.c.t === 'int' ? { t: 'int' as const, v: l.c.v - r.c.v } : null;
        if (!c) return null;
        l = { c, end: r.end };
      }
      return l;
    } finally {
      this.depth--;
    }
  }

  /** term := postfix (('*' | '%') postfix)* */
  private term(i: number): R | null {
    let l = this.postfix(i);
    while (l && (this.p(l.end, '*') || (this.p(l.end, '%') && this.lang === 'python'))) {
      const op = this.T[l.end]!.value;
      const r = this.postfix(l.end + 1);
      if (!r) return null;
      const c = op === '*' ? mul(l.c, r.c) : l.c.t === 'str' ? percent(l.c.v, r.c) : null;
      if (!c) return null;
      l = { c, end: r.end };
    }
    return l;
  }

  private postfix(i: number): R | null {
    let l = this.primary(i);
    while (l) {
      const j = l.end;
      if (this.p(j, '.') && this.name(j + 1) && this.p(j + 2, '(')) {
        const args = this.args(j + 2);
        if (!args) return null;
        const c = method(l.c, this.T[j + 1]!.value, args.list, this.lang);
        if (!c) return null;
        l = { c, end: args.end };
      } else if (this.p(j, '[')) {
        const c = this.subscript(l.c, j);
        if (!c) return null;
        l = c;
      } else break;
    }
    return l;
  }

  /** Arguments of a call whose `(` is at i: every one a constant. */
  private args(open: number): { list: Const[]; end: number } | null {
    const list: Const[] = [];
    let j = open + 1;
    if (this.p(j, ')')) return { list, end: j + 1 };
    for (;;) {
      const r = this.expr(j);
      if (!r) return null;
      list.push(r.c);
      j = r.end;
      if (this.p(j, ',')) j++;
      if (this.p(j, ')')) return { list, end: j + 1 };
      if (!this.p(j - 1, ',')) return null;
    }
  }

  /** `[i]` or, in Python, `[a:b:c]` on a string, bytes or list. */
  private subscript(c: Const, open: number): R | null {
    if (c.t === 'int') return null;
    const parts: (number | null)[] = [];
    let j = open + 1;
    let colons = 0;
    for (;;) {
      if (this.p(j, ':') && this.lang === 'python') {
        if (parts.length === colons) parts.push(null);
        colons++;
        j++;
        continue;
      }
      if (this.p(j, ']')) {
        if (parts.length === colons) parts.push(null);
        break;
      }
      const neg = this.p(j, '-');
      const r = this.expr(neg ? j + 1 : j);
      if (!r || r.c.t !== 'int') return null;
      parts.push(neg ? -r.c.v : r.c.v);
      j = r.end;
    }
    const seq: (string | Const)[] = c.t === 'list' ? c.v : [...c.v];
    const rebuild = (items: (string | Const)[]): Const => (c.t === 'list' ? { t: 'list', v: items as Const[] } : { t: c.t, v: (items as string[]).join('') });
    if (colons === 0) {
      let k = parts[0];
      if (k === null || k === undefined) return null;
      if (k < 0 && this.lang === 'python') k += seq.length;
      const item = seq[k];
      if (item === undefined) return null;
      return { c: typeof item === 'string' ? (c.t === 'bytes' ? { t: 'int', v: item.charCodeAt(0) } : str(item)) : item, end: j + 1 };
    }
    if (colons > 2) return null;
    const step = parts[2] ?? 1;
    if (step === 0) return null;
    const n = seq.length;
    const norm = (x: number | null | undefined, dflt: number) =>
      x === null || x === undefined ? dflt : x < 0 ? Math.max(x + n, step < 0 ? -1 : 0) : Math.min(x, step < 0 ? n - 1 : n);
    const start = norm(parts[0], step < 0 ? n - 1 : 0);
    const stop = norm(parts[1], step < 0 ? -1 : n);
    const items: (string | Const)[] = [];
    for (let k = start; step > 0 ? k < stop : k > stop; k += step) items.push(seq[k]!);
    return { c: rebuild(items), end: j + 1 };
  }

  private primary(i: number): R | null {
    const t = this.T[i];
    if (!t) return null;
    if (t.kind === 'string') {
      if (t.fields && t.pieces && this.tokenize) {
        let v = t.pieces[0]!;
        for (let k = 0; k < t.fields.length; k++) {
          const c = evalText(t.fields[k]!, this.lang, this.tokenize);
          const s = c ? display(c) : null;
          if (s === null) return null;
          v += s + t.pieces[k + 1]!;
        }
        return { c: str(v), end: i + 1 };
      }
      if (t.dynamic) return null;
      return { c: t.bytes ? { t: 'bytes', v: t.value } : str(t.value), end: i + 1 };
    }
    if (t.kind === 'number') {
      const s = t.value.replace(/_/g, '').toLowerCase();
      if (!/^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)n?$/.test(s)) return null;
      const v = Number(s.replace(/n$/, ''));
      return Number.isSafeInteger(v) ? { c: { t: 'int', v }, end: i + 1 } : null;
    }
    if (this.p(i, '(')) {
      const r = this.expr(i + 1);
      if (!r) return null;
      if (this.p(r.end, ')')) return { c: r.c, end: r.end + 1 };
      if (this.lang === 'python' && this.p(r.end, ',')) return this.sequence(i, ')', [r.c], r.end);
      return null;
    }
    if (this.p(i, '[')) return this.sequence(i, ']', [], i);
    if (t.kind !== 'name') return null;
    return this.lang === 'python' ? this.pyCall(i) : this.jsCall(i);
  }

  /** A list/tuple literal of constants; `after` is the index of the last consumed token. */
  private sequence(open: number, close: string, items: Const[], after: number): R | null {
    let j = after === open ? open + 1 : after;
    for (;;) {
      if (this.p(j, ',')) j++;
      if (this.p(j, close)) return { c: { t: 'list', v: items }, end: j + 1 };
      if (items.length > 0 && !this.p(j - 1, ',')) return null;
      const r = this.expr(j);
      if (!r) return null;
      items.push(r.c);
      j = r.end;
    }
  }

  /** `a.b.c(` at i: the dotted name and the index of `(`, or null. */
  private dotted(i: number): { name: string; open: number } | null {
    let name = this.T[i]!.value;
    let j = i + 1;
    while (this.p(j, '.') && this.name(j + 1)) {
      name += '.' + this.T[j + 1]!.value;
      j += 2;
    }
    return this.p(j, '(') ? { name, open: j } : null;
  }

  /** The call at `i` (a dotted name and its arguments), with `done` to answer its value. */
  private callAt(i: number): { name: string; list: Const[]; done: (c: Const | null) => R | null } | null {
    const d = this.dotted(i);
    const args = d ? this.args(d.open) : null;
    if (!d || !args) return null;
    return { name: d.name, list: args.list, done: (c) => (c ? { c, end: args.end } : null) };
  }

  private pyCall(i: number): R | null {
    const call = this.callAt(i);
    if (!call) return null;
    const [a, b] = call.list;
    const done = call.done;
    const fn = call.name.replace(/^(base64|binascii|codecs|builtins)\./, '');
    switch (fn) {
      case 'chr':
        return done(a?.t === 'int' && a.v >= 0 && a.v <= 0x10ffff ? str(String.fromCodePoint(a.v)) : null);
      case 'str':
        return done(a === undefined ? str('') : a.t === 'str' ? a : a.t === 'int' ? str(String(a.v)) : a.t === 'bytes' && b?.t === 'str' ? str(latin1ToUtf8(a.v)) : null);
      case 'bytes.fromhex':
      case 'bytearray.fromhex':
      case 'unhexlify':
      case 'a2b_hex':
        return done(a && (a.t === 'str' || a.t === 'bytes') ? hex(a.v) : null);
      case 'bytes':
      case 'bytearray':
        if (a?.t === 'list' && a.v.every((x) => x.t === 'int' && x.v >= 0 && x.v < 256)) return done({ t: 'bytes', v: String.fromCharCode(...a.v.map((x) => x.v as number)) });
        if (a?.t === 'str' && b?.t === 'str') return done({ t: 'bytes', v: utf8ToLatin1(a.v) });
        if (a?.t === 'bytes') return done(a);
        return null;
      case 'b64decode':
      case 'standard_b64decode':
      case 'urlsafe_b64decode':
      case 'decodebytes':
      case 'a2b_base64':
        return done(a && (a.t === 'str' || a.t === 'bytes') ? { t: 'bytes', v: Buffer.from(a.v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1') } : null);
      case 'b16decode':
        return done(a && (a.t === 'str' || a.t === 'bytes') ? hex(a.v) : null);
      case 'b32decode':
        return done(a && (a.t === 'str' || a.t === 'bytes') ? base32(a.v) : null);
      case 'decode': // codecs.decode(x, "rot13" | "hex" | "base64")
        if (!call.name.startsWith('codecs.') || !a || b?.t !== 'str') return null;
        return done(codec(a, b.v));
      default:
        return null;
    }
  }

  private jsCall(i: number): R | null {
    const call = this.callAt(i);
    if (!call) return null;
    const [a, b] = call.list;
    const done = call.done;
    switch (call.name.replace(/^(globalThis|window|self|global)\./, '')) {
      case 'String.fromCharCode':
      case 'String.fromCodePoint':
        return done(call.list.every((x) => x.t === 'int' && x.v >= 0 && x.v <= 0x10ffff) ? str(String.fromCodePoint(...call.list.map((x) => x.v as number))) : null);
      case 'String':
        return done(a?.t === 'str' ? a : a?.t === 'int' ? str(String(a.v)) : null);
      case 'atob':
        return done(a?.t === 'str' ? str(Buffer.from(a.v, 'base64').toString('latin1')) : null);
      case 'decodeURIComponent':
      case 'decodeURI':
        try {
          return done(a?.t === 'str' ? str(decodeURIComponent(a.v)) : null);
        } catch {
          return null;
        }
      case 'Buffer.from':
        if (a?.t === 'str') {
          const enc = b === undefined ? 'utf8' : b.t === 'str' ? b.v.toLowerCase() : null;
          if (enc === 'hex') return done(hex(a.v));
          if (enc === 'base64' || enc === 'base64url') return done({ t: 'bytes', v: Buffer.from(a.v, 'base64').toString('latin1') });
          if (enc === 'utf8' || enc === 'utf-8') return done({ t: 'bytes', v: utf8ToLatin1(a.v) });
          if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return done({ t: 'bytes', v: a.v });
          return null;
        }
        if (a?.t === 'list' && a.v.every((x) => x.t === 'int')) return done({ t: 'bytes', v: String.fromCharCode(...a.v.map((x) => (x.v as number) & 255)) });
        return null;
      default:
        return null;
    }
  }
}

function add(l: Const, r: Const, lang: Lang): Const | null {
  if (l.t === 'int' && r.t === 'int') return { t: 'int', v: l.v + r.v };
  if (l.t === 'str' && r.t === 'str') return str(l.v + r.v);
  if (l.t === 'bytes' && r.t === 'bytes') return l.t === r.t ? { t: 'bytes', v: l.v + r.v } : null;
  if (l.t === 'list' && r.t === 'list') return lang === 'python' ? { t: 'list', v: [...l.v, ...r.v] } : null;
  if (lang === 'js' && (l.t === 'str' || r.t === 'str')) {
    const a = display(l);
    const b = display(r);
    return a !== null && b !== null ? str(a + b) : null;
  }
  return null;
}

function mul(l: Const, r: Const): Const | null {
  if (l.t === 'int' && r.t === 'int') return { t: 'int', v: l.v * r.v };
  const [s, n] = l.t === 'int' ? [r, l.v] : r.t === 'int' ? [l, r.v] : [null, 0];
  if (!s || n < 0 || n > 256 || s.t === 'int') return null;
  if (s.t === 'list') return { t: 'list', v: Array.from({ length: n }, () => s.v).flat() };
  return { t: s.t, v: s.v.repeat(n) };
}

/** Python `"…" % args` with %s, %d, %i, %c, %%. */
function percent(fmt: string, arg: Const): Const | null {
  const args = arg.t === 'list' ? arg.v : [arg];
  let k = 0;
  let bad = false;
  const v = fmt.replace(/%([%sdic])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = args[k++];
    if (!a) return ((bad = true), '');
    if (c === 's') return display(a) ?? ((bad = true), '');
    if (a.t !== 'int') return ((bad = true), '');
    return c === 'c' ? String.fromCodePoint(a.v) : String(a.v);
  });
  if (bad || k !== args.length || /%[^%]/.test(fmt.replace(/%([%sdic])/g, ''))) return null;
  return str(v);
}

/** `str(c)` in Python, `String(c)` in JS, for the shapes that are plain text. */
function display(c: Const): string | null {
  if (c.t === 'str') return c.v;
  if (c.t === 'int') return String(c.v);
  return null;
}

function hex(v: string): Const | null {
  const h = v.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(h)) return null;
  return { t: 'bytes', v: Buffer.from(h, 'hex').toString('latin1') };
}

function base32(v: string): Const | null {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const ch of v.replace(/=+$/, '')) {
    const x = A.indexOf(ch);
    if (x < 0) return null;
    acc = (acc << 5) | x;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += String.fromCharCode((acc >> bits) & 255);
    }
  }
  return { t: 'bytes', v: out };
}

function codec(a: Const, name: string): Const | null {
  const n = name.toLowerCase().replace(/[-_]/g, '');
  if (n === 'rot13' && a.t === 'str')
    return str(a.v.replace(/[a-z]/gi, (ch) => String.fromCharCode(((ch.charCodeAt(0) - (ch <= 'Z' ? 65 : 97) + 13) % 26) + (ch <= 'Z' ? 65 : 97))));
  if ((n === 'hex' || n === 'hexcodec') && (a.t === 'str' || a.t === 'bytes')) return hex(a.v);
  if ((n === 'base64' || n === 'base64codec') && (a.t === 'str' || a.t === 'bytes')) return { t: 'bytes', v: Buffer.from(a.v, 'base64').toString('latin1') };
  if ((n === 'utf8' || n === 'ascii' || n === 'latin1') && a.t === 'bytes') return str(n === 'utf8' ? latin1ToUtf8(a.v) : a.v);
  return null;
}

const CASE: Record<string, (s: string) => string> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  toLowerCase: (s) => s.toLowerCase(),
  toLocaleUpperCase: (s) => s.toUpperCase(),
  toLocaleLowerCase: (s) => s.toLowerCase(),
  trim: (s) => s.trim(),
  trimStart: (s) => s.trimStart(),
  trimEnd: (s) => s.trimEnd(),
};

function strip(s: string, chars: string | undefined, side: 'both' | 'l' | 'r'): string {
  const set = chars ?? ' \t\n\r\f\v';
  let a = 0;
  let b = s.length;
  if (side !== 'r') while (a < b && set.includes(s[a]!)) a++;
  if (side !== 'l') while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

function method(self: Const, m: string, args: Const[], lang: Lang): Const | null {
  const [a, b] = args;
  const sa = a?.t === 'str' ? a.v : undefined;
  if (self.t === 'str') {
    const s = self.v;
    if (CASE[m] && args.length === 0) return str(CASE[m](s));
    switch (m) {
      case 'strip':
      case 'lstrip':
      case 'rstrip':
        if (args.length > 1 || (a && a.t !== 'str')) return null;
        return str(strip(s, sa, m === 'strip' ? 'both' : m === 'lstrip' ? 'l' : 'r'));
      case 'replace':
      case 'replaceAll':
        return sa !== undefined && b?.t === 'str' && args.length === 2 ? str(s.split(sa).join(b.v)) : null;
      case 'removeprefix':
        return sa !== undefined ? str(s.startsWith(sa) ? s.slice(sa.length) : s) : null;
      case 'removesuffix':
        return sa !== undefined ? str(sa && s.endsWith(sa) ? s.slice(0, -sa.length) : s) : null;
      case 'join':
        // Python: sep.join(iterable of str)
        if (lang !== 'python' || args.length !== 1 || !a) return null;
        if (a.t === 'list' && a.v.every((x) => x.t === 'str')) return str(a.v.map((x) => x.v).join(s));
        if (a.t === 'str') return str([...a.v].join(s));
        return null;
      case 'format': {
        if (lang !== 'python') return null;
        let k = 0;
        let bad = false;
        const v = s.replace(/\{\{|\}\}|\{(\d*)\}/g, (mm, idx: string | undefined) => {
          if (mm === '{{') return '{';
          if (mm === '}}') return '}';
          const x = args[idx ? Number(idx) : k++];
          const d = x ? display(x) : null;
          if (d === null) bad = true;
          return d ?? '';
        });
        return bad || /[{}]/.test(v.replace(/\{\{|\}\}/g, '')) ? null : str(v);
      }
      case 'encode':
        return lang === 'python' ? { t: 'bytes', v: utf8ToLatin1(s) } : null;
      case 'concat':
        if (lang !== 'js') return null;
        return args.every((x) => display(x) !== null) ? str(s + args.map(display).join('')) : null;
      case 'repeat':
        return lang === 'js' && a?.t === 'int' && a.v >= 0 && a.v <= 256 ? str(s.repeat(a.v)) : null;
      case 'split':
        return lang === 'js' && sa !== undefined && args.length === 1 ? { t: 'list', v: s.split(sa).map(str) } : null;
      case 'slice':
      case 'substring':
        if (lang !== 'js' || (a && a.t !== 'int') || (b && b.t !== 'int')) return null;
        return str(m === 'slice' ? s.slice(a?.v as number | undefined, b?.v as number | undefined) : s.substring((a?.v as number | undefined) ?? 0, b?.v as number | undefined));
      case 'toString':
        return args.length === 0 ? self : null;
      default:
        return null;
    }
  }
  if (self.t === 'bytes') {
    if (m === 'decode' && lang === 'python') {
      const enc = (sa ?? 'utf-8').toLowerCase().replace(/[-_]/g, '');
      if (enc === 'utf8' || enc === 'ascii') return str(latin1ToUtf8(self.v));
      if (enc === 'latin1' || enc === 'iso88591') return str(self.v);
      return null;
    }
    if (m === 'toString' && lang === 'js') {
      const enc = (sa ?? 'utf8').toLowerCase();
      if (enc === 'utf8' || enc === 'utf-8') return str(latin1ToUtf8(self.v));
      if (enc === 'latin1' || enc === 'binary' || enc === 'ascii') return str(self.v);
      if (enc === 'hex') return str(Buffer.from(self.v, 'latin1').toString('hex'));
      if (enc === 'base64') return str(Buffer.from(self.v, 'latin1').toString('base64'));
      return null;
    }
    if (m === 'hex' && lang === 'python' && args.length === 0) return str(Buffer.from(self.v, 'latin1').toString('hex'));
    if (CASE[m] && args.length === 0 && lang === 'python') return { t: 'bytes', v: CASE[m](self.v) };
    return null;
  }
  if (self.t === 'list' && lang === 'js') {
    if (m === 'join') {
      const sep = a === undefined ? ',' : sa;
      if (sep === undefined) return null;
      const parts = self.v.map(display);
      return parts.every((x) => x !== null) ? str(parts.join(sep)) : null;
    }
    if (m === 'reverse' && args.length === 0) return { t: 'list', v: [...self.v].reverse() };
    if (m === 'concat') return args.every((x) => x.t === 'list') ? { t: 'list', v: [...self.v, ...args.flatMap((x) => (x as { v: Const[] }).v)] } : null;
  }
  return null;
}
