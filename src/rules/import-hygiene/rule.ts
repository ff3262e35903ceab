// import-hygiene (Gate A): sys.path mutations in runtime-scope Python, and changed Python,
// TS/JS, YAML and JSON files that do not parse.
//
// Cost: every changed file of those types is parsed once (the parse is shared with every other
// rule through the blob). Python goes to ONE python3 process per run (started only when a
// Python version needs checking; ~15-100 ms to start, answers collected in checkRun; on a
// machine with 2+ cores a second one once 2 MiB of source wait; each blob id compiled once); shell
// scripts to ONE bash process per run. tree-sitter-python loads in ~40-50 ms on first use; @babel/parser
// (~0.5 MB, ~40 ms) only when a TS/JS file changed; YAML through the shared loader.
import type { Blob } from '../../changeset/blob.js';
import type { FileChange, Snapshot } from '../../changeset/types.js';
import { GateError } from '../../errors.js';
import { isTreeScan, snapshotOfChanges } from '../../changeset/changes-snapshot.js';
import {
  checkJson,
  checkPython,
  checkTsJs,
  checkYaml,
  hasNoExtension,
  isPythonShebang,
  isShellShebang,
  isTemplatedYaml,
  languageOf,
  type ParseLanguage,
  type ParseProblem,
} from '../../readers/parse-check/index.js';
import { parsePythonBlob, parsePythonView, queryPython } from '../../readers/python.js';
import { pythonView } from '../../readers/python-source.js';
import { createRule, type FileView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { bashSyntaxCheck } from './bash-check.js';
import type { ImportHygieneOptions } from './options.js';
import { PythonCompilerPool, type CompileAnswer } from './python-compiler.js';
import { findSysPathMutations, mayMutateSysPath, type SysPathMutation } from './sys-path.js';
import { importHygieneMessages, importHygieneMsg, pythonProblem } from './messages.js';

type Report = RuleReport<typeof importHygieneMessages>;

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
import-hygiene/syntax   a changed file that does not parse, at the first error (in a push, each
                        version a ref lands: a version is skipped only when, on the way to every
                        pushed ref that contains it, a later commit changes the path again; a
                        fix on another branch of the same push does not hide it):
                          Python     Gate A is \`python -m compileall\`: CPython's own compiler.
                                     python3 on the machine ($SAFETY_GATE_PYTHON: a path, or off)
                                     runs ONCE per run, started on the first Python version to
                                     check and fed every version on stdin (a second one shares
                                     a big push on a 2+ core machine; identical bytes are
                                     compiled once); it only calls
                                     compile(source, path, 'exec', dont_inherit=True) — the code
                                     never runs, and the interpreter starts isolated (-I -S, in
                                     the temporary directory) so nothing of the checked tree is
                                     imported. So everything CPython rejects is reported:
                                     \`def f(a=1, b)\`, duplicate arguments, module-level
                                     nonlocal / yield / await, \`del f()\`, starred assignment
                                     targets, 0777, NUL bytes, bad source encodings, …
                                     The verdict is that interpreter's: set parse_check.
                                     python_version to the Python the project targets, and an
                                     older interpreter is not used.
                                     Without python3 (or python_compiler: builtin): in-process,
                                     tree-sitter-python plus what compileall rejects and
                                     tree-sitter accepts: an empty block, inconsistent
                                     indentation, misaligned else/except/finally, Python 2
                                     print/exec, return/break/continue outside their block, the
                                     errors listed above (defaults, duplicates, nonlocal/yield/
                                     await outside a function, del of a call or literal,
                                     starred targets, 0777, NUL). Not caught without python3:
                                     the rest of CPython's symbol-table and compiler checks
                                     (e.g. \`f(**a, *b)\`, assignment to a keyword argument
                                     twice, \`return\` with a value in an async generator,
                                     \`nonlocal\` of a name that is not bound in an enclosing
                                     function, a bad coding declaration).
                                     Extensionless files with a python shebang count as Python.
                          shell      \`bash -n\` (parse only, never run) for *.sh, *.bash and
                                     extensionless files with a sh/bash shebang (not zsh/ksh):
                                     all scripts of a run in ONE bash process. Without bash on
                                     the machine, shell scripts are not checked.
                          TS / JS    @babel/parser (syntax only, no type checking), with
                                     ECMAScript's early errors (a redeclared let/const, break
                                     outside a loop, an invalid assignment target);
                                     TypeScript-only syntax in .js files is an error
                          YAML       every document; duplicate keys and unknown tags (!Ref) are
                                     fine; Helm/Jinja templates (a line starting with {{ or {%)
                                     are not YAML until rendered and are skipped
                          JSON       strict; JSONC (comments, trailing commas) for the files the
                                     option parse_check.jsonc names (tsconfig, .vscode, *.jsonc, …)
import-hygiene/relative-import
                        a relative import (from . import x, from .m import y) in a runtime-scope
                        entrypoint script (a python shebang, or a top-level
                        if __name__ == "__main__":) whose directory has no __init__.py: run as a
                        file it fails with "attempted relative import with no known parent
                        package" (Gate A: absolute imports in non-package entrypoints).

Options (rules.import-hygiene.options)
  sys_path           true | false
  sys_path_report    new (default) | all
  parse_check        {enabled, languages: [python, typescript, javascript, yaml, json, shell],
                      exclude: [globs] (default: node_modules, vendor, third_party, *.min.js,
                      testdata, fixtures), jsonc: [globs],
                      python_compiler: auto (python3 when present) | builtin,
                      python_version: "3.12" (an older python3 is not used)}
  relative_imports   true | false
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
  shell: 'shell (bash -n)',
};

/** A top-level `if __name__ == "__main__":` (either operand order). */
const MAIN_GUARD = /^if[ \t]+(?:__name__[ \t]*==[ \t]*(['"])__main__\1|(['"])__main__\2[ \t]*==[ \t]*__name__)[ \t]*:/m;
const RELATIVE_FROM = /^[ \t]*from[ \t]+\./m;

/** A script run as a file (shebang or `__main__` guard): `__package__` is empty, relative imports fail. */
function isEntrypoint(text: string): boolean {
  return isPythonShebang(text) || MAIN_GUARD.test(text);
}

interface PendingPython {
  answer: Promise<CompileAnswer | 'unavailable'>;
  path: string;
  oid: string;
  /** Where its verdict is kept (RuleContext.verdicts), when there is a store. */
  verdictKey: string | null;
  /** Position of the first NUL byte (CPython 3.11 reports none). */
  nul: { line: number; column: number } | null;
  report: Report;
}

interface PendingShell {
  bytes: Buffer;
  path: string;
  report: Report;
}

interface PendingRelative {
  path: string;
  commit: string | null;
  line: number;
  column: number;
  code: string;
  report: Report;
}

export const importHygiene = createRule({
  meta: {
    id: 'import-hygiene',
    family: 'import hygiene',
    description: 'Blocks sys.path mutations in runtime-scope Python and changed files that do not parse (Gate A).',
    defaultSeverity: 'block',
    docs: DOCS,
    messages: importHygieneMessages,
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
      if (hasNoExtension(path) && isShellShebang(blob.text)) return 'shell';
      return null;
    };

    const parseProblem = async (blob: Blob, path: string, lang: ParseLanguage): Promise<ParseProblem | null> => {
      switch (lang) {
        case 'python':
          return checkPython(blob);
        case 'shell':
          return null;
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
      // Read as CPython reads it (coding cookie, lone CR, NFKC identifiers: sys.ｐａｔｈ is sys.path).
      const view = pythonView(blob);
      if (!mayMutateSysPath(view)) return [];
      const tree = await parsePythonView(blob);
      return blob.parseAsync('import-hygiene:sys-path', async () => findSysPathMutations(tree, view));
    };

    const compiler = pc.python_compiler === 'auto' ? new PythonCompilerPool({ minVersion: pc.python_version ?? null }) : null;
    const pendingPython: PendingPython[] = [];
    const pendingShell: PendingShell[] = [];
    const pendingRelative: PendingRelative[] = [];
    const handled = new Set<string>();

    // Verdicts kept across runs (the server's result cache): a parse check's answer depends on
    // the bytes, the language (and TS/JS dialect) and the options the store
    // is keyed by, and for Python on the interpreter's version. Shell is not kept (bash's
    // version is not part of the key).
    const verdicts = ctx.verdicts ?? null;
    // TS/JS: the name's suffix fixes the dialect (.tsx, .d.ts, .mjs: readers/parse-check/typescript.ts).
    const verdictKey = (lang: ParseLanguage, path: string, oid: string) =>
      `${lang}\0${lang === 'typescript' || lang === 'javascript' ? (/(?:\.d(?:\.[^./]+)?)?\.[^./]*$/.exec(path)?.[0] ?? '').toLowerCase() : ''}\0${oid}`;
    /** Reports a kept verdict; false when there is none. */
    const replayVerdict = (key: string | null, report: Report, path: string, lang: ParseLanguage): boolean => {
      const v = key !== null ? verdicts?.get(key) : undefined;
      if (!v) return false;
      for (const p of v) reportSyntax(report, path, lang, p.line ?? 1, p.column ?? 1, p.message);
      return true;
    };
    const keepVerdict = (key: string | null, problem: { line: number; column: number; message: string } | null) => {
      if (key !== null && verdicts) verdicts.put(key, problem ? [problem] : []);
    };

    const reportSyntax = (report: Report, path: string, lang: ParseLanguage, line: number, column: number, problem: string) =>
      report({ messageId: 'syntax', data: { path, language: LANG_NAME[lang], problem, line, column }, path, line, column });

    const builtinPython = async (blob: Blob, path: string, report: Report) => {
      const key = verdicts ? `python:builtin\0\0${blob.oid}` : null;
      if (replayVerdict(key, report, path, 'python')) return;
      const p = await checkPython(blob);
      const pos = p ? blob.position(p.offset) : null;
      keepVerdict(key, p && pos ? { line: pos.line, column: pos.column, message: p.message } : null);
      if (!p || !pos) return;
      reportSyntax(report, path, 'python', pos.line, pos.column, p.message);
    };

    /** Gate A for one Python version: CPython's compiler when there is one, else in-process. */
    const checkPythonVersion = async (blob: Blob, path: string, report: Report) => {
      if (!compiler || compiler.unavailable) return builtinPython(blob, path, report);
      // A kept verdict is the verdict of that interpreter version: the version is known once it has started.
      const version = verdicts ? await compiler.startedVersion() : null;
      if (verdicts && version === null) return builtinPython(blob, path, report);
      const key = version !== null ? `python:${version}\0\0${blob.oid}` : null;
      if (replayVerdict(key, report, path, 'python')) return;
      const nulAt = blob.text.indexOf('\0');
      // Sources wait in the pipe at most a few MiB at a time (memory flat in the push).
      await compiler.room();
      pendingPython.push({ answer: compiler.compile(blob.bytes, blob.oid), path, oid: blob.oid, verdictKey: key, nul: nulAt === -1 ? null : blob.position(nulAt), report });
    };

    const relativeImports = async (blob: Blob, file: FileView, report: Report) => {
      if (!o.relative_imports || !RELATIVE_FROM.test(blob.text) || !isEntrypoint(blob.text)) return;
      const tree = await parsePythonBlob(blob);
      const caps = await queryPython(tree, '(import_from_statement module_name: (relative_import) @r) @stmt');
      for (const c of caps) {
        if (c.name !== 'stmt') continue;
        const pos = blob.position(c.node.startIndex);
        const code = c.node.text.split('\n')[0]!.trim();
        pendingRelative.push({ path: file.path, commit: file.change.commit, line: pos.line, column: pos.column, code, report });
      }
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
        if (!blob) return;
        const path = file.path;
        handled.add(`${blob.oid}\0${path}`);
        if (blob.isBinary) {
          // A NUL byte does not make a .py file data to CPython: compileall refuses it.
          if (languageOf(path) === 'python' && parseChecked(path, 'python') && !file.change.superseded) await checkPythonVersion(blob, path, report);
          return;
        }
        const lang = languageFor(path, blob);
        if (!lang) return;

        // Gate A is about what lands: a version that a later commit of the same push changes
        // again on the way to every ref that lands it is not parsed.
        if (parseChecked(path, lang) && !file.change.superseded) {
          if (lang === 'python') await checkPythonVersion(blob, path, report);
          else if (lang === 'shell') {
            // .sh/.bash files and sh/bash shebangs; a .sh file with a zsh/ksh shebang is not bash.
            if (!blob.text.startsWith('#!') || isShellShebang(blob.text)) pendingShell.push({ bytes: blob.bytes, path, report });
          } else {
            const key = verdicts ? verdictKey(lang, path, blob.oid) : null;
            if (!replayVerdict(key, report, path, lang)) {
              const p = await parseProblem(blob, path, lang);
              const pos = p ? (p.line !== undefined ? { line: p.line, column: p.column ?? 1 } : blob.position(p.offset)) : null;
              keepVerdict(key, p && pos ? { line: pos.line, column: pos.column, message: p.message } : null);
              if (p && pos) reportSyntax(report, path, lang, pos.line, pos.column, p.message);
            }
          }
        }

        if (lang !== 'python' || !inScope(path)) return;
        if (!file.change.superseded) await relativeImports(blob, file, report);
        if (!o.sys_path) return;
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
            messageId: 'sysPath',
            data: { code: m.code },
            path,
            line: pos.line,
            column: pos.column,
          });
        }
      },

      async checkRun(run: RunView, report: Report) {
        // Python versions the engine does not hand to a rule without keywords: binary-looking
        // content (a NUL byte), which CPython refuses.
        if (pc.enabled && langs.has('python')) {
          for (const ch of run.changeSet.changes) {
            if (ch.status === 'D' || ch.newOid === null || (ch.newMode !== '100644' && ch.newMode !== '100755')) continue;
            if (ch.superseded || languageOf(ch.path) !== 'python' || !parseChecked(ch.path, 'python')) continue;
            const key = `${ch.newOid}\0${ch.path}`;
            if (handled.has(key)) continue;
            handled.add(key);
            const blob = await ctx.git.readBlob(ch.newOid);
            if (!blob || !blob.isBinary) continue; // oversized: reported by the engine
            await checkPythonVersion(blob, ch.path, (f) => report({ ...f, commit: ch.commit }));
          }
        }

        // CPython's answers, in the order asked.
        if (compiler && pendingPython.length > 0) {
          const results = await compiler.settle(pendingPython.map((p) => p.answer));
          for (let i = 0; i < results.length; i++) {
            const r = results[i]!;
            const p = pendingPython[i]!;
            if (r.status === 'rejected') {
              throw new GateError('internal', importHygieneMsg.pythonCheckFailed(p.path, (r.reason as Error).message), importHygieneMsg.pythonCheckFailedHint);
            }
            const a = r.value;
            if (a === null) {
              keepVerdict(p.verdictKey, null);
              continue;
            }
            if (a === 'unavailable') {
              const blob = await ctx.git.readBlob(p.oid);
              if (blob) await builtinPython(blob, p.path, p.report);
              continue;
            }
            const line = a.line ?? p.nul?.line ?? 1;
            const column = a.line === null ? (p.nul?.column ?? 1) : Math.max(1, a.column ?? 1);
            // The problem as CPython words it, with its class and version: also what is kept.
            const problem = pythonProblem(a.kind, a.message, String(compiler.version));
            keepVerdict(p.verdictKey, { line, column, message: problem });
            reportSyntax(p.report, p.path, 'python', line, column, problem);
          }
        } else if (compiler) {
          await compiler.close();
        }

        // bash -n, one bash process for every shell script of the run.
        if (pendingShell.length > 0) {
          const answers = await bashSyntaxCheck(pendingShell.map((s) => s.bytes));
          if (answers) {
            answers.forEach((a, i) => {
              if (!a) return;
              const s = pendingShell[i]!;
              reportSyntax(s.report, s.path, 'shell', a.line ?? 1, 1, a.message);
            });
          }
        }

        // Relative imports: only in an entrypoint whose directory is not a package.
        if (pendingRelative.length > 0) {
          const snapshots = new Map<string | null, Snapshot>();
          for (const c of run.commits) snapshots.set(c.info.oid, c.snapshot);
          const scan = isTreeScan(run.commits, run.changeSet.changes) ? snapshotOfChanges(run.changeSet.changes) : null;
          for (const r of pendingRelative) {
            const snap = snapshots.get(r.commit) ?? scan;
            if (!snap) continue;
            const dir = r.path.includes('/') ? r.path.slice(0, r.path.lastIndexOf('/') + 1) : '';
            if (await snap.entry(`${dir}__init__.py`)) continue;
            r.report({
              messageId: 'relativeImport',
              data: { path: r.path, code: r.code },
              path: r.path,
              line: r.line,
              column: r.column,
            });
          }
        }
      },
    };
  },
});
