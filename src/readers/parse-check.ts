// Parse checks: does a changed file parse? One function per language, each returning the
// position of the first error (UTF-16 offset into the blob's text) or null.
//
//   checkJson(text, {comments})  strict JSON (RFC 8259); with `comments` JSONC as tsconfig and
//                                VS Code read it (// and /* */ comments, trailing commas)
//   checkTsJs(blob, path)        @babel/parser 7 (typescript / jsx plugins by extension; TypeScript-only
//                                syntax in .js is an error); loaded lazily, only when a TS/JS file is checked
//   checkYaml(blob)              the shared YAML loader's errors (the same parse every YAML rule uses)
//   checkPython(blob)            in-process: tree-sitter-python errors, compile checks, CPython's
//                                post-parse errors (firstStrictError), NUL bytes
//   shellKind(path, text)        'bash' / 'sh' scripts checked with `bash -n` (import-hygiene)
//
// No parser is loaded at import time.
import type { Blob } from '../changeset/blob.js';
import { firstCompileError, parsePythonBlob, queryPython, type PyNode, type PyTree } from './python.js';
import { loadYamlDocuments } from './yaml.js';

export interface ParseProblem {
  /** UTF-16 offset of the first error in the text (ignored when line/column are given). */
  offset: number;
  /** Set when the parser reports a line/column rather than an offset (YAML). */
  line?: number;
  column?: number;
  message: string;
}

export type ParseLanguage = 'python' | 'typescript' | 'javascript' | 'yaml' | 'json' | 'jsonc' | 'shell';

// ---------------------------------------------------------------------------------------------
// Language of a path.

const EXT_LANG: Record<string, ParseLanguage> = {
  py: 'python',
  pyi: 'python',
  pyw: 'python',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'jsonc',
  sh: 'shell',
  bash: 'shell',
};

/** Language by file name, or null (extensionless files: see `isPythonShebang`). */
export function languageOf(path: string): ParseLanguage | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  return EXT_LANG[base.slice(dot + 1).toLowerCase()] ?? null;
}

/** True for a file without extension whose first line is a Python shebang. */
export function isPythonShebang(text: string): boolean {
  if (!text.startsWith('#!')) return false;
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  return /^#!\s*\S*(?:\/|\s)(?:env\s+(?:-\S+\s+)*)?python[0-9.]*\b/.test(first) || /^#!\s*\S*\/python[0-9.]*\b/.test(first);
}

/** True for a first line `#!/bin/sh`, `#!/bin/bash`, `#!/usr/bin/env bash` (not zsh, ksh, fish). */
export function isShellShebang(text: string): boolean {
  if (!text.startsWith('#!')) return false;
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  return /^#!\s*(?:\S*\/)?(?:env\s+(?:-\S+\s+)*)?(?:ba)?sh(?:\s|$)/.test(first) || /^#!\s*\S*\/(?:ba)?sh(?:\s|$)/.test(first);
}

/** True when a path has no extension in its last segment (`scripts/run`, not `.envrc`). */
export function hasNoExtension(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.lastIndexOf('.') <= 0;
}

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

// ---------------------------------------------------------------------------------------------
// TypeScript / JavaScript: @babel/parser 7 (~0.5 MB, loaded on the first TS/JS file), syntax
// only. It reports ECMAScript early errors (a redeclared `let`, `break` outside a loop, an
// invalid assignment target) that TypeScript's parser leaves to its checker; TypeScript-only
// syntax in a JS file fails to parse because JS files are parsed without the typescript plugin.

type BabelParser = typeof import('@babel/parser');
type BabelPlugin = import('@babel/parser').ParserPlugin;
type BabelOptions = import('@babel/parser').ParserOptions;
let babelModule: Promise<BabelParser> | undefined;

/** Loads @babel/parser once (lazily). */
function loadBabelParser(): Promise<BabelParser> {
  if (!babelModule) {
    babelModule = import('@babel/parser')
      .then((m) => {
        // CommonJS: named exports through Node's static analysis, or only under `default` when bundled.
        return (typeof m.parse === 'function' ? m : (m as unknown as { default: BabelParser }).default) as BabelParser;
      })
      .catch((e: unknown) => {
        babelModule = undefined;
        throw e;
      });
  }
  return babelModule;
}

