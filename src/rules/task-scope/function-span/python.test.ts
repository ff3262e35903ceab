import { describe, expect, it } from 'vitest';
import { findSpans, verifyFunctionEditText as verify } from './index.js';

const base = `import os


# Loads the thing.
@cached(ttl=5)
def load(path):
    """Load it."""
    with open(path) as f:
        return f.read()


def save(path, data):
    with open(path, "w") as f:
        f.write(data)
`;

describe('python function spans', () => {
  it('accepts an edit inside the function (body, docstring)', async () => {
    const next = base.replace('"""Load it."""', '"""Load it, carefully."""').replace('return f.read()', 'data = f.read()\n        return data.strip()');
    expect(await verify('lib/io.py', base, next, ['load'])).toBeNull();
  });

  it('decorators and the doc comment above belong to the span', async () => {
    const next = base.replace('@cached(ttl=5)', '@cached(ttl=50)\n@traced').replace('# Loads the thing.', '# Loads the thing, now traced.');
    expect(await verify('lib/io.py', base, next, ['load'])).toBeNull();
  });

  it('blocks an edit in another function with its position', async () => {
    const next = base.replace('f.write(data)', 'f.write(data.upper())');
    const p = await verify('lib/io.py', base, next, ['load']);
    expect(p).toMatchObject({ side: 'new', line: 14, column: 21 });
  });

  it('a dedented last line leaves the function: code appended after it blocks', async () => {
    const next = base.replace('        return f.read()\n', '        return f.read()\nos.system("x")\n');
    const p = await verify('lib/io.py', base, next, ['load']);
    expect(p).toMatchObject({ line: 10, column: 1 });
  });

  it('a hunk that slides across the boundary into the next function blocks', async () => {
    const next = base.replace(
      '        return f.read()\n\n\ndef save(path, data):\n    with',
      '        return f.read()\n    with open("/etc/passwd") as g:\n        pass\n\n\ndef save(path, data):\n    with',
    );
    expect(await verify('lib/io.py', base, next, ['load'])).toBeNull(); // growing load itself is fine
    const sliding = base.replace('def save(path, data):\n    with open(path, "w") as f:\n', 'def save(path, data):\n    with open(path, "a") as f:\n');
    expect(await verify('lib/io.py', base, sliding, ['load'])).toMatchObject({ line: 13 });
  });

  it('methods, nested classes and nested functions are dotted', async () => {
    const old = `class Outer:
    class Inner:
        def run(self):
            def helper():
                return 1
            return helper()

    def other(self):
        return 2
`;
    const names = ['Outer.Inner.run.helper'];
    expect(await verify('m.py', old, old.replace('return 1', 'return 10'), names)).toBeNull();
    expect(await verify('m.py', old, old.replace('return helper()', 'return helper() + 1'), names)).toMatchObject({ line: 6 });
    expect(await verify('m.py', old, old.replace('return 2', 'return 3'), ['Outer.Inner.run'])).toMatchObject({ line: 9 });
  });

  it('@overload stubs, the implementation, and property/setter pairs form one span', async () => {
    const old = `from typing import overload


class C:
    @overload
    def get(self, k: int) -> int: ...
    @overload
    def get(self, k: str) -> str: ...
    def get(self, k):
        return k

    @property
    def size(self):
        return 1

    @size.setter
    def size(self, v):
        pass
`;
    const next = old.replace('        return k\n', '        return k * 2\n').replace('        pass\n', '        self._v = v\n');
    expect(await verify('c.py', old, next, ['C.get', 'C.size'])).toBeNull();
  });

  it('separate definitions of one name are ambiguous', async () => {
    const old = `import sys
if sys.version_info >= (3, 11):
    def f():
        return 1
else:
    def f():
        return 2
`;
    const p = await verify('v.py', old, old.replace('return 1', 'return 3'), ['f']);
    expect(p!.message).toMatch(/ambiguous.*lines 3, 6/);
  });

  it('same name at consecutive indexes of different blocks is still ambiguous', async () => {
    const old = 'if a:\n    def f():\n        return 1\nif b:\n    x = 1\n    def f():\n        return 2\n';
    expect(await findSpans('python', old, ['f'], 'a.py')).toMatchObject({ ok: false, failure: { kind: 'ambiguous' } });
  });

  it('a syntax error in the new version blocks with its position', async () => {
    const next = base.replace('return f.read()', 'return f.read(');
    const p = await verify('lib/io.py', base, next, ['load']);
    expect(p).toMatchObject({ side: 'new' });
    expect(p!.message).toMatch(/^syntax error in the new version at line \d+, column \d+/);
  });

  it('a syntax error in the previous version blocks', async () => {
    const old = base.replace('f.write(data)', 'f.write(data');
    const p = await verify('lib/io.py', old, base.replace('"""Load it."""', '"""x"""'), ['load']);
    expect(p).toMatchObject({ side: 'old' });
  });

  it('a renamed function blocks', async () => {
    const p = await verify('lib/io.py', base, base.replace('def load(', 'def load_file('), ['load']);
    expect(p!.message).toBe('scoped function load was renamed, moved or removed');
  });

  it('CRLF files compare byte for byte', async () => {
    const old = base.replace(/\n/g, '\r\n');
    expect(await verify('lib/io.py', old, old.replace('return f.read()', 'return f.read(1)'), ['load'])).toBeNull();
    expect(await verify('lib/io.py', old, old.replace('def save(path, data):\r\n', 'def save(path, data):\n'), ['load'])).toMatchObject({ line: 12, column: 22 });
  });

  it('a whole-file reformat blocks at the first changed byte', async () => {
    const next = base.replace(/ {4}/g, '  ').replace(/"/g, "'");
    expect(await verify('lib/io.py', base, next, ['load'])).toMatchObject({ line: 13, column: 3 });
  });

  it('a "#" line that is really the end of a string is not a doc comment', async () => {
    const old = 's = """abc\n# x"""\ndef f():\n    return 1\n';
    const spans = await findSpans('python', old, ['f'], 'a.py');
    expect(spans).toMatchObject({ ok: true, spans: [{ start: old.indexOf('def f') }] });
  });

  it('a comment at the end of a line of code is not a doc comment', async () => {
    const old = 'x = 1  # one\ndef f():\n    return 1\n';
    const spans = await findSpans('python', old, ['f'], 'a.py');
    expect(spans).toMatchObject({ ok: true, spans: [{ start: old.indexOf('def f') }] });
    // …while a comment line directly above a method is part of it.
    const cls = 'class A:\n    # doc of m\n    def m(self):\n        pass\n';
    expect(await findSpans('python', cls, ['A.m'], 'a.py')).toMatchObject({ ok: true, spans: [{ start: cls.indexOf('# doc') }] });
  });
});
