// JavaScript / TypeScript, read from a token stream (comments, regexes and unrelated strings
// never match):
//   process.env.K = "V"   process.env["K"] = "V"   process.env.K ??= "V" / ||= "V"
//   process.env.K ?? "V"  process.env.K || "V"  (a default the runtime reads when K is unset)
//   Object.assign(process.env, { K: "V" })
//   env objects: { env: { K: "V" } } (also env_production…), { ...process.env, K: "V" }
//   const K = "V" / let / var (K exactly the setting name, optional type annotation)
// Template literals with `${}` are dynamic; only single literals are judged.
import { bracesSpreading, tokenCursor, tokenizeJs, type CodeTok } from './code-tokens.js';
import { foldConstants } from './constants.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { positionsOf } from './values.js';

const ENV_KEY = /^(env|environment|env_[A-Za-z0-9_]+|[A-Za-z0-9_]*Env)$/;
const CASE_METHODS = new Set(['toLowerCase', 'toUpperCase', 'trim', 'toLocaleLowerCase', 'toLocaleUpperCase']);

/** child_process functions: a command line (exec*) or a program and its argv (spawn*, execFile*). */
const CP_SHELL = new Set(['exec', 'execSync']);
const CP_ARGV = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync']);

export function readJavaScript(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const T = canonicalEnv(inlineConstants(jsonParseLiterals(foldConstants(tokenizeJs(text), 'js', tokenizeJs))));
  const childProcess = text.includes('child_process');
  const out: Assignment[] = [];
  const { is, p, emit } = tokenCursor(T, pos, keep, out, (key) => key.start + (key.kind === 'string' ? 1 : 0));
  const literalEnd = (i: number): number => {
    let j = i;
    if (p(j, '(') && is(j + 1, 'string') && p(j + 2, ')')) j += 1;
    if (!is(j, 'string')) return -1;
    let e = j + 1;
    if (p(e, ')') && j !== i) e++;
    while (p(e, '.') && is(e + 1, 'name') && CASE_METHODS.has(T[e + 1]!.value) && p(e + 2, '(') && p(e + 3, ')')) e += 4;
    if (is(e, 'name', 'as') && is(e + 1, 'name', 'const')) e += 2;
    return e;
  };
  const endsExpr = (j: number) => {
    const t = T[j];
    if (!t) return true;
    if (t.kind === 'punct') return [',', ')', ']', '}', ';'].includes(t.value);
    return t.kind === 'name'; // next statement (ASI)
  };
  const literalAt = (i: number): number => {
    const e = literalEnd(i);
    if (e === -1 || !endsExpr(e)) return -1;
    return p(i, '(') ? i + 1 : i;
  };
  /** `process.env` at i..i+2 */
  const processEnv = (i: number) => is(i, 'name', 'process') && p(i + 1, '.') && is(i + 2, 'name', 'env');
  const entries = (open: number, syntax: string): void => {
    let depth = 0;
    for (let j = open; j < T.length; j++) {
      const t = T[j]!;
      if (t.kind === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) depth++;
      else if (t.kind === 'punct' && (t.value === ')' || t.value === ']' || t.value === '}')) {
        if (--depth === 0) return;
      } else if (depth === 1 && (t.kind === 'name' || t.kind === 'string') && (p(j - 1, '{') || p(j - 1, ',')) && p(j + 1, ':')) {
        const v = literalAt(j + 2);
        if (v !== -1) emit(t, T[v]!, syntax);
      }
    }
  };
  // Objects that spread process.env at their top level ({ ...process.env, K: "V" }), found in
  // one pass with a stack of open brackets (no rescans: linear in the file).
  const spreadsEnv = bracesSpreading(T, (j) => T[j]!.value === '...' && processEnv(j + 1) && !p(j + 4, '.') && !p(j + 4, '['));

  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    if (processEnv(i)) {
      let key: CodeTok | null = null;
      let after = -1;
      if ((p(i + 3, '.') || p(i + 3, '?.')) && is(i + 4, 'name')) {
        key = T[i + 4]!;
        after = i + 5;
      } else if (p(i + 3, '[') && is(i + 4, 'string') && p(i + 5, ']')) {
        key = T[i + 4]!;
        after = i + 6;
      }
      if (key && after !== -1) {
        const op = T[after];
        if (op?.kind === 'punct' && ['=', '??=', '||=', '??', '||'].includes(op.value)) {
          const v = literalAt(after + 1);
          const syntax = op.value === '??' || op.value === '||' ? 'js-default' : 'js-process-env';
          if (v !== -1) emit(key, T[v]!, syntax);
          else {
            // process.env stores String(value): ["EXECUTE"] is "EXECUTE", 1 is "1"
            const c = coerced(after + 1);
            if (c) emit(key, c, syntax);
          }
        }
      }
      continue;
    }
    // Object.defineProperty(process.env, "K", { value: "V" }) / Reflect.set(process.env, "K", "V")
    if (
      ((is(i, 'name', 'Object') && is(i + 2, 'name', 'defineProperty')) || (is(i, 'name', 'Reflect') && (is(i + 2, 'name', 'set') || is(i + 2, 'name', 'defineProperty')))) &&
      p(i + 1, '.') &&
      p(i + 3, '(') &&
      processEnv(i + 4) &&
      p(i + 7, ',') &&
      is(i + 8, 'string') &&
      !T[i + 8]!.dynamic &&
      p(i + 9, ',')
    ) {
      const key = T[i + 8]!;
      if (T[i + 2]!.value === 'set') {
        const v = literalAt(i + 10);
        if (v !== -1) emit(key, T[v]!, 'js-reflect-set');
      } else if (p(i + 10, '{')) {
        // the descriptor's `value:` at its top level
        let depth = 0;
        for (let j = i + 10; j < T.length; j++) {
          if (p(j, '{') || p(j, '(') || p(j, '[')) depth++;
          else if (p(j, '}') || p(j, ')') || p(j, ']')) {
            if (--depth === 0) break;
          } else if (depth === 1 && is(j, 'name', 'value') && p(j + 1, ':') && (p(j - 1, '{') || p(j - 1, ','))) {
            const v = literalAt(j + 2);
            if (v !== -1) emit(key, T[v]!, 'js-define-property');
          }
        }
      }
      continue;
    }
    // const { K = "V", K2: alias = "V" } = process.env: destructuring defaults
    if (p(i, '{') && (is(i - 1, 'name', 'const') || is(i - 1, 'name', 'let') || is(i - 1, 'name', 'var') || p(i - 1, '(') || p(i - 1, ','))) {
      let depth = 0;
      let close = -1;
      for (let j = i; j < T.length; j++) {
        if (p(j, '{') || p(j, '(') || p(j, '[')) depth++;
        else if ((p(j, '}') || p(j, ')') || p(j, ']')) && --depth === 0) {
          close = j;
          break;
        }
      }
      if (close !== -1 && p(close + 1, '=') && processEnv(close + 2) && !p(close + 5, '.') && !p(close + 5, '[')) {
        depth = 0;
        for (let j = i; j < close; j++) {
          if (p(j, '{') || p(j, '(') || p(j, '[')) depth++;
          else if (p(j, '}') || p(j, ')') || p(j, ']')) depth--;
          else if (depth === 1 && (p(j - 1, '{') || p(j - 1, ',')) && (is(j, 'name') || is(j, 'string'))) {
            // K = "V"  |  K: alias = "V"
            let eq = j + 1;
            if (p(eq, ':') && is(eq + 1, 'name')) eq += 2;
            if (p(eq, '=')) {
              const v = literalAt(eq + 1);
              if (v !== -1) emit(T[j]!, T[v]!, 'js-destructuring-default');
            }
          }
        }
      }
    }
    // child_process: exec("cmd line") / spawn("env", ["K=V", …]): read as shell
    if (childProcess && is(i, 'name') && (CP_SHELL.has(t.value) || CP_ARGV.has(t.value)) && p(i + 1, '(') && is(i + 2, 'string') && !T[i + 2]!.dynamic) {
      const at = pos(T[i + 2]!.start);
      let script: string | null = null;
      if (CP_SHELL.has(t.value)) script = T[i + 2]!.value;
      else if (p(i + 3, ',') && p(i + 4, '[')) {
        const words = [T[i + 2]!.value];
        for (let j = i + 5; is(j, 'string') && !T[j]!.dynamic; j += 2) {
          words.push(T[j]!.value);
          if (!p(j + 1, ',')) break;
        }
        script = words.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
      }
      if (script !== null) for (const a of readShell(script, () => at, keep, 1)) out.push({ ...a, syntax: `js-child-process/${a.syntax}` });
    }
    // Object.assign(process.env, {...})
    if (is(i, 'name', 'Object') && p(i + 1, '.') && is(i + 2, 'name', 'assign') && p(i + 3, '(') && processEnv(i + 4) && p(i + 7, ',') && p(i + 8, '{')) {
      entries(i + 8, 'js-env-object');
      continue;
    }
    if (p(i, '{')) {
      const owner = T[i - 2];
      const ownerIsEnv = (p(i - 1, ':') || p(i - 1, '=')) && owner && (owner.kind === 'name' || owner.kind === 'string') && ENV_KEY.test(owner.value);
      if (ownerIsEnv || spreadsEnv.has(i)) entries(i, 'js-env-object');
      continue;
    }
    // const K = "V"
    if (t.kind === 'name' && (t.value === 'const' || t.value === 'let' || t.value === 'var') && is(i + 1, 'name')) {
      let eq = i + 2;
      if (p(eq, ':')) {
        let j = eq + 1;
        for (; j < T.length && j < eq + 16; j++) if (p(j, '=') || p(j, ';') || p(j, ',')) break;
        eq = j;
      }
      if (p(eq, '=')) {
        const v = literalAt(eq + 1);
        if (v !== -1) emit(T[i + 1]!, T[v]!, 'js-const');
      }
    }
  }
  return out;

  /**
   * The string process.env stores for a literal that is not a string (String(value)): numbers,
   * booleans, arrays of literals (joined with ","), objects ("[object Object]", or what a
   * literal `toString` returns); an object whose conversion the reader cannot follow is
   * unverifiable. Null for anything that is not a literal.
   */
  function coerced(i: number): CodeTok | null {
    const t = T[i];
    if (!t) return null;
    const at = (value: string, unverifiable?: string): CodeTok => ({ kind: 'string', value, start: t.start, ...(unverifiable ? { unverifiable } : {}) });
    if (t.kind === 'number' && endsExpr(i + 1)) {
      const n = Number(t.value.replace(/_/g, '').replace(/n$/, ''));
      return at(Number.isFinite(n) ? String(n) : t.value);
    }
    if (t.kind === 'name' && ['true', 'false', 'null', 'undefined'].includes(t.value) && endsExpr(i + 1)) return at(t.value);
    if (!p(i, '[') && !p(i, '{')) return null;
    let depth = 0;
    let close = -1;
    for (let j = i; j < T.length; j++) {
      if (p(j, '[') || p(j, '{') || p(j, '(')) depth++;
      else if ((p(j, ']') || p(j, '}') || p(j, ')')) && --depth === 0) {
        close = j;
        break;
      }
    }
    if (close === -1 || !endsExpr(close + 1)) return null;
    if (p(i, '[')) {
      const parts: string[] = [];
      for (let j = i + 1; j < close; j += 2) {
        const u = T[j]!;
        if (!(u.kind === 'string' && !u.dynamic) && u.kind !== 'number') return at('', 'an array is stored as its string form, which the gate cannot compute here');
        parts.push(u.value);
        if (!p(j + 1, ',') && j + 1 !== close) return at('', 'an array is stored as its string form, which the gate cannot compute here');
      }
      return at(parts.join(','));
    }
    // { toString: () => "V" } | { toString() { return "V" } } | { toString: function () { return "V" } }
    for (let j = i + 1; j < close; j++) {
      const u = T[j]!;
      if (!((u.kind === 'name' || u.kind === 'string') && (u.value === 'toString' || u.value === 'valueOf')) && !(p(j, '[') && (p(j - 1, '{') || p(j - 1, ',')))) continue;
      if (!(p(j - 1, '{') || p(j - 1, ','))) continue;
      let k = j + 1;
      if (p(k, ':')) k++;
      if (is(k, 'name', 'function')) k++;
      if (p(k, '(') && p(k + 1, ')')) k += 2;
      if (p(k, '=>') && is(k + 1, 'string') && !T[k + 1]!.dynamic) return at(T[k + 1]!.value);
      if (p(k, '{') && is(k + 1, 'name', 'return') && is(k + 2, 'string') && !T[k + 2]!.dynamic) return at(T[k + 2]!.value);
      return at('', 'an object is stored as what its toString/valueOf returns, which the gate cannot compute here');
    }
    return at('[object Object]');
  }
}

