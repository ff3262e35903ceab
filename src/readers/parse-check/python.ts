import type { Blob } from '../../changeset/blob.js';
import type { ParseProblem } from './languages.js';
import { firstCompileError, parsePythonBlob, queryPython, type PyNode, type PyTree } from '../python.js';

/**
 * The in-process Python check (used when python3 is not available): tree-sitter's syntax
 * errors and the compile checks of `firstCompileError`, plus the errors CPython's compiler
 * raises after parsing that tree-sitter's grammar accepts (`firstStrictError`) and NUL bytes.
 * The earliest problem wins.
 */
export async function checkPython(blob: Blob): Promise<ParseProblem | null> {
  const nul = blob.text.indexOf('\0');
  if (nul !== -1) return { offset: nul, message: 'source code cannot contain null bytes' };
  const tree = await parsePythonBlob(blob);
  const strict = await blob.parseAsync('parse-check:python-strict', async (b) => firstStrictError(tree, b.text));
  const basic = blob.parse('parse-check:python', (b) => firstCompileError(tree, b.text));
  if (!strict) return basic;
  if (!basic) return strict;
  return strict.offset < basic.offset ? strict : basic;
}

const STRICT_QUERY = `
(parameters) @params
(lambda_parameters) @params
(nonlocal_statement) @nonlocal
(yield) @yield
(await) @await
(delete_statement) @del
(assignment left: (list_splat_pattern) @star)
(for_statement left: (list_splat_pattern) @star)
(integer) @int
`;

const FUNCTION_SCOPES = new Set(['function_definition', 'lambda']);

function inFunction(node: PyNode): boolean {
  for (let p = node.parent; p; p = p.parent) if (FUNCTION_SCOPES.has(p.type)) return true;
  return false;
}

const DELETABLE = new Set(['identifier', 'attribute', 'subscript']);
const DELETE_GROUPS = new Set(['expression_list', 'tuple', 'list', 'parenthesized_expression', 'pattern_list', 'tuple_pattern', 'list_pattern']);

function badDeleteTarget(node: PyNode): PyNode | null {
  if (DELETABLE.has(node.type)) return null;
  if (DELETE_GROUPS.has(node.type)) {
    for (const c of node.namedChildren) {
      if (!c || c.type === 'comment') continue;
      const bad = badDeleteTarget(c);
      if (bad) return bad;
    }
    return null;
  }
  return node;
}

function describeTarget(node: PyNode): string {
  switch (node.type) {
    case 'call':
      return 'function call';
    case 'integer':
    case 'float':
    case 'string':
    case 'concatenated_string':
    case 'true':
    case 'false':
    case 'none':
      return 'literal';
    default:
      return 'expression';
  }
}

/** Name a parameter node binds, and whether it has a default / is a splat or a separator. */
function paramInfo(p: PyNode): { name: string | null; kind: 'plain' | 'default' | 'star' | 'sep' | 'slash' | 'other' } {
  switch (p.type) {
    case 'identifier':
      return { name: p.text, kind: 'plain' };
    case 'typed_parameter': {
      const first = p.namedChildren[0];
      if (first && (first.type === 'list_splat_pattern' || first.type === 'dictionary_splat_pattern')) {
        return { name: first.namedChildren[0]?.text ?? null, kind: 'star' };
      }
      return { name: first?.type === 'identifier' ? first.text : null, kind: 'plain' };
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return { name: p.childForFieldName('name')?.text ?? null, kind: 'default' };
    case 'list_splat_pattern':
    case 'dictionary_splat_pattern':
      return { name: p.namedChildren[0]?.text ?? null, kind: 'star' };
    case 'keyword_separator':
      return { name: null, kind: 'sep' };
    case 'positional_separator':
      return { name: null, kind: 'slash' };
    default:
      return { name: null, kind: 'other' };
  }
}

/**
 * Errors CPython's compiler raises on code tree-sitter parses: a parameter without a default
 * after one with a default, a duplicate parameter, `nonlocal` outside a function, `yield` /
 * `await` outside a function, `del` of a call or literal, a starred assignment target that is
 * not inside a list or tuple, decimal literals with leading zeros (`0777`). The earliest wins.
 */
async function firstStrictError(tree: PyTree, _text: string): Promise<ParseProblem | null> {
  const caps = await queryPython(tree, STRICT_QUERY);
  let best: ParseProblem | null = null;
  const consider = (offset: number, message: string) => {
    if (best === null || offset < best.offset) best = { offset, message };
  };
  for (const { name, node } of caps) {
    if (best !== null && node.startIndex > (best as ParseProblem).offset) continue;
    switch (name) {
      case 'params': {
        const seen = new Set<string>();
        let sawDefault = false;
        let keywordOnly = false;
        for (const p of node.namedChildren) {
          if (!p || p.type === 'comment') continue;
          const info = paramInfo(p);
          if (info.name !== null) {
            if (seen.has(info.name)) {
              consider(p.startIndex, `duplicate argument '${info.name}' in function definition`);
              break;
            }
            seen.add(info.name);
          }
          if (info.kind === 'default') sawDefault = true;
          else if (info.kind === 'star' || info.kind === 'sep') keywordOnly = true;
          else if (info.kind === 'plain' && sawDefault && !keywordOnly) {
            consider(p.startIndex, 'non-default argument follows default argument');
            break;
          }
        }
        break;
      }
      case 'nonlocal':
        if (!inFunction(node)) consider(node.startIndex, 'nonlocal declaration not allowed at module level');
        break;
      case 'yield':
        if (!inFunction(node)) consider(node.startIndex, "'yield' outside function");
        break;
      case 'await':
        if (!inFunction(node)) consider(node.startIndex, "'await' outside function");
        break;
      case 'del':
        for (const t of node.namedChildren) {
          if (!t || t.type === 'comment') continue;
          const bad = badDeleteTarget(t);
          if (bad) {
            consider(bad.startIndex, `cannot delete ${describeTarget(bad)}`);
            break;
          }
        }
        break;
      case 'star':
        consider(node.startIndex, 'starred assignment target must be in a list or tuple');
        break;
      case 'int':
        if (/^0[0-9_]*[1-9][0-9_]*$/.test(node.text)) {
          consider(node.startIndex, 'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers');
        }
        break;
    }
  }
  return best;
}
