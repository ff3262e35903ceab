import type { Blob } from '../../changeset/blob.js';
import type { ParseProblem } from './languages.js';

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