/**
 * `JSON.parse("…")` of a literal is the value the JSON text spells: the call is replaced by the
 * tokens of that text (valid JSON is a JS expression), positioned at the string.
 */
function jsonParseLiterals(T: CodeTok[]): CodeTok[] {
  let out: CodeTok[] | null = null;
  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    const s = T[i + 4];
    if (
      t.kind === 'name' &&
      t.value === 'JSON' &&
      T[i + 1]?.value === '.' &&
      T[i + 2]?.value === 'parse' &&
      T[i + 3]?.value === '(' &&
      s?.kind === 'string' &&
      !s.dynamic &&
      T[i + 5]?.kind === 'punct' &&
      T[i + 5]!.value === ')'
    ) {
      try {
        JSON.parse(s.value);
      } catch {
        continue;
      }
      out ??= T.slice(0, i);
      for (const u of tokenizeJs(s.value)) out.push({ ...u, start: s.start });
      i += 5;
      continue;
    }
    out?.push(t);
  }
  return out ?? T;
}

const PROCESS_MODULES = new Set(['process', 'node:process']);

/**
 * The token stream with every expression that is the process environment spelled
 * `process.env` (three tokens at the expression's position), so the patterns above see one
 * shape: `process["env"]`, `globalThis.process.env` (global, window, self), `require("process").env`,
 * and names bound to either once in the file: `const e = process.env`, `const { env } = process`,
 * `const { env: E } = require("node:process")`, `import { env } from "process"`,
 * `const p = process` / `import p from "node:process"` / `import * as p from "process"` (then p.env).
 */
