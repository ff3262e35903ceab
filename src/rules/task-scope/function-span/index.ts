// Function-scope verification: given the old and the new version of a file and the scoped
// qualified names, prove that everything outside the names' spans is byte-identical.
//
//   spanLanguage(path)                         → 'typescript' | 'python' | null
//   findSpans(lang, text, names, fileName)     → spans or why they cannot be established
//   verifyFunctionEdit(oldText, newText, …)    → null when the edit stays inside the spans
//
// Parsers are loaded only when one of these is called (TypeScript: `import('typescript')`;
// Python: web-tree-sitter + tree-sitter-python.wasm). Nothing here reads git.
import type { Blob } from '../../../changeset/blob.js';
import { parsePythonBlob } from '../../../readers/python.js';
import { compareOutsideSpans } from './compare.js';
import { PYTHON_EXTENSIONS, pythonSpans, pythonSpansFromTree } from './python.js';
import { TYPESCRIPT_EXTENSIONS, typescriptSpans } from './typescript.js';
import type { SpanFailure, SpanLanguage, SpanResult } from './types.js';
import { functionSpanMsg } from '../messages.js';

export type { SpanLanguage, SpanResult } from './types.js';

export const FUNCTION_SCOPE_EXTENSIONS: readonly string[] = [...TYPESCRIPT_EXTENSIONS, ...PYTHON_EXTENSIONS];

export function spanLanguage(path: string): SpanLanguage | null {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return null;
  const ext = path.slice(dot).toLowerCase();
  if (TYPESCRIPT_EXTENSIONS.includes(ext)) return 'typescript';
  if (PYTHON_EXTENSIONS.includes(ext)) return 'python';
  return null;
}

export function findSpans(lang: SpanLanguage, text: string, names: readonly string[], fileName: string): Promise<SpanResult> {
  return lang === 'python' ? pythonSpans(text, names) : typescriptSpans(text, names, fileName);
}

/** Memoised per blob: Python shares the run's parse of the blob with the other Python rules. */
export function findSpansInBlob(blob: Blob, lang: SpanLanguage, names: readonly string[], fileName: string): Promise<SpanResult> {
  return blob.parseAsync(`function-span:${lang}:${fileName}:${names.join('\0')}`, async (b) => {
    if (lang === 'python') return pythonSpansFromTree(await parsePythonBlob(b), b.text, names);
    return typescriptSpans(b.text, names, fileName);
  });
}

/** 1-based line and column of a UTF-16 offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

export interface FunctionEditProblem {
  /** Which version the problem was found in. */
  side: 'old' | 'new';
  /** UTF-16 offset of the problem in that version (null when it has no single place). */
  offset: number | null;
  line: number | null;
  column: number | null;
  /** One line, without the path. */
  message: string;
}

function failureProblem(side: 'old' | 'new', text: string, f: SpanFailure): FunctionEditProblem {
  const at = (offset: number) => {
    const p = positionOf(text, offset);
    return { offset, line: p.line, column: p.column };
  };
  const version = side === 'old' ? 'the previous version' : 'the new version';
  switch (f.kind) {
    case 'syntax': {
      const p = at(f.offset);
      return {
        side,
        ...p,
        message: functionSpanMsg.syntax(version, p.line, p.column, f.detail),
      };
    }
    case 'not-found':
      return side === 'old'
        ? { side, offset: null, line: null, column: null, message: functionSpanMsg.missingBefore(f.name) }
        : { side, offset: null, line: null, column: null, message: functionSpanMsg.gone(f.name) };
    case 'ambiguous': {
      const lines = f.offsets.map((o) => positionOf(text, o).line);
      const p = at(f.offsets[0]!);
      return {
        side,
        ...p,
        message: functionSpanMsg.ambiguous(f.name, version, f.offsets.length, lines),
      };
    }
  }
}

/**
 * null when `newText` differs from `oldText` only inside the spans of `names`; otherwise the
 * first problem: a syntax error, a missing, renamed or ambiguous function, or the first
 * out-of-span difference (line and column in the new version).
 */
export function verifyFunctionEdit(oldResult: SpanResult, oldText: string, newResult: SpanResult, newText: string): FunctionEditProblem | null {
  if (!newResult.ok && newResult.failure.kind === 'syntax') return failureProblem('new', newText, newResult.failure);
  if (!oldResult.ok) return failureProblem('old', oldText, oldResult.failure);
  if (!newResult.ok) return failureProblem('new', newText, newResult.failure);
  const diff = compareOutsideSpans(oldText, oldResult.spans, newText, newResult.spans);
  if (!diff) return null;
  const p = positionOf(newText, diff.newOffset);
  const old = positionOf(oldText, diff.oldOffset);
  const where = diff.after !== null ? `after ${diff.after}` : `before ${diff.before}`;
  const message = diff.reason === 'order' ? functionSpanMsg.moved(p.line, p.column) : functionSpanMsg.outside(p.line, p.column, where, old.line, old.column);
  return { side: 'new', offset: diff.newOffset, line: p.line, column: p.column, message };
}

/** Text-only convenience (tests, bench): parse both versions and verify. */
export async function verifyFunctionEditText(path: string, oldText: string, newText: string, names: readonly string[]): Promise<FunctionEditProblem | null> {
  const lang = spanLanguage(path);
  if (!lang) throw new Error(`no function-span support for ${path}`);
  const [o, n] = await Promise.all([findSpans(lang, oldText, names, path), findSpans(lang, newText, names, path)]);
  return verifyFunctionEdit(o, oldText, n, newText);
}
