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