function canonicalEnv(T: CodeTok[]): CodeTok[] {
  const is = (i: number, kind: CodeTok['kind'], value?: string) => {
    const t = T[i];
    return !!t && t.kind === kind && (value === undefined || t.value === value);
  };
  const p = (i: number, v: string) => is(i, 'punct', v);
  const processNames = new Set(['process']);
  const envNames = new Set<string>();
  /** End (exclusive) of a `process` expression starting at i, or -1. */
  const processEnd = (i: number): number => {
    let j = i;
    if ((is(j, 'name', 'globalThis') || is(j, 'name', 'global') || is(j, 'name', 'window') || is(j, 'name', 'self')) && p(j + 1, '.') && is(j + 2, 'name', 'process')) j += 2;
    if (is(j, 'name') && processNames.has(T[j]!.value) && !p(j - 1, '.')) return j + 1;
    if (is(j, 'name', 'require') && p(j + 1, '(') && is(j + 2, 'string') && PROCESS_MODULES.has(T[j + 2]!.value) && p(j + 3, ')')) return j + 4;
    return -1;
  };
  /** End (exclusive) of an environment expression starting at i, or -1. */
  const envEnd = (i: number): number => {
    if (is(i, 'name') && envNames.has(T[i]!.value) && !p(i - 1, '.') && !p(i + 1, ':')) return i + 1;
    const e = processEnd(i);
    if (e === -1) return -1;
    let end = -1;
    if ((p(e, '.') || p(e, '?.')) && is(e + 1, 'name', 'env')) end = e + 2;
    else if (p(e, '[') && is(e + 1, 'string', 'env') && p(e + 2, ']')) end = e + 3;
    // TypeScript's non-null assertion changes nothing at run time: process.env!.K
    if (end !== -1 && p(end, '!') && (p(end + 1, '.') || p(end + 1, '['))) end++;
    return end;
  };
  /**
   * `( … )` around the environment that evaluates to it: `(process.env as any)`,
   * `(<any>process.env)`, `(0, process.env)` (a sequence yields its last operand); end or -1.
   */
  const wrappedEnd = (open: number): number => {
    let j = open + 1;
    while ((is(j, 'number') || is(j, 'string') || is(j, 'name')) && p(j + 1, ',')) j += 2;
    if (p(j, '<') && is(j + 1, 'name') && p(j + 2, '>')) j += 3;
    const e = p(j, '(') ? wrappedEnd(j) : envEnd(j);
    if (e === -1) return -1;
    let k = e;
    if (is(k, 'name', 'as') || is(k, 'name', 'satisfies')) {
      k++;
      while (k < T.length && k < e + 16 && !p(k, ')') && (is(k, 'name') || p(k, '.') || p(k, '<') || p(k, '>') || p(k, '[') || p(k, ']') || p(k, ',') || p(k, '|'))) k++;
    }
    if (!p(k, ')')) return -1;
    return p(k + 1, '!') && (p(k + 2, '.') || p(k + 2, '[')) ? k + 2 : k + 1;
  };
  const declEnds = (j: number) => !T[j] || p(j, ';') || p(j, ',') || p(j, '}') || (is(j, 'name') && !is(j, 'name', 'as'));
  // Aliases (two passes: an alias of an alias).
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < T.length; j++) {
      if ((is(j, 'name', 'const') || is(j, 'name', 'let') || is(j, 'name', 'var')) && is(j + 1, 'name') && p(j + 2, '=')) {
        const e = envEnd(j + 3);
        if (e !== -1 && declEnds(e)) envNames.add(T[j + 1]!.value);
        const pe = processEnd(j + 3);
        if (pe !== -1 && declEnds(pe)) processNames.add(T[j + 1]!.value);
      }
      // const { env, env: E } = process / require("process")
      if (p(j, '{') && (is(j - 1, 'name', 'const') || is(j - 1, 'name', 'let') || is(j - 1, 'name', 'var') || is(j - 1, 'name', 'import'))) {
        let close = j + 1;
        while (close < T.length && close < j + 64 && !p(close, '}')) close++;
        const fromProcess =
          (p(close + 1, '=') && processEnd(close + 2) !== -1) || (is(close + 1, 'name', 'from') && is(close + 2, 'string') && PROCESS_MODULES.has(T[close + 2]!.value));
        if (!fromProcess) continue;
        for (let k = j + 1; k < close; k++) {
          if (!(is(k, 'name', 'env') || is(k, 'string', 'env')) || !(p(k - 1, '{') || p(k - 1, ','))) continue;
          if ((p(k + 1, ':') || is(k + 1, 'name', 'as')) && is(k + 2, 'name')) envNames.add(T[k + 2]!.value);
          else if (p(k + 1, ',') || p(k + 1, '}') || p(k + 1, '=')) envNames.add('env');
        }
      }
      // import p from "process" / import * as p from "node:process"
      if (is(j, 'name', 'import')) {
        const k = p(j + 1, '*') && is(j + 2, 'name', 'as') ? j + 3 : j + 1;
        if (is(k, 'name') && is(k + 1, 'name', 'from') && is(k + 2, 'string') && PROCESS_MODULES.has(T[k + 2]!.value)) processNames.add(T[k]!.value);
      }
    }
  }
  const out: CodeTok[] = [];
  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    // the binding itself (const e = …, { env: E }) stays a name
    const binding = t.kind === 'name' && (is(i - 1, 'name', 'const') || is(i - 1, 'name', 'let') || is(i - 1, 'name', 'var') || p(i - 1, ':') || is(i - 1, 'name', 'as'));
    const e = p(i, '(') && !is(i - 1, 'name') && !p(i - 1, ')') ? wrappedEnd(i) : binding || t.kind !== 'name' ? -1 : envEnd(i);
    if (e === -1 || (e === i + 3 && is(i, 'name', 'process') && is(i + 2, 'name', 'env'))) {
      out.push(t);
      continue;
    }
    out.push({ kind: 'name', value: 'process', start: t.start }, { kind: 'punct', value: '.', start: t.start }, { kind: 'name', value: 'env', start: t.start });
    i = e - 1;
  }
  return out;
}

