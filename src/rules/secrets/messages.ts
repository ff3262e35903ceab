// What the secrets rule says when it cannot decide (a finding's text is its detector's).
export const secretsMsg = {
  gitleaksNotLoaded: (file: string) => `rules.secrets.options.gitleaks_config (${file}) was not loaded`,
  gitleaksNotLoadedHint: 'run `safety-gate config` to rebuild the policy',
  patternTooSlow: (rule: string, path: string, oid: string) =>
    `secrets: the pattern ${rule} was still matching ${path} (blob ${oid.slice(0, 12)}) at the deadline; blocking to stay safe`,
  patternTooSlowHint: (config: string) =>
    `rewrite that pattern in ${config} without nested or overlapping repetition (gitleaks runs it in RE2, which never backtracks), then retry`,
} as const;
