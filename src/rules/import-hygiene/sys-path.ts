// sys.path mutations in a Python syntax tree (never in comments or strings: it reads the AST).
//
//   sys.path.insert / append / extend / remove / pop / clear / reverse / sort / __setitem__ …
//   sys.path[0] = …   sys.path[:0] = …   del sys.path[0]   sys.path += …   sys.path = …
//   site.addsitedir(…)   setattr(sys, "path", …)
// through aliases: `import sys as s`, `from sys import path [as p]`, `from sys import *`,
// `import site as st`, `from site import addsitedir [as add]`, and plain name aliases
// `p = sys.path` (then `p.append(…)`, `p[:0] = …`, `p += …`). Rebinding an alias
// (`path = [...]` after `from sys import path`) does not touch sys.path and is not reported.
// The module and its attribute reached without their names, as the interpreter resolves them:
// `__import__("sys")`, `importlib.import_module("sys")` (also `import_module` imported from
// importlib), `sys.modules["sys"]`; `getattr(<sys>, "path")`, `vars(<sys>)["path"]`,
// `<sys>.__dict__["path"]`; unbound methods `list.insert(<sys.path>, …)` (any mutator).
// Not followed: names computed at run time (`getattr(sys, name)`, `__import__(modname)`).
import type { PyNode, PyTree } from '../../readers/python.js';
import { queryPython } from '../../readers/python.js';

export interface SysPathMutation {
  /** UTF-16 offset of the mutating expression or statement. */
  offset: number;
  /** Its source text with whitespace removed (the key for "is it new?"). */
  key: string;
  /** Its source text, shortened for messages. */
  code: string;
}

const MUTATORS = new Set(['insert', 'append', 'extend', 'remove', 'pop', 'clear', 'reverse', 'sort', '__setitem__', '__delitem__', '__iadd__', '__imul__']);

const QUERY = `
(import_statement) @import
(import_from_statement) @from
(assignment) @assign
(augmented_assignment) @aug
(delete_statement) @del
(call) @call
`;

