// Unit tests of src/readers/parse-check.ts and src/readers/python.ts.
import { describe, expect, it } from 'vitest';
import { Blob } from '../../changeset/blob.js';
import { checkJson, checkPython, checkTsJs, checkYaml, isPythonShebang, isTemplatedYaml, languageOf } from '../../readers/parse-check/index.js';
import { firstSyntaxError, parsePython, parsePythonBlob, pythonParserStats } from '../../readers/python.js';

const blob = (text: string) => new Blob('1'.repeat(40), Buffer.from(text));
const at = (text: string, p: { offset: number } | null) => (p ? blob(text).position(p.offset) : null);

describe('checkJson', () => {
  const valid = ['{}', '[]', '[ ]', '{"a": [1, -2.5e+3, 0, true, false, null, "x\\u00e9\\n"], "b": {}}', '\ufeff{"bom": 1}', '  "just a string"  ', '0', '[[[[[]]]]]'];
  for (const t of valid) it(`accepts ${JSON.stringify(t)}`, () => expect(checkJson(t)).toBeNull());

  const invalid: [string, number, number][] = [
    ['{"a": }', 1, 7],
    ['{"a": 1,}', 1, 9],
    ['[1, 2,]', 1, 7],
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ["{'a': 1}", 1, 2],
    ['{"a": 01}', 1, 8],
    ['', 1, 1],
    ['{"a": 1} x', 1, 10],
    ['{"a": "unterminated}', 1, 7],
    ['// c\n{}', 1, 1],
    ['{"a": tru}', 1, 7],
    ['{"é": x}', 1, 7],
  ];
  for (const [t, line, column] of invalid) {
    it(`rejects ${JSON.stringify(t)} at ${line}:${column}`, () => {
      const p = checkJson(t);
      expect(p).not.toBeNull();
      expect(at(t, p)).toEqual({ line, column });
    });
  }

  it('JSONC: comments and trailing commas are fine, other errors are still found', () => {
    expect(checkJson('// top\n{\n  /* c */ "a": 1, // x\n  "b": [1, 2,],\n}\n', { comments: true })).toBeNull();
    const t = '{\n  // c\n  "a": 1\n  "b": 2\n}';
    expect(at(t, checkJson(t, { comments: true }))).toEqual({ line: 4, column: 3 });
    expect(checkJson('{ /* open', { comments: true })).not.toBeNull();
  });

  it('survives deep nesting', () => {
    expect(checkJson('['.repeat(100000) + ']'.repeat(100000))).toBeNull();
    expect(checkJson('['.repeat(100000))).not.toBeNull();
    expect(checkJson('['.repeat(100000) + ']'.repeat(100000), { comments: true })).toBeNull();
  });
});

