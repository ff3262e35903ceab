// What the policy-record rule says: its findings, and what it says when it cannot decide.
import { defineMessages } from '../messages.js';

export const policyRecordMsg = {
  revListFailed: (base: string, newOid: string, code: number) => `git rev-list ${base}..${newOid} failed (exit ${code})`,
  revListFailedHint: 'check the repository, then push again',
} as const;

export const policyRecordMessages = defineMessages({
  outsideWindow: {
    text: 'agent push by {{agent}} outside every run window ({{windows}} {{tz}}); it is {{now}} {{tz}} now',
    subRule: 'run-window',
    fix: 'push again inside a run window (run_windows, in {{tz}}), or have a person push it',
  },
  model: {
    text: 'task {{runId}} routes to model {{model}}, which the policy does not allow (allowed_models: {{allowed}})',
    subRule: 'model',
    fix: 'route the task to one of {{allowed}}, or change allowed_models (a reviewed policy change)',
  },
  cost: {
    text: "task {{runId}} declares a cost of {{cost}} USD, over the policy's max_cost_usd of {{max}}",
    subRule: 'cost',
    fix: 'split the task so each run stays within {{max}} USD, or raise max_cost_usd (a reviewed policy change)',
  },
  approval: {
    text: "agent push by {{agent}} to protected branch {{ref}}: commit {{commit}} needs a person's signed approval (requires_approval: true)",
    subRule: 'approval',
    fix: 'a person (not an agent identity) holding the approving role runs `safety-gate approve {{commit}} --ref {{branch}} --key KEY` and pushes refs/notes/safety-gate',
  },
});
