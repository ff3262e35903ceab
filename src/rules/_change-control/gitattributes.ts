// The `linguist-generated` attribute, read the way git reads .gitattributes: a pattern without
// a slash matches the basename at any depth below the file's directory, a pattern with a slash
// is anchored there, a trailing slash never matches (attributes do not apply to directories),
// the last matching line wins and deeper files override shallower ones. `-attr` and
// `attr=false` unset it, `!attr` makes it unspecified again. Macros (`[attr]`) are not expanded:
// linguist's attribute is never a macro in practice.
import picomatch from 'picomatch';
import { posix } from 'node:path';

const LINGUIST_GENERATED = 'linguist-generated';

interface AttrRule {
  match: (relPath: string) => boolean;
  /** true: set; false: unset; null: unspecified (reset). */
  value: boolean | null;
}

export interface AttributesFile {
  /** Directory of the file ('' for the root). */
  dir: string;
  rules: AttrRule[];
}

function unquote(pattern: string): string {
  if (!pattern.startsWith('"') || !pattern.endsWith('"') || pattern.length < 2) return pattern;
  return pattern.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * A .gitattributes line as git splits it: the pattern (a quoted one may contain spaces; its
 * quotes and backslash escapes removed) and the attribute tokens. Shared by every reader of the
 * file (linguist-generated here, byte-changing attributes in readable-content).
 */
export function attributeTokens(line: string): string[] {
  const [first, ...attrs] = tokens(line);
  return first === undefined ? [] : [unquote(first), ...attrs];
}

/** Split a line into pattern and attribute tokens (a quoted pattern may contain spaces). */
function tokens(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  if (line.startsWith('"')) {
    let j = 1;
    while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
    out.push(line.slice(0, j + 1));
    i = j + 1;
  }
  out.push(
    ...line
      .slice(i)
      .split(/[ \t]+/)
      .filter(Boolean),
  );
  return out;
}

export function parseAttributes(text: string, dir: string, caseInsensitive: boolean, attr = LINGUIST_GENERATED): AttributesFile {
  const rules: AttrRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith('[attr]')) continue;
    const [first, ...attrs] = attributeTokens(line);
    if (first === undefined) continue;
    let value: boolean | null | undefined;
    for (const a of attrs) {
      if (a === attr || a === `${attr}=true` || (a.startsWith(`${attr}=`) && a !== `${attr}=false`)) value = true;
      else if (a === `-${attr}` || a === `${attr}=false`) value = false;
      else if (a === `!${attr}`) value = null;
    }
    if (value === undefined) continue;
    let pattern = first;
    if (pattern.endsWith('/')) continue; // never matches a file
    if (pattern.startsWith('!')) continue; // negative patterns are forbidden in .gitattributes
    const anchored = pattern.includes('/');
    if (pattern.startsWith('/')) pattern = pattern.slice(1);
    const glob = anchored ? pattern : `**/${pattern}`;
    // dotAll: picomatch's '.' would stop at a newline, which a git path may contain.
    const re = picomatch.makeRe(glob, { dot: true, nocase: caseInsensitive });
    const m = new RegExp(re.source, re.flags.includes('s') ? re.flags : `${re.flags}s`);
    rules.push({ match: (p) => m.test(p), value });
  }
  return { dir, rules };
}

/** Directory of a `.gitattributes` path ('' at the root). */
export function attributesDir(path: string): string {
  const d = posix.dirname(path);
  return d === '.' ? '' : d;
}

/** Value of the attribute for `path` given every attributes file of the tree. */
export function attributeValue(path: string, files: readonly AttributesFile[]): boolean {
  const applicable = files
    .filter((f) => f.dir === '' || path.startsWith(`${f.dir}/`))
    .sort((a, b) => (a.dir === '' ? 0 : a.dir.split('/').length) - (b.dir === '' ? 0 : b.dir.split('/').length));
  let value: boolean | null = null;
  for (const f of applicable) {
    const rel = f.dir === '' ? path : path.slice(f.dir.length + 1);
    for (const r of f.rules) if (r.match(rel)) value = r.value;
  }
  return value === true;
}
