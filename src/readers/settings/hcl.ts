// Terraform / HCL (.tf, .tfvars, .hcl), read with a small tokenizer (strings with
// interpolation, heredocs, `#`, `//` and `/* */` comments):
//   K = "V"   "K" = "V"   K: "V" (object constructors)  — at any depth, incl. jsonencode({…})
//   { name = "K", value = "V" } objects and `env { name = "K" value = "V" }` blocks
//   (a dotted name such as helm_release `set { name = "env.K" }` also counts as K)
//   variable "K" { default = "V" } (the value in effect unless a tfvars file overrides it)
//   heredocs holding JSON (ECS container_definitions) are read as JSON.
// A value is judged only when it is one literal: `"${var.x}"`, `var.x`, `"a" + b` are dynamic
// or skipped.
import { cat, lit, shown, substitute, type ValueExpr } from './expr.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { parseJsonTree } from './json.js';
import { readTree } from './tree.js';
import { positionsOf } from './values.js';
import { slashCommentEnd } from './code-tokens.js';

interface Tok {
  kind: 'ident' | 'string' | 'number' | 'punct' | 'nl' | 'heredoc';
  value: string;
  start: number;
  dynamic?: boolean;
  bodyStart?: number;
  /** A string's parts: literal text and `${…}` interpolations as expressions. */
  parts?: ValueExpr[];
}