describe('checkTsJs', () => {
  const pos = async (text: string, path: string) => {
    const b = blob(text);
    const p = await checkTsJs(b, path);
    return p && { ...b.position(p.offset), message: p.message };
  };

  it('accepts valid TS, TSX and modern JS', async () => {
    expect(await checkTsJs(blob('const x: number = 1;\nexport type T = { a?: string };\n'), 'a.ts')).toBeNull();
    expect(await checkTsJs(blob('export const C = () => <div className="x">{1}</div>;\n'), 'a.tsx')).toBeNull();
    expect(await checkTsJs(blob('const f = async () => { await 1; };\nx ??= y?.z;\n'), 'a.mjs')).toBeNull();
    expect(await checkTsJs(blob('const C = () => <b/>;\n'), 'a.jsx')).toBeNull();
  });
  it('reports the first syntax error with its position', async () => {
    const t = 'const a = 1;\nfunction f( {\n  return 1;\n}\n';
    const p = await checkTsJs(blob(t), 'src/a.ts');
    expect(p).not.toBeNull();
    // Babel's message, without its own " (line:column)" suffix.
    expect(p!.message).toBe("Unexpected keyword 'return'.");
    expect(blob(t).position(p!.offset)).toEqual({ line: 3, column: 3 });
  });
  it('type annotations are a syntax error in .js', async () => {
    expect(await checkTsJs(blob('let x: number = 1;\n'), 'a.js')).not.toBeNull();
    expect(await pos('let a = 1;\nexport function clamp(x: number) {}\n', 'a.js')).toEqual({
      line: 2,
      column: 24,
      message: 'Unexpected token, expected "," (TypeScript syntax in a JavaScript file)',
    });
    for (const t of ['interface A {}\n', 'enum E { A }\n', 'let a = b as C;\n', 'let a = b!;\n', 'function f<T>(x) {}\n', 'class A { private x = 1 }\n']) {
      const p = await checkTsJs(blob(t), 'a.jsx');
      expect(p, t).not.toBeNull();
      expect(p!.message, t).toMatch(/\(TypeScript syntax in a JavaScript file\)$/);
    }
    // A JS error that is no TypeScript either gets no hint.
    expect((await pos('let = ;\n', 'a.js'))!.message).not.toMatch(/TypeScript/);
  });
  it('offsets are UTF-16 (non-ASCII text and a BOM before the error)', async () => {
    expect(await pos('\ufeffconst s = "é😀";\nlet b = ;\n', 'a.ts')).toMatchObject({ line: 2, column: 9 });
    expect(await pos('const s = "é😀"; let b = ;\n', 'a.ts')).toMatchObject({ line: 1, column: 26 });
  });
  it('decorators: legacy (parameter decorators) and stage 3 in TS; stage 3 only in JS', async () => {
    expect(await pos('class A { constructor(@Inject() x: number) {} @a[0] m() {} }\n', 'a.ts')).toBeNull();
    expect(await pos('export @dec class A { @dec accessor x = 1; }\n@dec export class B {}\n', 'a.ts')).toBeNull();
    expect(await pos('export @dec class A { @dec accessor x = 1; }\n@dec export class B { @(x) m() {} }\n', 'a.js')).toBeNull();
    expect(await pos('class A {\n  constructor(@Inject() x) {}\n}\n', 'a.js')).toMatchObject({ line: 2, column: 15 });
  });
  it('syntax TypeScript 6 parses: import defer, import assertions, using, satisfies, overloads', async () => {
    const t = [
      'import defer * as ns from "x";',
      'import j from "./a.json" assert { type: "json" };',
      'import k from "./b.json" with { type: "json" };',
      'import fs = require("fs");',
      'export function f(a: string): void;',
      'export function f(a: unknown) { using r = g(); return a satisfies unknown; }',
      'class C<in out T> { declare x: T; m<const U>(this: C<T>): asserts this is C<U> {} }',
      'let v = <any>x;',
      '',
    ].join('\n');
    expect(await pos(t, 'a.ts')).toBeNull();
    expect(await pos(t, 'a.mts')).toBeNull();
  });
  it('declaration files are parsed as such', async () => {
    const t = 'export const a: number;\nexport default function f(): void;\ndeclare module "m" { export { Buffer } }\n';
    expect(await pos(t, 'types/x.d.ts')).toBeNull();
    expect(await pos(t, 'types/x.d.mts')).toBeNull();
    expect(await pos(t, 'styles.d.css.ts')).toBeNull();
    expect(await pos(t, 'src/x.ts')).toMatchObject({ line: 1 });
  });
  it('scripts: sloppy mode and CommonJS top-level return; .mjs is always a module', async () => {
    expect(await pos('if (done) return;\nwith (o) { x = 0777; }\n', 'a.cjs')).toBeNull();
    expect(await pos('if (done) return;\n', 'a.js')).toBeNull();
    expect(await pos('if (done) return;\n', 'a.mjs')).toMatchObject({ line: 1, column: 11 });
    expect(await pos('import a from "a";\nwith (a) {}\n', 'a.js')).toMatchObject({ line: 2, column: 1 });
    // Neither reading parses: the error of the one that got furthest (here the script's).
    expect(await pos('with (a) {}\nlet x = ;\n', 'a.js')).toMatchObject({ line: 2, column: 9 });
    // … and here the module's, past the import a script cannot have.
    expect(await pos('import a from "a";\nlet x = ;\n', 'a.js')).toMatchObject({ line: 2, column: 9 });
  });
  it('early errors TypeScript left to its checker are syntax errors', async () => {
    expect(await pos('let x = 1;\nlet x = 2;\n', 'a.ts')).toMatchObject({ line: 2, column: 5 });
    expect(await pos('for (;;) {}\nbreak;\n', 'a.js')).toMatchObject({ line: 2, column: 1 });
    expect(await pos('a + 1 = 2;\n', 'a.ts')).toMatchObject({ line: 1, column: 1 });
    expect(await pos('export { nowhere };\n', 'a.js')).toMatchObject({ line: 1, column: 10 });
  });
  it('memoised per blob and dialect', async () => {
    const b = blob('let x: number = 1;\n');
    expect(await checkTsJs(b, 'a.ts')).toBeNull();
    expect(await checkTsJs(b, 'a.js')).not.toBeNull();
    expect(await checkTsJs(b, 'b.ts')).toBeNull();
  });
});

