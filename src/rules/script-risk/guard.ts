// Exec-guard detection: does a script contain one of the guard patterns in code?
//
//   Python  comments and string literals (docstrings included) are blanked using the
//           tree-sitter syntax tree, so `# TODO require_exec_guard(` or a docstring that
//           mentions the guard does not count.
//   Shell   comments are blanked with a small lexer (quotes, escapes, `$#`, `${#x}`, heredoc
//           bodies kept as code: `python - <<EOF … EOF` runs them). Strings stay: in shell a
//           quoted word is often code (`"$(require_exec_guard)"`).
// Patterns are literal; an end that is a word character must sit at a word boundary.
import type { Blob } from '../../changeset/blob.js';
import { parsePythonBlob, queryPython } from '../_shared/python.js';

const WORD = /[A-Za-z0-9_]/;

/** Offset of the first occurrence of `pattern` in `code` at word boundaries, or -1. */
export function findPattern(code: string, pattern: string): number {
  const startWord = WORD.test(pattern[0]!);
  const endWord = WORD.test(pattern[pattern.length - 1]!);
  for (let i = code.indexOf(pattern); i !== -1; i = code.indexOf(pattern, i + 1)) {
    if (startWord && i > 0 && WORD.test(code[i - 1]!)) continue;
    const after = code[i + pattern.length];
    if (endWord && after !== undefined && WORD.test(after)) continue;
    return i;
  }
  return -1;
}

function blank(text: string, ranges: [number, number][]): string {
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of ranges) {
    if (e <= at) continue;
    const from = Math.max(s, at);
    out += text.slice(at, from) + text.slice(from, e).replace(/[^\n]/g, ' ');
    at = e;
  }
  return out + text.slice(at);
}

/** Python source with comments and strings blanked (same length, same lines). */
export async function pythonCode(blob: Blob): Promise<string> {
  const tree = await parsePythonBlob(blob);
  return blob.parseAsync('script-risk:python-code', async (b) => {
    const caps = await queryPython(tree, '(comment) @c (string) @s');
    return blank(
      b.text,
      caps.map((c) => [c.node.startIndex, c.node.endIndex]),
    );
  });
}

/** Shell source with comments blanked (same length, same lines). */
export function shellCode(text: string): string {
  const ranges: [number, number][] = [];
  const n = text.length;
  let i = 0;
  let quote: '"' | "'" | null = null;
  const heredocs: { delim: string; strip: boolean }[] = [];
  const wordStart = (j: number) => j === 0 || /[\s;&|()<>]/.test(text[j - 1]!);
  while (i < n) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      i++;
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      i++;
      continue;
    }
    if (c === '#' && wordStart(i)) {
      const e = text.indexOf('\n', i);
      ranges.push([i, e === -1 ? n : e]);
      i = e === -1 ? n : e;
      continue;
    }
    if (c === '<' && text[i + 1] === '<' && text[i + 2] !== '<') {
      const m = /^<<(-?)\s*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i, i + 200));
      if (m) {
        heredocs.push({ delim: (m[2] ?? m[3] ?? m[4])!, strip: m[1] === '-' });
        i += m[0].length;
        continue;
      }
    }
    if (c === '\n' && heredocs.length > 0) {
      // Skip the bodies (kept as code) up to each terminator line, in order.
      let at = i + 1;
      for (const h of heredocs) {
        for (;;) {
          if (at >= n) break;
          const e = text.indexOf('\n', at);
          const line = text.slice(at, e === -1 ? n : e).replace(/\r$/, '');
          at = e === -1 ? n : e + 1;
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) break;
        }
      }
      heredocs.length = 0;
      i = at;
      continue;
    }
    i++;
  }
  return blank(text, ranges);
}

export type ScriptKind = 'python' | 'shell' | 'other';

export function scriptKind(path: string, text: string): ScriptKind {
  if (/\.pyw?$/i.test(path)) return 'python';
  if (/\.(?:sh|bash|zsh|ksh)$/i.test(path)) return 'shell';
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (/^#!.*\bpython[0-9.]*\b/.test(first)) return 'python';
  if (/^#!.*\b(?:ba|z|k|da)?sh\b/.test(first)) return 'shell';
  return 'other';
}

/** The first guard pattern found in code, with its offset; null when none. */
export async function findGuard(
  blob: Blob,
  path: string,
  patterns: readonly string[],
): Promise<{ pattern: string; offset: number } | null> {
  const text = blob.text;
  // Cheap exit: no pattern anywhere in the text.
  if (!patterns.some((p) => text.includes(p))) return null;
  const kind = scriptKind(path, text);
  const code = kind === 'python' ? await pythonCode(blob) : kind === 'shell' ? shellCode(text) : text;
  for (const p of patterns) {
    const at = findPattern(code, p);
    if (at !== -1) return { pattern: p, offset: at };
  }
  return null;
}
