// web-tree-sitter, initialised once per process. Every grammar (Python, bash) must share one
// initialised module: a second `Parser.init()` replaces the wasm instance under parsers that
// already exist.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedded } from '../embedded.js';
import type { Language } from 'web-tree-sitter';

type TreeSitter = typeof import('web-tree-sitter');

let modulePromise: Promise<TreeSitter> | undefined;
const languages = new Map<string, Promise<Language>>();

export function treeSitter(): Promise<TreeSitter> {
  if (!modulePromise) {
    modulePromise = (async () => {
      const ts = await import('web-tree-sitter');
      await ts.Parser.init();
      return ts;
    })().catch((e: unknown) => {
      modulePromise = undefined;
      throw e;
    });
  }
  return modulePromise;
}

/** A grammar shipped as `<package>/<file>.wasm`, loaded once; resolvable from src/ and the bundle. */
export function treeSitterLanguage(wasmSpecifier: string): Promise<Language> {
  let p = languages.get(wasmSpecifier);
  if (!p) {
    // The one-file server bundle ships every grammar beside itself.
    const path = embedded ? fileURLToPath(new URL(basename(wasmSpecifier), import.meta.url)) : createRequire(import.meta.url).resolve(wasmSpecifier);
    p = treeSitter().then((ts) => ts.Language.load(path));
    p.catch(() => languages.delete(wasmSpecifier));
    languages.set(wasmSpecifier, p);
  }
  return p;
}