type Dialect = 'ts' | 'tsx' | 'dts' | 'js';

function dialectOf(path: string): Dialect {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const ext = base.slice(base.lastIndexOf('.') + 1);
  if (ext === 'tsx') return 'tsx';
  if (ext === 'ts' || ext === 'mts' || ext === 'cts') {
    // Declaration files: x.d.ts, x.d.mts, x.d.cts and x.d.<ext>.ts (arbitrary extensions).
    return /\.d(?:\.[^.]+)?\.[cm]?ts$/.test(base) ? 'dts' : 'ts';
  }
  return 'js';
}

// Decorators: TypeScript parses both the stage-3 form (`export @dec class`) and the legacy one
// (`experimentalDecorators`: parameter decorators, `@a[0]`); Babel has one plugin for each and
// they exclude each other, so TS files are parsed with the legacy plugin and, when that fails
// on a file with an `@`, again with the stage-3 one. JS files: stage-3 only (TypeScript rejects
// parameter decorators in JS too).
const COMMON_PLUGINS: BabelPlugin[] = [
  'decoratorAutoAccessors', // `accessor x` (TypeScript 4.9+)
  'deferredImportEvaluation', // `import defer * as ns from` (TypeScript 5.9+)
  'deprecatedImportAssert', // `import … assert {type: 'json'}`, still parsed by TypeScript
];

function pluginSets(dialect: Dialect, hasAt: boolean): BabelPlugin[][] {
  if (dialect === 'js') return [['jsx', 'decorators', ...COMMON_PLUGINS]];
  const ts: BabelPlugin = dialect === 'dts' ? ['typescript', { dts: true }] : 'typescript';
  const base: BabelPlugin[] = dialect === 'tsx' ? [ts, 'jsx', ...COMMON_PLUGINS] : [ts, ...COMMON_PLUGINS];
  const sets = [[...base, 'decorators-legacy' as BabelPlugin]];
  if (hasAt) sets.push([...base, 'decorators']);
  return sets;
}

/** Parse error as Babel throws it (a SyntaxError with a position). */
interface BabelError {
  message: string;
  pos?: number;
  loc?: { line: number; column: number; index?: number };
}

function errorOffset(e: BabelError): number {
  return e.loc?.index ?? e.pos ?? 0;
}

/** Babel's message without its trailing " (line:column)". */
function errorMessage(e: BabelError): string {
  return e.message.replace(/ \(\d+:\d+\)$/, '');
}

/**
 * First syntax error of a TS/JS file, or null. Each attempt is one parse with
 * `errorRecovery: false` (it stops at the first error): as a module first, then (except .mjs and
 * .mts, which are modules by definition) as a script (sloppy mode, top-level `return` as in
 * CommonJS), each with every decorator plugin set the dialect allows. The file parses when one
 * attempt succeeds; otherwise the error reported is the one the furthest-reaching attempt
 * stopped at (the reading closest to the author's: `with` in a script, a real error after an
 * `import`, a parameter decorator). Valid files cost one parse; only broken (or sloppy-mode)
 * files pay for the others.
 */
