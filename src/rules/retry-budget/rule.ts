// retry-budget (SPEC-260: "Retry budgets MUST be enforced per task lane to prevent unbounded
// unattended loops"). A lane is the run id with the task scope (src/audit/lane.ts). Every blocked
// attempt of the lane is counted from the audit log the door trusts — the server's own in
// pre-receive, which no pushed commit can touch — since the latest signed lane reset
// (src/approvals/lane-reset.ts). Once `max_retries_per_task` attempts were blocked, every
// further attempt of that lane is refused; one attempt before that, a warning.
import { lanesOf } from '../../audit/lane.js';
import { createRule, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { retryBudgetMessages, retryBudgetText } from './messages.js';
import type { RetryBudgetOptions } from './options.js';

export const retryBudget = createRule({
  meta: {
    id: 'retry-budget',
    family: 'retry budgets',
    description: 'Refuses a task lane that has used up max_retries_per_task blocked attempts (SPEC-260 retry budgets).',
    defaultSeverity: 'block',
    messages: retryBudgetMessages,
    docs: `SPEC-260: "Retry budgets MUST be enforced per task lane to prevent unbounded unattended
loops."

A lane is the run id with the task's scope: the SAFETY_GATE_TASK envelope on the client; on the
server the signed envelope (Task-Envelope trailer) or the Run-Id and Task-Scope trailers shared
by every commit of a push (a push whose commits name different runs or scopes has no lane).
Every audit record carries its lane, and every blocked decision of a lane is an attempt used.
The count comes from the audit log the door trusts: in pre-receive the server's own log, which
no pushed content can change.

retry-budget              the lane has max_retries_per_task blocked attempts already: refused,
                          "retry budget exhausted (N of N)".
retry-budget/last-attempt one attempt before the end (warning, every door): "1 attempt left of N".

Reset: a person holding a role of approvals.lane_reset (default security), who is neither an
agent identity nor the pusher, runs

  safety-gate approve --reset-lane '<lane>' --key KEY
  git push origin refs/notes/safety-gate

The signed reset (namespace safety-gate-lane-reset, in refs/notes/safety-gate) makes the
blocked attempts recorded before it stop counting; a reset signed by the agent, by an unknown
or revoked key, or for another lane or repository does not count and the refusal says why.
With no max_retries_per_task in the policy nothing is counted.`,
  },
  create(ctx: RuleContext<RetryBudgetOptions>) {
    const max = ctx.policy.record.max_retries_per_task;
    return {
      async checkRun(run: RunView, report: RuleReport<typeof retryBudgetMessages>) {
        if (max === null) return;
        // Every lane the change is an attempt of: a push that also carries another task's
        // commit is still an attempt of each (lanesOf), and is refused when any is spent.
        for (const lane of lanesOf(run.changeSet)) {
          let used = ctx.history.blockedAttempts(lane);
          let since = '';
          let rejected: string[] = [];
          // Near or past the end: a signed reset restarts the count (read only then).
          if (used >= max - 1 && used > 0) {
            const { latestReset } = await import('../../approvals/lane-reset.js');
            const reset = await latestReset(ctx.policy, ctx.git, run.changeSet, run.changeSet.origin === 'receive', lane, ctx.now);
            rejected = reset.rejected;
            if (reset.at !== null) {
              used = ctx.history.blockedAttempts(lane, reset.at);
              since = retryBudgetText.since(reset.by, reset.at);
            }
          }
          if (used >= max) report({ messageId: 'exhausted', data: { used: Math.min(used, max), max, lane, since, rejected: retryBudgetText.rejected(rejected) } });
          else if (used === max - 1) report({ messageId: 'lastAttempt', data: { max, lane, used, since }, severity: 'warn' });
        }
      },
    };
  },
});
