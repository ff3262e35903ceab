// The changelog entry of a release: a Markdown heading (ATX `## 2.4.1 - 2026-12-02`, or a setext
// heading underlined with === or ---) that names exactly the version. Lines inside fenced code
// blocks are not headings. "Exactly": 2.4.1 may stand as 2.4.1, v2.4.1 or [2.4.1], but never as
// part of 12.4.1, 2.4.10, 2.4.1.2 or 2.4.1-rc.3.

export function hasVersionHeading(text: string, version: string): boolean {
  const esc = version.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const named = new RegExp(`(?:^|[^0-9A-Za-z.+-])v?${esc}(?![0-9A-Za-z]|[.+-][0-9A-Za-z])`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$/.exec(line);
    if (atx) {
      if (named.test(atx[1] ?? '')) return true;
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && line.trim() !== '' && /^ {0,3}(?:=+|-+)[ \t]*$/.test(next) && !/^ {0,3}(?:[-*+]|\d+[.)])[ \t]/.test(line) && named.test(line)) return true;
  }
  return false;
}
