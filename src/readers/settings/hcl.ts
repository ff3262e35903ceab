// Terraform / HCL (.tf, .tfvars, .hcl), read with a small tokenizer (strings with
// interpolation, heredocs, `#`, `//` and `/* */` comments):
//   K = "V"   "K" = "V"   K: "V" (object constructors)  — at any depth, incl. jsonencode({…})
//   { name = "K", value = "V" } objects and `env { name = "K" value = "V" }` blocks
//   (a dotted name such as helm_release `set { name = "env.K" }` also counts as K)
//   variable "K" { default = "V" } (the value in effect unless a tfvars file overrides it)
//   heredocs holding JSON (ECS container_definitions) are read as JSON.
// A value is judged only when it is one literal: `"${var.x}"`, `var.x`, `"a" + b` are dynamic
// or skipped.
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { parseJsonTree } from './json.js';
import { readTree } from './tree.js';
import { positionsOf } from './values.js';
import { slashCommentEnd } from './code-tokens.js';

interface Tok {
  kind: 'ident' | 'string' | 'number' | 'punct' | 'nl' | 'heredoc';
  value: string;
  start: number;
  dynamic?: boolean;
  bodyStart?: number;
}

export function readHcl(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const toks = tokenize(text);
  const out: Assignment[] = [];
  const emit = (key: Tok, keyName: string, val: Tok, syntax: string) => {
    if (!keep(keyName)) return;
    const k = pos(key.start);
    const v = pos(val.start);
    out.push({ key: keyName, value: val.value, dynamic: !!val.dynamic, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax });
  };
  const frames: { open: string; attrs: Map<string, { key: Tok; val: Tok }>; variable: Tok | null }[] = [];
  /** Index of the next significant (non-newline) token after i, or -1. */
  const sig = (i: number): number => {
    for (let j = i + 1; j < toks.length; j++) if (toks[j]!.kind !== 'nl') return j;
    return -1;
  };
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t]!;
    if (tok.kind === 'heredoc') {
      const body = tok.value;
      const trimmed = body.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          const root = parseJsonTree(body);
          const base = pos(tok.bodyStart!);
          for (const a of readTree([root], body, 'json', keep)) {
            out.push({ ...a, line: a.line + base.line - 1, keyLine: a.keyLine + base.line - 1, syntax: `hcl-heredoc-${a.syntax}` });
          }
        } catch {
          // not JSON: nothing to read
        }
      } else if (body.includes('=')) {
        // Any other heredoc is file content a resource writes or runs (user_data scripts,
        // local_file / ConfigMap env files): K=V and export lines read as a shell script reads
        // them (an env file is the same lines).
        const base = pos(tok.bodyStart!);
        for (const a of readShell(body, undefined, keep)) {
          out.push({ ...a, line: a.line + base.line - 1, keyLine: a.keyLine + base.line - 1, syntax: `hcl-heredoc-${a.syntax}` });
        }
      }
      // K = <<EOT … EOT: the body is the value (`<<-` strips the common indentation); with
      // ${…} / %{…} inside it depends on input.
      const eq = toks[t - 1];
      const key = toks[t - 2];
      if (eq?.kind === 'punct' && eq.value === '=' && key && (key.kind === 'ident' || key.kind === 'string')) {
        const lines = body.replace(/\r?\n$/, '').split('\n');
        const strip = /^<<-/.test(text.slice(tok.start, tok.start + 3));
        const indent = strip ? Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length)) : 0;
        const value = lines.map((l) => l.slice(indent)).join('\n');
        emit(key, key.value, { ...tok, value, start: tok.bodyStart!, dynamic: /[$%]\{/.test(body) }, 'hcl-heredoc');
      }
      continue;
    }
    if (tok.kind === 'punct' && (tok.value === '{' || tok.value === '[')) {
      // variable "NAME" { default = "V" }: the value in effect when nothing overrides it
      const label = toks[t - 1];
      const block = toks[t - 2];
      const variable = tok.value === '{' && label?.kind === 'string' && block?.kind === 'ident' && block.value === 'variable' ? label : null;
      frames.push({ open: tok.value, attrs: new Map(), variable });
      continue;
    }
    if (tok.kind === 'punct' && (tok.value === '}' || tok.value === ']')) {
      const f = frames.pop();
      if (f?.variable) {
        const def = f.attrs.get('default');
        if (def) emit(f.variable, f.variable.value, def.val, 'hcl-variable-default');
      }
      if (f && f.open === '{') {
        const name = f.attrs.get('name');
        const value = f.attrs.get('value');
        if (name && value && name.val.kind === 'string' && !name.val.dynamic) {
          const full = name.val.value;
          emit(name.val, full, value.val, 'hcl-name-value');
          if (full.includes('.')) emit(name.val, full.slice(full.lastIndexOf('.') + 1), value.val, 'hcl-name-value');
        }
      }
      continue;
    }
    if (tok.kind !== 'ident' && tok.kind !== 'string') continue;
    const op = toks[t + 1];
    if (!op || op.kind !== 'punct' || (op.value !== '=' && op.value !== ':')) continue;
    const prev = t > 0 ? toks[t - 1] : undefined;
    if (prev && !(prev.kind === 'nl' || (prev.kind === 'punct' && (prev.value === '{' || prev.value === ',' || prev.value === '(')))) continue;
    const vi = sig(t + 1);
    if (vi === -1) continue;
    const val = toks[vi]!;
    const literal = val.kind === 'string' || val.kind === 'number' || (val.kind === 'ident' && /^(true|false)$/.test(val.value));
    if (!literal) continue;
    const ai = sig(vi);
    const after = ai === -1 ? undefined : toks[ai];
    if (after && after.kind === 'punct' && !/^[,}\])]$/.test(after.value)) continue; // an expression, not one literal
    const frame = frames[frames.length - 1];
    if (frame) frame.attrs.set(tok.value, { key: tok, val });
    emit(tok, tok.value, val, 'hcl');
  }
  return out;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      toks.push({ kind: 'nl', value: '\n', start: i });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      const e = text.indexOf('\n', i);
      i = e === -1 ? n : e;
      continue;
    }
    const commentEnd = slashCommentEnd(text, i);
    if (commentEnd !== -1) {
      i = commentEnd;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let v = '';
      let dynamic = false;
      while (i < n && text[i] !== '"' && text[i] !== '\n') {
        const d = text[i]!;
        if (d === '\\') {
          const e = text[i + 1];
          v += e === 'n' ? '\n' : e === 't' ? '\t' : (e ?? '');
          i += 2;
          continue;
        }
        if ((d === '$' || d === '%') && text[i + 1] === '{') {
          if (text[i - 1] === d) {
            // $${ / %%{ escapes
            v = v.slice(0, -1) + d + '{';
            i += 2;
            continue;
          }
          let depth = 0;
          let j = i + 1;
          for (; j < n; j++) {
            if (text[j] === '{') depth++;
            else if (text[j] === '}' && --depth === 0) break;
          }
          // `${"literal"}` interpolates a constant: HCL evaluates it without any input.
          const lit = d === '$' ? /^\{~?\s*"([^"\\$%{}]*)"\s*~?\}$/.exec(text.slice(i + 1, j + 1)) : null;
          if (lit) v += lit[1];
          else {
            dynamic = true;
            v += text.slice(i, j + 1);
          }
          i = j + 1;
          continue;
        }
        v += d;
        i++;
      }
      i++;
      toks.push({ kind: 'string', value: v, start, dynamic });
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const bodyStart = i + m[0].length;
        let j = bodyStart;
        let end = n;
        while (j < n) {
          let eol = text.indexOf('\n', j);
          if (eol === -1) eol = n;
          if (text.slice(j, eol).trim() === m[1]) {
            end = j;
            j = eol;
            break;
          }
          j = eol + 1;
        }
        toks.push({ kind: 'heredoc', value: text.slice(bodyStart, end), start: i, bodyStart, dynamic: true });
        i = Math.max(j, i + 2);
        continue;
      }
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i, i + 256));
    if (id) {
      toks.push({ kind: 'ident', value: id[0], start: i });
      i += id[0].length;
      continue;
    }
    const num = /^\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (num) {
      toks.push({ kind: 'number', value: num[0], start: i });
      i += num[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||', '=>', '::'].includes(two)) {
      toks.push({ kind: 'punct', value: two, start: i });
      i += 2;
      continue;
    }
    toks.push({ kind: 'punct', value: c, start: i });
    i++;
  }
  return toks;
}
