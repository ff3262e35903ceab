// The lines the secrets rule prints beside its findings (a finding's text is its detector's).
export const secretsMsg = {
  patternTooSlow: (rule: string, path: string, oid: string) =>
    `secrets: the pattern ${rule} was still matching ${path} (blob ${oid.slice(0, 12)}) at the deadline; blocking to stay safe`,
  patternTooSlowHint: (config: string) =>
    `rewrite that pattern in ${config} without nested or overlapping repetition (gitleaks runs it in RE2, which never backtracks), then retry`,
};
