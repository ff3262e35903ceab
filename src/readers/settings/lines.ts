// The conservative line reader: for file types without a structural reader (TOML, INI,
// .properties, systemd units, Makefiles, unknown files) and for files whose structural parse
// failed (a broken YAML or JSON, a Helm template). It looks only for the given setting names:
//   K=V  K = "V"  K: V  K := V  K ?= V  export K=V  - K=V  "K": "V"  Environment="K=V"
//   set -gx K V (fish)  setenv K V (csh)
//   ${K:=V} ${K:-V}
//   name: K  followed by  value: V  in the same list item (Kubernetes env lists), or on one line
//     ({name: K, value: V})
//   f("K", "V")  .put("K", "V")  ENV.store("K", "V")  (a call with a quoted name and a string
//     literal: the shape of every language's setenv API — Go os.Setenv, Rust env::set_var, Java
//     ProcessBuilder.environment().put, C# Environment.SetEnvironmentVariable, Ruby ENV.store —
//     both literals unescaped: "…" with the C-family escapes, '…' with \\ and \' only, `…` raw)
//   set -x K V / set -gx K V / set --export K V (fish)   setenv K V (csh/tcsh)
// Lines starting with #, //, ; or <!-- are comments, ` #` / ` //` start a trailing comment
// outside quotes, and template comments ({{/* … */}}, {# … #}) are blanked. `K == V` comparisons and `$K` references are not assignments.
import { decodeEscapeAt } from '../../changeset/unescape.js';
import type { Assignment } from './types.js';
import { interpolationExpr } from './expr.js';
import { evaluateDefaults, normalizeKey, positionsOf } from './values.js';

