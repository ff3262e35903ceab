// Function spans in TypeScript and JavaScript, with the TypeScript compiler's parser
// (`ts.createSourceFile`: syntax only, no program, no type checking).
//
// The compiler is 9 MB and takes ~300 ms to load, so it is imported lazily, only when a
// function scope names a TS/JS file that the change touches.
//
// Addressable declarations (a name level each; everything else is transparent):
//   function declarations (`export default function` without a name is `default`),
//   classes (declarations and class expressions bound to a variable), namespaces/modules
//   (`namespace A.B` gives two levels), methods, constructors (`constructor`), get/set
//   accessors, class properties whose initializer is a function or arrow function,
//   variables whose initializer is a function, arrow function, class or object literal,
//   and object-literal members (methods, accessors, properties holding functions or objects).
// A span runs from the last JSDoc comment (`/** … */`) before the declaration (or, without
// one, from its first decorator or modifier) to its end. A `const f = () => …;` statement
// declaring only `f` spans the whole statement.
import type * as TS from 'typescript';
import { namePrefixes, resolveSpans, type Decl, type SpanResult } from './types.js';

type TypeScript = typeof TS;

let tsPromise: Promise<TypeScript> | undefined;

/** The TypeScript compiler module, loaded once per process on first use. */
function loadTypeScript(): Promise<TypeScript> {
  if (!tsPromise) {
    tsPromise = import('typescript')
      .then((m) => (m as unknown as { default?: TypeScript }).default ?? (m as unknown as TypeScript))
      .catch((e: unknown) => {
        tsPromise = undefined;
        throw e;
      });
  }
  return tsPromise;
}

const EXT_KIND: Record<string, keyof typeof TS.ScriptKind> = {
  '.ts': 'TS',
  '.mts': 'TS',
  '.cts': 'TS',
  '.tsx': 'TSX',
  '.js': 'JS',
  '.mjs': 'JS',
  '.cjs': 'JS',
  '.jsx': 'JSX',
};

export const TYPESCRIPT_EXTENSIONS = Object.keys(EXT_KIND);

function scriptKind(ts: TypeScript, fileName: string): TS.ScriptKind {
  const dot = fileName.lastIndexOf('.');
  const ext = dot === -1 ? '' : fileName.slice(dot).toLowerCase();
  const k = EXT_KIND[ext];
  return k ? ts.ScriptKind[k] : ts.ScriptKind.TS;
}

function propertyNameText(ts: TypeScript, name: TS.Node | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return null; // computed names are not addressable
}

function unwrap(ts: TypeScript, e: TS.Expression | undefined): TS.Expression | undefined {
  let x = e;
  while (x && (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isSatisfiesExpression(x) || ts.isTypeAssertionExpression(x))) {
    x = x.expression;
  }
  return x;
}

/** Initializers that make a variable or property addressable. */
function isAddressableValue(ts: TypeScript, e: TS.Expression | undefined): boolean {
  const x = unwrap(ts, e);
  return !!x && (ts.isArrowFunction(x) || ts.isFunctionExpression(x) || ts.isClassExpression(x) || ts.isObjectLiteralExpression(x));
}

function hasDefaultModifier(ts: TypeScript, node: TS.Node): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** Name of a declaration that opens a level, or null when the node is transparent. */
function declName(ts: TypeScript, node: TS.Node): string | null {
  switch (node.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.ClassDeclaration: {
      const n = (node as TS.FunctionDeclaration | TS.ClassDeclaration).name;
      if (n) return n.text;
      return hasDefaultModifier(ts, node) ? 'default' : null;
    }
    case ts.SyntaxKind.ModuleDeclaration:
      return propertyNameText(ts, (node as TS.ModuleDeclaration).name);
    case ts.SyntaxKind.Constructor:
      return 'constructor';
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor:
      return propertyNameText(ts, (node as TS.MethodDeclaration).name);
    case ts.SyntaxKind.PropertyDeclaration:
    case ts.SyntaxKind.PropertyAssignment: {
      const p = node as TS.PropertyDeclaration | TS.PropertyAssignment;
      return isAddressableValue(ts, p.initializer) ? propertyNameText(ts, p.name) : null;
    }
    case ts.SyntaxKind.VariableDeclaration: {
      const v = node as TS.VariableDeclaration;
      return ts.isIdentifier(v.name) && isAddressableValue(ts, v.initializer) ? v.name.text : null;
    }
    default:
      return null;
  }
}

