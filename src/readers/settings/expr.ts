// A setting's value as a small expression, and the one evaluator that decides what its consumer
// can read from it. Readers describe what they cannot resolve on their own instead of giving up
// ("dynamic"):
//   lit      a literal                                   "EXECUTE"
//   ref      a name the consumer resolves               $X, ${X}, .Values.mode, var.mode, local.m, !Ref P
//   default  a reference with a fallback                ${X:-w}, ${a.b:w} (Spring), {{ x | default "w" }},
//                                                         coalesce(var.x, "w"), lookup(m, k, "w"), try(a, "w")
//   cat      concatenation                              EXECUTE${SUFFIX}, !Sub "EXE${P}"
//   any      one of several                             ternary, a ? b : c, a variable several tfvars set
//   unknown  anything else (computed: `$(cmd)`, a backtick command)
// `outcomes()` lists the values the consumer can produce without an explicit override by the
// deployer: a fallback when its reference has no committed value, the committed value of a
// reference (Helm values.yaml, a tfvars file, a variable's default: given by `resolve`), an
// unset reference as empty (EXECUTE${UNSET} is EXECUTE). A value is forbidden when any outcome
// is; `open` says some part is the deployer's (judged where it is committed, if it is).

import { matchBrace } from './values.js';
export type RefSpace = 'env' | 'spring' | 'helm' | 'jinja' | 'tf-var' | 'tf-local' | 'cfn';

export type ValueExpr =
  | { k: 'lit'; v: string }
  | { k: 'ref'; ns: RefSpace; name: string; text: string }
  | { k: 'default'; of: ValueExpr; fallback: ValueExpr; whenEmpty: boolean }
  | { k: 'cat'; parts: ValueExpr[] }
  | { k: 'any'; of: ValueExpr[] }
  | { k: 'unknown'; text: string; computed?: boolean };

/** The committed value of a reference in the same tree (or undefined: the deployer's). */
export type Resolve = (ns: RefSpace, name: string) => ValueExpr | undefined;

export interface Outcomes {
  /** Values the consumer can read (unresolved references read as empty), at most MAX_OUTCOMES. */
  values: string[];
  /** Some part depends on what the deployer supplies (an unresolved reference or unknown). */
  open: boolean;
  /** Some part is computed when the file runs (`$(…)`): nothing shows it stays permitted. */
  computed: boolean;
}

const MAX_OUTCOMES = 32;

export const lit = (v: string): ValueExpr => ({ k: 'lit', v });

export function cat(parts: ValueExpr[]): ValueExpr {
  const flat: ValueExpr[] = [];
  for (const p of parts) {
    const last = flat[flat.length - 1];
    if (p.k === 'lit' && last?.k === 'lit') flat[flat.length - 1] = lit(last.v + p.v);
    else if (p.k === 'cat') flat.push(...p.parts);
    else flat.push(p);
  }
  if (flat.length === 0) return lit('');
  return flat.length === 1 ? flat[0]! : { k: 'cat', parts: flat };
}

const uniq = (xs: string[]) => [...new Set(xs)].slice(0, MAX_OUTCOMES);

export function outcomes(e: ValueExpr, resolve?: Resolve, depth = 0): Outcomes {
  switch (e.k) {
    case 'lit':
      return { values: [e.v], open: false, computed: false };
    case 'unknown':
      return { values: [''], open: true, computed: !!e.computed };
    case 'ref': {
      const r = depth < 8 ? resolve?.(e.ns, e.name) : undefined;
      return r ? outcomes(r, resolve, depth + 1) : { values: [''], open: true, computed: false };
    }
    case 'default': {
      const o = outcomes(e.of, resolve, depth + 1);
      const f = outcomes(e.fallback, resolve, depth + 1);
      if (o.open) {
        // Without an override the fallback is read; what the reference's committed parts say too.
        return { values: uniq([...f.values, ...o.values.filter((v) => v !== '')]), open: f.open, computed: o.computed || f.computed };
      }
      const values = e.whenEmpty ? o.values.flatMap((v) => (v === '' ? f.values : [v])) : o.values;
      const usesFallback = e.whenEmpty && o.values.includes('');
      return { values: uniq(values), open: usesFallback && f.open, computed: o.computed || (usesFallback && f.computed) };
    }
    case 'any': {
      const all = e.of.map((x) => outcomes(x, resolve, depth + 1));
      return { values: uniq(all.flatMap((o) => o.values)), open: all.some((o) => o.open), computed: all.some((o) => o.computed) };
    }
    case 'cat': {
      let values = [''];
      let open = false;
      let computed = false;
      for (const p of e.parts) {
        const o = outcomes(p, resolve, depth + 1);
        open ||= o.open;
        computed ||= o.computed;
        const next: string[] = [];
        for (const a of values) for (const b of o.values) if (next.length < MAX_OUTCOMES) next.push(a + b);
        values = next;
      }
      return { values: uniq(values), open, computed };
    }
  }
}

