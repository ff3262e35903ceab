// In-process Python parsing: web-tree-sitter with the grammar shipped by tree-sitter-python
// (tree-sitter-python.wasm). No Python interpreter is needed, so it runs on a bare server.
//
// Stable API (used by import-hygiene, script-risk and the change-control rules):
//   parsePython(text)        → Promise<Tree>        (not memoised: one parse per call)
//   parsePythonBlob(blob)    → Promise<Tree>        (memoised per blob, kind 'python')
//   firstSyntaxError(tree)   → first ERROR / MISSING node in document order, or null
//   firstCompileError(tree, text) → what compileall would refuse (syntax + indentation + …)
//   queryPython(tree, query) → captures of a tree-sitter query (compiled once)
//   pythonParserStats()      → load and parse timings of this process
//
// web-tree-sitter is loaded with `await import()` on first use only, so importing this module
// costs nothing on a hook's hot path. Offsets (`node.startIndex`) are UTF-16 code units of the
// JavaScript string, i.e. directly usable with `Blob.position()`.
//
// Trees are never deleted: a memoised tree lives as long as its blob (one run). Call
// `tree.delete()` yourself on trees from `parsePython` that you do not keep.
import { pythonView } from './python-source.js';
import type { Blob } from '../changeset/blob.js';
import { treeSitter, treeSitterLanguage } from './tree-sitter.js';
import type { Node, Parser, Query, QueryCapture, Tree } from 'web-tree-sitter';

export type { Node as PyNode, Tree as PyTree } from 'web-tree-sitter';

const stats = { loadMs: 0, parses: 0, parseMs: 0, bytes: 0 };
let parserPromise: Promise<Parser> | undefined;

async function createParser(): Promise<Parser> {
  const t0 = performance.now();
  const ts = await treeSitter();
  const language = await treeSitterLanguage('tree-sitter-python/tree-sitter-python.wasm');
  const parser = new ts.Parser();
  parser.setLanguage(language);
  stats.loadMs = performance.now() - t0;
  return parser;
}

/** The shared parser (loaded once per process). A failed load is retried on the next call. */
function loadPythonParser(): Promise<Parser> {
  if (!parserPromise) {
    parserPromise = createParser().catch((e: unknown) => {
      parserPromise = undefined;
      throw e;
    });
  }
  return parserPromise;
}

const queries = new Map<string, Query>();

/**
 * Captures of a tree-sitter query (S-expression pattern syntax) over a tree or node, in
 * document order. Queries are compiled once per process and run inside the wasm module, which
 * is much faster than walking the tree from JavaScript.
 */
export async function queryPython(root: Tree | Node, source: string): Promise<QueryCapture[]> {
  let q = queries.get(source);
  if (!q) {
    const parser = await loadPythonParser();
    const ts = await import('web-tree-sitter');
    q = new ts.Query(parser.language!, source);
    queries.set(source, q);
  }
  const node = 'rootNode' in root ? root.rootNode : root;
  return q.captures(node);
}

/** Parse Python source text. Throws only when the parser cannot be loaded. */
export async function parsePython(text: string): Promise<Tree> {
  const parser = await loadPythonParser();
  const t0 = performance.now();
  // Parsing is synchronous, so sharing one parser between concurrent callers is safe.
  parser.reset();
  const tree = parser.parse(text);
  stats.parseMs += performance.now() - t0;
  stats.parses += 1;
  stats.bytes += text.length;
  if (!tree) throw new Error('tree-sitter-python returned no tree');
  return tree;
}

/**
 * Parse the blob as CPython reads it (python-source.ts `pythonView`: coding cookie, lone CR,
 * NFKC identifiers), for readers that match names; offsets are into `pythonView(blob)`, which
 * is `blob.text` unless the file needs decoding.
 */
export function parsePythonView(blob: Blob): Promise<Tree> {
  const view = pythonView(blob);
  return view === blob.text ? parsePythonBlob(blob) : blob.parseAsync('python:view', () => parsePython(view));
}

