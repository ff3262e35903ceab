// import-hygiene (Gate A): sys.path mutations in runtime-scope Python, and changed Python,
// TS/JS, YAML and JSON files that do not parse.
//
// Cost: every changed file of those types is parsed once (the parse is shared with every other
// rule through the blob). tree-sitter-python loads in ~40-50 ms on first use; @babel/parser
// (~0.5 MB, ~40 ms) only when a TS/JS file changed; YAML through the shared loader.
import type { Blob } from '../../changeset/blob.js';
import type { FileChange } from '../../changeset/types.js';
import {
  checkJson,
  checkPython,
  checkTsJs,
  checkYaml,
  hasNoExtension,
  isPythonShebang,
  isTemplatedYaml,
  languageOf,
  type ParseLanguage,
  type ParseProblem,
} from '../_shared/parse-check.js';
import { parsePythonBlob } from '../_shared/python.js';
import { defineRule, type FileView, type Report, type RuleContext } from '../types.js';
import type { ImportHygieneOptions } from './options.js';
import { findSysPathMutations, mayMutateSysPath, type SysPathMutation } from './sys-path.js';

const DOCS = `Gate A (import hygiene) of the AgentTrader v2 CI/CD safety gates: no import-time hacks in
runtime code, and nothing that does not even parse.

import-hygiene          sys.path mutation in runtime-scope Python, read from the syntax tree
                        (comments and strings never match): sys.path.insert/append/extend/remove/
                        pop/clear/…, sys.path[i] = …, sys.path[:0] = …, del sys.path[i],
                        sys.path += …, sys.path = …, site.addsitedir(…), setattr(sys, "path", …),
                        through aliases (import sys as s; from sys import path [as p];
                        from sys import *; import site as st; from site import addsitedir;
                        p = sys.path), and the module or its path reached without their
                        names: __import__("sys"), importlib.import_module("sys"),
                        sys.modules["sys"], getattr(sys, "path"), vars(sys)["path"],
                        sys.__dict__["path"], list.insert(sys.path, …) (unbound mutators).
                        Out of reach (computed at run time): getattr(sys, name),
                        __import__(modname), exec/eval of strings, a path list passed to
                        another module that mutates it. By default only mutations the change adds are reported
                        (Gate A: "no new sys.path mutation"): one already in the previous version
                        of the file (same code) is not; a file renamed into the runtime scope is
                        new to it.
import-hygiene/syntax   a changed file that does not parse, at the first error (in a push, the
                        last version of each path: one a later pushed commit changes again
                        does not land):
                          Python     tree-sitter-python in-process (no interpreter), plus what
                                     compileall rejects and tree-sitter accepts: an empty block,
                                     inconsistent indentation, misaligned else/except/finally,
                                     Python 2 print/exec statements, return outside a function,
                                     break/continue outside a loop. Extensionless files with a
                                     python shebang count as Python.
                          TS / JS    @babel/parser (syntax only, no type checking), with
                                     ECMAScript's early errors (a redeclared let/const, break
                                     outside a loop, an invalid assignment target);
                                     TypeScript-only syntax in .js files is an error
                          YAML       every document; duplicate keys and unknown tags (!Ref) are
                                     fine; Helm/Jinja templates (a line starting with {{ or {%)
                                     are not YAML until rendered and are skipped
                          JSON       strict; JSONC (comments, trailing commas) for the files the
                                     option parse_check.jsonc names (tsconfig, .vscode, *.jsonc, …)
                        Not caught (compile-time checks beyond syntax): e.g. a default argument
                        before a non-default one, or 0777 literals.

Options (rules.import-hygiene.options)
  sys_path           true | false
  sys_path_report    new (default) | all
  parse_check        {enabled, languages: [python, typescript, javascript, yaml, json],
                      exclude: [globs] (default: node_modules, vendor, third_party, *.min.js,
                      testdata, fixtures), jsonc: [globs]}
  scope              {include?, exclude?} replaces the runtime scope lists for the sys.path check

Fix: make the code importable without path hacks (a package with absolute imports, an installed
distribution, or PYTHONPATH set by the entrypoint's environment); fix the syntax error at the
reported position.`;

const LANG_NAME: Record<ParseLanguage, string> = {
  python: 'Python',
  typescript: 'TypeScript',
  javascript: 'JavaScript',
  yaml: 'YAML',
  json: 'JSON',
  jsonc: 'JSONC',
};