function isJsDoc(text: string, r: TS.CommentRange): boolean {
  return r.kind === 3 /* MultiLineCommentTrivia */ && text.startsWith('/**', r.pos) && !text.startsWith('/**/', r.pos);
}

/** Parse and collect the declarations whose qualified names are (prefixes of) `names`. */
function typescriptSpansWith(ts: TypeScript, text: string, names: readonly string[], fileName = 'file.ts'): SpanResult {
  const sf = ts.createSourceFile(fileName, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(ts, fileName));
  const diags = (sf as unknown as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] }).parseDiagnostics;
  if (!Array.isArray(diags)) {
    // The parser's diagnostics are how syntax errors are seen; without them nothing is proven.
    throw new Error('this TypeScript version does not expose parse diagnostics');
  }
  if (diags.length > 0) {
    const first = [...diags].sort((a, b) => a.start - b.start)[0]!;
    return {
      ok: false,
      failure: { kind: 'syntax', offset: first.start, detail: ts.flattenDiagnosticMessageText(first.messageText, ' ') },
    };
  }

  const wanted = new Set(names);
  const prefixes = namePrefixes(names);
  const decls: Decl[] = [];
  let listIds = 0;

  const spanStart = (node: TS.Node): number => {
    const ranges = ts.getLeadingCommentRanges(text, node.pos);
    if (ranges) {
      for (let i = ranges.length - 1; i >= 0; i--) if (isJsDoc(text, ranges[i]!)) return ranges[i]!.pos;
    }
    return node.getStart(sf);
  };

  // `prefix`: qualified name of the enclosing level ('' at the top).
  const visit = (node: TS.Node, prefix: string, list: number, index: number): void => {
    if (ts.isVariableStatement(node)) {
      const declarations = node.declarationList.declarations;
      if (declarations.length === 1) {
        const only = declarations[0]!;
        const name = declName(ts, only);
        if (name !== null) {
          enter(name, node, prefix, list, index, only.initializer);
          return;
        }
      }
      children(node, prefix);
      return;
    }
    const name = declName(ts, node);
    if (name === null) {
      children(node, prefix);
      return;
    }
    enter(name, node, prefix, list, index, node);
  };

  const enter = (name: string, spanNode: TS.Node, prefix: string, list: number, index: number, inner: TS.Node | undefined): void => {
    const qualified = prefix ? `${prefix}.${name}` : name;
    if (wanted.has(qualified)) decls.push({ name: qualified, start: spanStart(spanNode), end: spanNode.end, list, index });
    // Only descend where a requested name can still be found.
    if (inner && prefixes.has(qualified)) {
      if (inner === spanNode) children(inner, qualified);
      else visit(inner, qualified, -1, -1);
    }
  };

  const children = (node: TS.Node, prefix: string): void => {
    ts.forEachChild(
      node,
      (child) => visit(child, prefix, -1, -1),
      (nodes) => {
        const id = ++listIds;
        for (let i = 0; i < nodes.length; i++) visit(nodes[i]!, prefix, id, i);
      },
    );
  };

  children(sf, '');
  return resolveSpans(decls, names);
}

/** Spans of `names` in a TS/JS text (loads the compiler on first use). */
export async function typescriptSpans(text: string, names: readonly string[], fileName = 'file.ts'): Promise<SpanResult> {
  const ts = await loadTypeScript();
  return typescriptSpansWith(ts, text, names, fileName);
}
