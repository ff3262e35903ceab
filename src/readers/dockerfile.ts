// The one Dockerfile reader: the instructions as BuildKit reads them, each with the source offset
// of every character. Used by the settings reader (`settings/dockerfile.ts`: ENV, ARG, RUN) and by
// image-pinning (`rules/image-pinning/dockerfile.ts`: FROM, COPY/ADD --from, RUN --mount).
//
//   - parser directives: leading `# directive=value` lines; `# escape=`` ` switches the escape
//     character (the first line that is not a directive ends them);
//   - line continuations: the escape character at the end of a line (spaces and tabs after it
//     allowed) joins the next line without a separator; comment and blank lines inside a
//     continuation are skipped; comment lines never start an instruction;
//   - heredocs (`RUN <<EOF`, `COPY <<-"EOF" /dst`): the body lines up to the delimiter are not
//     instructions; they are kept with the instruction that opened them;
//   - keywords are case-insensitive; `ONBUILD <instruction>` is read as that instruction;
//   - JSON form (`CMD ["a", "b"]`) is told from shell form by the first character of the arguments.
//
// Hand-written on purpose: dockerfile-ast 0.7.1 (the VS Code Docker extension's parser) read the
// same instructions and ENV/ARG pairs on the corpus's Dockerfiles and 300 synthetic ones (it
// reports ARG/FROM as written, before the substitutions the gate applies on top), but took 2.4x
// the CPU of both of the gate's former Dockerfile readers together (1.64 s against 0.68 s for
// five passes over 1.8 MiB); see docs/ARCHITECTURE.md.

export type DockerEscape = '\\' | '`';

interface DockerHeredoc {
  /** The delimiter word (`EOF` of `<<-"EOF"`). */
  delimiter: string;
  /** `<<-`: leading tabs of the body lines and of the closing line are stripped. */
  stripTabs: boolean;
  /** The body, its lines joined with `\n` (without the closing delimiter line). */
  body: string;
  /** Source offset of the body's first character. */
  offset: number;
}

export interface DockerInstruction {
  /** Upper case; the inner instruction's for `ONBUILD <instruction>`. */
  keyword: string;
  onbuild: boolean;
  /** The logical line: continued lines joined (escape and line break removed), inner comment and blank lines left out. */
  text: string;
  /** Where each joined physical line starts: its index in `text` and its source offset. */
  segments: { at: number; src: number }[];
  /** Where the arguments start in `text` (after the keyword and the whitespace after it). */
  argsStart: number;
  /** The arguments (after any `--flag` words) start with `[`: exec/JSON form, not shell. */
  jsonForm: boolean;
  heredocs: DockerHeredoc[];
}

export interface DockerWord {
  /** As written (quotes and escapes kept). */
  raw: string;
  /** With quotes and escapes removed, as Docker reads ENV and ARG values. */
  value: string;
  /** Index in the string that was split. */
  start: number;
}

export interface DockerfileText {
  escape: DockerEscape;
  instructions: DockerInstruction[];
}

/** Source offset of index `i` of an instruction's text (its last character's past the end). */
export function sourceOffset(ins: DockerInstruction, i: number): number {
  const j = Math.max(0, Math.min(i, ins.text.length - 1));
  const segs = ins.segments;
  let k = segs.length - 1;
  while (k > 0 && segs[k]!.at > j) k--;
  const seg = segs[k];
  return seg ? seg.src + (j - seg.at) : 0;
}