describe('checkYaml', () => {
  it('valid YAML, duplicate keys and unknown tags pass', async () => {
    expect(await checkYaml(blob('a: 1\n---\nb: [1, 2]\n'))).toBeNull();
    expect(await checkYaml(blob('a: 1\na: 2\n'))).toBeNull();
    expect(await checkYaml(blob('Value: !Ref Foo\nOther: !GetAtt A.B\n'))).toBeNull();
  });
  it('errors carry line and column', async () => {
    const p = await checkYaml(blob('a: 1\nb:\n  - x\n   y: [\n'));
    expect(p).not.toBeNull();
    expect(p!.line).toBeGreaterThanOrEqual(3);
  });
  it('templated YAML is recognised', () => {
    expect(isTemplatedYaml('{{- if .Values.x }}\nkind: Deployment\n')).toBe(true);
    expect(isTemplatedYaml('a:\n  {{ include "x" . }}\n')).toBe(true);
    expect(isTemplatedYaml('run: echo ${{ matrix.x }}\n')).toBe(false);
  });
});

describe('python parsing', () => {
  it('parses valid modern Python without errors', async () => {
    const src = [
      'from __future__ import annotations',
      'import sys as s',
      'type Alias[T] = list[T]',
      'def f[T](x: T, /, *, y: int = 1) -> T:',
      '    match x:',
      '        case {"a": 1, **rest}: pass',
      '        case [1, *_]: pass',
      '        case _: pass',
      '    return x',
      'async def g():',
      '    async with a as b:',
      '        yield f"{x!r:>10} {y=} {"nested"}"',
      'try:',
      '    pass',
      'except* ValueError:',
      '    pass',
      'if (n := 10) > 5: print(n)',
      'lambda: (yield)',
      '@decorator[0].attr',
      'class C(Base, metaclass=M):',
      '    x: int = 0',
      '',
    ].join('\n');
    const tree = await parsePython(src);
    expect(firstSyntaxError(tree)).toBeNull();
  });

  it('finds the first error (ERROR or MISSING) with a UTF-16 offset', async () => {
    const src = 'x = "é€😀"\ndef f(:\n    pass\n';
    const b = blob(src);
    const p = await checkPython(b);
    expect(p).not.toBeNull();
    expect(b.position(p!.offset).line).toBe(2);
    const src2 = 'a = (1,\nb = 2\n';
    const p2 = await checkPython(blob(src2));
    expect(p2).not.toBeNull();
    const src3 = 'print "hello"\n';
    expect(await checkPython(blob(src3))).not.toBeNull();
  });

  it('offsets are UTF-16 code units (non-ASCII before the node)', async () => {
    const src = 's = "😀é"; sys.path.insert(0, "x")\n';
    const tree = await parsePython(src);
    const call = tree.rootNode.descendantsOfType('call')[0]!;
    expect(src.slice(call.startIndex, call.endIndex)).toBe('sys.path.insert(0, "x")');
  });

  it('memoises per blob', async () => {
    const b = blob('x = 1\n');
    const before = pythonParserStats().parses;
    const t1 = await parsePythonBlob(b);
    const t2 = await parsePythonBlob(b);
    expect(t1).toBe(t2);
    expect(pythonParserStats().parses).toBe(before + 1);
  });
});

