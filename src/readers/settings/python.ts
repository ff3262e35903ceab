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
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { dedupe } from './tree.js';
import { positionsOf } from './values.js';

const ENV_NAME = /^(env|environ|environment|[A-Za-z0-9_]*_env|[A-Za-z0-9_]*_environ)$/i;
const CASE_METHODS = new Set(['lower', 'upper', 'strip', 'casefold', 'lstrip', 'rstrip']);

/** Process-starting calls whose string argument is a shell command line, or whose list argument is an argv. */
const SPAWNERS = new Set([
  'system',
  'popen',
  'getoutput',
  'getstatusoutput',
  'run',
  'call',
  'check_call',
  'check_output',
  'Popen',
  'create_subprocess_shell',
  'create_subprocess_exec',
  'spawn',
]);
const SPAWN_MODULES = new Set(['subprocess', 'os', 'asyncio', 'pty', 'commands']);
const SPAWN_PREFIX = /^(exec|spawn)[lv]p?e?$/;
const STATEMENT_KEYWORDS = new Set([
  'def',
  'class',
  'if',
  'elif',
  'else',
  'while',
  'for',
  'with',
  'lambda',
  'return',
  'assert',
  'import',
  'from',
  'try',
  'except',
  'finally',
  'raise',
  'pass',
  'del',
  'global',
  'nonlocal',
  'yield',
  'async',
  'await',
  'print',
]);

