// Exec-guard detection: does a script contain one of the guard patterns in code?
//
//   Python  comments and string literals (docstrings included) are blanked using the
//           tree-sitter syntax tree, so `# TODO require_exec_guard(` or a docstring that
//           mentions the guard does not count; nor does dead code: the body of
//           `if False:` / `if 0:` / `if None:` / `if TYPE_CHECKING:` / `while False:`.
//   Shell   comments are blanked with a small lexer (quotes, escapes, `$#`, `${#x}`); heredoc
//           bodies stay code when a command runs them (`python - <<EOF`) and are text when
//           it prints them (`cat <<EOF`, `: <<'EOF'`); `if false; then … fi` is dead. Strings
//           stay: in shell a quoted word is often code (`"$(require_exec_guard)"`), but a
//           guard that is only an argument of echo/printf/:/true/false/cat, or only a value
//           assigned to a variable, is text, not a call.
// Patterns are literal; an end that is a word character must sit at a word boundary.
import type { Blob } from '../../changeset/blob.js';
import { parsePythonBlob, queryPython } from '../../readers/python.js';

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

/** Conditions that are constantly false at run time: their block never runs. */
const DEAD_CONDITIONS = new Set(['False', '0', 'None', "''", '""', '()', '[]', '{}', 'TYPE_CHECKING', 'typing.TYPE_CHECKING', '(False)', 'notTrue', 'not1']);

/** Python source with comments and strings blanked (same length, same lines). */
async function pythonCode(blob: Blob): Promise<string> {
  const tree = await parsePythonBlob(blob);
  return blob.parseAsync('script-risk:python-code', async (b) => {
    const caps = await queryPython(tree, '(comment) @c (string) @s (if_statement) @if (while_statement) @while');
    const ranges: [number, number][] = [];
    for (const c of caps) {
      if (c.name === 'c' || c.name === 's') {
        ranges.push([c.node.startIndex, c.node.endIndex]);
        continue;
      }
      const cond = c.node.childForFieldName('condition');
      const body = c.node.childForFieldName(c.name === 'if' ? 'consequence' : 'body');
      if (cond && body && DEAD_CONDITIONS.has(cond.text.replace(/\s+/g, ''))) ranges.push([body.startIndex, body.endIndex]);
    }
    return blank(b.text, ranges);
  });
}

/** Shell source with comments blanked (same length, same lines). */
export function shellCode(text: string): string {
  const ranges: [number, number][] = [];
  const n = text.length;
  let i = 0;
  let quote: '"' | "'" | null = null;
  const heredocs: { delim: string; strip: boolean; text: boolean }[] = [];
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
        heredocs.push({ delim: (m[2] ?? m[3] ?? m[4])!, strip: m[1] === '-', text: TEXT_COMMANDS.has(commandWord(text, i)) });
        i += m[0].length;
        continue;
      }
    }
    if (c === '\n' && heredocs.length > 0) {
      // Skip the bodies up to each terminator line, in order: code when a command runs them,
      // blanked when a command prints them.
      let at = i + 1;
      for (const h of heredocs) {
        const bodyStart = at;
        for (;;) {
          if (at >= n) break;
          const e = text.indexOf('\n', at);
          const line = text.slice(at, e === -1 ? n : e).replace(/\r$/, '');
          at = e === -1 ? n : e + 1;
          if ((h.strip ? line.replace(/^\t+/, '') : line) === h.delim) {
            if (h.text) ranges.push([bodyStart, at]);
            break;
          }
        }
      }
      heredocs.length = 0;
      i = at;
      continue;
    }
    i++;
  }
  // `if false; then … fi` (and `if :`-less `while false; do … done`): never runs.
  for (const m of text.matchAll(/(^|[;&|\n]\s*)(?:if|while)\s+false\s*;?\s*(?:then|do)\b[\s\S]*?\b(?:fi|done)\b/g)) {
    ranges.push([m.index + m[1]!.length, m.index + m[0].length]);
  }
  return blank(text, ranges);
}

/** Commands that only print or ignore their arguments (and heredoc). */
const TEXT_COMMANDS = new Set(['echo', 'printf', ':', 'true', 'false', 'cat', 'print', 'tee', 'logger']);
const SHELL_KEYWORDS = new Set(['then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', 'time', '{', '(']);

/**
 * First word of the simple command around `offset` (same line, after the last unquoted-ish
 * separator), skipping keywords and variable assignments; '' when the command is only
 * assignments; the word itself when `offset` lies in it.
 */
function commandWord(code: string, offset: number): string {
  const ls = code.lastIndexOf('\n', offset - 1) + 1;
  let segStart = ls;
  for (let j = offset - 1; j >= ls; j--) {
    const c = code[j]!;
    if (c === '{' && code[j - 1] === '$') continue; // ${var}: an expansion, not a group
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === '`' || c === '{' || c === ')') {
      segStart = j + 1;
      break;
    }
  }
  // Words of the segment up to the occurrence, quotes kept together (`A="x y"` is one word).
  const words: string[] = [];
  const seg = code.slice(segStart, offset + 1);
  for (const m of seg.matchAll(/(?:[^\s'"]+|'[^']*'?|"(?:\\.|[^"\\])*"?)+/g)) words.push(m[0]);
  for (const w of words) {
    if (SHELL_KEYWORDS.has(w)) continue;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) continue;
    return w.replace(/^.*\//, '');
  }
  return '';
}

/** A shell guard occurrence that is text (printed, a no-op's argument, a value assigned), not a call. */
function shellGuardIsText(code: string, offset: number): boolean {
  const w = commandWord(code, offset);
  // The occurrence is inside an assignment value with no command word after it.
  if (w === '') return true;
  return TEXT_COMMANDS.has(w);
}

type ScriptKind = 'python' | 'shell' | 'other';

function scriptKind(path: string, text: string): ScriptKind {
  if (/\.pyw?$/i.test(path)) return 'python';
  if (/\.(?:sh|bash|zsh|ksh)$/i.test(path)) return 'shell';
  const first = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  if (/^#!.*\bpython[0-9.]*\b/.test(first)) return 'python';
  if (/^#!.*\b(?:ba|z|k|da)?sh\b/.test(first)) return 'shell';
  return 'other';
}

/** The first guard pattern found in code, with its offset; null when none. */
export async function findGuard(blob: Blob, path: string, patterns: readonly string[]): Promise<{ pattern: string; offset: number } | null> {
  const text = blob.text;
  // Cheap exit: no pattern anywhere in the text.
  if (!patterns.some((p) => text.includes(p))) return null;
  const kind = scriptKind(path, text);
  const code = kind === 'python' ? await pythonCode(blob) : kind === 'shell' ? shellCode(text) : text;
  for (const p of patterns) {
    for (let from = 0; ;) {
      const at = findPattern(code.slice(from), p);
      if (at === -1) break;
      const abs = from + at;
      if (kind !== 'shell' || !shellGuardIsText(code, abs)) return { pattern: p, offset: abs };
      from = abs + p.length;
    }
  }
  return null;
}
