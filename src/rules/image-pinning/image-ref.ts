// Container image references: variable expansion and the pinned / latest / tagless verdict.
//
// Reference grammar (distribution/reference): [host[:port]/]path[:tag][@algo:hex]. The tag is
// what follows the last ':' after the last '/', so `localhost:5000/app` has no tag and
// `localhost:5000/app:1.2` has tag 1.2. A digest pins whatever the tag says.
//
// Values that are only known at deploy or build time (`$TAG`, `${{ github.sha }}`,
// `{{ .Values.tag }}`, `$(cmd)`) become an opaque marker: a tag that holds a marker is supplied
// from outside and passes; a reference whose last path segment holds a marker cannot be judged
// and is skipped. Defaults written in the reference (`${TAG:-latest}`) are what runs when the
// variable is unset, so they are judged.

/** Stands for a value supplied from outside the repository. */
export const MARK = '\u0001';

export type Verdict =
  | { kind: 'pinned'; digest: boolean; name: string; tag: string | null }
  | { kind: 'latest'; name: string; tag: string }
  | { kind: 'tagless'; name: string }
  /** Tagged, but the policy wants digests (`require_digest`). */
  | { kind: 'no-digest'; name: string; tag: string }
  | { kind: 'skip'; reason: string };

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const TAG = /^[\w\u0001][\w.\u0001-]{0,127}$/;
const NAME_CHARS = /^[A-Za-z0-9._\-/:\u0001]+$/;
const FILE_EXT = /\.(?:png|jpe?g|gif|svg|webp|ico|bmp|tiff?|avif|heic|img|iso|qcow2|raw|vhdx?|vmdk|ova|ovf|tar|gz|tgz|xz|zip|yaml|yml|json|txt|md|html?)$/i;

export interface JudgeOptions {
  /** Tags treated like `latest` (case-insensitive). */
  mutableTags: readonly string[];
  /** Only a digest pins. */
  requireDigest: boolean;
}

/** Verdict for one reference (variables already expanded to MARK or their defaults). */
export function judgeImage(raw: string, opts: JudgeOptions): Verdict {
  let ref = raw.trim();
  if (ref.toLowerCase().startsWith('docker://')) ref = ref.slice('docker://'.length);
  if (ref === '' || /^\u0001+$/.test(ref)) return { kind: 'skip', reason: 'supplied at deploy time' };
  if (/\s/.test(ref)) return { kind: 'skip', reason: 'not an image reference' };
  if (ref.includes('://') || ref.startsWith('/') || ref.startsWith('.') || ref.startsWith('-') || ref.includes('//')) {
    return { kind: 'skip', reason: 'a path or URL, not an image' };
  }
  // Digest.
  const at = ref.indexOf('@');
  let digest: string | null = null;
  if (at !== -1) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
    if (!(DIGEST.test(digest) || digest.includes(MARK))) return { kind: 'skip', reason: 'not an image reference' };
  }
  const slash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', slash + 1);
  const name = colon === -1 ? ref : ref.slice(0, colon);
  const tag = colon === -1 ? null : ref.slice(colon + 1);
  if (name === '' || !NAME_CHARS.test(name) || !/^[A-Za-z0-9\u0001]/.test(name)) {
    return { kind: 'skip', reason: 'not an image reference' };
  }
  const last = name.slice(slash + 1);
  if (FILE_EXT.test(last) || /(?:^|[._-])(?:dockerfile|containerfile)$/i.test(last)) {
    return { kind: 'skip', reason: 'a file name, not an image' };
  }
  if (/^scratch$/i.test(name)) return { kind: 'skip', reason: 'scratch is no image' };
  if (digest !== null) return { kind: 'pinned', digest: true, name, tag };
  if (tag !== null && tag !== '' && !TAG.test(tag)) return { kind: 'skip', reason: 'not an image reference' };
  if (tag === null || tag === '') {
    if (last.includes(MARK)) return { kind: 'skip', reason: 'image name supplied at deploy time' };
    return { kind: 'tagless', name };
  }
  const lower = tag.toLowerCase();
  if (!tag.includes(MARK) && opts.mutableTags.some((t) => t.toLowerCase() === lower)) return { kind: 'latest', name, tag };
  if (opts.requireDigest) return { kind: 'no-digest', name, tag };
  return { kind: 'pinned', digest: false, name, tag };
}

/**
 * Expand `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`
 * (shell, compose, Dockerfile), `$(cmd)`, `${{ expr }}` (GitHub Actions), `{{ expr }}`
 * (Helm, Jinja) and `$$` (compose escape). Known variables come from `vars`; the others become
 * MARK unless a default applies.
 */
export function expandVars(s: string, vars: ReadonlyMap<string, string> = new Map()): string {
  if (!s.includes('$') && !s.includes('{{')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '{' && s[i + 1] === '{') {
      const end = s.indexOf('}}', i + 2);
      if (end === -1) return out + MARK;
      out += MARK;
      i = end + 2;
      continue;
    }
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const n = s[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (n === '{' && s[i + 2] === '{') {
      const end = s.indexOf('}}', i + 3);
      if (end === -1) return out + MARK;
      out += MARK;
      i = end + 2;
      continue;
    }
    if (n === '(') {
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      out += MARK;
      i = j + 1;
      continue;
    }
    if (n === '{') {
      // ${NAME[op word]} with nested braces in word.
      let depth = 0;
      let j = i + 1;
      for (; j < s.length; j++) {
        if (s[j] === '{') depth++;
        else if (s[j] === '}' && --depth === 0) break;
      }
      if (j >= s.length) return out + MARK;
      const body = s.slice(i + 2, j);
      i = j + 1;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+=?])([\s\S]*))?$/.exec(body);
      if (!m) {
        out += MARK;
        continue;
      }
      const name = m[1]!;
      const op = m[2];
      const word = m[3] ?? '';
      const has = vars.has(name);
      const value = vars.get(name);
      const setNonEmpty = has && value !== MARK && value !== '';
      if (!op) out += has ? value! : MARK;
      else if (op === ':-' || op === ':=') out += setNonEmpty ? value! : has && value === MARK ? MARK : expandVars(word, vars);
      else if (op === '-' || op === '=') out += has ? value! : expandVars(word, vars);
      else if (op === ':+') out += setNonEmpty ? expandVars(word, vars) : has && value === MARK ? MARK : '';
      else if (op === '+') out += has ? expandVars(word, vars) : '';
      else out += has ? value! : MARK; // ${X:?err}, ${X?err}: X or an error
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i + 1));
    if (m) {
      out += vars.has(m[0]) ? vars.get(m[0])! : MARK;
      i += 1 + m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Simple globs (`*` any run within a segment, `**` any run) → predicate over image names. */
export function imageNameMatcher(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const res = globs.map((g) => {
    let re = '';
    for (let i = 0; i < g.length; i++) {
      const c = g[i]!;
      if (c === '*') {
        if (g[i + 1] === '*') {
          re += '.*';
          i++;
        } else re += '[^/]*';
      } else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`, 'i');
  });
  return (name) => res.some((r) => r.test(name));
}