export function readPython(text: string, pos = positionsOf(text), keep: Keep = keepAll, depth = 0): Assignment[] {
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
  // A walrus binding (`if (mode := "EXECUTE"):`) binds the name like a statement does.
  // Names bound once to a dict literal (SETTINGS = {...}) are kept by the index of their `{`.
  const constants = new Map<string, CodeTok | null>();
  const dicts = new Map<string, number | null>();
  for (let j = 0; j < T.length; j++) {
    if (!is(j, 'name')) continue;
    const walrus = p(j + 1, ':=');
    if (!walrus && (!(j === 0 || is(j - 1, 'nl')) || !p(j + 1, '='))) continue;
    const name = T[j]!.value;
    const e = literalEnd(j + 2);
    const lit = literalAt(j + 2) && (walrus ? endsExpr(e) : is(e, 'nl') || e >= T.length) ? T[j + 2]! : null;
    const prev = constants.get(name);
    constants.set(name, prev === undefined ? lit : prev && lit && prev.value === lit.value ? prev : null);
    if (!walrus) dicts.set(name, dicts.has(name) || !p(j + 2, '{') ? null : j + 2);
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
  const environNames = new Set(['environ', 'environb']);
  const environAt = new Set<number>();
  const isEnviron = (i: number) => environAt.has(i) || (is(i, 'name') && environNames.has(T[i]!.value) && !p(i - 1, 'def') && !p(i + 1, '='));
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < T.length; j++) {
      if ((is(j, 'name', 'environ') || is(j, 'name', 'environb')) && is(j + 1, 'name', 'as') && is(j + 2, 'name') && (is(j - 1, 'name', 'import') || p(j - 1, ',')))
        environNames.add(T[j + 2]!.value);
      if (is(j, 'name', 'getattr') && p(j + 1, '(') && is(j + 2, 'name') && p(j + 3, ',') && (is(j + 4, 'string', 'environ') || is(j + 4, 'string', 'environb')) && p(j + 5, ')'))
        environAt.add(j + 5);
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

  // Loops over a literal dict: for k, v in {"K": "V"}.items(): … environ[k] = v
  const loops = new Map<string, number>();
  for (let j = 0; j < T.length; j++) {
    if (is(j, 'name', 'for') && is(j + 1, 'name') && p(j + 2, ',') && is(j + 3, 'name') && is(j + 4, 'name', 'in') && p(j + 5, '{')) {
      const close = entriesEnd(j + 5);
      if (p(close + 1, '.') && is(close + 2, 'name', 'items') && p(close + 3, '(') && p(close + 4, ')')) loops.set(`${T[j + 1]!.value}\0${T[j + 3]!.value}`, j + 5);
    }
  }
  const spawnImported = new Set<string>();
  for (const m of text.matchAll(/\bfrom\s+(?:subprocess|os|asyncio|pty)\s+import\s+([^\n]+)/g)) for (const n of m[1]!.split(/[\s,()]+/)) if (n) spawnImported.add(n);

  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    if (t.kind === 'name') {
      const prev = T[i - 1];
      const next = T[i + 1];
      const atStart = !prev || prev.kind === 'nl' || (prev.kind === 'punct' && prev.value === ';');
      const call = next?.kind === 'punct' && next.value === '(';
      // Statements: each target of `t1 = t2 = … = value`, `a, b = v1, v2`, `t: T = v` is read
      // from the statement's target lists (environ["K"] among them).
      if (atStart || (prev.kind === 'punct' && prev.value === ':' && (isEnviron(i) || isEnviron(i + 2)))) statement(i);
      // exec("…") / eval("…") / compile("…", …) of a literal: the text is Python the interpreter runs
      if (
        call &&
        (t.value === 'exec' || t.value === 'eval' || t.value === 'compile') &&
        !p(i - 1, '.') &&
        !p(i - 1, 'def') &&
        is(i + 2, 'string') &&
        !T[i + 2]!.dynamic &&
        (p(i + 3, ')') || p(i + 3, ',')) &&
        depth < 3
      ) {
        const at = pos(T[i + 2]!.start);
        for (const a of readPython(T[i + 2]!.value, () => at, keep, depth + 1)) out.push({ ...a, syntax: `python-exec/${a.syntax}` });
        continue;
      }
      // subprocess / os.system / os.exec*: a command line read as shell, an argv list as its words
      if (call && depth < 3 && (SPAWNERS.has(t.value) || SPAWN_PREFIX.test(t.value))) {
        const viaModule = p(i - 1, '.') && is(i - 2, 'name') && SPAWN_MODULES.has(T[i - 2]!.value);
        if (viaModule || (!p(i - 1, '.') && spawnImported.has(t.value))) spawnCall(i + 1);
      }
      // A list of "K=V" strings bound to an env-ish name (gunicorn raw_env = ["K=V"], env = [...])
      if (atStart && next?.kind === 'punct' && (next.value === '=' || next.value === ':') && p(i + 2, '[') && ENV_NAME.test(t.value)) kvList(i + 2);
    } else if (i === 0 && (p(i, '(') || p(i, '['))) statement(i);
    else if (t.kind === 'punct' && (t.value === '(' || t.value === '[') && (is(i - 1, 'nl') || p(i - 1, ';'))) statement(i);
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
        // update({"K": "V"}), update(K="V"), update(**{…}), update(SETTINGS) (a name bound
        // once to a dict literal) or update([("K", "V"), …])
        if (p(i + 4, '[') || p(i + 4, '(')) pairs(i + 4);
        const named = is(i + 4, 'name') && p(i + 5, ')') ? dicts.get(T[i + 4]!.value) : undefined;
        if (named != null) entries(named, 'python-environ-update');
        entries(p(i + 4, '{') ? i + 4 : p(i + 4, '**') && p(i + 5, '{') ? i + 5 : i + 3, 'python-environ-update');
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

  /** Index of the bracket closing the one opened at `open`. */
  function entriesEnd(open: number): number {
    let d = 0;
    for (let j = open; j < T.length; j++) {
      if (p(j, '(') || p(j, '[') || p(j, '{')) d++;
      else if ((p(j, ')') || p(j, ']') || p(j, '}')) && --d === 0) return j;
    }
    return T.length;
  }

  /** Splits [from, to) at top-level commas into [start, end) items, brackets around the whole stripped. */
  function items(from: number, to: number, unwrap = true): [number, number][] {
    while (unwrap && (p(from, '(') || p(from, '[')) && entriesEnd(from) === to - 1) {
      from++;
      to--;
    }
    const out: [number, number][] = [];
    let d = 0;
    let s = from;
    for (let j = from; j < to; j++) {
      if (p(j, '(') || p(j, '[') || p(j, '{')) d++;
      else if (p(j, ')') || p(j, ']') || p(j, '}')) d--;
      else if (d === 0 && p(j, ',')) {
        out.push([s, j]);
        s = j + 1;
      }
    }
    if (s < to) out.push([s, to]);
    return out;
  }

  /** The statement starting at `start`: its `=`-separated target lists and the value list. */
  function statement(start: number): void {
    const first = T[start]!;
    if (first.kind === 'name' ? STATEMENT_KEYWORDS.has(first.value) : !(first.kind === 'punct' && (first.value === '(' || first.value === '['))) return;
    let end = start;
    let d = 0;
    const eqs: number[] = [];
    let colon = -1;
    let env = false;
    for (; end < T.length; end++) {
      const u = T[end]!;
      if (u.kind === 'nl') break;
      if (u.kind !== 'punct') {
        if (!env && u.kind === 'name' && environNames.has(u.value)) env = true;
        continue;
      }
      if (!env && environAt.has(end)) env = true;
      if (u.value === '(' || u.value === '[' || u.value === '{') d++;
      else if (u.value === ')' || u.value === ']' || u.value === '}') d--;
      else if (d !== 0) continue;
      else if (u.value === ';') break;
      else if (u.value === '=') eqs.push(end);
      else if (u.value === ':' && eqs.length === 0 && colon === -1) colon = end;
    }
    // only a statement whose targets reach an environ is read further
    if (eqs.length === 0 || !env) return;
    const valueItems = items(eqs[eqs.length - 1]! + 1, end);
    const bounds = [start, ...eqs];
    for (let k = 0; k < eqs.length; k++) {
      // an annotated target (`x[k]: T = v`) ends at its colon
      const to = k === 0 && colon !== -1 && colon < eqs[0]! ? colon : eqs[k]!;
      const targets = items(k === 0 ? start : bounds[k]! + 1, to);
      targets.forEach(([, b], n) => {
        // the target ends in <environ>[KEY] (the environ expression: os.environ, an alias, getattr(…))
        if (!(isEnviron(b - 4) && p(b - 3, '[') && p(b - 1, ']'))) return;
        const val: [number, number] | undefined = targets.length === valueItems.length ? valueItems[n] : targets.length === 1 ? [eqs[eqs.length - 1]! + 1, end] : undefined;
        if (!val) return;
        if (is(b - 2, 'string')) {
          const v = valueTok(val[0]);
          if (v && (literalEnd(val[0]) === val[1] || (is(val[0], 'name') && val[1] === val[0] + 1))) emit(T[b - 2]!, v, 'python-environ');
        } else if (is(b - 2, 'name') && is(val[0], 'name') && val[1] === val[0] + 1) {
          const dict = loops.get(`${T[b - 2]!.value}\0${T[val[0]]!.value}`);
          if (dict !== undefined) entries(dict, 'python-environ-loop');
        }
      });
    }
  }

  /** The arguments of a process-starting call at `open`: a string is a shell command line, a list an argv. */
  function spawnCall(open: number): void {
    const close = entriesEnd(open);
    const shell = T.slice(open, close).some((u, k) => u.kind === 'name' && u.value === 'shell' && p(open + k + 1, '=') && is(open + k + 2, 'name', 'True'));
    for (const [a, b] of items(open + 1, close, false)) {
      if (is(a, 'string') && b === a + 1 && !T[a]!.dynamic) {
        const at = pos(T[a]!.start);
        // a string is the command line of a shell (shell=True, os.system, os.popen) or argv[0]
        for (const x of readShell(T[a]!.value, () => at, keep, 1)) out.push({ ...x, syntax: `python-shell/${x.syntax}` });
        if (!shell) continue;
        return;
      }
      if (p(a, '[') || p(a, '(')) {
        const words: string[] = [];
        for (const [c, e] of items(a, b)) {
          if (!is(c, 'string') || e !== c + 1 || T[c]!.dynamic) break;
          words.push(`'${T[c]!.value.replace(/'/g, "'\\''")}'`);
        }
        const at = pos(T[a]!.start);
        if (words.length > 0) for (const x of readShell(words.join(' '), () => at, keep, 1)) out.push({ ...x, syntax: `python-argv/${x.syntax}` });
        return;
      }
    }
  }

  /** "K=V" strings at the top level of the list opened at `open`. */
  function kvList(open: number): void {
    for (const [a, b] of items(open, entriesEnd(open) + 1)) {
      if (!is(a, 'string') || b !== a + 1 || T[a]!.dynamic) continue;
      const m = /^([A-Za-z_][A-Za-z0-9_.]*)=/.exec(T[a]!.value);
      if (!m || !keep(m[1]!)) continue;
      const k = pos(T[a]!.start + 1);
      const v = pos(T[a]!.start + 1 + m[0].length);
      out.push({
        key: m[1]!,
        value: T[a]!.value.slice(m[0].length),
        dynamic: false,
        line: v.line,
        column: v.column,
        keyLine: k.line,
        keyColumn: k.column,
        syntax: 'python-env-list',
      });
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
