// The one shape every secret rule takes, whether written here (detectors/) or translated from a
// team's gitleaks TOML (gitleaks.ts): plain JSON, so a compiled gitleaks config travels inside the
// cached, hashed policy and the hot path never loads a TOML parser or translates a regex.

/** A JavaScript regular expression as source + flags (never with `g`/`y`: the scanner adds them). */
export interface Pattern {
  source: string;
  flags: string;
}

export interface Allowlist {
  /** gitleaks `condition`: OR (any criterion allows) or AND (every criterion given must). */
  condition: 'OR' | 'AND';
  /** What `regexes` are matched against: the secret (default), the whole match, or its line. */
  regexTarget: 'secret' | 'match' | 'line';
  regexes: Pattern[];
  /** Matched against the file's path. */
  paths: Pattern[];
  /** Lower-case substrings of the secret. */
  stopwords: string[];
  /** Commit ids (or prefixes) whose content is allowed. */
  commits: string[];
  /** For global allowlists: only these rule ids (empty: every rule). */
  targetRules: string[];
}

export interface SecretRule {
  id: string;
  description: string;
  /** Where it came from: `built-in` or `<file>:<line>` of a gitleaks rule. */
  origin: string;
  /** null: a path-only rule (gitleaks `path` without `regex`). */
  regex: Pattern | null;
  /** Capture group that holds the secret; 0: the first non-empty group, or the whole match. */
  secretGroup: number;
  /** Minimum Shannon entropy (bits per character) of the secret; 0: none. */
  entropy: number;
  /** Lower-case literals; the rule runs only on blobs containing one. Empty: every blob. */
  keywords: string[];
  /** The file path must match. */
  path: Pattern | null;
  allowlists: Allowlist[];
}

/** A compiled gitleaks config, as stored in the resolved policy. */
export interface CompiledGitleaks {
  /** The file as the policy named it (display only). */
  file: string;
  rules: SecretRule[];
  allowlists: Allowlist[];
  /** `[extend] useDefault = true`: the built-in detectors stand in for gitleaks' defaults. */
  useDefault: boolean;
}