/** Parse a blob as Python, once per blob per run whatever the number of rules asking. */
export function parsePythonBlob(blob: Blob): Promise<Tree> {
  return blob.parseAsync('python', (b) => parsePython(b.text));
}

export interface PySyntaxError {
  /** UTF-16 offset into the text. */
  offset: number;
  /** 'error' for an ERROR node (unexpected text), 'missing' for a MISSING node (expected token absent). */
  kind: 'error' | 'missing';
  /** For MISSING nodes: the token tree-sitter expected (e.g. ')'); for ERROR nodes: the first unexpected text. */
  token: string;
}

/** The first ERROR or MISSING node in document order, or null when the tree has no error. */
export function firstSyntaxError(tree: Tree): PySyntaxError | null {
  const root = tree.rootNode;
  if (!root.hasError) return null;
  let best: PySyntaxError | null = null;
  // Depth-first, only into subtrees that contain an error; keep the earliest offset
  // (a MISSING node can sit before an ERROR sibling's start and vice versa).
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (best !== null && node.startIndex > best.offset) continue;
    if (node.isMissing) {
      if (best === null || node.startIndex < best.offset) {
        best = { offset: node.startIndex, kind: 'missing', token: node.type };
      }
      continue;
    }
    if (node.isError) {
      if (best === null || node.startIndex < best.offset) {
        best = { offset: node.startIndex, kind: 'error', token: firstLine(node.text).slice(0, 40) };
      }
      // A MISSING node inside an ERROR cannot start earlier than the ERROR itself.
      continue;
    }
    if (!node.hasError) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children[i];
      if (c) stack.push(c);
    }
  }
  return best;
}

export interface PyCompileError {
  offset: number;
  message: string;
}

const LOOP_TYPES = new Set(['for_statement', 'while_statement']);
const ALIGNED_CLAUSES = new Set(['elif_clause', 'else_clause', 'except_clause', 'except_group_clause', 'finally_clause']);
const BODY_CLAUSES = new Set([...ALIGNED_CLAUSES, 'case_clause']);

/**
 * What `python -m compileall` would refuse, as far as a tree can tell: the first syntax error
 * (ERROR / MISSING node), plus what tree-sitter's error recovery accepts but CPython's compiler
 * does not: an empty block ("expected an indented block"), statements of one block at different
 * indentation ("unexpected indent" / "unindent does not match"), clauses (`else`, `except`, …)
 * not aligned with their statement, Python 2 `print` / `exec` statements, `return` outside a
 * function, `break` / `continue` outside a loop. The earliest problem wins.
 *
 * Only the statement level of the tree is walked (expressions are never entered), so the cost
 * is proportional to the number of statements.
 */
