// What the secrets rule says when it cannot decide.
export const secretsMsg = {
  gitleaksNotLoaded: (file: string) => `rules.secrets.options.gitleaks_config (${file}) was not loaded`,
  gitleaksNotLoadedHint: 'run `safety-gate config` to rebuild the policy',
} as const;