/**
 * Names the file binds once, with `const`, to a string literal (after constant folding), read
 * as that literal wherever they are used as a value: `const M = "EXECUTE"; process.env.K = M`.
 * A name bound more than once (shadowed in a block, or also a `let`/`var`/parameter) is not
 * known; property names (`x.M`, `{ M: … }`) are not references.
 */
function inlineConstants(T: CodeTok[]): CodeTok[] {
  const is = (i: number, kind: CodeTok['kind'], value?: string) => {
    const t = T[i];
    return !!t && t.kind === kind && (value === undefined || t.value === value);
  };
  const consts = new Map<string, CodeTok | null>();
  const bind = (name: string, lit: CodeTok | null) => consts.set(name, consts.has(name) ? null : lit);
  for (let j = 0; j < T.length; j++) {
    if (!(is(j, 'name', 'const') || is(j, 'name', 'let') || is(j, 'name', 'var')) || !is(j + 1, 'name')) continue;
    const lit =
      is(j, 'name', 'const') &&
      is(j + 2, 'punct', '=') &&
      is(j + 3, 'string') &&
      !T[j + 3]!.dynamic &&
      (is(j + 4, 'punct', ';') || is(j + 4, 'punct', ',') || is(j + 4, 'name') || j + 4 >= T.length)
        ? T[j + 3]!
        : null;
    bind(T[j + 1]!.value, lit);
  }
  if (![...consts.values()].some((v) => v !== null)) return T;
  // Any other binding of the name (assignment, parameter-like use before `=>`) makes it unknown.
  for (let j = 0; j < T.length; j++) {
    if (is(j, 'name') && consts.get(T[j]!.value) && !is(j - 1, 'name', 'const') && (is(j + 1, 'punct', '=') || is(j + 1, 'punct', '=>') || is(j - 1, 'name', 'function')))
      consts.set(T[j]!.value, null);
  }
  return T.map((t, j) => {
    if (t.kind !== 'name') return t;
    const c = consts.get(t.value);
    if (
      !c ||
      is(j - 1, 'name', 'const') ||
      is(j - 1, 'punct', '.') ||
      is(j - 1, 'punct', '?.') ||
      (is(j + 1, 'punct', ':') && (is(j - 1, 'punct', '{') || is(j - 1, 'punct', ',')))
    )
      return t;
    return { kind: 'string', value: c.value, start: t.start };
  });
}
