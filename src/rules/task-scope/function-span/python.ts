// Function spans in Python, in-process with web-tree-sitter and the tree-sitter-python grammar
// (through src/readers/python.ts, which loads the parser lazily once per process).
//
// Addressable: `def`, `async def` and `class` (a name level each). Compound statements (if,
// try, with, for, while, match) are transparent: a `def` inside `if TYPE_CHECKING:` is
// addressed as if it stood at that level. A span runs from the first decorator to the end of
// the body, and includes the `#` comment lines directly above it (no blank line between, the
// comment alone on its line: what `inspect.getcomments` calls the doc comment). The docstring
// is part of the body.
import { parsePython, type PyNode, type PyTree } from '../../../readers/python.js';
import { namePrefixes, resolveSpans, type Decl, type SpanResult } from './types.js';

export const PYTHON_EXTENSIONS = ['.py', '.pyi'];

const DEFINITIONS = new Set(['function_definition', 'class_definition']);

function onlyWhitespaceBefore(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) return true; // \n
    if (c !== 32 && c !== 9 && c !== 12 && c !== 13) return false;
  }
  return true;
}

/** Start of the doc comment block directly above `node`, or the node's own start. */
function leadingStart(node: PyNode, text: string): number {
  let start = node.startIndex;
  let row = node.startPosition.row;
  let prev: PyNode | null = node.previousNamedSibling;
  // A comment before the first statement of a class/def body is a child of the definition,
  // just before the body block.
  if (!prev && node.parent?.type === 'block') prev = node.parent.previousNamedSibling;
  while (prev && prev.type === 'comment' && prev.endPosition.row === row - 1 && onlyWhitespaceBefore(text, prev.startIndex)) {
    start = prev.startIndex;
    row = prev.startPosition.row;
    prev = prev.previousNamedSibling;
  }
  return start;
}

/**
 * The innermost first syntax error: tree-sitter often wraps a whole region (valid functions
 * included) in one ERROR node; the error proper is the first ERROR or MISSING node inside it.
 */
function pythonSyntaxError(tree: PyTree): { offset: number; detail: string } | null {
  if (!tree.rootNode.hasError) return null;
  const descend = (node: PyNode): PyNode | null => {
    for (const child of node.children) {
      if (!child) continue;
      if (child.isMissing) return child;
      if (child.isError || child.hasError) return descend(child) ?? child;
    }
    return node.isError || node.isMissing ? node : null;
  };
  const at = descend(tree.rootNode);
  if (!at) return { offset: 0, detail: 'syntax error' };
  if (at.isMissing) return { offset: at.startIndex, detail: `missing ${JSON.stringify(at.type)}` };
  const text = at.text;
  const nl = text.indexOf('\n');
  const first = (nl === -1 ? text : text.slice(0, nl)).trim();
  return { offset: at.startIndex, detail: `unexpected ${JSON.stringify(first.length > 40 ? `${first.slice(0, 40)}…` : first)}` };
}

/** Declarations of the requested names (and descent into their prefixes) in a parsed tree. */
export function pythonSpansFromTree(tree: PyTree, text: string, names: readonly string[]): SpanResult {
  const err = pythonSyntaxError(tree);
  if (err) return { ok: false, failure: { kind: 'syntax', offset: err.offset, detail: err.detail } };
  const wanted = new Set(names);
  const prefixes = namePrefixes(names);
  const decls: Decl[] = [];

  // Statements of a module or block; `list` identifies the sibling list for adjacency.
  const visitList = (container: PyNode, prefix: string): void => {
    let index = 0;
    for (const stmt of container.namedChildren) {
      if (!stmt || stmt.type === 'comment') continue;
      const i = index++;
      const def = stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
      if (def && DEFINITIONS.has(def.type)) {
        const nameNode = def.childForFieldName('name');
        if (!nameNode) continue;
        const qualified = prefix ? `${prefix}.${nameNode.text}` : nameNode.text;
        if (wanted.has(qualified)) {
          decls.push({ name: qualified, start: leadingStart(stmt, text), end: stmt.endIndex, list: container.id, index: i });
        }
        if (prefixes.has(qualified)) {
          const body = def.childForFieldName('body');
          if (body) visitList(body, qualified);
        }
        continue;
      }
      visitCompound(stmt, prefix);
    }
  };

  // Transparent compound statements: their blocks and clauses hold statements of the same level.
  const visitCompound = (node: PyNode, prefix: string): void => {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'block') visitList(child, prefix);
      else if (child.type.endsWith('_clause')) visitCompound(child, prefix);
    }
  };

  visitList(tree.rootNode, '');
  return resolveSpans(decls, names);
}

/** Parse `text` and find the spans of `names` (the tree is freed afterwards). */
export async function pythonSpans(text: string, names: readonly string[]): Promise<SpanResult> {
  const tree = await parsePython(text);
  try {
    return pythonSpansFromTree(tree, text, names);
  } finally {
    tree.delete();
  }
}