export async function checkTsJs(blob: Blob, path: string): Promise<ParseProblem | null> {
  const dialect = dialectOf(path);
  // .mjs / .mts are ES modules by definition: no script fallback.
  const moduleOnly = /\.m[jt]s$/i.test(path);
  return blob.parseAsync(`parse-check:ts-js:${dialect}${moduleOnly ? ':module' : ''}`, async (b) => {
    const { parse } = await loadBabelParser();
    const text = b.text;
    const attempt = (plugins: BabelPlugin[], sourceType: 'module' | 'script'): BabelError | null => {
      const options: BabelOptions = {
        sourceType,
        errorRecovery: false,
        attachComment: false,
        plugins,
        // A TypeScript `export { x }` may name an ambient or global declaration the parser does
        // not see (TypeScript resolves it in its checker); in JS it must be declared in the file.
        allowUndeclaredExports: dialect !== 'js',
      };
      if (sourceType === 'script') {
        options.allowReturnOutsideFunction = true;
        options.allowNewTargetOutsideFunction = true;
      }
      try {
        parse(text, options);
        return null;
      } catch (e) {
        if (e instanceof SyntaxError) return e as BabelError;
        throw e;
      }
    };

    const sets = pluginSets(dialect, text.includes('@'));
    let best: BabelError | null = null;
    for (const sourceType of moduleOnly ? (['module'] as const) : (['module', 'script'] as const)) {
      for (const plugins of sets) {
        const e = attempt(plugins, sourceType);
        if (!e) return null;
        if (!best || errorOffset(e) > errorOffset(best)) best = e;
      }
    }
    const err = best!;
    let message = errorMessage(err);
    if (dialect === 'js' && parsesAsTypeScript(parse, text, moduleOnly)) {
      message += ' (TypeScript syntax in a JavaScript file)';
    }
    return { offset: errorOffset(err), message };
  });
}