export function firstCompileError(tree: Tree, text: string): PyCompileError | null {
  let best: PyCompileError | null = null;
  const consider = (offset: number, message: string): void => {
    if (best === null || offset < best.offset) best = { offset, message };
  };
  const syntax = firstSyntaxError(tree);
  if (syntax) {
    consider(syntax.offset, syntax.kind === 'missing' ? `syntax error: missing '${syntax.token}'` : `syntax error: unexpected ${syntax.token ? `'${syntax.token}'` : 'input'}`);
  }

  /** Indentation before `offset` when it is the first non-blank of its line, else null. */
  const indentOf = (offset: number): string | null => {
    const ls = text.lastIndexOf('\n', offset - 1) + 1;
    const prefix = text.slice(ls, offset);
    return /^[ \t\f]*$/.test(prefix) ? prefix : null;
  };

  interface Ctx {
    inFunction: boolean;
    inLoop: boolean;
  }

  const visitStatements = (stmts: Node[], expectedIndent: string | null, ctx: Ctx, where: string): void => {
    let indent = expectedIndent;
    for (const st of stmts) {
      if (st.type === 'comment') continue;
      if (best !== null && st.startIndex > best.offset) return;
      const ind = indentOf(st.startIndex);
      if (ind !== null && !st.isError) {
        if (indent === null) indent = ind;
        else if (ind !== indent) {
          consider(
            st.startIndex,
            ind.length > indent.length ? `indentation error: unexpected indent${where}` : `indentation error: unindent does not match the indentation of the block${where}`,
          );
          return;
        }
      }
      visitStatement(st, ctx, ind);
    }
  };

  const visitBlock = (block: Node, ctx: Ctx, parentIndent: string | null, header: Node): void => {
    const stmts = block.namedChildren.filter((c): c is Node => c !== null);
    if (stmts.every((c) => c.type === 'comment')) {
      // "expected an indented block": report where the next statement starts.
      let at = block.startIndex;
      const rest = text.slice(header.startIndex);
      const m = /:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t\f]*(?:#[^\n]*)?\r?\n)*[ \t\f]*/.exec(rest);
      if (m) at = header.startIndex + m.index + m[0].length;
      consider(at, `indentation error: expected an indented block after '${firstLine(header.text).slice(0, 40)}'`);
      return;
    }
    const first = stmts.find((c) => c.type !== 'comment')!;
    const firstIndent = indentOf(first.startIndex);
    if (firstIndent !== null && parentIndent !== null && firstIndent.length <= parentIndent.length) {
      consider(first.startIndex, `indentation error: expected an indented block after '${firstLine(header.text).slice(0, 40)}'`);
      return;
    }
    visitStatements(stmts, null, ctx, '');
  };

  const visitStatement = (st: Node, ctx: Ctx, ind: string | null): void => {
    switch (st.type) {
      case 'print_statement':
        consider(st.startIndex, 'syntax error: Python 2 print statement (use print(...))');
        return;
      case 'exec_statement':
        consider(st.startIndex, 'syntax error: Python 2 exec statement (use exec(...))');
        return;
      case 'return_statement':
        if (!ctx.inFunction) consider(st.startIndex, "syntax error: 'return' outside function");
        return;
      case 'break_statement':
        if (!ctx.inLoop) consider(st.startIndex, "syntax error: 'break' outside loop");
        return;
      case 'continue_statement':
        if (!ctx.inLoop) consider(st.startIndex, "syntax error: 'continue' not properly in loop");
        return;
      default:
        break;
    }
    if (st.type === 'decorated_definition') {
      const def = st.childForFieldName('definition');
      if (def) visitStatement(def, ctx, null);
      return;
    }
    const isFunc = st.type === 'function_definition';
    const isClass = st.type === 'class_definition';
    const isLoop = LOOP_TYPES.has(st.type);
    for (const child of st.namedChildren) {
      if (!child) continue;
      if (child.type === 'block') {
        const inner: Ctx = isClass
          ? { inFunction: false, inLoop: false }
          : isFunc
            ? { inFunction: true, inLoop: false }
            : isLoop
              ? { inFunction: ctx.inFunction, inLoop: true }
              : ctx;
        visitBlock(child, inner, ind, st);
      } else if (BODY_CLAUSES.has(child.type)) {
        // elif / else / except / finally / case: body inside; all but `case` aligned with the statement.
        const clauseIndent = indentOf(child.startIndex);
        if (clauseIndent !== null && ind !== null && clauseIndent !== ind && ALIGNED_CLAUSES.has(child.type)) {
          consider(child.startIndex, `indentation error: '${firstLine(child.text).split(/[\s:]/)[0]}' is not aligned with its statement`);
        }
        const clauseCtx = isLoop && child.type === 'else_clause' ? ctx : isLoop ? { ...ctx, inLoop: true } : ctx;
        for (const b of child.namedChildren) {
          if (b && b.type === 'block') visitBlock(b, clauseCtx, clauseIndent ?? ind, child);
        }
      }
    }
  };

  const root = tree.rootNode;
  visitStatements(
    root.namedChildren.filter((c): c is Node => c !== null),
    '',
    { inFunction: false, inLoop: false },
    '',
  );
  return best;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return (i === -1 ? s : s.slice(0, i)).trim();
}

/** Timings of this process: grammar load (ms, 0 when not loaded), number of parses and total parse ms. */
export function pythonParserStats(): { loadMs: number; parses: number; parseMs: number; bytes: number } {
  return { ...stats };
}
