// Python, read from a token stream (comments and docstrings never match):
//   os.environ["K"] = "V"            environ["K"] = "V" (from os import environ)
//   os.environ.setdefault("K", "V")  os.putenv("K", "V")
//   os.environ.update({"K": "V"})    os.environ.update(K="V")
//   os.getenv("K", "V")  os.environ.get("K", "V")  os.getenv("K") or "V"   (the default is the
//     value the runtime reads when K is unset: reported, like ${K:-V} in shell)
//   env dicts: env={"K": "V"}, {**os.environ, "K": "V"}, dict(os.environ, K="V")
//   K = "V" (statement level, incl. class attributes and `K: str = "V"`), f(K="V") keyword
//     arguments and parameter defaults, where K is exactly the setting name
// Only single literals are judged: "V".lower()/.upper()/.strip() count as "V"; f-strings with
// fields are dynamic; anything else is skipped.
import { bracesSpreading, tokenCursor, tokenizePython, type CodeTok } from './code-tokens.js';
import { foldConstants } from './constants.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { dedupe } from './tree.js';
import { positionsOf } from './values.js';

const ENV_NAME = /^(env|environ|environment|[A-Za-z0-9_]*_env|[A-Za-z0-9_]*_environ)$/i;
const CASE_METHODS = new Set(['lower', 'upper', 'strip', 'casefold', 'lstrip', 'rstrip']);