export function readHcl(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const toks = tokenize(text);
  const out: Assignment[] = [];
  const emit = (key: Tok, keyName: string, val: Tok, syntax: string, expr?: ValueExpr) => {
    if (!keep(keyName)) return;
    const k = pos(key.start);
    const v = pos(val.start);
    if (expr && expr.k !== 'lit') {
      const sh = shown(expr);
      out.push({
        key: keyName,
        value: val.kind === 'string' ? val.value : sh.value,
        dynamic: sh.dynamic,
        expr,
        line: v.line,
        column: v.column,
        keyLine: k.line,
        keyColumn: k.column,
        syntax,
      });
    } else
      out.push({
        key: keyName,
        value: expr?.k === 'lit' ? expr.v : val.value,
        dynamic: expr ? false : !!val.dynamic,
        line: v.line,
        column: v.column,
        keyLine: k.line,
        keyColumn: k.column,
        syntax,
      });
  };
  /** In-file `variable "x" { default = … }` and `locals { x = … }` (every name, watched or not). */
  const varDefaults = new Map<string, ValueExpr>();
  const locals = new Map<string, ValueExpr>();
  const frames: { open: string; attrs: Map<string, { key: Tok; val: Tok; expr?: ValueExpr }>; variable: Tok | null; locals: boolean }[] = [];
  /** Index of the next significant (non-newline) token after i, or -1. */
  const sig = (i: number): number => {
    for (let j = i + 1; j < toks.length; j++) if (toks[j]!.kind !== 'nl') return j;
    return -1;
  };
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t]!;
    if (tok.kind === 'heredoc') {
      const body = tok.value;
      const trimmed = body.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          const root = parseJsonTree(body);
          const base = pos(tok.bodyStart!);
          for (const a of readTree([root], body, 'json', keep)) {
            out.push({ ...a, line: a.line + base.line - 1, keyLine: a.keyLine + base.line - 1, syntax: `hcl-heredoc-${a.syntax}` });
          }
        } catch {
          // not JSON: nothing to read
        }
      } else if (body.includes('=')) {
        // Any other heredoc is file content a resource writes or runs (user_data scripts,
        // local_file / ConfigMap env files): K=V and export lines read as a shell script reads
        // them (an env file is the same lines).
        const base = pos(tok.bodyStart!);
        for (const a of readShell(body, undefined, keep)) {
          out.push({ ...a, line: a.line + base.line - 1, keyLine: a.keyLine + base.line - 1, syntax: `hcl-heredoc-${a.syntax}` });
        }
      }
      // K = <<EOT … EOT: the body is the value (`<<-` strips the common indentation); with
      // ${…} / %{…} inside it depends on input.
      const eq = toks[t - 1];
      const key = toks[t - 2];
      if (eq?.kind === 'punct' && eq.value === '=' && key && (key.kind === 'ident' || key.kind === 'string')) {
        const lines = body.replace(/\r?\n$/, '').split('\n');
        const strip = /^<<-/.test(text.slice(tok.start, tok.start + 3));
        const indent = strip ? Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length)) : 0;
        const value = lines.map((l) => l.slice(indent)).join('\n');
        const hv: Tok = { ...tok, value, start: tok.bodyStart!, dynamic: /[$%]\{/.test(body) };
        emit(key, key.value, hv, 'hcl-heredoc');
        frames[frames.length - 1]?.attrs.set(key.value, { key, val: { ...hv, kind: 'string' } });
      }
      continue;
    }
    if (tok.kind === 'punct' && (tok.value === '{' || tok.value === '[')) {
      // variable "NAME" { default = "V" }: the value in effect when nothing overrides it
      const label = toks[t - 1];
      const block = toks[t - 2];
      const variable = tok.value === '{' && label?.kind === 'string' && block?.kind === 'ident' && block.value === 'variable' ? label : null;
      const isLocals = tok.value === '{' && label?.kind === 'ident' && label.value === 'locals' && (!block || block.kind === 'nl');
      frames.push({ open: tok.value, attrs: new Map(), variable, locals: isLocals });
      continue;
    }
    if (tok.kind === 'punct' && (tok.value === '}' || tok.value === ']')) {
      const f = frames.pop();
      if (f?.variable) {
        const def = f.attrs.get('default');
        if (def) {
          varDefaults.set(f.variable.value, def.expr ?? lit(def.val.value));
          emit(f.variable, f.variable.value, def.val, 'hcl-variable-default', def.expr);
        }
      }
      if (f && f.open === '{') {
        const name = f.attrs.get('name');
        const value = f.attrs.get('value');
        if (name && value && name.val.kind === 'string' && !name.val.dynamic) {
          const full = name.val.value;
          emit(name.val, full, value.val, 'hcl-name-value', value.expr);
          if (full.includes('.')) emit(name.val, full.slice(full.lastIndexOf('.') + 1), value.val, 'hcl-name-value', value.expr);
        }
      }
      continue;
    }
    if (tok.kind !== 'ident' && tok.kind !== 'string') continue;
    const op = toks[t + 1];
    if (!op || op.kind !== 'punct' || (op.value !== '=' && op.value !== ':')) continue;
    const prev = t > 0 ? toks[t - 1] : undefined;
    if (prev && !(prev.kind === 'nl' || (prev.kind === 'punct' && (prev.value === '{' || prev.value === ',' || prev.value === '(')))) continue;
    const vi = sig(t + 1);
    if (vi === -1) continue;
    const val = toks[vi]!;
    if (val.kind === 'heredoc' || (val.kind === 'punct' && (val.value === '{' || val.value === '['))) continue;
    // The value as Terraform computes it from literals, variables, locals and the pure
    // functions (parseValue); one that is none of those is unknown.
    const parsed = parseValue(toks, vi);
    if (!parsed) continue;
    const after = toks[parsed.next];
    if (after && after.kind !== 'nl' && !(after.kind === 'punct' && /^[,}\])]$/.test(after.value))) continue; // not one expression
    const isNull = val.kind === 'ident' && val.value === 'null' && parsed.next === vi + 1;
    const plainLiteral = val.kind === 'string' || val.kind === 'number' || (val.kind === 'ident' && /^(true|false)$/.test(val.value));
    const expr = parsed.e.k === 'lit' && plainLiteral && parsed.next === vi + 1 && !val.parts ? undefined : parsed.e;
    const frame = frames[frames.length - 1];
    if (frame) frame.attrs.set(tok.value, { key: tok, val, expr });
    if (isNull) continue; // null: the argument is unset
    if (frame?.locals) {
      locals.set(tok.value, expr ?? lit(val.value));
      emit(tok, tok.value, val, 'hcl-local', expr);
    } else emit(tok, tok.value, val, 'hcl', expr);
  }
  // References the file itself answers: a variable's default (unless a tfvars file sets it:
  // references.ts), a local's value.
  if (varDefaults.size === 0 && locals.size === 0) return out;
  const inFile = (e: ValueExpr): ValueExpr => {
    // locals first (a local may name another local or a variable), then variables' defaults
    for (let pass = 0; pass < 4; pass++) e = substitute(e, (r) => (r.ns === 'tf-local' ? locals.get(r.name) : undefined));
    return substitute(e, (r) => {
      const d = r.ns === 'tf-var' ? varDefaults.get(r.name) : undefined;
      return d ? { k: 'default', of: r, fallback: d, whenEmpty: false } : undefined;
    });
  };
  return out.map((a) => {
    if (!a.expr) return a;
    const e = inFile(a.expr);
    return { ...a, expr: e, dynamic: shown(e).dynamic };
  });
}

