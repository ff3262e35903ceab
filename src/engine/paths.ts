// Path matching for rules: globs (picomatch, dot files included) and the runtime scope.
import picomatch from 'picomatch';

export interface ScopeGlobs {
  include: readonly string[];
  exclude: readonly string[];
}

export interface PathMatcher {
  readonly caseInsensitive: boolean;
  /** A predicate true when a path matches any of the globs. */
  glob(patterns: readonly string[]): (path: string) => boolean;
  /** Runtime scope of the policy, optionally narrowed or widened by a rule's own options. */
  runtimeScope(override?: Partial<ScopeGlobs>): (path: string) => boolean;
  /** Canonical spelling of a repository path: no './', no '..', no duplicate '/', case-folded when the policy says so. */
  normalize(path: string): string;
}

// Anything normalisation would change: a backslash, an empty, '.' or '..' segment.
const NEEDS_NORMALISING = /\\|\/\/|^\/|\/$|(?:^|\/)\.\.?(?:\/|$)/;

/** '/' separators, no empty or '.' segments, '..' applied; above the root: null, or dropped (`clamp`). */
function normalSegments(path: string, clamp: boolean): string | null {
  // Git's own paths are nearly always canonical already: no split and join per glob test.
  if (path !== '' && !NEEDS_NORMALISING.test(path)) return path;
  const out: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0 && !clamp) return null;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

/** The canonical spelling globs are tested against ('..' above the root is dropped). */
export function normalizeRepoPath(path: string): string {
  return normalSegments(path, true)!;
}

/**
 * Repository-relative normal form: '/' separators, no empty or '.' segments, '..' applied.
 * Returns null when '..' climbs above the repository root (the path leaves the repository).
 */
export function normalizeInside(path: string): string | null {
  return normalSegments(path, false);
}

export function createPathMatcher(scope: ScopeGlobs, caseInsensitive: boolean): PathMatcher {
  const cache = new Map<string, (path: string) => boolean>();
  const glob = (patterns: readonly string[]): ((path: string) => boolean) => {
    const key = patterns.join('\0');
    let fn = cache.get(key);
    if (!fn) {
      if (patterns.length === 0) fn = () => false;
      else {
        // picomatch's regexes use '.', which stops at a newline; git paths may contain one.
        const res = patterns.map((g) => {
          const re = picomatch.makeRe(g, { dot: true, nocase: caseInsensitive });
          return new RegExp(re.source, re.flags.includes('s') ? re.flags : re.flags + 's');
        });
        fn = (p: string) => {
          const n = normalizeRepoPath(p);
          return res.some((re) => re.test(n));
        };
      }
      cache.set(key, fn);
    }
    return fn;
  };
  return {
    caseInsensitive,
    glob,
    runtimeScope(override) {
      const inc = glob(override?.include ?? scope.include);
      const exc = glob(override?.exclude ?? scope.exclude);
      return (p) => inc(p) && !exc(p);
    },
    normalize(path) {
      const n = normalizeRepoPath(path);
      return caseInsensitive ? n.toLowerCase() : n;
    },
  };
}
