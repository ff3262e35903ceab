// Images a Dockerfile pulls: `FROM`, `COPY|ADD --from=<image>`, `RUN --mount=…,from=<image>`.
//
// The instructions come from the one Dockerfile reader (`readers/dockerfile.ts`: parser
// directives, continuations, heredoc bodies that are not instructions). `FROM <stage>` and `--from=<stage|index>`
// name build stages, not images (stage names are case-insensitive); `FROM scratch` is empty.
// Global `ARG`s (before the first FROM) are substituted with their defaults; an ARG without a
// default is supplied at build time (judged as unknown).
import { readDockerfileText, sourceOffset, splitWords, type DockerInstruction } from '../../readers/dockerfile.js';
import { expandVars, MARK } from './image-ref.js';

export interface DockerImageUse {
  /** Image reference after ARG substitution (unknowns are MARK). */
  ref: string;
  /** As written. */
  raw: string;
  /** UTF-16 offset of the reference in the text. */
  offset: number;
  instruction: 'FROM' | 'COPY --from' | 'RUN --mount';
}

interface Word {
  value: string;
  raw: string;
  /** Index in the instruction's text. */
  at: number;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

export function dockerfileImages(text: string): DockerImageUse[] {
  const { escape, instructions } = readDockerfileText(text);
  const out: DockerImageUse[] = [];
  const globalArgs = new Map<string, string>();
  const stages = new Set<string>();
  let seenFrom = false;

  const handle = (ins: DockerInstruction): void => {
    // ONBUILD instructions run in a later build, from another Dockerfile.
    if (ins.onbuild) return;
    const instr = ins.keyword;
    if (instr !== 'ARG' && instr !== 'FROM' && instr !== 'COPY' && instr !== 'ADD' && instr !== 'RUN') return;
    const src = (at: number) => sourceOffset(ins, at);
    // COPY, ADD and RUN: only the flags before the first other word name images.
    const flagsOnly = instr === 'COPY' || instr === 'ADD' || instr === 'RUN' ? (raw: string) => !raw.startsWith('--') : undefined;
    const ws: Word[] = splitWords(ins.text.slice(ins.argsStart), escape, flagsOnly).map((w) => ({ value: unquote(w.raw), raw: w.raw, at: ins.argsStart + w.start }));
    if (instr === 'ARG') {
      if (seenFrom) return;
      for (const w of ws) {
        const eq = w.raw.indexOf('=');
        if (eq === -1) {
          if (/^[A-Za-z_]\w*$/.test(w.raw) && !globalArgs.has(w.raw)) globalArgs.set(w.raw, MARK);
          continue;
        }
        const name = w.raw.slice(0, eq);
        if (!/^[A-Za-z_]\w*$/.test(name)) continue;
        globalArgs.set(name, expandVars(unquote(w.raw.slice(eq + 1)), globalArgs));
      }
      return;
    }
    if (instr === 'FROM') {
      seenFrom = true;
      const rest = ws.filter((w) => !w.raw.startsWith('--'));
      const image = rest[0];
      if (!image) return;
      if (rest[1] && rest[1].value.toLowerCase() === 'as' && rest[2]) stages.add(rest[2].value.toLowerCase());
      const ref = expandVars(image.value, globalArgs);
      if (stages.has(image.value.toLowerCase()) || stages.has(ref.toLowerCase())) return;
      // Declared after the stage name is recorded, so `FROM x AS x` still judges x as an image.
      out.push({ ref, raw: image.value, offset: src(image.at), instruction: 'FROM' });
      return;
    }
    if (instr === 'COPY' || instr === 'ADD' || instr === 'RUN') {
      for (const w of ws) {
        if (!w.raw.startsWith('--')) break;
        let from: string | null = null;
        let fromAt = 0;
        if (instr !== 'RUN') {
          const m = /^--from=(.*)$/i.exec(w.raw);
          if (m) {
            from = m[1]!;
            fromAt = '--from='.length;
          }
        } else {
          const m = /^--mount=(.*)$/i.exec(w.raw);
          if (m) {
            let at = '--mount='.length;
            for (const part of m[1]!.split(',')) {
              const kv = /^from=(.*)$/i.exec(part);
              if (kv) {
                from = kv[1]!;
                fromAt = at + 'from='.length;
              }
              at += part.length + 1;
            }
          }
        }
        if (from === null) continue;
        const value = unquote(from);
        const quoted = value !== from ? 1 : 0;
        if (/^\d+$/.test(value) || stages.has(value.toLowerCase())) continue;
        const ref = expandVars(value, globalArgs);
        if (stages.has(ref.toLowerCase())) continue;
        out.push({
          ref,
          raw: value,
          offset: src(w.at + fromAt + quoted),
          instruction: instr === 'RUN' ? 'RUN --mount' : 'COPY --from',
        });
      }
    }
  };

  for (const ins of instructions) handle(ins);
  return out;
}
