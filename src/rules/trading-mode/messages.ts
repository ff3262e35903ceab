// Every finding message of trading-mode. (A CI workflow's issues are still worded in ci.ts and
// reported as `ciIssue`: splitting them into their own ids waits for the loaders branch.)
import { defineMessages } from '../messages.js';

export const tradingModeMessages = defineMessages({
  testConfig: {
    text: '{{variable}} is {{value}} in test configuration {{path}} ({{syntax}}): tests must run with {{variable}}={{required}}',
    fix: 'set {{variable}}={{required}} (Gate C: tests run paper-only)',
  },
  ciIssue: { text: '{{issue}}' },
});

/** A value as the message shows it. */
export const shownValue = (value: string) => (value === '' ? 'empty' : JSON.stringify(value));

/** What ci.ts says about a CI job or step: `owner` names it (a workflow job, `job "x"`, a Cloud Build step). */
export const ciText = {
  badValue: (v: string, shown: string, where: string, required: string) => `${v} is ${shown} in CI (${where}): CI must run with ${v}=${required}`,
  unset: (owner: string, v: string, detail: string) => `${owner} runs tests/builds with ${v} unset (${detail})`,
  missing: (owner: string, v: string, required: string, detail: string) => `${owner} runs tests/builds without ${v}=${required} in effect (${detail})`,
  dynamic: (owner: string, v: string, from: 'expression' | 'variable' | 'substitution', detail: string, required: string) =>
    `${owner} runs tests/builds with ${v} from a${from === 'expression' ? 'n' : ''} ${from} (${detail}), not an explicit ${required}`,
  step: (name: string, detail: string) => `step "${name}": ${detail}`,
  before: (unset: string, test: string) => `${unset} before ${test}`,
  source: (expr: string, where: string) => `${expr}, ${where}`,
  job: (name: string) => `job "${name}"`,
  cloudBuild: (id: string) => `Cloud Build step ${id}`,
  fixBadValue: (v: string, required: string) => `set \`${v}: ${required}\` (Gate C: CI runs paper-only)`,
  fixUnsetStep: (v: string, required: string) => `do not unset ${v}; run the step with \`${v}: ${required}\` in its env`,
  fixUnsetJob: (v: string, required: string, job: string) => `do not unset ${v}; keep \`${v}: ${required}\` in effect for job "${job}"`,
  fixAdd: (v: string, required: string, where: string) => `add \`${v}: ${required}\` to ${where}`,
  fixLiteral: (v: string, required: string, where: string) => `set \`${v}: ${required}\` literally in ${where} (Gate C)`,
  jobVariables: (job: string, orGlobal: boolean) => `the variables of job "${job}"${orGlobal ? ' (or to the global variables)' : ''}`,
  fixCloudBuild: (v: string, required: string) => `add "${v}=${required}" to options.env (every step) or to the step's env`,
};