export function readPython(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const T = foldConstants(tokenizePython(text), 'python', tokenizePython);
  const out: Assignment[] = [];
  const { is, p, emit } = tokenCursor(T, pos, keep, out);
  /** Index after a literal value expression starting at i (a string, optionally with case methods), or -1. */
  const literalEnd = (i: number): number => {
    if (!is(i, 'string')) return -1;
    let j = i + 1;
    while (p(j, '.') && is(j + 1, 'name') && CASE_METHODS.has(T[j + 1]!.value) && p(j + 2, '(') && p(j + 3, ')')) j += 4;
    return j;
  };
  const endsExpr = (j: number) => {
    const t = T[j];
    return !t || t.kind === 'nl' || (t.kind === 'punct' && [',', ')', ']', '}', ';', ':'].includes(t.value));
  };
  const literalAt = (i: number): boolean => {
    const e = literalEnd(i);
    return e !== -1 && endsExpr(e);
  };
  // Module constants the file sets once to one literal (MODE = "EXECUTE"): a later
  // os.environ["K"] = MODE reads that value, as Python would. A name assigned more than once
  // (with another value, or anything that is not a literal) is not known.
  const constants = new Map<string, CodeTok | null>();
  for (let j = 0; j < T.length; j++) {
    if (!is(j, 'name') || !(j === 0 || is(j - 1, 'nl')) || !p(j + 1, '=')) continue;
    const name = T[j]!.value;
    const lit = literalAt(j + 2) && (is(literalEnd(j + 2), 'nl') || literalEnd(j + 2) >= T.length) ? T[j + 2]! : null;
    const prev = constants.get(name);
    constants.set(name, prev === undefined ? lit : prev && lit && prev.value === lit.value ? prev : null);
  }
  /** The value token at i: a literal, or a name bound to a known constant (positioned at the name). */
  const valueTok = (i: number): CodeTok | null => {
    if (literalAt(i)) return T[i]!;
    if (is(i, 'name') && endsExpr(i + 1) && !p(i - 1, '.')) {
      const c = constants.get(T[i]!.value);
      if (c) return { ...c, start: T[i]!.start };
    }
    return null;
  };
  // Names and expressions that are os.environ: `environ`, `from os import environ as E`,
  // `E = os.environ`, and `getattr(os, "environ")` (marked at its closing parenthesis).
  // One alias table: names and expressions that are os.environ (or a copy of it, which code
  // passes to a child process as env=…), marked at the expression's last token:
  //   `environ` / `X.environ`, `from os import environ as E`, `getattr(X, "environ")`,
  //   `vars(os)["environ"]` / `os.__dict__["environ"]`, `<environ>.copy()`, `dict(<environ>)`,
  //   `copy.copy(<environ>)`, and a name bound to any of them (`e = os.environ`, `env = os.environ.copy()`).
  // Keys and values have already been through the constant evaluator (getattr(os, "env" + "iron")).
  const environNames = new Set(['environ']);
  const environAt = new Set<number>();
  const isEnviron = (i: number) => environAt.has(i) || (is(i, 'name') && environNames.has(T[i]!.value) && !p(i - 1, 'def') && !p(i + 1, '='));
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < T.length; j++) {
      if (is(j, 'name', 'environ') && is(j + 1, 'name', 'as') && is(j + 2, 'name') && (is(j - 1, 'name', 'import') || p(j - 1, ','))) environNames.add(T[j + 2]!.value);
      if (is(j, 'name', 'getattr') && p(j + 1, '(') && is(j + 2, 'name') && p(j + 3, ',') && is(j + 4, 'string', 'environ') && p(j + 5, ')')) environAt.add(j + 5);
      if (p(j, '[') && is(j + 1, 'string', 'environ') && p(j + 2, ']') && (p(j - 1, ')') || is(j - 1, 'name', '__dict__'))) environAt.add(j + 2);
      if (p(j, '.') && is(j + 1, 'name', 'copy') && p(j + 2, '(') && p(j + 3, ')') && isEnviron(j - 1)) environAt.add(j + 3);
      if ((is(j, 'name', 'dict') && !p(j - 1, '.')) || (is(j, 'name', 'copy') && p(j - 1, '.') && is(j - 2, 'name', 'copy'))) {
        // dict(<environ>), copy.copy(<environ>)
        if (!p(j + 1, '(')) continue;
        if (isEnviron(j + 2) && p(j + 3, ')')) environAt.add(j + 3);
        else if (is(j + 2, 'name', 'os') && p(j + 3, '.') && isEnviron(j + 4) && p(j + 5, ')')) environAt.add(j + 5);
      }
      // NAME = <environ expression> at statement level
      if (is(j, 'name') && p(j + 1, '=') && (j === 0 || is(j - 1, 'nl') || p(j - 1, ';'))) {
        let k = j + 2;
        while (k < T.length && !is(k, 'nl') && !p(k, ';')) k++;
        if (k > j + 2 && isEnviron(k - 1)) environNames.add(T[j]!.value);
      }
    }
  }
  /** Entries "K": "V" and K="V" at depth 1 of the bracket opened at `open`; returns the closing index. */
  const entries = (open: number, syntax: string): number => {
    let depth = 0;
    for (let j = open; j < T.length; j++) {
      const t = T[j]!;
      if (t.kind === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) depth++;
      else if (t.kind === 'punct' && (t.value === ')' || t.value === ']' || t.value === '}')) {
        if (--depth === 0) return j;
      } else if (depth === 1 && (p(j - 1, '{') || p(j - 1, ',') || p(j - 1, '('))) {
        if (t.kind === 'string' && p(j + 1, ':') && valueTok(j + 2)) emit(t, valueTok(j + 2)!, syntax);
        else if (t.kind === 'name' && p(j + 1, '=') && valueTok(j + 2)) emit(t, valueTok(j + 2)!, syntax);
      }
    }
    return T.length;
  };
  // Dicts that unpack os.environ at their top level ({**os.environ, "K": "V"}), found in one
  // pass with a stack of open brackets (linear in the file).
  const spreadsEnviron = bracesSpreading(T, (j) => T[j]!.value === '**' && ((is(j + 1, 'name', 'os') && p(j + 2, '.') && isEnviron(j + 3)) || isEnviron(j + 1)));

  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    // environ[...] = "V"
    if (isEnviron(i) && p(i + 1, '[') && is(i + 2, 'string') && p(i + 3, ']') && p(i + 4, '=') && valueTok(i + 5)) {
      emit(T[i + 2]!, valueTok(i + 5)!, 'python-environ');
      continue;
    }
    // environ |= {...}
    if (isEnviron(i) && p(i + 1, '|=') && p(i + 2, '{')) {
      entries(i + 2, 'python-environ-update');
      continue;
    }
    // environ.setdefault / environ.get / environ.update
    if (isEnviron(i) && p(i + 1, '.') && is(i + 2, 'name') && p(i + 3, '(')) {
      const m = T[i + 2]!.value;
      if ((m === 'setdefault' || m === 'get' || m === '__setitem__') && is(i + 4, 'string')) {
        defaultArg(i + 4, m === 'get' ? 'python-default' : m === 'setdefault' ? 'python-setdefault' : 'python-environ');
      } else if (m === 'update') {
        // update({"K": "V"}), update(K="V") or update([("K", "V"), …])
        if (p(i + 4, '[') || p(i + 4, '(')) pairs(i + 4);
        entries(p(i + 4, '{') ? i + 4 : i + 3, 'python-environ-update');
      }
      continue;
    }
    // os.putenv / os.getenv / getenv / putenv
    if (is(i, 'name') && (t.value === 'putenv' || t.value === 'getenv') && p(i + 1, '(') && is(i + 2, 'string') && !p(i - 1, 'def')) {
      defaultArg(i + 2, t.value === 'putenv' ? 'python-putenv' : 'python-default');
      continue;
    }
    // dict(os.environ, K="V")
    if (is(i, 'name', 'dict') && p(i + 1, '(') && ((is(i + 2, 'name', 'os') && p(i + 3, '.') && isEnviron(i + 4)) || isEnviron(i + 2))) {
      entries(i + 1, 'python-env-dict');
      continue;
    }
    // env dicts
    if (p(i, '{')) {
      const ownerIsEnv = (p(i - 1, '=') || p(i - 1, ':')) && is(i - 2, 'name') && ENV_NAME.test(T[i - 2]!.value);
      const ownerIsEnvKey = p(i - 1, ':') && is(i - 2, 'string') && ENV_NAME.test(T[i - 2]!.value);
      if (ownerIsEnv || ownerIsEnvKey || spreadsEnviron.has(i)) entries(i, 'python-env-dict');
      continue;
    }
    if (t.kind !== 'name') continue;
    // Statement-level NAME = "V" / NAME: type = "V"
    const stmtStart = i === 0 || is(i - 1, 'nl') || p(i - 1, ';');
    const argStart = p(i - 1, '(') || p(i - 1, ',');
    if (!stmtStart && !argStart) continue;
    let eq = i + 1;
    if (p(eq, ':')) {
      // annotation: skip a simple type (Name, Name.Attr, Name[...], Literal["x"])
      let j = eq + 1;
      let depth = 0;
      for (; j < T.length && j < eq + 24; j++) {
        const u = T[j]!;
        if (u.kind === 'nl') break;
        if (u.kind === 'punct' && u.value === '[') depth++;
        else if (u.kind === 'punct' && u.value === ']') depth--;
        else if (depth === 0 && u.kind === 'punct' && (u.value === '=' || u.value === ',' || u.value === ')')) break;
      }
      eq = j;
    }
    if (!p(eq, '=') || !literalAt(eq + 1)) continue;
    const valEnd = literalEnd(eq + 1);
    if (stmtStart && !(is(valEnd, 'nl') || valEnd >= T.length || p(valEnd, ';'))) continue;
    emit(t, T[eq + 1]!, stmtStart ? 'python-assign' : 'python-kwarg');
  }

  /** ("K", "V") / ["K", "V"] pairs at depth 1 of the sequence opened at `open` (environ.update([…])). */
  function pairs(open: number): void {
    let depth = 0;
    for (let j = open; j < T.length; j++) {
      const t = T[j]!;
      if (t.kind === 'punct' && (t.value === '(' || t.value === '[' || t.value === '{')) {
        depth++;
        if (depth === 2 && is(j + 1, 'string') && p(j + 2, ',') && valueTok(j + 3) && (p(j + 4, ')') || p(j + 4, ']'))) emit(T[j + 1]!, valueTok(j + 3)!, 'python-environ-update');
      } else if (t.kind === 'punct' && (t.value === ')' || t.value === ']' || t.value === '}')) {
        if (--depth === 0) return;
      }
    }
  }

  function defaultArg(keyIdx: number, syntax: string): void {
    // ("K", "V") | ("K", default="V") ; getenv("K") or "V"
    const key = T[keyIdx]!;
    if (p(keyIdx + 1, ',')) {
      let v = keyIdx + 2;
      if (is(v, 'name', 'default') && p(v + 1, '=')) v += 2;
      if (valueTok(v)) emit(key, valueTok(v)!, syntax);
    } else if (p(keyIdx + 1, ')') && is(keyIdx + 2, 'name', 'or') && literalAt(keyIdx + 3) && syntax === 'python-default') {
      emit(key, T[keyIdx + 3]!, syntax);
    }
  }
  return dedupe(out);
}
