// Dockerfiles (BuildKit rules):
//   ENV K=V [K2="v 2" …]   ENV K V (legacy: the rest of the line)   ARG K=default
//   ONBUILD ENV …          RUN <shell>: read with the shell reader (K=V cmd, export, …)
// The instructions come from the one Dockerfile reader (`../dockerfile.ts`: parser directives,
// continuations, heredocs, comments); quotes and the escape character are honoured; `${X:-word}`
// defaults apply. CMD / ENTRYPOINT / exec-form RUN and heredoc bodies: dockerfile-commands.ts.
// A stage built `FROM <earlier stage>` inherits that stage's ENV.
import { readDockerfileText, sourceOffset, splitWords, unquote, type DockerInstruction } from '../dockerfile.js';
import { commandSettings, heredocSettings } from './dockerfile-commands.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { evaluateDefaults, substituteKnown, positionsOf } from './values.js';

export function readDockerfile(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const { escape, instructions } = readDockerfileText(text);
  const out: Assignment[] = [];
  const at = (l: DockerInstruction, i: number) => pos(sourceOffset(l, i));
  // Build-time variables in effect: ARG defaults (global ones, before the first FROM, are
  // inherited by a stage's bare `ARG K`) and earlier ENV values. `ENV AGENT_MODE=$MODE` after
  // `ARG MODE=EXECUTE` is EXECUTE unless a --build-arg overrides it: the default in effect.
  const globalArgs = new Map<string, string>();
  let vars = new Map<string, string>();
  const stages = new Map<string, Map<string, string>>();
  let inStage = false;
  const evalValue = (raw: string) => evaluateDefaults(substituteKnown(raw, vars));
  for (const l of instructions) {
    const instr = l.keyword;
    const bodyStart = l.argsStart;
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
    // A heredoc body is the script a RUN runs, or the file a COPY/ADD writes (by its destination).
    for (const d of l.heredocs) {
      if (d.offset < 0) continue;
      const dest = instr === 'COPY' || instr === 'ADD' ? (body.trim().split(/\s+/).pop() ?? null) : null;
      out.push(...heredocSettings(instr, dest, d.body, (o) => pos(d.offset + o), keep));
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
        const ev = evalValue(rest);
        if (!ev.dynamic) vars.set(key, ev.value);
        const kp = at(l, bodyStart + first.start);
        const vp = at(l, bodyStart + restStart);
        out.push({ key, value: ev.value, dynamic: ev.dynamic, line: vp.line, column: vp.column, keyLine: kp.line, keyColumn: kp.column, syntax: 'dockerfile-env' });
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
        const ev = evalValue(unquote(w.raw.slice(eq + 1), escape));
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
          dynamic: ev.dynamic,
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
      // Skip flags (--mount=…, --network=…); heredoc scripts are read above.
      let b = bodyStart;
      for (;;) {
        const f = /^--\S+\s*/.exec(l.text.slice(b));
        if (!f) break;
        b += f[0].length;
      }
      if (l.jsonForm) {
        out.push(...commandSettings('RUN', l.text.slice(b), (o) => at(l, b + o), keep));
        continue;
      }
      if (/^<</.test(l.text.slice(b).trimStart())) continue;
      for (const a of readShell(l.text.slice(b), (o) => at(l, b + o), keep)) out.push({ ...a, syntax: `dockerfile-run/${a.syntax}` });
    }
  }
  return out;
}