/** Terraform's pure functions the evaluator knows: the rest are unknown. */
function applyHcl(name: string, args: Parsed[]): ValueExpr {
  const a = args.map((x) => x.e);
  switch (name) {
    case 'coalesce':
      // the first argument that is neither null nor ""
      return a.length === 0 ? UNKNOWN : a.reduceRight((acc, x) => ({ k: 'default', of: x, fallback: acc, whenEmpty: true }));
    case 'try':
      // the first argument that evaluates without an error: an unknown one may fail
      return a.length === 0 ? UNKNOWN : a.reduceRight((acc, x) => (x.k === 'unknown' ? { k: 'any', of: [x, acc] } : x));
    case 'lookup': {
      const [m, k, d] = args;
      if (m?.obj && k?.e.k === 'lit') {
        const hit = m.obj.get(k.e.v);
        if (hit) return hit;
        return d ? d.e : UNKNOWN;
      }
      return d ? { k: 'default', of: UNKNOWN, fallback: d.e, whenEmpty: false } : UNKNOWN;
    }
    case 'upper':
    case 'lower':
    case 'trimspace':
    case 'tostring':
    case 'chomp':
    case 'nonsensitive':
    case 'sensitive':
      return a[0] ?? UNKNOWN;
    case 'join': {
      const [sep, list] = args;
      if (sep?.e.k !== 'lit' || !list?.list) return UNKNOWN;
      const parts: ValueExpr[] = [];
      list.list.forEach((x, i) => {
        if (i > 0) parts.push(sep.e);
        parts.push(x);
      });
      return cat(parts);
    }
    default:
      return UNKNOWN;
  }
}

const UNKNOWN: ValueExpr = { k: 'unknown', text: 'a computed value' };

interface Parsed {
  e: ValueExpr;
  next: number;
  obj?: Map<string, ValueExpr>;
  list?: ValueExpr[];
}

const isP = (t: Tok | undefined, v: string) => t?.kind === 'punct' && t.value === v;

