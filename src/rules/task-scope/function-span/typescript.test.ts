import { describe, expect, it } from 'vitest';
import { verifyFunctionEditText as verify, findSpans } from './index.js';

const base = `import { x } from './x';

/** Adds. */
export function add(a: number, b: number): number {
  return a + b;
}

export function sub(a: number, b: number): number {
  return a - b;
}
`;

describe('typescript function spans', () => {
  it('accepts an edit inside the scoped function', async () => {
    const next = base.replace('return a + b;', 'const s = a + b;\n  return s;');
    expect(await verify('src/m.ts', base, next, ['add'])).toBeNull();
  });

  it('blocks an edit in another function, with the position in the new version', async () => {
    const next = base.replace('return a - b;', 'return b - a;');
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p).toMatchObject({ side: 'new', line: 9, column: 10 });
    expect(p!.message).toContain('after add');
  });

  it('blocks a hunk that slides across the function boundary', async () => {
    // The closing brace of add and the start of sub are rewritten together: sub's first line
    // now sits inside add.
    const next = base.replace(
      '  return a + b;\n}\n\nexport function sub(a: number, b: number): number {\n  return a - b;',
      '  return a + b;\n  return a - b;\n}\n\nexport function sub(a: number, b: number): number {',
    );
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p).not.toBeNull();
    expect(p!.message).toMatch(/changed outside/);
  });

  it('blocks a line moved from before the function to after it (gap-wise comparison)', async () => {
    const old = 'const a = 1;\nconst b = 2;\nfunction f() {}\n';
    const next = 'const a = 1;\nfunction f() {}\nconst b = 2;\n';
    const p = await verify('m.ts', old, next, ['f']);
    expect(p).toMatchObject({ line: 2, column: 1 });
    expect(p!.message).toBe('changed outside the scoped function(s) at line 2, column 1, before f (line 2, column 1 in the previous version)');
  });

  it('blocks code appended after the function', async () => {
    const next = `${base}sub = add;\n`;
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p).toMatchObject({ line: 11, column: 1 });
  });

  it('includes the leading JSDoc and decorators in the span', async () => {
    const old = `class C {
  /** Old doc. */
  @log('a')
  run(): void {}

  @log('b')
  other(): void {}
}
`;
    const ok = old.replace('/** Old doc. */', '/** New doc, longer. */').replace("@log('a')", "@log('a2')\n  @trace()");
    expect(await verify('c.ts', old, ok, ['C.run'])).toBeNull();
    const bad = old.replace("@log('b')", "@log('evil')");
    expect(await verify('c.ts', old, bad, ['C.run'])).toMatchObject({ line: 6 });
  });

  it('accepts a JSDoc added to a function that had none', async () => {
    const next = base.replace('export function sub', '/** Subtracts. */\nexport function sub');
    expect(await verify('src/m.ts', base, next, ['sub'])).toBeNull();
  });

  it('nested functions: a.b is the inner function only', async () => {
    const old = `function outer() {
  const k = 1;
  function inner() {
    return k;
  }
  return inner();
}
`;
    expect(await verify('n.ts', old, old.replace('return k;', 'return k + 1;'), ['outer.inner'])).toBeNull();
    const p = await verify('n.ts', old, old.replace('const k = 1;', 'const k = 2;'), ['outer.inner']);
    expect(p).toMatchObject({ line: 2, column: 13 });
    // The outer scope covers the inner one (merged spans).
    expect(await verify('n.ts', old, old.replace('const k = 1;', 'const k = 2;').replace('return k;', 'return 0;'), ['outer', 'outer.inner'])).toBeNull();
  });

  it('overloads: the signatures and the implementation form one span', async () => {
    const old = `export function parse(x: string): number;
export function parse(x: number): number;
export function parse(x: unknown): number {
  return Number(x);
}
export const other = 1;
`;
    const next = old
      .replace('export function parse(x: number): number;', 'export function parse(x: number): number;\nexport function parse(x: boolean): number;')
      .replace('return Number(x);', 'return Number(x) | 0;');
    expect(await verify('p.ts', old, next, ['parse'])).toBeNull();
    const spans = await findSpans('typescript', old, ['parse'], 'p.ts');
    expect(spans).toMatchObject({ ok: true, spans: [{ start: 0, end: old.indexOf('\nexport const') }] });
  });

  it('separate declarations with one name are ambiguous', async () => {
    const old = `class A {
  m(): void {}
  n(): void {}
  m(x?: number): void {}
}
`;
    const p = await verify('a.ts', old, old, ['A.m']);
    expect(p).toMatchObject({ side: 'old' });
    expect(p!.message).toMatch(/ambiguous.*lines 2, 4/);
  });

  it('same name at consecutive indexes of different blocks is still ambiguous', async () => {
    const old = 'if (a) { function f() { return 1; } }\nif (b) { let x = 1; function f() { return 2; } }\n';
    expect(await findSpans('typescript', old, ['f'], 'a.js')).toMatchObject({ ok: false, failure: { kind: 'ambiguous' } });
  });

  it('getter/setter pairs, private methods, namespaces, arrow functions and object members', async () => {
    const old = `namespace NS.Inner {
  export class K {
    get v(): number { return 1; }
    set v(x: number) {}
    #secret(): number { return 2; }
    handler = (e: Event) => { return e; };
  }
}
export const api = {
  get() { return 1; },
  post: async () => 2,
};
export default function () { return 3; }
`;
    const names = ['NS.Inner.K.v', 'NS.Inner.K.#secret', 'NS.Inner.K.handler', 'api.post', 'default'];
    const spans = await findSpans('typescript', old, names, 'z.ts');
    expect(spans.ok).toBe(true);
    const next = old
      .replace('return 1; }\n    set', 'return 10; }\n    set')
      .replace('return 2;', 'return 20;')
      .replace('return e;', 'return null;')
      .replace('async () => 2', 'async () => 20')
      .replace('return 3;', 'return 30;');
    expect(await verify('z.ts', old, next, names)).toBeNull();
    expect(await verify('z.ts', old, next.replace('get() { return 1; }', 'get() { return 9; }'), names)).not.toBeNull();
  });

  it('a const holding an arrow function spans the whole statement', async () => {
    const old = 'export const f = (a: number) => a + 1;\nexport const g = 2;\n';
    expect(await verify('f.ts', old, old.replace('export const f = (a: number) => a + 1;', 'export const f = (a: number): number => {\n  return a + 2;\n};'), ['f'])).toBeNull();
    expect(await verify('f.ts', old, old.replace('g = 2', 'g = 3'), ['f'])).not.toBeNull();
  });

  it('CRLF files: offsets and comparison work on the bytes as they are', async () => {
    const old = base.replace(/\n/g, '\r\n');
    expect(await verify('src/m.ts', old, old.replace('return a + b;', 'return b + a;'), ['add'])).toBeNull();
    // One line outside the span converted to LF.
    const mixed = old.replace('return a - b;\r\n', 'return a - b;\n');
    expect(await verify('src/m.ts', old, mixed, ['add'])).toMatchObject({ line: 9, column: 16 });
    // The whole file converted to LF is a whole-file change.
    expect(await verify('src/m.ts', old, base, ['add'])).toMatchObject({ line: 1, column: 25 });
  });

  it('a whole-file reformat blocks at the first changed byte', async () => {
    const next = base.replace(/ {2}/g, '    ').replace(/'/g, '"');
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p).toMatchObject({ line: 1, column: 19 });
  });

  it('a syntax error in the new version blocks with its position', async () => {
    const next = base.replace('return a + b;', 'return a + ;');
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p).toMatchObject({ side: 'new', line: 5 });
    expect(p!.message).toMatch(/syntax error in the new version at line 5/);
  });

  it('a syntax error in the previous version blocks (no span can be trusted)', async () => {
    const old = base.replace('return a - b;', 'return a - ;');
    // The agent fixes nothing outside its function: the error is still there, in the new version.
    expect(await verify('src/m.ts', old, old.replace('return a + b;', 'return 0;'), ['add'])).toMatchObject({ side: 'new', line: 9 });
    // Even when the new version is valid, the old spans cannot be trusted.
    const p = await verify('src/m.ts', old, base.replace('return a + b;', 'return 0;'), ['add']);
    expect(p).toMatchObject({ side: 'old', line: 9 });
    expect(p!.message).toMatch(/syntax error in the previous version at line 9/);
  });

  it('a renamed scoped function blocks', async () => {
    const next = base.replace('function add(', 'function plus(');
    const p = await verify('src/m.ts', base, next, ['add']);
    expect(p!.message).toBe('scoped function add was renamed, moved or removed');
  });

  it('a function that does not exist yet blocks', async () => {
    const p = await verify('src/m.ts', base, base, ['mul']);
    expect(p!.message).toBe('scoped function mul does not exist in the previous version');
  });

  it('swapping two scoped functions is a move', async () => {
    const old = 'function f() {}\nfunction g() {}\n';
    const next = 'function g() {}\nfunction f() {}\n';
    const p = await verify('s.ts', old, next, ['f', 'g']);
    expect(p!.message).toMatch(/moved/);
  });

  it('swallowing the following code into the function is caught by the suffix', async () => {
    const old = 'function f() {}\nfunction g() { danger(); }\n';
    const next = 'function f() { /*}\nfunction g() { danger(); }*/ }\n';
    expect(await verify('s.ts', old, next, ['f'])).not.toBeNull();
  });

  it('JavaScript and TSX files parse with their own script kind', async () => {
    const js = 'export function f() { return 1; }\nmodule.exports = f;\n';
    expect(await verify('a.cjs', js, js.replace('return 1', 'return 2'), ['f'])).toBeNull();
    const tsx = 'export function View() { return <div>a</div>; }\nexport const x = 1;\n';
    expect(await verify('v.tsx', tsx, tsx.replace('<div>a</div>', '<span>b</span>'), ['View'])).toBeNull();
  });
});
