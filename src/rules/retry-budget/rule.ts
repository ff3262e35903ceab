// retry-budget (SPEC-260: "Retry budgets MUST be enforced per task lane to prevent unbounded
// unattended loops"). A lane is the run id with the task scope (envelope on the client, the
// Run-Id and Task-Scope trailers every pushed commit carries on the server). Every blocked
// attempt of the lane is counted from the audit log the door trusts — the server's own in
// pre-receive, which no pushed commit can touch. Once `max_retries_per_task` attempts were
// blocked, every further attempt of that lane is refused; one attempt before that, a warning.
import { laneOf } from '../../audit/lane.js';
import { defineRule, type Report, type RuleContext, type RunView } from '../types.js';
import type { RetryBudgetOptions } from './options.js';

const msgs = {
  exhausted: (lane: string, used: number, max: number) => `retry budget exhausted (${used} of ${max}) for task lane ${lane}: no more attempts of this task are accepted`,
  exhaustedFix: 'a person reviews the run and starts it again as a new task (a new run id), or raises max_retries_per_task (a reviewed policy change)',
  lastAttempt: (lane: string, used: number, max: number) => `task lane ${lane} has used ${used} of ${max} attempts: the next blocked attempt is the last one accepted`,
  lastAttemptFix: 'fix every finding before the next attempt',
};

export const retryBudget = defineRule<RetryBudgetOptions>({
  meta: {
    id: 'retry-budget',
    family: 'retry budgets',
    description: 'Refuses a task lane that has used up max_retries_per_task blocked attempts (SPEC-260 retry budgets).',
    defaultSeverity: 'block',
    subRules: ['last-attempt'],
    docs: `SPEC-260: "Retry budgets MUST be enforced per task lane to prevent unbounded unattended
loops."

A lane is the run id with the task's scope: the SAFETY_GATE_TASK envelope on the client, the
Run-Id and Task-Scope trailers shared by every commit of a push on the server (a push whose
commits name different runs or scopes has no lane). Every audit record carries its lane, and
every blocked decision of a lane is an attempt used. The count comes from the audit log the
door trusts: in pre-receive the server's own log, which no pushed content can change.

retry-budget              the lane has max_retries_per_task blocked attempts already: refused,
                          "retry budget exhausted (N of N)".
retry-budget/last-attempt one attempt before the end (warning): fix everything first.

With no max_retries_per_task in the policy nothing is counted. A lane that is exhausted stays
so: a person reviews the run and starts a new task (a new run id).`,
  },
  create(ctx: RuleContext<RetryBudgetOptions>) {
    const max = ctx.policy.record.max_retries_per_task;
    return {
      checkRun(run: RunView, report: Report) {
        if (max === null) return;
        const task = laneOf(run.changeSet);
        if (!task) return;
        const used = ctx.history.blockedAttempts(task.lane);
        if (used >= max) report({ message: msgs.exhausted(task.lane, used, max), remediation: msgs.exhaustedFix });
        else if (used === max - 1) report({ subRule: 'last-attempt', severity: 'warn', message: msgs.lastAttempt(task.lane, used, max), remediation: msgs.lastAttemptFix });
      },
    };
  },
});