/** Every reference in an expression (for loading only the committed values that are needed). */
export function refsOf(e: ValueExpr, out: { ns: RefSpace; name: string }[] = []): { ns: RefSpace; name: string }[] {
  switch (e.k) {
    case 'ref':
      out.push({ ns: e.ns, name: e.name });
      break;
    case 'default':
      refsOf(e.of, out);
      refsOf(e.fallback, out);
      break;
    case 'cat':
      for (const p of e.parts) refsOf(p, out);
      break;
    case 'any':
      for (const p of e.of) refsOf(p, out);
      break;
  }
  return out;
}

/**
 * The value a reader shows for an expression, with no committed values known: the fallback of a
 * default, references as written. `dynamic` when some part is the deployer's (or computed).
 */
export function shown(e: ValueExpr): { value: string; dynamic: boolean } {
  switch (e.k) {
    case 'lit':
      return { value: e.v, dynamic: false };
    case 'ref':
    case 'unknown':
      return { value: e.text, dynamic: true };
    case 'default':
      return shown(e.fallback);
    case 'any': {
      const parts = e.of.map(shown);
      return { value: parts.map((p) => p.value).join(' | '), dynamic: parts.some((p) => p.dynamic) };
    }
    case 'cat': {
      const parts = e.parts.map(shown);
      return { value: parts.map((p) => p.value).join(''), dynamic: parts.some((p) => p.dynamic) };
    }
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** A Spring/Quarkus property name inside `${…}`: dots, dashes and indexes. */
const PROPERTY = /^[A-Za-z_][A-Za-z0-9_.\-[\]]*/;

/**
 * A string as the interpolating consumers read it: shell/compose/dotenv parameter expansions
 * (`$X`, `${X}`, `${X:-w}`, `${X-w}`, `${X:=w}`, `${X:?e}`: the variable, required; `${X:+w}`:
 * set by the deployer only), Spring/Quarkus placeholders (`${a.b:w}`, nested), `$(…)`
 * (computed), GitHub `${{ … }}` and Go/Helm/Jinja templates `{{ … }}` (see templateExpr).
 * `$$` is a literal `$` (compose).
 */
export function interpolationExpr(raw: string): ValueExpr {
  if (!raw.includes('$') && !raw.includes('{{')) return lit(raw);
  const parts: ValueExpr[] = [];
  let buf = '';
  const flush = () => {
    if (buf !== '') parts.push(lit(buf));
    buf = '';
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    const n = raw[i + 1];
    if ((c === '{' && n === '{') || (c === '$' && n === '{' && raw[i + 2] === '{')) {
      const open = c === '$' ? i + 3 : i + 2;
      const end = raw.indexOf('}}', open);
      const close = end === -1 ? raw.length : end;
      flush();
      parts.push(templateExpr(raw.slice(open, close), raw.slice(i, end === -1 ? raw.length : end + 2)));
      i = end === -1 ? raw.length : end + 2;
      continue;
    }
    if (c !== '$') {
      buf += c;
      i++;
      continue;
    }
    if (n === '$') {
      buf += '$';
      i += 2;
      continue;
    }
    if (n === '{') {
      const close = matchBrace(raw, i + 1);
      const inner = raw.slice(i + 2, close === -1 ? raw.length : close);
      const text = raw.slice(i, close === -1 ? raw.length : close + 1);
      i = close === -1 ? raw.length : close + 1;
      flush();
      parts.push(braceExpr(inner, text));
      continue;
    }
    if (n === '(') {
      const close = matchParenLite(raw, i + 1);
      flush();
      const text = raw.slice(i, close === -1 ? raw.length : close + 1);
      parts.push({ k: 'unknown', text, computed: true });
      i = close === -1 ? raw.length : close + 1;
      continue;
    }
    const m = n === undefined ? null : /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(raw.slice(i + 1));
    if (m) {
      flush();
      parts.push({ k: 'ref', ns: 'env', name: m[0], text: '$' + m[0] });
      i += 1 + m[0].length;
      continue;
    }
    buf += '$';
    i++;
  }
  flush();
  return cat(parts);
}

function braceExpr(inner: string, text: string): ValueExpr {
  const m = NAME.exec(inner);
  if (m) {
    const rest = inner.slice(m[0].length);
    const ref: ValueExpr = { k: 'ref', ns: 'env', name: m[0], text };
    if (rest === '') return ref;
    const op = /^(:-|:=|-|=)/.exec(rest);
    if (op) return { k: 'default', of: ref, fallback: interpolationExpr(rest.slice(op[0].length)), whenEmpty: op[0].startsWith(':') };
    // ${X:?e} / ${X?e}: X or an error, never e. ${X:+w}: w only when the deployer sets X.
    if (/^:?\?/.test(rest)) return ref;
    if (/^:?\+/.test(rest)) return { k: 'unknown', text };
  }
  // Spring / Quarkus / MicroProfile: ${name:fallback}, the fallback itself interpolated.
  const p = PROPERTY.exec(inner);
  if (p) {
    const rest = inner.slice(p[0].length);
    const ref: ValueExpr = { k: 'ref', ns: 'spring', name: p[0], text };
    if (rest === '') return ref;
    if (rest.startsWith(':')) return { k: 'default', of: ref, fallback: interpolationExpr(rest.slice(1)), whenEmpty: false };
  }
  return { k: 'unknown', text };
}

function matchParenLite(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

// ---- Go templates (Helm, sprig) and Jinja2 (Ansible), the parts that decide a value ----

interface TTok {
  t: 'str' | 'num' | 'field' | 'ident' | 'var' | 'p';
  v: string;
}

function templateTokens(s: string): TTok[] | null {
  const out: TTok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      let v = '';
      while (j < s.length && s[j] !== c) {
        if (s[j] === '\\' && c !== '`' && j + 1 < s.length) {
          const e = s[j + 1]!;
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
          continue;
        }
        v += s[j];
        j++;
      }
      if (j >= s.length) return null;
      out.push({ t: 'str', v });
      i = j + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (num && !(c === '-' && out.length === 0)) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const field = /^\$?(\.[A-Za-z_][A-Za-z0-9_]*)+/.exec(s.slice(i));
    if (field) {
      out.push({ t: 'field', v: field[0].replace(/^\$/, '') });
      i += field[0].length;
      continue;
    }
    const v = /^\$[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (v) {
      out.push({ t: 'var', v: v[0] });
      i += v[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(s.slice(i));
    if (id) {
      out.push({ t: 'ident', v: id[0] });
      i += id[0].length;
      continue;
    }
    const two = s.slice(i, i + 2);
    if (two === '||' || two === '&&' || two === '==' || two === '!=') {
      out.push({ t: 'p', v: two });
      i += 2;
      continue;
    }
    out.push({ t: 'p', v: c });
    i++;
  }
  return out;
}

/** Functions that hand their (last / piped) argument through as far as a setting's value goes. */
const PASS = new Set([
  'quote',
  'squote',
  'toString',
  'string',
  'trim',
  'trimSpace',
  'upper',
  'lower',
  'title',
  'toYaml',
  'toJson',
  'nindent',
  'indent',
  'required',
  'str',
  'e',
  'escape',
]);

/**
 * The value of one `{{ … }}` (or `${{ … }}`) action: a pipeline of commands. Helm `.Values.a.b`
 * is a reference to the chart's values; `default D V`, `V | default D`, Jinja
 * `V | default('D', true)` / `d(…)`, `coalesce a b`, `or a b`, `a or b`, `a || b` are defaults;
 * `ternary a b c` is either; `quote`, `upper`, `required` … pass the value through. Anything
 * else is unknown (the deployer's or computed by the template: not judged).
 */
function templateExpr(inner: string, text: string): ValueExpr {
  const body = inner.replace(/^-\s|^-$/, '').replace(/\s-$/, '');
  const toks = templateTokens(body);
  const unknown: ValueExpr = { k: 'unknown', text };
  if (!toks || toks.length === 0) return unknown;
  let i = 0;
  const peek = () => toks[i];
  const isP = (v: string) => toks[i]?.t === 'p' && toks[i]!.v === v;

  const operand = (): ValueExpr | null => {
    const t = toks[i];
    if (!t) return null;
    if (t.t === 'str' || t.t === 'num') {
      i++;
      return lit(t.v);
    }
    if (t.t === 'field') {
      i++;
      const m = /^\.Values\.(.+)$/.exec(t.v);
      return m ? { k: 'ref', ns: 'helm', name: m[1]!, text } : unknown;
    }
    if (t.t === 'var') {
      i++;
      return unknown;
    }
    if (t.t === 'p' && t.v === '(') {
      i++;
      const e = pipeline();
      if (!isP(')')) return null;
      i++;
      return e;
    }
    if (t.t === 'ident') {
      i++;
      if (t.v === 'true' || t.v === 'false' || t.v === 'none' || t.v === 'None' || t.v === 'nil') return lit(t.v === 'None' || t.v === 'none' || t.v === 'nil' ? '' : t.v);
      if (isP('(')) {
        // Jinja call f(args): lookup('env', 'X') and other calls are the deployer's or computed.
        const args = callArgs();
        if (!args) return null;
        return applyFn(t.v, args, undefined) ?? unknown;
      }
      return { k: 'ref', ns: 'jinja', name: t.v, text };
    }
    return null;
  };

  const callArgs = (): ValueExpr[] | null => {
    // at '('
    i++;
    const args: ValueExpr[] = [];
    while (!isP(')')) {
      if (i >= toks.length) return null;
      const e = orExpr();
      if (!e) return null;
      args.push(e);
      if (isP(',')) i++;
      else if (!isP(')')) return null;
    }
    i++;
    return args;
  };

  /** One stage of a pipeline: a Go command `f a b …` (the piped value last), a Jinja filter `f(a)` / `f`, or an operand. */
  const command = (piped?: ValueExpr): ValueExpr | null => {
    const t = peek();
    if (t?.t === 'ident' && !['true', 'false', 'or'].includes(t.v)) {
      const next = toks[i + 1];
      if (piped && next?.t === 'p' && next.v === '(') {
        i++;
        const args = callArgs();
        if (!args) return null;
        return applyFn(t.v, args, piped, true) ?? unknown;
      }
      const ends = !next || next.t === 'p' || (next.t === 'ident' && next.v === 'or');
      if (piped || !ends) {
        i++;
        const args: ValueExpr[] = [];
        while (i < toks.length && !isP('|') && !isP(')') && !isP(',')) {
          const a = operand();
          if (!a) return null;
          args.push(a);
        }
        return applyFn(t.v, args, piped) ?? unknown;
      }
    }
    if (piped) return null;
    return orExpr();
  };

  const orExpr = (): ValueExpr | null => {
    let left = operand();
    if (!left) return null;
    while ((peek()?.t === 'ident' && peek()!.v === 'or') || isP('||')) {
      i++;
      const right = operand();
      if (!right) return null;
      left = { k: 'default', of: left, fallback: right, whenEmpty: true };
    }
    return left;
  };

  const pipeline = (): ValueExpr | null => {
    let v = command();
    if (!v) return null;
    while (isP('|')) {
      i++;
      const next = command(v);
      if (!next) return null;
      v = next;
    }
    return v;
  };

  const e = pipeline();
  return e && i === toks.length ? e : unknown;
}

/** A template function applied to its arguments (Go: the piped value last; Jinja filters: first). */
function applyFn(name: string, args: ValueExpr[], piped: ValueExpr | undefined, jinjaFilter = false): ValueExpr | null {
  const all = piped ? (jinjaFilter ? [piped, ...args] : [...args, piped]) : args;
  switch (name) {
    case 'default':
    case 'd': {
      // Jinja: value | default(fallback, boolean?); Go/sprig: default FALLBACK VALUE (or piped).
      if (jinjaFilter) return args[0] ? { k: 'default', of: piped!, fallback: args[0], whenEmpty: true } : null;
      if (all.length !== 2) return null;
      return { k: 'default', of: all[1]!, fallback: all[0]!, whenEmpty: true };
    }
    case 'coalesce':
    case 'or': {
      if (all.length === 0) return null;
      return all.reduceRight((acc, x) => ({ k: 'default', of: x, fallback: acc, whenEmpty: true }));
    }
    case 'ternary':
      return all.length === 3 ? { k: 'any', of: [all[0]!, all[1]!] } : null;
    default:
      if (PASS.has(name)) {
        const v = name === 'indent' || name === 'nindent' || name === 'required' ? all[all.length - 1] : all[jinjaFilter ? 0 : all.length - 1];
        return v ?? null;
      }
      return null;
  }
}

/** The expression with each reference `f` knows replaced (not inside the replacements themselves). */
export function substitute(e: ValueExpr, f: (ref: ValueExpr & { k: 'ref' }) => ValueExpr | undefined): ValueExpr {
  switch (e.k) {
    case 'ref':
      return f(e) ?? e;
    case 'default':
      return { ...e, of: substitute(e.of, f), fallback: substitute(e.fallback, f) };
    case 'cat':
      return cat(e.parts.map((p) => substitute(p, f)));
    case 'any':
      return { k: 'any', of: e.of.map((p) => substitute(p, f)) };
    default:
      return e;
  }
}
