// .gitattributes lines that make git write other bytes than the blob holds: `filter=<driver>`
// (clean/smudge, Git LFS), `export-subst` (git archive expands $Format:…$), `ident` ($Id$ is
// expanded on checkout) and `working-tree-encoding=<enc>` (re-encoded on checkout). Read the
// way git reads the file: `#` comments, a quoted pattern, `-attr` / `!attr` unset or reset,
// `[attr]macro` definitions expanded where the macro is used.
import { attributeTokens } from '../_change-control/gitattributes.js';

export interface ByteAttribute {
  /** 1-based line. */
  line: number;
  column: number;
  pattern: string;
  /** The attributes that change bytes, as written (`filter=lfs`, `export-subst`). */
  attrs: string[];
}

const BYTE_ATTR = /^(filter|working-tree-encoding)=(.+)$|^(export-subst|ident)$/;

/** Every pattern line that sets an attribute changing the bytes git writes. */
export function byteAttributes(text: string): ByteAttribute[] {
  const macros = new Map<string, string[]>();
  const out: ByteAttribute[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const line = raw.replace(/\r$/, '');
    const t = line.trimStart();
    if (t === '' || t.startsWith('#')) return;
    const toks = attributeTokens(t);
    const [pattern, ...attrs] = toks;
    if (!pattern) return;
    const setting = (list: string[]): string[] => {
      const hits: string[] = [];
      for (const a of list) {
        if (BYTE_ATTR.test(a)) hits.push(a);
        else if (macros.has(a)) hits.push(...macros.get(a)!.map((m) => `${a} (${m})`));
      }
      return hits;
    };
    if (pattern.startsWith('[attr]')) {
      const hits = setting(attrs);
      if (hits.length > 0) macros.set(pattern.slice(6), hits);
      return;
    }
    const hits = setting(attrs);
    if (hits.length > 0) out.push({ line: idx + 1, column: line.length - t.length + 1, pattern, attrs: hits });
  });
  return out;
}

/**
 * Representative paths a pattern of the .gitattributes in `dir` can match, for a runtime
 * scope test: glob characters become a plain letter; a pattern without a slash matches a
 * basename at any depth, so it is tried under `dir` and under the fixed prefix of every
 * include glob of the scope.
 */
export function candidatePaths(dir: string, pattern: string, includes: readonly string[]): string[] {
  const rep = (p: string) =>
    p
      .replace(/\*\*/g, 'x')
      .replace(/\[[^\]]*\]/g, 'x')
      .replace(/[*?]/g, 'x');
  const base = dir === '' ? '' : `${dir}/`;
  let p = pattern;
  const anchored = p.replace(/\/$/, '').includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  if (p.endsWith('/')) return []; // attributes never apply to directories
  const r = rep(p);
  if (anchored) {
    // `dir/**` style: also a file inside it.
    return [`${base}${r}`, `${base}${r}/x`];
  }
  const out = new Set<string>([`${base}${r}`, `${base}x/${r}`]);
  for (const g of includes) {
    const fixed = g.slice(0, Math.max(0, g.search(/[*?[{]/) === -1 ? g.length : g.search(/[*?[{]/)));
    const prefix = fixed.slice(0, fixed.lastIndexOf('/') + 1);
    if (prefix === '' || prefix.startsWith(base)) out.add(`${prefix}${r}`);
    if (prefix.startsWith(base)) out.add(`${prefix}x/${r}`);
    else if (base.startsWith(prefix)) out.add(`${base}${r}`);
  }
  return [...out];
}
