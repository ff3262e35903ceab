// The one fingerprint of a finding, shared by the JSON report (`fingerprint`), SARIF
// (`partialFingerprints`) and the baseline. It names what is wrong and in which structure of
// the file, not at which line number:
//
//   with the finding's line known and readable:
//       sha256("v3", rule, path, normalised line content, structural context of the line)
//   otherwise (whole-file, commit, ref and run findings): sha256("v3", rule, path, message)
//
// Normalised content is the line with its terminator dropped, surrounding whitespace trimmed and
// inner runs of whitespace collapsed to one space. The structural context is what a reader of
// the file sees around the line (`lineContext` below): its leading indentation, the chain of
// enclosing lines (each nearest line above with less indentation: YAML parent keys, a Python
// `if`/`class`, a JSON object's key, a Dockerfile instruction a continuation belongs to), and
// for INI/TOML-like files the `[section]` header the line is under. Files without nesting
// (env files, .properties) have none. So the fingerprint survives lines added or removed
// above, a line moved within its structure and edits of other lines; it changes when the
// offending line changes, the file is renamed, or the line moves to another structure
// (`agent_mode = EXECUTE` from `[shadow]` to `[live]`, a YAML key out of `shadow:`).
// Several identical lines in one structure share a fingerprint: the baseline counts occurrences.
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

const FINGERPRINT_VERSION = 'v3';

export function normaliseLine(text: string): string {
  return text.replace(/\r$/, '').trim().replace(/\s+/g, ' ');
}

export function findingFingerprint(f: Pick<Finding, 'rule' | 'path' | 'message'> & { content?: string | null; context?: string }): string {
  const h = createHash('sha256').update(`${FINGERPRINT_VERSION}\u0000${f.rule}\u0000${f.path ?? ''}\u0000`);
  if (typeof f.content === 'string') h.update(`line\u0000${normaliseLine(f.content)}\u0000context\u0000${f.context ?? ''}`);
  else h.update(`message\u0000${f.message}`);
  return h.digest('hex');
}

/** The finding's fingerprint: the one the engine attached, or one computed from its message. */
export function fingerprintOf(f: Finding): string {
  return typeof f.fingerprint === 'string' && /^[0-9a-f]{64}$/.test(f.fingerprint) ? f.fingerprint : findingFingerprint(f);
}

type Layout = 'flat' | 'sectioned' | 'nested';

/** Files whose structure is `[section]` headers (and continuation lines). */
const SECTIONED_EXT = new Set([
  'ini',
  'cfg',
  'conf',
  'cnf',
  'toml',
  'service',
  'socket',
  'timer',
  'mount',
  'target',
  'path',
  'slice',
  'network',
  'netdev',
  'container',
  'desktop',
  'inf',
  'editorconfig',
  'gitconfig',
  'pypirc',
  'pylintrc',
  'flake8',
  'coveragerc',
]);
/** Known formats with no `[section]` headers (a `[` line there is code or data). */
const NESTED_ONLY_EXT = new Set([
  'yaml',
  'yml',
  'json',
  'jsonc',
  'json5',
  'py',
  'pyw',
  'pyi',
  'js',
  'mjs',
  'cjs',
  'jsx',
  'ts',
  'mts',
  'cts',
  'tsx',
  'sh',
  'bash',
  'zsh',
  'ksh',
  'tf',
  'tfvars',
  'hcl',
  'xml',
  'md',
  'rb',
  'go',
  'rs',
  'java',
  'kt',
  'c',
  'h',
  'cpp',
  'cs',
  'php',
  'pl',
  'lua',
  'sql',
  'html',
  'css',
  'mk',
  'txt',
]);

function layoutOf(path: string | null): Layout {
  const base = (path ?? '').slice((path ?? '').lastIndexOf('/') + 1).toLowerCase();
  // Env files and .properties: one key per line, indentation means nothing to the reader.
  if (base === '.env' || base.startsWith('.env.') || /\.env(\.|$)/.test(base) || base.endsWith('.properties')) return 'flat';
  const dot = base.lastIndexOf('.');
  const ext = dot >= 0 ? base.slice(dot + 1) : '';
  if (SECTIONED_EXT.has(ext) || SECTIONED_EXT.has(base.replace(/^\./, ''))) return 'sectioned';
  if (NESTED_ONLY_EXT.has(ext) || /^(dockerfile|containerfile|makefile)([._-].*)?$/.test(base)) return 'nested';
  // Unknown formats (no or an unknown extension): both readings.
  return 'sectioned';
}

const COMMENT = /^(#|\/\/|;|\/\*|\*|<!--|--\s)/;
const SECTION = /^\s*\[\[?[^\][]+\]\]?\s*([#;].*)?$/;

function indentOf(text: string): string {
  return /^[ \t]*/.exec(text)![0];
}

/** An enclosing line as context: trailing comments dropped, whitespace normalised. */
function label(text: string): string {
  return normaliseLine(text.replace(/\s+(#|\/\/).*$/, ''));
}

/**
 * The structural context of line `n` (1-based) of a file at `path`, from its text only (no
 * parser: this runs for every finding with a line): the leading indentation, the enclosing
 * lines (nearest line above with less indentation, repeatedly; blank and comment lines skipped;
 * a YAML document marker ends the search), and the last `[section]` header above for
 * INI/TOML-like files. Empty for files without nesting.
 */
export function lineContext(path: string | null, line: (n: number) => string, n: number): string {
  const layout = layoutOf(path);
  if (layout === 'flat') return '';
  const yaml = /\.ya?ml$/i.test(path ?? '');
  const own = line(n).replace(/\r$/, '');
  const parts: string[] = [`indent:${JSON.stringify(indentOf(own))}`];
  let want = indentOf(own).length;
  let section: string | null = null;
  if (layout === 'sectioned' && SECTION.test(own)) section = '';
  for (let k = n - 1; k >= 1 && (want > 0 || (layout === 'sectioned' && section === null)); k--) {
    const t = line(k).replace(/\r$/, '');
    const trimmed = t.trim();
    if (trimmed === '' || COMMENT.test(trimmed)) continue;
    if (yaml && /^(---|\.\.\.)(\s|$)/.test(t)) break;
    if (layout === 'sectioned' && SECTION.test(t)) {
      section = label(t);
      break;
    }
    const ind = indentOf(t).length;
    if (ind < want) {
      parts.push(`in:${label(t)}`);
      want = ind;
    }
  }
  if (section) parts.push(`section:${section}`);
  return parts.join('\u0001');
}
