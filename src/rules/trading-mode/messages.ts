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
};
