// Every finding message of retry-budget.
import { defineMessages } from '../messages.js';

export const retryBudgetMessages = defineMessages({
  exhausted: {
    text: 'retry budget exhausted ({{used}} of {{max}}) for task lane {{lane}}{{since}}: no more attempts of this task are accepted{{rejected}}',
    fix: "a person holding the lane_reset role reviews the run and runs `safety-gate approve --reset-lane '{{lane}}' --key KEY`, then `git push origin refs/notes/safety-gate`; or the task starts again under a new signed run id",
  },
  lastAttempt: {
    text: 'retry budget: 1 attempt left of {{max}} for task lane {{lane}} ({{used}} blocked{{since}}): if this attempt is blocked, the lane is refused until a person resets it',
    subRule: 'last-attempt',
    fix: 'fix every finding before the next attempt',
  },
});

/** Pieces of those messages: since when the lane is counted, and the resets that did not count. */
export const retryBudgetText = {
  since: (by: string | null, at: number) => ` since the reset by ${String(by)} at ${new Date(at).toISOString()}`,
  rejected: (why: readonly string[]) => (why.length > 0 ? `; ${[...new Set(why)].join('; ')}` : ''),
};