/** One HCL expression from token i (newlines inside brackets skipped); null when it cannot be delimited. */
function parseValue(toks: readonly Tok[], i: number, depth = 0): Parsed | null {
  if (depth > 32) return null;
  const skipNl = (j: number) => {
    while (toks[j]?.kind === 'nl') j++;
    return j;
  };
  const primary = (j: number): Parsed | null => {
    const t = toks[j];
    if (!t) return null;
    if (t.kind === 'string') return { e: t.parts ? cat(t.parts) : lit(t.value), next: j + 1 };
    if (t.kind === 'number') return { e: lit(t.value), next: j + 1 };
    if (t.kind === 'ident') {
      if (t.value === 'true' || t.value === 'false') return { e: lit(t.value), next: j + 1 };
      if (t.value === 'null') return { e: lit(''), next: j + 1 };
      if (isP(toks[j + 1], '(')) {
        const args: Parsed[] = [];
        let k = skipNl(j + 2);
        while (!isP(toks[k], ')')) {
          const a = parseValue(toks, k, depth + 1);
          if (!a) return null;
          args.push(a);
          k = skipNl(a.next);
          if (isP(toks[k], ',')) k = skipNl(k + 1);
          else if (isP(toks[k], '.') && isP(toks[k + 1], '.'))
            k = skipNl(k + 3); // expansion `...`
          else if (!isP(toks[k], ')')) return null;
        }
        return { e: applyHcl(t.value, args), next: k + 1 };
      }
      let k = j + 1;
      let path = t.value;
      let plain = true;
      for (;;) {
        if (isP(toks[k], '.') && toks[k + 1]?.kind === 'ident') {
          path += '.' + toks[k + 1]!.value;
          k += 2;
        } else if (isP(toks[k], '.') && (toks[k + 1]?.kind === 'number' || isP(toks[k + 1], '*'))) {
          plain = false;
          k += 2;
        } else if (isP(toks[k], '[')) {
          const close = matching(toks, k);
          if (close === -1) return null;
          plain = false;
          k = close + 1;
        } else break;
      }
      const m = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(path);
      if (m && plain) return { e: { k: 'ref', ns: m[1] === 'var' ? 'tf-var' : 'tf-local', name: m[2]!, text: path }, next: k };
      return { e: { k: 'unknown', text: path }, next: k };
    }
    if (isP(t, '(')) {
      const inner = parseValue(toks, skipNl(j + 1), depth + 1);
      if (!inner) return null;
      const k = skipNl(inner.next);
      return isP(toks[k], ')') ? { e: inner.e, next: k + 1 } : null;
    }
    if (isP(t, '[')) {
      const list: ValueExpr[] = [];
      let k = skipNl(j + 1);
      while (!isP(toks[k], ']')) {
        const a = parseValue(toks, k, depth + 1);
        if (!a) return null;
        list.push(a.e);
        k = skipNl(a.next);
        if (isP(toks[k], ',')) k = skipNl(k + 1);
        else if (!isP(toks[k], ']')) return null;
      }
      return { e: UNKNOWN, next: k + 1, list };
    }
    if (isP(t, '{')) {
      const obj = new Map<string, ValueExpr>();
      let k = skipNl(j + 1);
      while (!isP(toks[k], '}')) {
        const key = toks[k];
        if (!key || (key.kind !== 'ident' && key.kind !== 'string') || !(isP(toks[k + 1], '=') || isP(toks[k + 1], ':'))) {
          const close = matching(toks, j);
          return close === -1 ? null : { e: UNKNOWN, next: close + 1 };
        }
        const v = parseValue(toks, skipNl(k + 2), depth + 1);
        if (!v) return null;
        obj.set(key.value, v.e);
        k = skipNl(v.next);
        if (isP(toks[k], ',')) k = skipNl(k + 1);
      }
      return { e: UNKNOWN, next: k + 1, obj };
    }
    return null;
  };
  const p = primary(i);
  if (!p) return null;
  const after = toks[p.next];
  if (isP(after, '?')) {
    // cond ? a : b: either
    const a = parseValue(toks, skipNl(p.next + 1), depth + 1);
    if (!a || !isP(toks[skipNl(a.next)], ':')) return null;
    const b = parseValue(toks, skipNl(skipNl(a.next) + 1), depth + 1);
    if (!b) return null;
    return { e: { k: 'any', of: [a.e, b.e] }, next: b.next };
  }
  if (after?.kind === 'punct' && /^(\+|-|\*|\/|%|==|!=|<|>|<=|>=|&&|\|\|)$/.test(after.value)) {
    // an operator: the whole expression is computed (arithmetic, comparisons)
    let k = p.next;
    while (k < toks.length && toks[k]!.kind !== 'nl' && !(toks[k]!.kind === 'punct' && /^[,}\])]$/.test(toks[k]!.value))) {
      if (isP(toks[k], '(') || isP(toks[k], '[') || isP(toks[k], '{')) {
        const c = matching(toks, k);
        if (c === -1) return null;
        k = c + 1;
      } else k++;
    }
    return { e: UNKNOWN, next: k };
  }
  return p;
}

