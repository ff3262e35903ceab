// Strings a file holds only once its consumer has read it: the value of a multi-line YAML scalar
// after folding, a join of string literals, a shell word after the file's own literal variables
// are substituted, a base64 literal decoded. Rules that look for literal text (live hosts) scan
// these views besides the raw text, so a host split across a folded scalar, joined from
// literals, assembled from a variable the file sets, or base64-encoded is still seen.
//
//   yaml     multi-line scalars (folded `>`, literal `|`, multi-line plain and quoted): the value
//            as the YAML parser reads it (the blob's cached parse, never a second one)
//   shell    $NAME / ${NAME} in a line, where the file sets NAME to one literal (NAME=v,
//            export NAME=v, ARG/ENV NAME=v): the line as the shell/Docker expands it
//   base64   [A-Za-z0-9+/_-]{16,} literals (standard or URL alphabet) that hold the base64 form
//            of a wanted word at some alignment, decoded when the result is text (bounded:
//            4 KiB per literal, 64 literals per file)
//   code     Python and JS/TS expressions of literals, computed by the readers' constant
//            evaluator: "sep".join(["a", "b"]), ["a", "b"].join("sep"), f"https://{'api'}.…",
//            "https://%s.…" % "api", "…".format("api"), + …
// Each view carries the offset in the file the reader reports (the scalar, the join, the line,
// the literal). Values computed at run time (variables set by commands, f-strings and
// templates with fields, functions other than join and b64decode) stay out of reach.
import type { Blob } from '../changeset/blob.js';
import { tokenizeJs, tokenizePython } from './settings/code-tokens.js';
import { foldConstants } from './settings/constants.js';
import { substituteKnown } from './settings/values.js';
import { loadYamlDocuments, walkYaml } from './yaml.js';

export interface StringView {
  text: string;
  /** Offset in the blob's text the view is reported at. */
  offset: number;
  /** How the view was resolved, for messages: 'YAML scalar', 'join', 'shell variable', 'base64'. */
  via: string;
  /** End of the source the view was read from, when it spans lines (a YAML scalar). */
  end?: number;
}

const MAX_B64 = 4096;
const MAX_B64_LITERALS = 64;

/**
 * The base64 spellings of `word` that hold at any alignment: for each of the three byte
 * offsets, the characters whose six bits come from the word alone. Words shorter than 5 bytes
 * give fragments too short to be worth a look (none returned).
 */
export function base64Fragments(word: string): string[] {
  const bytes = Buffer.from(word, 'utf8');
  if (bytes.length < 5) return [];
  const out = new Set<string>();
  for (const pad of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(pad), bytes, Buffer.alloc(3)]).toString('base64');
    let s = '';
    for (let i = 0; i < enc.length; i++) {
      const lo = 6 * i;
      if (lo >= 8 * pad && lo + 6 <= 8 * (pad + bytes.length)) s += enc[i];
      else if (s) break;
    }
    if (s.length >= 6) {
      out.add(s);
      out.add(s.replace(/\+/g, '-').replace(/\//g, '_')); // URL alphabet
    }
  }
  return [...out];
}