export function readDockerfileText(text: string): DockerfileText {
  const escape = detectEscape(text);
  const continuation = escape === '`' ? /`[ \t]*$/ : /\\[ \t]*$/;
  const instructions: DockerInstruction[] = [];
  let cur: { text: string; segments: { at: number; src: number }[] } | null = null;
  // Heredocs the last instruction opened whose bodies are still being read.
  let pending: { ins: DockerInstruction; doc: DockerHeredoc; lines: string[] }[] = [];
  const n = text.length;
  for (let i = 0; i <= n;) {
    let eol = text.indexOf('\n', i);
    if (eol === -1) eol = n;
    const end = eol > i && text[eol - 1] === '\r' ? eol - 1 : eol;
    const line = text.slice(i, end);
    const start = i;
    i = eol + 1;
    if (pending.length > 0) {
      const p = pending[0]!;
      const l = p.doc.stripTabs ? line.replace(/^\t+/, '') : line;
      if (l === p.doc.delimiter) {
        p.doc.body = p.lines.join('\n');
        pending.shift();
      } else {
        if (p.lines.length === 0) p.doc.offset = start + (line.length - l.length);
        p.lines.push(l);
      }
      if (eol >= n) break;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      // Outside an instruction: nothing; inside a continuation: skipped.
      if (eol >= n) break;
      continue;
    }
    cur ??= { text: '', segments: [] };
    const cont = continuation.exec(line);
    const kept = cont ? line.slice(0, cont.index) : line;
    if (kept !== '') cur.segments.push({ at: cur.text.length, src: start });
    cur.text += kept;
    if (!cont) {
      const ins = instruction(cur.text, cur.segments);
      cur = null;
      if (ins) {
        instructions.push(ins);
        pending = ins.heredocs.map((doc) => ({ ins, doc, lines: [] }));
      }
    }
    if (eol >= n) break;
  }
  if (cur) {
    const ins = instruction(cur.text, cur.segments);
    if (ins) instructions.push(ins);
  }
  for (const p of pending) p.doc.body = p.lines.join('\n'); // unterminated: the rest of the file
  return { escape, instructions };
}

function detectEscape(text: string): DockerEscape {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

const HEREDOC_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD']);

function instruction(text: string, segments: DockerInstruction['segments']): DockerInstruction | null {
  let m = /^\s*([A-Za-z]+)(\s+|$)/.exec(text);
  if (!m) return null;
  let keyword = m[1]!.toUpperCase();
  const onbuild = keyword === 'ONBUILD';
  if (onbuild) {
    m = /^\s*ONBUILD\s+([A-Za-z]+)(\s+|$)/i.exec(text);
    if (!m) return { keyword, onbuild: false, text, segments, argsStart: text.length, jsonForm: false, heredocs: [] };
    keyword = m[1]!.toUpperCase();
  }
  const argsStart = m[0].length;
  const afterFlags = text.slice(argsStart).replace(/^(?:--\S+\s*)*/, '');
  const heredocs: DockerHeredoc[] = [];
  if (HEREDOC_INSTRUCTIONS.has(keyword) || onbuild) {
    const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
    for (let h = re.exec(text); h; h = re.exec(text)) heredocs.push({ delimiter: h[3]!, stripTabs: h[1] === '-', body: '', offset: -1 });
  }
  return { keyword, onbuild, text, segments, argsStart, jsonForm: afterFlags.trimStart().startsWith('['), heredocs };
}

/** What `\\s` matches in a logical line (no line breaks are left in one). */
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\v' || c === '\f' || c === '\r' || c === '\u00a0' || c === '\ufeff' || (c > '\u007f' && /\s/.test(c));

/** Split on unquoted whitespace, honouring quotes and the escape character; `last` ends the split after the word it accepts. */
export function splitWords(s: string, escape: DockerEscape, last?: (raw: string) => boolean): DockerWord[] {
  const out: DockerWord[] = [];
  let i = 0;
  while (i < s.length && !(last && out.length > 0 && last(out[out.length - 1]!.raw))) {
    while (i < s.length && isSpace(s[i]!)) i++;
    if (i >= s.length) break;
    const start = i;
    let quote: string | null = null;
    while (i < s.length) {
      const c = s[i]!;
      if (c === escape && quote !== "'") {
        i += 2;
        continue;
      }
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (isSpace(c)) break;
      i++;
    }
    const raw = s.slice(start, Math.min(i, s.length));
    out.push({ raw, value: unquote(raw, escape), start });
  }
  return out;
}

/** Remove quotes and escapes as Docker does for ENV/ARG values. */
export function unquote(raw: string, escape: DockerEscape): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === escape && quote !== "'" && i + 1 < raw.length) {
      out += raw[i + 1];
      i++;
      continue;
    }
    if (quote) {
      if (c === quote) quote = null;
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else out += c;
  }
  return out;
}
