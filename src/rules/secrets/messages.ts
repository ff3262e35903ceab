// What the secrets rule says: its findings (the description is its detector's), and what it says
// when it cannot decide.
import { DETECTORS } from './detectors/index.js';
import { defineMessages } from '../messages.js';

export const secretsMsg = {
  gitleaksNotLoaded: (file: string) => `rules.secrets.options.gitleaks_config (${file}) was not loaded`,
  gitleaksNotLoadedHint: 'run `safety-gate config` to rebuild the policy',
  patternTooSlow: (rule: string, path: string, oid: string) =>
    `secrets: the pattern ${rule} was still matching ${path} (blob ${oid.slice(0, 12)}) at the deadline; blocking to stay safe`,
  patternTooSlowHint: (config: string) =>
    `rewrite that pattern in ${config} without nested or overlapping repetition (gitleaks runs it in RE2, which never backtracks), then retry`,
} as const;

// Every finding message of secrets: under the detector's (or the team's gitleaks rule's) id.
const fix = '{{rotate}}; then remove it and load it from the environment or a secret manager (not a secret: # safety-gate: allow secrets -- <reason>)';
const subRules = DETECTORS.map((d) => d.id);

export const secretsMessages = defineMessages({
  secret: { text: '{{description}} {{redacted}} in blob {{blob}}{{noReason}}', subRules, fix },
  pathMatch: { text: '{{description}} file matches path rule in blob {{blob}}{{noReason}}', subRules, fix },
});

/** Pieces of those messages. */
export const secretsText = {
  defaultRotate: 'rotate the credential at its issuer',
  noReason: (line: number | null) => (line === null ? '' : ` (the exception on line ${line} has no reason, so it exempts nothing)`),
};