describe('languageOf / shebang', () => {
  it('maps extensions', () => {
    const languages: [string, string | null][] = [
      ['a/b.py', 'python'],
      ['a/b.PY', 'python'],
      ['x.d.ts', 'typescript'],
      ['x.yml', 'yaml'],
      ['tsconfig.json', 'json'],
      ['.eslintrc', null],
      ['Makefile', null],
    ];
    for (const [path, language] of languages) expect(languageOf(path), path).toBe(language);
  });
  it('recognises python shebangs', () => {
    for (const line of ['#!/usr/bin/env python3\n', '#!/usr/bin/python\n', '#!/usr/bin/env -S python3 -u\n']) expect(isPythonShebang(line), line).toBe(true);
    for (const line of ['#!/bin/bash\n', 'import os\n']) expect(isPythonShebang(line), line).toBe(false);
  });
});

describe('python compile checks beyond tree-sitter errors', () => {
  const cases: [string, number | null, RegExp?][] = [
    ['def f():\nreturn 1\n', 2, /expected an indented block/],
    ['if x:\n  a\n    b\n', 3, /unexpected indent/],
    ['class A: pass\n  x = 1\n', 2, /unexpected indent/],
    ['if x:\n    a\n  b\n', 3, /unindent|unexpected/],
    ['if x:\n    a\n  else:\n    b\n', 3],
    ['print "hello"\n', 1, /print statement/],
    ['exec "x = 1"\n', 1, /exec statement/],
    ['return 1\n', 1, /'return' outside function/],
    ['class A:\n    return 1\n', 2, /'return' outside function/],
    ['break\n', 1, /'break' outside loop/],
    ['for x in y:\n    pass\nelse:\n    continue\n', 4, /'continue'/],
    ['for x in y:\n    def f():\n        break\n', 3, /'break' outside loop/],
    // valid code
    ['def f():\n    for x in y:\n        if x:\n            break\n        else:\n            continue\n    return 1\n', null],
    ['while True:\n    try:\n        pass\n    finally:\n        break\n', null],
    ['if x: pass\nelif y: pass\nelse: pass\n', null],
    ['def f():\n    # only a comment\n    pass\n', null],
    ['with a as b, \\\n     c as d:\n    pass\n', null],
    ['match x:\n    case 1:\n        pass\n    case _:\n        pass\n', null],
    ['x = (1 +\n  2)\ny = 3\n', null],
    ['@dec\ndef f():\n    return 1\n', null],
    ['async def f():\n    async for x in y:\n        break\n    return\n', null],
    ['if True:\n\tx = 1\n\ty = 2\n', null],
    ['if True:\n\tx = 1\n        y = 2\n', 3, /indent/],
  ];
  for (const [src, line, msg] of cases) {
    it(`${JSON.stringify(src)} → ${line ?? 'ok'}`, async () => {
      const b = blob(src);
      const p = await checkPython(b);
      if (line === null) expect(p).toBeNull();
      else {
        expect(p).not.toBeNull();
        expect(b.position(p!.offset).line).toBe(line);
        if (msg) expect(p!.message).toMatch(msg);
      }
    });
  }
});

describe('python: CRLF and form feeds', () => {
  it('parse without errors', async () => {
    expect(await checkPython(blob('def f():\r\n    if x:\r\n        return 1\r\n    return 2\r\n'))).toBeNull();
    expect(await checkPython(blob('x = 1\n\f\ndef g():\n    pass\n'))).toBeNull();
  });
});
