// Dockerfiles (BuildKit rules):
//   ENV K=V [K2="v 2" …]   ENV K V (legacy: the rest of the line)   ARG K=default
//   ONBUILD ENV …          RUN <shell>: read with the shell reader (K=V cmd, export, …)
// Parser directives (`# escape=`` `), line continuations (with comment and blank lines inside
// them skipped), quotes and the escape character are honoured; `${X:-word}` defaults apply.
// Comment lines never match. CMD / ENTRYPOINT / exec-form RUN and heredoc bodies:
// dockerfile-commands.ts. A stage built `FROM <earlier stage>` inherits that stage's ENV.
import { commandSettings, heredocBodies, heredocSettings } from './dockerfile-commands.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { evaluateDefaults, substituteKnown, positionsOf } from './values.js';

interface LogicalLine {
  text: string;
  /** Source offset of each character of `text`. */
  map: number[];
}

export function readDockerfile(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const escape = detectEscape(text);
  const lines = logicalLines(text, escape);
  const out: Assignment[] = [];
  const at = (l: LogicalLine, i: number) => pos(l.map[Math.min(i, l.map.length - 1)] ?? 0);
  // Build-time variables in effect: ARG defaults (global ones, before the first FROM, are
  // inherited by a stage's bare `ARG K`) and earlier ENV values. `ENV AGENT_MODE=$MODE` after
  // `ARG MODE=EXECUTE` is EXECUTE unless a --build-arg overrides it: the default in effect.
  const globalArgs = new Map<string, string>();
  let vars = new Map<string, string>();
  const stages = new Map<string, Map<string, string>>();
  let inStage = false;
  const evalValue = (raw: string) => evaluateDefaults(substituteKnown(raw, vars));
  for (const l of lines) {
    let m = /^\s*(?:ONBUILD\s+)?([A-Za-z]+)(\s+|$)/i.exec(l.text);
    if (!m) continue;
    const instr = m[1]!.toUpperCase();
    let bodyStart = m[0].length;
    if (instr === 'ONBUILD') {
      m = /^\s*ONBUILD\s+([A-Za-z]+)(\s+|$)/i.exec(l.text);
      if (!m) continue;
    }
    bodyStart = m[0].length;
    const body = l.text.slice(bodyStart);
    if (instr === 'FROM') {
      inStage = true;
      // FROM <earlier stage> [AS name]: the new stage starts with that stage's ENV (by reference:
      // an ENV set later in the base stage is not inherited, but none follows a later FROM).
      const w = body
        .trim()
        .split(/\s+/)
        .filter((x) => !x.startsWith('--'));
      vars = new Map(stages.get(w[0]?.toLowerCase() ?? '') ?? []);
      if (w[1]?.toUpperCase() === 'AS' && w[2]) stages.set(w[2].toLowerCase(), vars);
      continue;
    }
    if (instr === 'CMD' || instr === 'ENTRYPOINT') {
      out.push(...commandSettings(instr, body, (o) => at(l, bodyStart + o), keep));
      continue;
    }
    if (instr === 'ENV' || instr === 'ARG') {
      const words = splitWords(body, escape);
      const first = words[0];
      if (!first) continue;
      const legacy = instr === 'ENV' && !first.raw.includes('=');
      if (legacy) {
        // ENV K V…: everything after the first whitespace is the value.
        const key = first.value;
        if (!keep(key)) continue;
        const restStart = words[1]?.start ?? body.length;
        const rest = unquote(body.slice(restStart).trim(), escape);
        const ev = evalValue(rest.value);
        if (!ev.dynamic) vars.set(key, ev.value);
        const kp = at(l, bodyStart + first.start);
        const vp = at(l, bodyStart + restStart);
        out.push({ key, value: ev.value, dynamic: ev.dynamic || rest.dynamic, line: vp.line, column: vp.column, keyLine: kp.line, keyColumn: kp.column, syntax: 'dockerfile-env' });
        continue;
      }
      for (const w of words) {
        const eq = w.raw.indexOf('=');
        if (eq <= 0) {
          // A bare `ARG K` in a stage takes the global default.
          if (instr === 'ARG' && inStage && /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.raw) && globalArgs.has(w.raw)) vars.set(w.raw, globalArgs.get(w.raw)!);
          continue;
        }
        const key = w.raw.slice(0, eq);
        if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) continue;
        const v = unquote(w.raw.slice(eq + 1), escape);
        const ev = evalValue(v.value);
        if (!ev.dynamic) {
          if (instr === 'ARG' && !inStage) globalArgs.set(key, ev.value);
          else vars.set(key, ev.value);
        }
        if (!keep(key)) continue;
        const kp = at(l, bodyStart + w.start);
        const vp = at(l, bodyStart + w.start + eq + 1);
        out.push({
          key,
          value: ev.value,
          dynamic: ev.dynamic || v.dynamic,
          line: vp.line,
          column: vp.column,
          keyLine: kp.line,
          keyColumn: kp.column,
          syntax: instr === 'ENV' ? 'dockerfile-env' : 'dockerfile-arg',
        });
      }
      continue;
    }
    if (instr === 'RUN') {
      // Skip flags (--mount=…, --network=…) and exec form.
      let b = bodyStart;
      for (;;) {
        const f = /^--\S+\s*/.exec(l.text.slice(b));
        if (!f) break;
        b += f[0].length;
      }
      if (l.text.slice(b).trimStart().startsWith('[')) {
        out.push(...commandSettings('RUN', l.text.slice(b), (o) => at(l, b + o), keep));
        continue;
      }
      if (/^<</.test(l.text.slice(b).trimStart())) {
        for (const d of heredocBodies(l.text.slice(b), text, l.map[l.map.length - 1] ?? 0)) out.push(...heredocSettings('RUN', null, d.body, (o) => pos(d.offset + o), keep));
        continue;
      }
      for (const a of readShell(l.text.slice(b), (o) => at(l, b + o), keep)) out.push({ ...a, syntax: `dockerfile-run/${a.syntax}` });
    }
    if ((instr === 'COPY' || instr === 'ADD') && body.includes('<<')) {
      const dest = body.trim().split(/\s+/).pop() ?? null;
      for (const d of heredocBodies(body, text, l.map[l.map.length - 1] ?? 0)) out.push(...heredocSettings(instr, dest, d.body, (o) => pos(d.offset + o), keep));
    }
  }
  return out;
}