/** For a JS file that does not parse: does it parse as TSX (TypeScript-only syntax in JS)? */
function parsesAsTypeScript(parse: BabelParser['parse'], text: string, moduleOnly: boolean): boolean {
  for (const sourceType of moduleOnly ? (['module'] as const) : (['module', 'script'] as const)) {
    try {
      parse(text, {
        sourceType,
        errorRecovery: false,
        attachComment: false,
        allowUndeclaredExports: true,
        allowReturnOutsideFunction: sourceType === 'script',
        plugins: ['typescript', 'jsx', 'decorators-legacy', ...COMMON_PLUGINS],
      });
      return true;
    } catch {
      /* next */
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// YAML.

/**
 * A Go/Helm or Jinja template rather than YAML: a line that starts (after indentation) with
 * `{{` or `{%`. Such files are only YAML after rendering, so they are not parse-checked.
 */
export function isTemplatedYaml(text: string): boolean {
  return /^[ \t]*(?:-[ \t]+)?\{[{%]/m.test(text);
}

export async function checkYaml(blob: Blob): Promise<ParseProblem | null> {
  const r = await loadYamlDocuments(blob);
  const e = r.errors[0];
  if (!e) return null;
  return { offset: 0, line: e.line, column: e.column, message: e.message };
}

// ---------------------------------------------------------------------------------------------
// Python.

/**
 * The in-process Python check (used when python3 is not available): tree-sitter's syntax
 * errors and the compile checks of `firstCompileError`, plus the errors CPython's compiler
 * raises after parsing that tree-sitter's grammar accepts (`firstStrictError`) and NUL bytes.
 * The earliest problem wins.
 */
export async function checkPython(blob: Blob): Promise<ParseProblem | null> {
  const nul = blob.text.indexOf('\0');
  if (nul !== -1) return { offset: nul, message: 'source code cannot contain null bytes' };
  const tree = await parsePythonBlob(blob);
  const strict = await blob.parseAsync('parse-check:python-strict', async (b) => firstStrictError(tree, b.text));
  const basic = blob.parse('parse-check:python', (b) => firstCompileError(tree, b.text));
  if (!strict) return basic;
  if (!basic) return strict;
  return strict.offset < basic.offset ? strict : basic;
}

const STRICT_QUERY = `
(parameters) @params
(lambda_parameters) @params
(nonlocal_statement) @nonlocal
(yield) @yield
(await) @await
(delete_statement) @del
(assignment left: (list_splat_pattern) @star)
(for_statement left: (list_splat_pattern) @star)
(integer) @int
`;

const FUNCTION_SCOPES = new Set(['function_definition', 'lambda']);

function inFunction(node: PyNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_SCOPES.has(p.type)) return true;
  return false;
}

const DELETABLE = new Set(['identifier', 'attribute', 'subscript']);
const DELETE_GROUPS = new Set(['expression_list', 'tuple', 'list', 'parenthesized_expression', 'pattern_list', 'tuple_pattern', 'list_pattern']);

function badDeleteTarget(node: PyNode): PyNode | null {
  if (DELETABLE.has(node.type)) return null;
  if (DELETE_GROUPS.has(node.type)) {
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const bad = badDeleteTarget(c);
      if (bad) return bad;
    }
    return null;
  }
  return node;
}

function describeTarget(node: PyNode): string {
  switch (node.type) {
    case 'call':
      return 'function call';
    case 'integer':
    case 'float':
    case 'string':
    case 'concatenated_string':
    case 'true':
    case 'false':
    case 'none':
      return 'literal';
    default:
      return 'expression';
  }
}

/** Name a parameter node binds, and whether it has a default / is a splat or a separator. */
function paramInfo(p: PyNode): { name: string | null; kind: 'plain' | 'default' | 'star' | 'sep' | 'slash' | 'other' } {
  switch (p.type) {
    case 'identifier':
      return { name: p.text, kind: 'plain' };
    case 'typed_parameter': {
      const first = p.namedChildren[0];
      if (first && (first.type === 'list_splat_pattern' || first.type === 'dictionary_splat_pattern')) {
        return { name: first.namedChildren[0]?.text ?? null, kind: 'star' };
      }
      return { name: first?.type === 'identifier' ? first.text : null, kind: 'plain' };
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return { name: p.childForFieldName('name')?.text ?? null, kind: 'default' };
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return { name: p.namedChildren[0]?.text ?? null, kind: 'star' };
    case 'keyword_separator':
      return { name: null, kind: 'sep' };
    case 'positional_separator':
      return { name: null, kind: 'slash' };
    default:
      return { name: null, kind: 'other' };
  }
}

/**
 * Errors CPython's compiler raises on code tree-sitter parses: a parameter without a default
 * after one with a default, a duplicate parameter, `nonlocal` outside a function, `yield` /
 * `await` outside a function, `del` of a call or literal, a starred assignment target that is
 * not inside a list or tuple, decimal literals with leading zeros (`0777`). The earliest wins.
 */
async function firstStrictError(tree: PyTree, _text: string): Promise<ParseProblem | null> {
  const caps = await queryPython(tree, STRICT_QUERY);
  let best: ParseProblem | null = null;
  const consider = (offset: number, message: string) => {
    if (best === null || offset < best.offset) best = { offset, message };
  };
  for (const { name, node } of caps) {
    if (best !== null && node.startIndex > (best as ParseProblem).offset) continue;
    switch (name) {
      case 'params': {
        const seen = new Set<string>();
        let sawDefault = false;
        let keywordOnly = false;
        for (const p of node.namedChildren) {
          if (!p || p.type === 'comment') continue;
          const info = paramInfo(p);
          if (info.name !== null) {
            if (seen.has(info.name)) {
              consider(p.startIndex, `duplicate argument '${info.name}' in function definition`);
              break;
            }
            seen.add(info.name);
          }
          if (info.kind === 'default') sawDefault = true;
          else if (info.kind === 'star' || info.kind === 'sep') keywordOnly = true;
          else if (info.kind === 'plain' && sawDefault && !keywordOnly) {
            consider(p.startIndex, 'non-default argument follows default argument');
            break;
          }
        }
        break;
      }
      case 'nonlocal':
        if (!inFunction(node)) consider(node.startIndex, 'nonlocal declaration not allowed at module level');
        break;
      case 'yield':
        if (!inFunction(node)) consider(node.startIndex, "'yield' outside function");
        break;
      case 'await':
        if (!inFunction(node)) consider(node.startIndex, "'await' outside function");
        break;
      case 'del':
        for (const t of node.namedChildren) {
          if (!t || t.type === 'comment') continue;
          const bad = badDeleteTarget(t);
          if (bad) {
            consider(bad.startIndex, `cannot delete ${describeTarget(bad)}`);
            break;
          }
        }
        break;
      case 'star':
        consider(node.startIndex, 'starred assignment target must be in a list or tuple');
        break;
      case 'int':
        if (/^0[0-9_]*[1-9][0-9_]*$/.test(node.text)) {
          consider(node.startIndex, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers');
        }
        break;
    }
  }
  return best;
}