/** Index of the bracket closing the one at i, or -1. */
function matching(toks: readonly Tok[], i: number): number {
  let depth = 0;
  for (let j = i; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.kind !== 'punct') continue;
    if (t.value === '(' || t.value === '[' || t.value === '{') depth++;
    else if ((t.value === ')' || t.value === ']' || t.value === '}') && --depth === 0) return j;
  }
  return -1;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      toks.push({ kind: 'nl', value: '\n', start: i });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    const commentEnd = slashCommentEnd(text, i);
    if (commentEnd !== -1) {
      i = commentEnd;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let v = '';
      let dynamic = false;
      const parts: ValueExpr[] = [];
      let litFrom = 0;
      while (i < n && text[i] !== '"' && text[i] !== '\n') {
        const d = text[i]!;
        if (d === '\\') {
          // HCL escapes: \n \r \t \" \\ \uNNNN \UNNNNNNNN
          const e = text[i + 1];
          const hex = e === 'u' ? 4 : e === 'U' ? 8 : 0;
          const h = hex ? text.slice(i + 2, i + 2 + hex) : '';
          if (hex && new RegExp(`^[0-9A-Fa-f]{${hex}}$`).test(h) && parseInt(h, 16) <= 0x10ffff) {
            v += String.fromCodePoint(parseInt(h, 16));
            i += 2 + hex;
            continue;
          }
          v += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
          i += 2;
          continue;
        }
        if ((d === '$' || d === '%') && text[i + 1] === '{') {
          if (text[i - 1] === d) {
            // $${ / %%{ escapes
            v = v.slice(0, -1) + d + '{';
            i += 2;
            continue;
          }
          let depth = 0;
          let j = i + 1;
          for (; j < n; j++) {
            if (text[j] === '{') depth++;
            else if (text[j] === '}' && --depth === 0) break;
          }
          // `${"literal"}` interpolates a constant: HCL evaluates it without any input.
          const literal = d === '$' ? /^\{~?\s*"([^"\\$%{}]*)"\s*~?\}$/.exec(text.slice(i + 1, j + 1)) : null;
          if (literal) v += literal[1];
          else {
            dynamic = true;
            if (v.length > litFrom) parts.push(lit(v.slice(litFrom)));
            const inner = text.slice(i + 2, j).replace(/^~|~$/g, '');
            const p = d === '$' ? parseValue(tokenize(inner), 0) : null;
            parts.push(p && p.next >= tokenize(inner).filter((t) => t.kind !== 'nl').length ? p.e : { k: 'unknown', text: text.slice(i, j + 1) });
            v += text.slice(i, j + 1);
            litFrom = v.length;
          }
          i = j + 1;
          continue;
        }
        v += d;
        i++;
      }
      i++;
      if (dynamic && v.length > litFrom) parts.push(lit(v.slice(litFrom)));
      toks.push(dynamic ? { kind: 'string', value: v, start, dynamic, parts } : { kind: 'string', value: v, start, dynamic });
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const bodyStart = i + m[0].length;
        let j = bodyStart;
        let end = n;
        while (j < n) {
          let eol = text.indexOf('\n', j);
          if (eol === -1) eol = n;
          if (text.slice(j, eol).trim() === m[1]) {
            end = j;
            j = eol;
            break;
          }
          j = eol + 1;
        }
        toks.push({ kind: 'heredoc', value: text.slice(bodyStart, end), start: i, bodyStart, dynamic: true });
        i = Math.max(j, i + 2);
        continue;
      }
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i, i + 256));
    if (id) {
      toks.push({ kind: 'ident', value: id[0], start: i });
      i += id[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      toks.push({ kind: 'number', value: num[0], start: i });
      i += num[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||', '=>', '::'].includes(two)) {
      toks.push({ kind: 'punct', value: two, start: i });
      i += 2;
      continue;
    }
    toks.push({ kind: 'punct', value: c, start: i });
    i++;
  }
  return toks;
}
