// Images named by commands (shell scripts, CI run/script steps, Cloud Build args):
//   kubectl run NAME --image=IMG        kubectl set image deploy/x c=IMG [c2=IMG2]
//   docker|podman [buildx] build -t IMG / --tag IMG      docker|podman push IMG
//   (a bare local name without repository path or tag, `-t app`, stays local: not judged)
//   docker|podman tag SRC DST           gcloud builds submit --tag IMG
//   any --image IMG / --image=IMG (gcloud run deploy, kubectl run, …)
// and Terraform (`image = "…"`, `image_uri = "…"`, `"image": "…"` in jsonencode / heredoc JSON).
// Offsets are UTF-16 offsets into the text given.
import { readHcl } from '../../readers/settings/hcl.js';
import { lineStarts } from '../../readers/settings/values.js';

export interface CommandImage {
  ref: string;
  offset: number;
  where: string;
}

const WORD = String.raw`(['"]?)([^\s'";|&)]+)\1`;

/** Images in shell command text (comments are the caller's business: pass code). */
export function commandImages(text: string): CommandImage[] {
  const out: CommandImage[] = [];
  const seen = new Set<number>();
  const add = (m: RegExpExecArray, group: number, where: string) => {
    const raw = m[group]!;
    const offset = m.index + m[0].lastIndexOf(raw);
    if (seen.has(offset)) return;
    seen.add(offset);
    out.push({ ref: raw, offset, where });
  };
  for (const m of text.matchAll(new RegExp(String.raw`(?:^|\s)--image(?:=|\s+)${WORD}`, 'g'))) add(m as RegExpExecArray, 2, '--image');
  // docker/podman build -t / --tag (the flag may come anywhere in the build command's line)
  for (const line of lineSpans(text)) {
    const l = text.slice(line.start, line.end);
    if (/\b(?:docker|podman)\s+(?:buildx\s+)?(?:build|image\s+build)\b|\bgcloud\s+builds\s+submit\b/.test(l)) {
      for (const m of l.matchAll(new RegExp(String.raw`(?:^|\s)(?:-t|--tag)(?:=|\s+)${WORD}`, 'g'))) {
        const raw = m[2]!;
        // A bare local name (`-t app`) tags a build that stays on the machine; a repository
        // path or an explicit tag is what gets pushed and deployed.
        if (!raw.includes('/') && !raw.includes(':')) continue;
        const offset = line.start + m.index + m[0].lastIndexOf(raw);
        if (seen.has(offset)) continue;
        seen.add(offset);
        out.push({ ref: raw, offset, where: 'build -t' });
      }
    }
  }
  for (const m of text.matchAll(new RegExp(String.raw`\b(?:docker|podman)\s+(?:image\s+)?push\s+(?:-\S+\s+)*${WORD}`, 'g'))) add(m as RegExpExecArray, 2, 'docker push');
  for (const m of text.matchAll(new RegExp(String.raw`\b(?:docker|podman)\s+(?:image\s+)?tag\s+${WORD}\s+${WORD}`, 'g'))) {
    const dst = m[4]!;
    if (dst.includes('/') || dst.includes(':')) add(m as RegExpExecArray, 4, 'docker tag');
  }
  // kubectl set image <resource> c=IMG [c2=IMG2 …]
  for (const m of text.matchAll(/\bkubectl\s+(?:[-\w=]+\s+)*set\s+image\s+(?:-\S+\s+)*\S+((?:\s+[\w.-]+=\S+)+)/g)) {
    const list = m[1]!;
    const base = m.index + m[0].length - list.length;
    for (const a of list.matchAll(/([\w.-]+)=(['"]?)([^\s'"]+)\2/g)) {
      const offset = base + a.index + a[0].lastIndexOf(a[3]!);
      if (seen.has(offset)) continue;
      seen.add(offset);
      out.push({ ref: a[3]!, offset, where: 'kubectl set image' });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function lineSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      spans.push({ start, end: text.length });
      return spans;
    }
    spans.push({ start, end: nl });
    start = nl + 1;
  }
}

const TF_IMAGE_KEYS = new Set(['image', 'image_uri', 'container_image', 'Image']);

/**
 * Images of a Terraform file, read with the HCL reader (readers/settings/hcl.ts): `image`,
 * `image_uri`, `container_image` attributes at any depth of any block or object, however the
 * blocks are laid out (`container { image = "…" }` on one line), in `jsonencode({…})` objects
 * and JSON heredocs (ECS container_definitions), with HCL escapes and `${"lit"}` interpolation
 * of literals applied. A file the reader cannot read falls back to `image = "…"` lines.
 */
export function terraformImages(text: string): CommandImage[] {
  const starts = lineStarts(text);
  let found: { value: string; line: number; column: number }[];
  try {
    // string literals (interpolated or not); values computed from references are not image strings
    found = readHcl(text, undefined, (k) => TF_IMAGE_KEYS.has(k)).filter((a) => !a.expr || /[$%]\{/.test(a.value));
  } catch {
    found = [];
    for (const m of text.matchAll(/^[ \t]*(?:image|image_uri|container_image)[ \t]*=[ \t]*"([^"\n]*)"/gm)) {
      const offset = m.index + m[0].lastIndexOf(m[1]!);
      let line = 0;
      while (line + 1 < starts.length && starts[line + 1]! <= offset) line++;
      found.push({ value: m[1]!, line: line + 1, column: offset - starts[line]! + 1 });
    }
  }
  // Positioned inside the quotes, at the reference itself.
  return found
    .map((a) => {
      const at = (starts[a.line - 1] ?? 0) + a.column - 1;
      return { ref: a.value, offset: text[at] === '"' ? at + 1 : at, where: 'terraform image' };
    })
    .sort((a, b) => a.offset - b.offset);
}

/** A template placeholder standing for a whole image reference (REPLACE_ME_IMAGE, <IMAGE>, __IMAGE__). */
export const PLACEHOLDER =
  /^(?:<[^<>\s]+>|__[A-Za-z0-9_]+__|(?:[A-Za-z0-9]+[_-])*(?:REPLACE[_-]?ME|PLACEHOLDER|CHANGE[_-]?ME|TODO|TBD|FIXME|XXX+|YOUR[_-][A-Za-z0-9_-]+)(?:[_-][A-Za-z0-9]+)*)$/i;