function detectEscape(text: string): string {
  // Parser directives: leading `# directive=value` lines, before any other line.
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

function logicalLines(text: string, escape: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const contRe = escape === '`' ? /`\s*$/ : /\\\s*$/;
  let cur: LogicalLine | null = null;
  let i = 0;
  const n = text.length;
  while (i <= n) {
    let eol = text.indexOf('\n', i);
    if (eol === -1) eol = n;
    let end = eol;
    if (end > i && text[end - 1] === '\r') end--;
    const line = text.slice(i, end);
    const trimmed = line.trim();
    if (cur === null) {
      if (trimmed === '' || trimmed.startsWith('#')) {
        i = eol + 1;
        if (eol >= n) break;
        continue;
      }
      cur = { text: '', map: [] };
    } else if (trimmed === '' || trimmed.startsWith('#')) {
      // Blank and comment lines inside a continuation are skipped.
      i = eol + 1;
      if (eol >= n) break;
      continue;
    }
    const cont = contRe.exec(line);
    const keep = cont ? line.slice(0, cont.index) : line;
    for (let k = 0; k < keep.length; k++) {
      cur.text += keep[k];
      cur.map.push(i + k);
    }
    if (!cont) {
      out.push(cur);
      cur = null;
    }
    i = eol + 1;
    if (eol >= n) break;
  }
  if (cur) out.push(cur);
  return out;
}

interface DWord {
  raw: string;
  value: string;
  start: number;
}

/** Split on unquoted whitespace, honouring quotes and the escape character. */
function splitWords(s: string, escape: string): DWord[] {
  const out: DWord[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && /\s/.test(s[i]!)) i++;
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
      else if (/\s/.test(c)) break;
      i++;
    }
    const raw = s.slice(start, Math.min(i, s.length));
    out.push({ raw, value: unquote(raw, escape).value, start });
  }
  return out;
}

/** Remove quotes and escapes as Docker does for ENV/ARG values. */
function unquote(raw: string, escape: string): { value: string; dynamic: boolean } {
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
  return { value: out, dynamic: false };
}