const SHELL_ASSIGN =
  /^[ \t]*(?:(?:export|readonly|local|ARG|ENV)[ \t]+|declare[ \t]+(?:-[A-Za-z]+[ \t]+)*)?([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"$`\\\n]*)"|'([^'\n]*)'|([^\s"'$`\\;&|]*))[ \t]*(?:[;#&|]|$)/gm;
const B64 = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const CODE = /\.(py|pyw|pyi|js|mjs|cjs|jsx|ts|mts|cts|tsx)$/i;

/**
 * Views of `blob` in which some of `words` (lower-case) may appear, and of base64 literals
 * holding one of `b64` (fragments from base64Fragments). Only computed for the parts of the
 * file that can hold them: YAML scalars, joins and substituted lines must contain a word after
 * resolving; base64 literals must contain a fragment before decoding.
 */
export async function resolvedStrings(path: string, blob: Blob, words: readonly string[], b64: readonly string[]): Promise<StringView[]> {
  const text = blob.text;
  const out: StringView[] = [];
  const hasWord = (s: string) => {
    const l = s.toLowerCase();
    return words.some((w) => l.includes(w));
  };
  const lower = blob.lower;
  const anyWord = words.some((w) => lower.includes(w));

  if (anyWord && /\.ya?ml$/i.test(path)) {
    const r = await loadYamlDocuments(blob);
    if (r.errors.length === 0) {
      for (const d of r.docs) {
        walkYaml(d.contents, (n) => {
          if (n.kind !== 'scalar' || typeof n.value !== 'string' || !n.value) return true;
          const src = text.slice(n.pos.offset, n.end);
          if (!src.includes('\n') || src === n.value || !hasWord(n.value)) return true;
          out.push({ text: n.value, offset: n.pos.offset, via: 'YAML scalar', end: n.end });
          // Folding turns each line break into a space (`api.alpaca.` / `markets` reads
          // `api.alpaca. markets`); the lines as written, joined, are the author's host: a value
          // that a consumer trims or re-joins is the live host again. Fail closed on it.
          if (n.style !== 'BLOCK_LITERAL') {
            const lines = src.split('\n');
            if (n.style === 'BLOCK_FOLDED') lines.shift();
            const joined = lines.map((l) => l.trim().replace(/^["']|["']$/g, '')).join('');
            if (joined !== n.value) out.push({ text: joined, offset: n.pos.offset, via: 'YAML scalar, lines joined', end: n.end });
          }
          return true;
        });
      }
    }
  }

  if (anyWord && text.includes('$')) {
    // Names the file sets to one literal; a name set twice to different values is not known.
    const known = new Map<string, string | null>();
    for (const m of text.matchAll(SHELL_ASSIGN)) {
      const v = m[2] ?? m[3] ?? m[4] ?? '';
      const prev = known.get(m[1]!);
      known.set(m[1]!, prev === undefined || prev === v ? v : null);
    }
    const vars = new Map<string, string>();
    for (const [k, v] of known) if (v !== null && v !== '' && hasWord(v)) vars.set(k, v);
    if (vars.size > 0) {
      let at = 0;
      for (const line of text.split('\n')) {
        if (line.includes('$')) {
          const s = substituteKnown(line, vars);
          if (s !== line && hasWord(s)) out.push({ text: s, offset: at, via: 'shell variable' });
        }
        at += line.length + 1;
      }
    }
  }

  if (anyWord && CODE.test(path)) {
    // Python and JS/TS: strings the constant evaluator computes from literals (f-strings of
    // literals, % and format, concatenation, decoders, …: ./settings/constants.ts).
    const py = /\.py[wi]?$/i.test(path);
    const tokenize = py ? tokenizePython : tokenizeJs;
    const raw = tokenize(text);
    const literal = new Map<number, string>();
    for (const t of raw) if (t.kind === 'string' && !t.dynamic) literal.set(t.start, t.value);
    for (const t of foldConstants(raw, py ? 'python' : 'js', tokenize)) {
      if (t.kind === 'string' && !t.dynamic && literal.get(t.start) !== t.value && hasWord(t.value)) out.push({ text: t.value, offset: t.start, via: 'constant expression' });
    }
  }

  if (b64.length > 0) {
    let n = 0;
    for (const m of text.matchAll(B64)) {
      const lit = m[0];
      if (lit.length > MAX_B64 || !b64.some((f) => lit.includes(f))) continue;
      if (++n > MAX_B64_LITERALS) break;
      const decoded = Buffer.from(lit.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      // Text only: printable characters and whitespace (a binary blob is not a host).
      if (decoded.length === 0 || /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded)) continue;
      out.push({ text: decoded, offset: m.index, via: 'base64' });
    }
  }
  return out;
}