/** Two string literals separated by a comma: a call's (key, value) arguments. */
const CALL_PAIR = /(["'`])((?:\\[^]|(?!\1)[^\\])*)\1\s*,\s*(["'`])((?:\\[^]|(?!\3)[^\\])*)\3/g;
/** fish `set` with an export flag, csh `setenv`. */
const SET_EXPORT =
  /^\s*(?:set\s+(?:-[A-Za-z]*x[A-Za-z]*\s+|--export\s+|-[A-Za-z]+\s+|--[a-z]+\s+)*?(?:-[A-Za-z]*x[A-Za-z]*|--export)\s+(?:-[A-Za-z]+\s+|--[a-z]+\s+)*|setenv\s+)([A-Za-z_][A-Za-z0-9_]*)\s+(?:(["'])(.*?)\2|(\S*))/;

/** A string literal's text as the C-family languages unescape it ("…"), single-quoted ('…': \\ and \' only) or raw (`…`). */
function unquote(q: string, body: string): string {
  if (q === '`' || !body.includes('\\')) return body;
  if (q === "'") return body.replace(/\\([\\'])/g, '$1');
  let v = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      const dec = decodeEscapeAt(body, i, { octal: true });
      if (dec) {
        v += dec.value;
        i = dec.end - 1;
        continue;
      }
      v += body[i + 1] ?? '';
      i++;
      continue;
    }
    v += body[i];
  }
  return v;
}

export function readLines(text: string, names: ReadonlySet<string>, pos = positionsOf(text)): Assignment[] {
  const out: Assignment[] = [];
  if (names.size === 0) return out;
  // Template comments ({{/* … */}} in Helm/Go templates, {# … #} in Jinja) are blanked out,
  // newlines kept, so positions stay true.
  if (text.includes('{{') || text.includes('{#')) {
    text = text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}|\{#[\s\S]*?#\}/g, (m) => m.replace(/[^\n]/g, ' '));
  }
  const lines: { text: string; start: number }[] = [];
  for (let i = 0; i <= text.length;) {
    let eol = text.indexOf('\n', i);
    if (eol === -1) eol = text.length;
    lines.push({ text: text.slice(i, eol).replace(/\r$/, ''), start: i });
    i = eol + 1;
  }
  const emit = (key: string, keyOffset: number, valueOffset: number, raw: string, syntax: string) => {
    const ev = evaluateDefaults(raw);
    const k = pos(keyOffset);
    const v = pos(valueOffset);
    const expr = ev.dynamic || raw !== ev.value ? interpolationExpr(raw) : undefined;
    out.push({ key, value: ev.value, dynamic: ev.dynamic, ...(expr && { expr }), line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax });
  };

  const nameValue = new Map<string, RegExp>();
  for (const name of names) nameValue.set(name, new RegExp(`^(\\s*)(-\\s+)?["']?name["']?\\s*:\\s*["']?${escapeRe(name)}["']?\\s*(,|$)`));

  const wanted = new Set([...names].map(normalizeKey));
  lines.forEach((ln, li) => {
    const code = stripComment(ln.text);
    if (code.trim() === '') return;
    // f("K", "V"): the key compared after its language's unescaping ("\u0041GENT_MODE")
    if (code.includes(',')) {
      for (const m of code.matchAll(CALL_PAIR)) {
        const key = unquote(m[1]!, m[2]!);
        if (!wanted.has(normalizeKey(key))) continue;
        const valueAt = m.index + m[0].length - m[4]!.length - 1;
        const k = pos(ln.start + m.index + 1);
        const v = pos(ln.start + valueAt);
        out.push({ key, value: unquote(m[3]!, m[4]!), dynamic: false, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax: 'line-call' });
      }
    }
    const se = code.includes('set') ? SET_EXPORT.exec(code) : null;
    if (se && wanted.has(normalizeKey(se[1]!))) {
      const raw = se[3] ?? se[4] ?? '';
      const valueAt = se[0].length - raw.length - (se[2] ? 1 : 0);
      emit(se[1]!, ln.start + se[0].lastIndexOf(se[1]!, valueAt), ln.start + valueAt, raw, 'line-setenv');
    }
    for (const name of names) {
      let from = 0;
      for (;;) {
        const idx = code.indexOf(name, from);
        if (idx === -1) break;
        from = idx + name.length;
        const before = idx > 0 ? code[idx - 1]! : '';
        const afterCh = code[idx + name.length] ?? '';
        if (/[A-Za-z0-9_]/.test(before) || /[A-Za-z0-9_]/.test(afterCh)) continue;
        // ${K:=V} / ${K:-V}
        if (before === '{' && code[idx - 2] === '$') {
          const m = /^(:-|:=|-|=)([^}]*)\}/.exec(code.slice(idx + name.length));
          if (m) emit(name, ln.start + idx, ln.start + idx + name.length + m[1]!.length, m[2]!, 'line-default');
          continue;
        }
        if (before === '$') continue;
        let j = idx + name.length;
        if ((before === '"' || before === "'") && code[j] === before) j++;
        if (code[j] === ']') j++;
        while (code[j] === ' ' || code[j] === '\t') j++;
        const op = /^(:=|\?=|\+=|=(?!=)|:(?=[ \t"']|$))/.exec(code.slice(j));
        // fish `set -x` / csh `setenv` are read above (SET_EXPORT): a fish `set -g` that does not
        // export is not the environment a child process sees.
        if (!op) continue;
        j += op[0].length;
        while (code[j] === ' ' || code[j] === '\t') j++;
        const valueStart = j;
        let raw: string;
        const q = code[j];
        if (q === '"' || q === "'") {
          const close = code.indexOf(q, j + 1);
          raw = close === -1 ? code.slice(j + 1) : code.slice(j + 1, close);
        } else if (code.startsWith('{{', j)) {
          raw = templateToken(code.slice(j));
        } else {
          const m = /^[^\s,;}\])]*/.exec(code.slice(j))!;
          raw = m[0].replace(/["'`]+$/, '');
          if (raw === '|' || raw === '>' || raw === '|-' || raw === '>-') continue;
        }
        emit(name, ln.start + idx, ln.start + valueStart, raw, 'line');
      }
      // name: K … value: V
      if (!code.includes(name)) continue;
      const nm = code.includes('name') ? nameValue.get(name)!.exec(code) : null;
      if (nm) {
        const inline = /["']?value["']?\s*:\s*/.exec(code.slice(nm[0].length));
        if (inline) {
          const at = nm[0].length + inline.index + inline[0].length;
          emit(name, ln.start + code.indexOf(name), ln.start + at, valueToken(code.slice(at)), 'line-name-value');
          continue;
        }
        const itemIndent = nm[1]!.length + (nm[2]?.length ?? 0);
        for (let k = li + 1; k < lines.length && k <= li + 12; k++) {
          const next = stripComment(lines[k]!.text);
          if (next.trim() === '') continue;
          const indent = next.length - next.trimStart().length;
          if (indent < itemIndent) break;
          const vm = /^(\s*)["']?value["']?\s*:\s*/.exec(next);
          if (vm && indent === itemIndent) {
            emit(name, ln.start + code.indexOf(name), lines[k]!.start + vm[0].length, valueToken(next.slice(vm[0].length)), 'line-name-value');
            break;
          }
        }
      }
    }
  });
  const seen = new Set<string>();
  return out.filter((a) => {
    const k = `${a.key}\0${a.line}\0${a.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A Go/Jinja template action (`{{ .Values.mode | quote }}`) with what is glued to it. */
function templateToken(s: string): string {
  const end = s.indexOf('}}');
  return end === -1 ? s : s.slice(0, end + 2) + /^[^\s,;]*/.exec(s.slice(end + 2))![0];
}

function valueToken(s: string): string {
  if (s.startsWith('{{')) return templateToken(s);
  const q = s[0];
  if (q === '"' || q === "'") {
    const close = s.indexOf(q, 1);
    return close === -1 ? s.slice(1) : s.slice(1, close);
  }
  return /^[^\s,;}\]]*/.exec(s)![0];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line without its comment: whole-line comments and trailing ` #` / ` //` outside quotes. */
function stripComment(line: string): string {
  const t = line.trimStart();
  if (t.startsWith('#') || t.startsWith('//') || t.startsWith(';') || t.startsWith('<!--') || t.startsWith('/*')) return '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    // A quote opens a string only at the start of a token (not the apostrophe in "it's").
    if ((c === '"' || c === "'") && (i === 0 || /[\s=:,[({]/.test(line[i - 1]!))) quote = c;
    else if ((c === '#' || (c === '/' && line[i + 1] === '/')) && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}
