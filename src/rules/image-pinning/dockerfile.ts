// Images a Dockerfile pulls: `FROM`, `COPY|ADD --from=<image>`, `RUN --mount=…,from=<image>`.
//
// Read like BuildKit: parser directives (`# escape=``), line continuations (comment and blank
// lines inside a continuation are skipped), heredoc bodies (`RUN <<EOF … EOF`) are not
// instructions, instructions are case-insensitive. `FROM <stage>` and `--from=<stage|index>`
// name build stages, not images (stage names are case-insensitive); `FROM scratch` is empty.
// Global `ARG`s (before the first FROM) are substituted with their defaults; an ARG without a
// default is supplied at build time (judged as unknown).
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

interface Segment {
  /** Start of the segment in the logical line. */
  at: number;
  /** Source offset of that start. */
  src: number;
}

interface Word {
  value: string;
  raw: string;
  /** Source offset. */
  src: number;
}

function detectEscape(lines: string[]): string {
  for (const line of lines) {
    const m = /^#\s*([A-Za-z]+)\s*=\s*(\S*)\s*$/.exec(line);
    if (!m) break;
    if (m[1]!.toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) return m[2];
  }
  return '\\';
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) return s.slice(1, -1);
  return s;
}

export function dockerfileImages(text: string): DockerImageUse[] {
  const physical: { text: string; offset: number }[] = [];
  for (let start = 0; start <= text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    physical.push({ text: line, offset: start });
    if (nl === -1) break;
    start = nl + 1;
  }
  const escape = detectEscape(physical.map((l) => l.text));

  const out: DockerImageUse[] = [];
  const globalArgs = new Map<string, string>();
  const stages = new Set<string>();
  let seenFrom = false;

  const toSrc = (segs: Segment[], pos: number): number => {
    let s = segs[0]!;
    for (const seg of segs) if (seg.at <= pos) s = seg;
    return s.src + (pos - s.at);
  };

  const words = (line: string, segs: Segment[]): Word[] => {
    const ws: Word[] = [];
    const re = /(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"']+)+/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      ws.push({ value: unquote(m[0]), raw: m[0], src: toSrc(segs, m.index) });
    }
    return ws;
  };

  const handle = (line: string, segs: Segment[]): void => {
    const ws = words(line, segs);
    if (ws.length === 0) return;
    const instr = ws[0]!.value.toUpperCase();
    if (instr === 'ARG') {
      if (seenFrom) return;
      for (const w of ws.slice(1)) {
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
      const rest = ws.slice(1).filter((w) => !w.raw.startsWith('--'));
      const image = rest[0];
      if (!image) return;
      if (rest[1] && rest[1].value.toLowerCase() === 'as' && rest[2]) stages.add(rest[2].value.toLowerCase());
      const ref = expandVars(image.value, globalArgs);
      if (stages.has(image.value.toLowerCase()) || stages.has(ref.toLowerCase())) return;
      // Declared after the stage name is recorded, so `FROM x AS x` still judges x as an image.
      out.push({ ref, raw: image.value, offset: image.src, instruction: 'FROM' });
      return;
    }
    if (instr === 'COPY' || instr === 'ADD' || instr === 'RUN') {
      for (const w of ws.slice(1)) {
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
          offset: w.src + fromAt + quoted,
          instruction: instr === 'RUN' ? 'RUN --mount' : 'COPY --from',
        });
      }
    }
  };

  let cur: { line: string; segs: Segment[] } | null = null;
  const heredocs: { delim: string; strip: boolean }[] = [];
  for (const pl of physical) {
    if (heredocs.length > 0) {
      const h = heredocs[0]!;
      const t = h.strip ? pl.text.replace(/^\t+/, '') : pl.text;
      if (t === h.delim) heredocs.shift();
      continue;
    }
    const trimmed = pl.text.trim();
    if (cur === null) {
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      cur = { line: '', segs: [] };
    } else if (trimmed === '' || trimmed.startsWith('#')) {
      continue;
    }
    let piece = pl.text;
    const continued = piece.trimEnd().endsWith(escape) && !piece.trimEnd().endsWith(escape + escape);
    if (continued) piece = piece.trimEnd().slice(0, -1);
    cur.segs.push({ at: cur.line.length, src: pl.offset });
    cur.line += piece;
    if (continued) {
      cur.line += ' ';
      continue;
    }
    const logical = cur;
    cur = null;
    handle(logical.line, logical.segs);
    const instr = /^\s*(\w+)/.exec(logical.line)?.[1]?.toUpperCase();
    if (instr === 'RUN' || instr === 'COPY' || instr === 'ADD' || instr === 'ONBUILD') {
      const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
      for (let m = re.exec(logical.line); m; m = re.exec(logical.line)) {
        heredocs.push({ delim: m[3]!, strip: m[1] === '-' });
      }
    }
  }
  if (cur !== null) handle(cur.line, cur.segs);
  return out;
}