export const importHygiene = defineRule<ImportHygieneOptions>({
  meta: {
    id: 'import-hygiene',
    family: 'import hygiene',
    description: 'Blocks sys.path mutations in runtime-scope Python and changed files that do not parse (Gate A).',
    defaultSeverity: 'block',
    docs: DOCS,
    subRules: ['syntax'],
  },
  create(ctx: RuleContext<ImportHygieneOptions>) {
    const o = ctx.options;
    const inScope = ctx.paths.runtimeScope(o.scope);
    const pc = o.parse_check;
    const excluded = ctx.paths.glob(pc.exclude);
    const jsonc = ctx.paths.glob(pc.jsonc);
    const langs = new Set<string>(pc.languages);

    const parseChecked = (path: string, lang: ParseLanguage): boolean => {
      if (!pc.enabled || excluded(path)) return false;
      return langs.has(lang === 'jsonc' ? 'json' : lang);
    };

    const languageFor = (path: string, blob: Blob): ParseLanguage | null => {
      const l = languageOf(path);
      if (l === 'json' && jsonc(path)) return 'jsonc';
      if (l) return l;
      if (hasNoExtension(path) && isPythonShebang(blob.text)) return 'python';
      return null;
    };

    const parseProblem = async (blob: Blob, path: string, lang: ParseLanguage): Promise<ParseProblem | null> => {
      switch (lang) {
        case 'python':
          return checkPython(blob);
        case 'typescript':
        case 'javascript':
          return checkTsJs(blob, path);
        case 'yaml':
          return isTemplatedYaml(blob.text) ? null : checkYaml(blob);
        case 'json':
          return checkJson(blob.text);
        case 'jsonc':
          return checkJson(blob.text, { comments: true });
      }
    };

    /** Mutations in `blob` (parsed once, shared). */
    const mutations = async (blob: Blob): Promise<SysPathMutation[]> => {
      if (!mayMutateSysPath(blob.text)) return [];
      const tree = await parsePythonBlob(blob);
      return blob.parseAsync('import-hygiene:sys-path', async (b) => findSysPathMutations(tree, b.text));
    };

    return {
      // No keywords: parse checks read every file of their types.
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        // Superseded versions only matter for the sys.path check of runtime-scope Python.
        if (change.superseded && !(languageOf(change.path) === 'python' && inScope(change.path))) return false;
        if (languageOf(change.path) !== null) return true;
        return hasNoExtension(change.path) && inScope(change.path);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || blob.isBinary) return;
        const path = file.path;
        const lang = languageFor(path, blob);
        if (!lang) return;

        // Gate A is about what lands: a version that a later commit of the same push changes
        // again is not parsed (a file broken in one commit and fixed in the next lands fixed).
        if (parseChecked(path, lang) && !file.change.superseded) {
          const p = await parseProblem(blob, path, lang);
          if (p) {
            const pos = p.line !== undefined ? { line: p.line, column: p.column ?? 1 } : blob.position(p.offset);
            report({
              subRule: 'syntax',
              message: `${path} does not parse as ${LANG_NAME[lang]}: ${p.message}`,
              path,
              line: pos.line,
              column: pos.column,
              remediation: `fix the syntax error at line ${pos.line}, column ${pos.column}`,
            });
          }
        }

        if (lang !== 'python' || !o.sys_path || !inScope(path)) return;
        const found = await mutations(blob);
        if (found.length === 0) return;
        let fresh = found;
        if (o.sys_path_report === 'new') {
          const oldPath = file.change.oldPath;
          const oldInScope = oldPath !== null && inScope(oldPath);
          const old = oldInScope ? await file.oldBlob() : null;
          if (old && !old.isBinary) {
            const before = new Map<string, number>();
            for (const m of await mutations(old)) before.set(m.key, (before.get(m.key) ?? 0) + 1);
            fresh = found.filter((m) => {
              const n = before.get(m.key) ?? 0;
              if (n > 0) {
                before.set(m.key, n - 1);
                return false;
              }
              return true;
            });
          }
        }
        for (const m of fresh) {
          const pos = blob.position(m.offset);
          report({
            message: `sys.path mutation in runtime scope: ${m.code}`,
            path,
            line: pos.line,
            column: pos.column,
            remediation:
              'remove the sys.path change; import through the package (absolute imports, an installed package, or PYTHONPATH set by the entrypoint)',
          });
        }
      },
    };
  },
});
