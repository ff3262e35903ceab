// A built-in detector: one credential shape, the documentation it was taken from, and the samples
// that prove it (detectors.test.ts runs every detector over every sample, the way the corpus
// runs rules over labelled cases).
//
// Samples are obviously fake but of the right shape, and are assembled from pieces at run time
// (`fake('AKIA', '…')`), so that no file of this repository holds a string that looks like a
// live credential to a push-protection scanner.

interface DetectorMatchContext {
  /** The whole regex match. */
  match: string;
  /** Text of the file (for detectors that need a second, file-level signal). */
  text: string;
}

export interface Detector {
  id: string;
  /** What the finding calls it ("AWS access key id"). */
  description: string;
  /** Public documentation of the credential's shape. */
  docs: readonly string[];
  /** Lower-case literals, at least one of which a blob must contain. */
  keywords: readonly string[];
  /** JavaScript regex (written here, not translated). The scanner adds `g` and `d`. */
  regex: RegExp;
  /** Capture group holding the secret; 0: the first non-empty group, or the whole match. */
  secretGroup: number;
  /** Minimum Shannon entropy of the secret (bits per character); 0: none. */
  entropy: number;
  /** Lower-case substrings that mark the secret as a placeholder (AWS's documented EXAMPLE keys). */
  stopwords?: readonly string[];
  /** A last check on a candidate (placeholders, references); false drops it. */
  validate?(secret: string, ctx: DetectorMatchContext): boolean;
  /** How to rotate, one line. */
  rotate: string;
  samples: { positive: readonly string[]; negative: readonly string[] };
}

/** Joins pieces: samples are never stored as one token-shaped string. */
export function fake(...parts: string[]): string {
  return parts.join('');
}

/** Case-insensitive source for ASCII letters, for the parts of a pattern whose case does not matter. */
function ci(source: string): string {
  return source.replace(/[A-Za-z]/g, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
}

/**
 * An assignment whose key names `who` and one of `what` (`ALPACA_SECRET_KEY=…`, `apca-api-key-id: …`,
 * `"kraken_private_key": "…"`, `binance.api.secret = '…'`) with a value of shape `value`
 * (captured as group 1). Key names are case-insensitive; the value's shape is not.
 */
export function assignment(who: string, what: string, value: string): RegExp {
  const w = `(?:${ci(who)})[\\w.-]{0,30}?`;
  const k = `(?:${ci(what)})[\\w.-]{0,30}?`;
  // Same line (ALPACA_SECRET_KEY=…), or one level of YAML/TOML-ish nesting under a key that names
  // the service (alpaca:\n  base_url: …\n  api_key: …), up to 8 sibling lines in between.
  // Each sibling line is read one way only (its first blank, then the rest up to \n): with
  // `[ \t]+[^\n]*\r?\n` every split of the indentation between the two was a separate path, so one
  // `class Alpaca:` with an indented body cost indentation^8 steps (seconds per file in a real
  // repository). detectors.test.ts times every detector on such inputs.
  const key = `(?:${w}${k}|${w}["']?[ \\t]*:[ \\t]*\\r?\\n(?:[ \\t][^\\n]*\\n){0,8}?[ \\t]+["']?[\\w.-]{0,30}?${k})`;
  return new RegExp(`${key}["']?\\s{0,3}(?:=|:=|:|=>)\\s{0,3}(?:["'\`]\\s?)?(${value})(?![A-Za-z0-9+/=_-])`);
}
