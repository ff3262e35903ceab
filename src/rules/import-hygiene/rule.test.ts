import { describe, expect, it } from 'vitest';
import { Blob } from '../../changeset/blob.js';
import type { FileChange } from '../../changeset/types.js';
import { createPathMatcher } from '../../engine/paths.js';
import type { FindingInput } from '../../findings/types.js';
import { parsePython } from '../../readers/python.js';
import type { FileView, RuleContext, RunView } from '../types.js';
import { optionsSchema, type ImportHygieneOptions } from './options.js';
import { importHygiene } from './rule.js';
import { findSysPathMutations } from './sys-path.js';

const lines = async (src: string) => {
  const tree = await parsePython(src);
  const found = await findSysPathMutations(tree, src);
  const b = new Blob('0'.repeat(40), Buffer.from(src));
  return found.map((m) => b.position(m.offset).line);
};

describe('findSysPathMutations', () => {
  it('direct mutations', async () => {
    const src = [
      'import sys',
      'sys.path.insert(0, "x")',
      'sys.path.append("x")',
      'sys.path.extend(["x"])',
      'sys.path[0] = "x"',
      'sys.path[:0] = ["x"]',
      'sys.path += ["x"]',
      'sys.path = ["x"] + sys.path',
      'del sys.path[0]',
      'sys.path.remove("x")',
      '(sys.path).append("y")',
      'setattr(sys, "path", [])',
      'if True: sys.path.insert(0, os.path.dirname(__file__))',
    ].join('\n');
    expect(await lines(src)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });
  it('aliases', async () => {
    const src = [
      'import sys as s, site as st',
      'from sys import path',
      'from sys import path as P',
      'from site import addsitedir as add',
      's.path.insert(0, "x")',
      'path.append("x")',
      'P[:0] = ["x"]',
      'st.addsitedir("x")',
      'add("x")',
      'p = sys.path',
      'p.append("x")',
      'q = p',
      'q += ["x"]',
    ].join('\n');
    expect(await lines(src)).toEqual([5, 6, 7, 8, 9, 11, 13]);
  });
  it('wildcard import and function-local imports', async () => {
    expect(await lines('from sys import *\npath.insert(0, "x")\n')).toEqual([2]);
    expect(await lines('def main():\n    import sys as _s\n    _s.path.append(".")\n')).toEqual([3]);
    expect(await lines('import site\nsite.addsitedir("/opt/x")\n')).toEqual([2]);
  });
  it('never in comments, strings, reads or unrelated paths', async () => {
    const src = [
      '# sys.path.insert(0, "x")',
      's = "sys.path.append(1)"',
      '"""',
      'sys.path.insert(0, here)',
      '"""',
      'print(sys.path)',
      'x = sys.path[0]',
      'copy = sys.path[:]',
      'copy.append("x")',
      'os.path.join("a")',
      'self.path.append(1)',
      'from sys import path',
      'path = ["rebinding the alias is not a mutation"]',
      'for p in sys.path: pass',
      'if "x" in sys.path: pass',
    ].join('\n');
    expect(await lines(src)).toEqual([]);
  });
});

// A hand-built context: the rule with a path matcher over a runtime scope, fed file views.
const SCOPE = { include: ['backend/**', 'scripts/**', '**/*.json', '**/*.yaml', '**/*.ts', '**/*.js'], exclude: ['**/tests/**'] };
async function runRule(files: Record<string, string>, old: Record<string, string> = {}, options: Partial<ImportHygieneOptions> = {}): Promise<(FindingInput & { line: number })[]> {
  const opts = { ...optionsSchema.parse(undefined), ...options } as ImportHygieneOptions;
  const ctx = {
    options: opts,
    severity: 'block',
    paths: createPathMatcher(SCOPE, false),
  } as unknown as RuleContext<ImportHygieneOptions>;
  const checker = await importHygiene.create(ctx);
  const out: (FindingInput & { line: number })[] = [];
  const changes: FileChange[] = [];
  let n = 1;
  for (const [path, text] of Object.entries(files)) {
    const oldText = old[path];
    const change: FileChange = {
      status: oldText === undefined ? 'A' : 'M',
      path,
      oldPath: oldText === undefined ? null : path,
      oldMode: oldText === undefined ? null : '100644',
      newMode: '100644',
      oldOid: oldText === undefined ? null : 'b'.repeat(40),
      newOid: String(n++).padStart(40, 'a'),
      commit: null,
    };
    changes.push(change);
    if (checker.files && !checker.files(change)) continue;
    const view: FileView = {
      change,
      path,
      commit: null,
      newBlob: async () => new Blob(change.newOid!, Buffer.from(text)),
      oldBlob: async () => (oldText === undefined ? null : new Blob(change.oldOid!, Buffer.from(oldText))),
      hits: new Set(),
    };
    await checker.checkFile!(view, (f) => out.push(f as FindingInput & { line: number }));
  }
  // Answers of the batched checkers (python3, bash -n) come at the end of the run.
  const run = { changeSet: { changes }, commits: [], refs: [] } as unknown as RunView;
  await checker.checkRun?.(run, (f) => out.push(f as FindingInput & { line: number }));
  return out;
}

describe('import-hygiene rule', () => {
  it('reports sys.path mutations in runtime scope only', async () => {
    const f = await runRule({
      'backend/app.py': 'import sys\nsys.path.insert(0, "..")\n',
      'backend/tests/test_app.py': 'import sys\nsys.path.insert(0, "..")\n',
      'docs/conf.py': 'import sys\nsys.path.insert(0, "..")\n',
    });
    expect(f.map((x) => [x.path, x.line, x.column, x.subRule ?? null])).toEqual([['backend/app.py', 2, 1, null]]);
    expect(f[0]!.message).toContain('sys.path.insert(0, "..")');
  });
  it('only new mutations by default; all with sys_path_report: all', async () => {
    const old = { 'backend/app.py': 'import sys\nsys.path.insert(0, "..")\n' };
    const files = { 'backend/app.py': 'import sys\n\nsys.path.insert(0,  "..")\nsys.path.append("lib")\n' };
    expect((await runRule(files, old)).map((x) => x.line)).toEqual([4]);
    expect((await runRule(files, old, { sys_path_report: 'all' })).map((x) => x.line)).toEqual([3, 4]);
  });
  it('parse errors in every language, with positions', async () => {
    const f = await runRule({
      'backend/bad.py': 'def f(:\n    pass\n',
      'backend/ok.py': 'x = 1\n',
      'web/src/a.ts': 'const a = ;\n',
      'k8s/a.yaml': 'a: [1, 2\nb: 3\n',
      'config/a.json': '{\n  "a": 1,\n}\n',
      'tsconfig.json': '{\n  // comment\n  "compilerOptions": {},\n}\n',
      'charts/x/templates/d.yaml': '{{- if .Values.x }}\nkind: Deployment\n{{- end }}\n',
      'vendor/lib/broken.js': 'function (\n',
      'backend/tests/fixtures/bad.json': '{',
    });
    expect(f.map((x) => [x.path, x.subRule, x.line])).toEqual([
      ['web/src/a.ts', 'syntax', 1],
      ['k8s/a.yaml', 'syntax', expect.any(Number)],
      ['config/a.json', 'syntax', 3],
      ['backend/bad.py', 'syntax', 1],
    ]);
  });
  it('extensionless python scripts in scope are parsed', async () => {
    const f = await runRule({ 'scripts/run': '#!/usr/bin/env python3\nprint "x"\n', 'scripts/run.sh': 'echo (\n' });
    expect(f.map((x) => [x.path, x.line])).toEqual([
      ['scripts/run', 2],
      ['scripts/run.sh', 1],
    ]);
  });
});

describe('mayMutateSysPath prefilter', () => {
  it('lets every mutation form through and skips the common imports', async () => {
    const { mayMutateSysPath } = await import('./sys-path.js');
    for (const t of [
      'sys.path.insert(0, x)',
      'sys .path',
      '(sys).path',
      'from sys import path',
      'import sys as s',
      'import os, sys as s',
      'site.addsitedir(x)',
      'setattr(sys, "path", [])',
    ])
      expect(mayMutateSysPath(t)).toBe(true);
    for (const t of ['import sys\nsys.exit(os.path.join("a"))\n', 'import os\n', 'from pathlib import Path\n']) expect(mayMutateSysPath(t)).toBe(false);
  });
});
