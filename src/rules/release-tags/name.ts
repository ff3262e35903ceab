// Release tag names: a template such as `agenttrader-v2/vMAJOR.MINOR.PATCH` (or
// `…-rc.N` for pre-releases) is literal text with the placeholders MAJOR, MINOR, PATCH and N.
// Each placeholder matches a number as semver writes it (0, or digits without a leading zero);
// everything else must match exactly. No zod here: the rule's hot path imports this file.

type Placeholder = 'MAJOR' | 'MINOR' | 'PATCH' | 'N';

export interface Template {
  text: string;
  regex: RegExp;
  /** Placeholders in the order they appear (capture groups 1…). */
  order: Placeholder[];
  prerelease: boolean;
}

export interface TagVersion {
  major: number;
  minor: number;
  patch: number;
  /** The rc number; null for a release. */
  rc: number | null;
  /** MAJOR.MINOR.PATCH, with -rc.N for a pre-release: what the changelog heading must name. */
  version: string;
}

// N stands alone (no capital letter beside it), so literal text such as NEXT stays literal.
const TOKEN = /MAJOR|MINOR|PATCH|(?<![A-Z])N(?![A-Z])/g;
const NUMBER = '(0|[1-9][0-9]{0,8})';

/** Compiles a template; a string is the reason it is not one. */
export function compileTemplate(text: string): Template | string {
  if (text.trim() === '') return 'must not be empty';
  if (/[\s~^:?*[\\\x00-\x1f\x7f]/.test(text) || text.includes('..') || text.includes('@{') || text.startsWith('/') || text.endsWith('/') || text.endsWith('.')) {
    return 'must be a valid git ref name (no spaces, ~ ^ : ? * [ \\, no "..", "@{", no leading or trailing / and no trailing .)';
  }
  const order: Placeholder[] = [];
  let source = '^';
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    source += escapeRegex(text.slice(last, m.index));
    source += NUMBER;
    order.push(m[0] as Placeholder);
    last = m.index + m[0].length;
  }
  source += `${escapeRegex(text.slice(last))}$`;
  for (const p of ['MAJOR', 'MINOR', 'PATCH'] as const) {
    const n = order.filter((x) => x === p).length;
    if (n !== 1) return `must name ${p} exactly once (found ${n})`;
  }
  const rcs = order.filter((x) => x === 'N').length;
  if (rcs > 1) return `must name N at most once (found ${rcs})`;
  // Two placeholders side by side (MAJORMINOR) cannot be told apart.
  if (order.length > 0 && [...text.matchAll(TOKEN)].some((m, i, all) => i > 0 && all[i - 1]!.index + all[i - 1]![0].length === m.index))
    return 'needs literal text between placeholders';
  return { text, regex: new RegExp(source), order, prerelease: rcs === 1 };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The version a tag name (after refs/tags/) carries under a template, or null when it does not match. */
export function matchTemplate(t: Template, name: string): TagVersion | null {
  const m = t.regex.exec(name);
  if (!m) return null;
  const v: Record<Placeholder, number> = { MAJOR: 0, MINOR: 0, PATCH: 0, N: -1 };
  t.order.forEach((p, i) => (v[p] = Number(m[i + 1])));
  const rc = t.prerelease ? v.N : null;
  return { major: v.MAJOR, minor: v.MINOR, patch: v.PATCH, rc, version: `${v.MAJOR}.${v.MINOR}.${v.PATCH}${rc === null ? '' : `-rc.${rc}`}` };
}

export interface NameRules {
  prefix: string;
  release: Template;
  prerelease: Template | null;
}

export function nameRules(o: { prefix: string; release: string; prerelease: string | null }): NameRules {
  const release = compileTemplate(o.release);
  const prerelease = o.prerelease === null ? null : compileTemplate(o.prerelease);
  if (typeof release === 'string') throw new Error(`release_tags.release ${release}`);
  if (typeof prerelease === 'string') throw new Error(`release_tags.prerelease ${prerelease}`);
  return { prefix: o.prefix, release, prerelease };
}

/** The tag's short name (after refs/tags/) when the ref is under the release prefix; null otherwise. */
export function releaseTagName(rules: NameRules, ref: string): string | null {
  if (!ref.startsWith('refs/tags/')) return null;
  const name = ref.slice('refs/tags/'.length);
  // Case-insensitive: on a case-insensitive file system the other spelling is the same directory.
  return name.toLowerCase().startsWith(rules.prefix.toLowerCase()) ? name : null;
}

/**
 * The release-tag name a ref outside refs/tags/ would stand in for: git resolves a short name
 * `agenttrader-v2/v1.1.0` as refs/<name> before refs/tags/<name>, and refs/heads/<name>,
 * refs/remotes/<name> after it, so such a ref makes `git rev-parse`, `git archive` and
 * checkouts of the release name read it (or be ambiguous). null for other refs.
 */
export function shadowedReleaseName(rules: NameRules, ref: string): string | null {
  if (ref.startsWith('refs/tags/') || !ref.startsWith('refs/')) return null;
  const rest = ref.slice('refs/'.length);
  const prefix = rules.prefix.toLowerCase();
  for (const name of [rest, rest.replace(/^heads\//, ''), rest.replace(/^remotes\//, '')]) {
    if (name.toLowerCase().startsWith(prefix)) return name;
  }
  return null;
}

/** The version of a release tag name (release or pre-release), null when it matches neither template. */
export function parseTagName(rules: NameRules, name: string): TagVersion | null {
  return matchTemplate(rules.release, name) ?? (rules.prerelease ? matchTemplate(rules.prerelease, name) : null);
}

/** Semver precedence: a pre-release sorts before its release. */
export function compareVersions(a: TagVersion, b: TagVersion): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0 || a.rc === b.rc) return core;
  if (a.rc === null) return 1;
  if (b.rc === null) return -1;
  return a.rc - b.rc;
}

/** What a name would have to look like, for messages: both templates. */
export function describeNames(rules: NameRules): string {
  return rules.prerelease ? `${rules.release.text} or ${rules.prerelease.text}` : rules.release.text;
}