const MAYBE = /\bsys\s*\)?\s*\.\s*path\b|\bfrom\s+sys\s+import\b|\bsys\s+as\b|addsitedir|\bsetattr\s*\(\s*sys\b|["']sys["']|["']path["']/;

/**
 * Quick text test: can the text hold a sys.path mutation at all? (`sys.path`, `from sys import`,
 * `import sys as`, `addsitedir`, `setattr(sys`). Files that merely `import sys` and use
 * `os.path` never reach the tree query.
 */
export function mayMutateSysPath(text: string): boolean {
  if (!text.includes('sys') && !text.includes('addsitedir')) return false;
  return MAYBE.test(text);
}

function unwrap(n: PyNode | null): PyNode | null {
  let cur = n;
  while (cur && cur.type === 'parenthesized_expression') cur = cur.namedChildren.find((c) => c && c.type !== 'comment') ?? null;
  return cur;
}

export async function findSysPathMutations(tree: PyTree, text: string): Promise<SysPathMutation[]> {
  const caps = await queryPython(tree, QUERY);
  const sysNames = new Set(['sys']);
  const siteNames = new Set(['site']);
  const pathNames = new Set<string>();
  const addsitedirNames = new Set<string>();

  // Imports first (wherever they are: module level, functions, try blocks).
  for (const c of caps) {
    const n = c.node;
    if (c.name === 'import') {
      for (const child of n.namedChildren) {
        if (!child) continue;
        if (child.type === 'dotted_name') {
          if (child.text === 'sys') sysNames.add('sys');
          if (child.text === 'site') siteNames.add('site');
        } else if (child.type === 'aliased_import') {
          const name = child.childForFieldName('name')?.text;
          const alias = child.childForFieldName('alias')?.text;
          if (!alias) continue;
          if (name === 'sys') sysNames.add(alias);
          if (name === 'site') siteNames.add(alias);
        }
      }
    } else if (c.name === 'from') {
      const mod = n.childForFieldName('module_name')?.text;
      if (mod !== 'sys' && mod !== 'site') continue;
      const target = mod === 'sys' ? pathNames : addsitedirNames;
      const wanted = mod === 'sys' ? 'path' : 'addsitedir';
      if (n.namedChildren.some((ch) => ch?.type === 'wildcard_import')) target.add(wanted);
      for (const ch of n.childrenForFieldName('name')) {
        if (!ch) continue;
        if (ch.type === 'dotted_name' && ch.text === wanted) target.add(wanted);
        else if (ch.type === 'aliased_import' && ch.childForFieldName('name')?.text === wanted) {
          const alias = ch.childForFieldName('alias')?.text;
          if (alias) target.add(alias);
        }
      }
    }
  }

  const strLit = (n: PyNode | null | undefined, want: string): boolean => !!n && n.type === 'string' && new RegExp(`^[rRuU]?(['"])${want}\\1$`).test(n.text);
  const callArgs = (n: PyNode): PyNode[] => n.childForFieldName('arguments')?.namedChildren.filter((a): a is PyNode => !!a && a.type !== 'comment') ?? [];
  const calleeIs = (n: PyNode, names: readonly string[]): boolean => {
    const fn = unwrap(n.childForFieldName('function'));
    if (!fn) return false;
    if (fn.type === 'identifier') return names.includes(fn.text);
    return fn.type === 'attribute' && names.includes(`${unwrap(fn.childForFieldName('object'))?.text}.${fn.childForFieldName('attribute')?.text}`);
  };
  /** An expression that evaluates to the sys module. */
  const isSys = (raw: PyNode | null): boolean => {
    const n = unwrap(raw);
    if (!n) return false;
    if (n.type === 'identifier') return sysNames.has(n.text);
    if (n.type === 'call') {
      // __import__("sys"), importlib.import_module("sys"), import_module("sys")
      return calleeIs(n, ['__import__', 'importlib.import_module', 'import_module']) && strLit(callArgs(n)[0], 'sys');
    }
    if (n.type === 'subscript') {
      // sys.modules["sys"]
      const v = unwrap(n.childForFieldName('value'));
      return (
        !!v &&
        v.type === 'attribute' &&
        v.childForFieldName('attribute')?.text === 'modules' &&
        isSys(v.childForFieldName('object')) &&
        strLit(n.childForFieldName('subscript'), 'sys')
      );
    }
    return false;
  };
  const isSysPath = (raw: PyNode | null): boolean => {
    const n = unwrap(raw);
    if (!n) return false;
    if (n.type === 'identifier') return pathNames.has(n.text);
    if (n.type === 'call') {
      // getattr(<sys>, "path")
      const a = callArgs(n);
      return calleeIs(n, ['getattr']) && isSys(a[0] ?? null) && strLit(a[1], 'path');
    }
    if (n.type === 'subscript') {
      // vars(<sys>)["path"], <sys>.__dict__["path"]
      if (!strLit(n.childForFieldName('subscript'), 'path')) return false;
      const v = unwrap(n.childForFieldName('value'));
      if (!v) return false;
      if (v.type === 'call') return calleeIs(v, ['vars']) && isSys(callArgs(v)[0] ?? null);
      return v.type === 'attribute' && v.childForFieldName('attribute')?.text === '__dict__' && isSys(v.childForFieldName('object'));
    }
    if (n.type !== 'attribute') return false;
    return n.childForFieldName('attribute')?.text === 'path' && isSys(n.childForFieldName('object'));
  };
  const isDirectSysPath = (raw: PyNode | null): boolean => {
    const n = unwrap(raw);
    return !!n && n.type === 'attribute' && isSysPath(n);
  };

  // Name aliases (`p = sys.path`), in document order, twice for chains (`q = p`).
  const assigns = caps.filter((c) => c.name === 'assign');
  for (let round = 0; round < 2; round++) {
    for (const c of assigns) {
      const left = c.node.childForFieldName('left');
      const right = c.node.childForFieldName('right');
      if (left?.type === 'identifier' && isSysPath(right)) pathNames.add(left.text);
    }
  }

  const out: SysPathMutation[] = [];
  const add = (node: PyNode) => {
    const code = node.text;
    out.push({ offset: node.startIndex, key: code.replace(/\s+/g, ''), code: shorten(code) });
  };
  /** A target (or tuple of targets) that writes into sys.path. */
  const writesSysPath = (t: PyNode | null, rebindCounts: boolean): boolean => {
    const n = unwrap(t);
    if (!n) return false;
    if (n.type === 'subscript') return isSysPath(n.childForFieldName('value'));
    if (n.type === 'attribute') return rebindCounts && isDirectSysPath(n);
    if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern' || n.type === 'expression_list' || n.type === 'tuple' || n.type === 'list') {
      return n.namedChildren.some((ch) => writesSysPath(ch, rebindCounts));
    }
    return false;
  };

  for (const c of caps) {
    const n = c.node;
    switch (c.name) {
      case 'call': {
        const fn = unwrap(n.childForFieldName('function'));
        if (!fn) break;
        if (fn.type === 'attribute') {
          const method = fn.childForFieldName('attribute')?.text ?? '';
          const obj = fn.childForFieldName('object');
          if (MUTATORS.has(method) && isSysPath(obj)) add(n);
          else if (MUTATORS.has(method) && unwrap(obj)?.text === 'list' && isSysPath(callArgs(n)[0] ?? null))
            add(n); // list.insert(sys.path, …)
          else if (method === 'addsitedir') {
            const o = unwrap(obj);
            if (o?.type === 'identifier' && siteNames.has(o.text)) add(n);
          }
        } else if (fn.type === 'identifier') {
          if (addsitedirNames.has(fn.text)) add(n);
          else if (fn.text === 'setattr') {
            const args = n.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
            const target = unwrap(args[0] ?? null);
            const attr = args[1];
            if (isSys(target ?? null) && attr?.type === 'string' && /^[rRuUbB]*(['"])path\1$/.test(attr.text)) {
              add(n);
            }
          }
        }
        break;
      }
      case 'assign': {
        // `a = b = sys.path[...]` nests assignments in `right`; each has its own capture.
        if (writesSysPath(n.childForFieldName('left'), true)) add(n);
        break;
      }
      case 'aug':
        if (isSysPath(n.childForFieldName('left')) || writesSysPath(n.childForFieldName('left'), false)) add(n);
        break;
      case 'del':
        for (const t of n.namedChildren) {
          if (t && (writesSysPath(t, true) || isDirectSysPath(t))) {
            add(n);
            break;
          }
        }
        break;
      default:
        break;
    }
  }
  out.sort((a, b) => a.offset - b.offset);
  void text;
  return out;
}

function shorten(code: string): string {
  const one = code.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}…` : one;
}
