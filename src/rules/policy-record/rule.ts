// policy-record (SPEC-260): the automation policy record is enforced for agent runs, not only
// stored. An agent run is one with a task envelope (SAFETY_GATE_TASK on the client), or a push
// or commit by an agent identity (`agents.identities`: globs on the pusher name the platform
// reports, or on the author email).
//
//   run_windows / run_windows_timezone   an agent's push outside every window is refused
//   allowed_models                       the envelope's model must be one of them
//   max_cost_usd                         the envelope's declared cost must not exceed it
import picomatch from 'picomatch';
import { defineRule, type Report, type RuleContext, type RunView } from '../types.js';
import type { PolicyRecordOptions } from './options.js';
import { inWindow, localTime, parseRunWindow, type RunWindow } from './run-windows.js';

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const msgs = {
  outside: (who: string, windows: string[], tz: string, now: string) => `agent push by ${who} outside every run window (${windows.join(', ')} ${tz}); it is ${now} ${tz} now`,
  outsideFix: (tz: string) => `push again inside a run window (run_windows, in ${tz}), or have a person push it`,
  model: (runId: string, model: string, allowed: string[]) => `task ${runId} routes to model ${model}, which the policy does not allow (allowed_models: ${allowed.join(', ')})`,
  modelFix: (allowed: string[]) => `route the task to one of ${allowed.join(', ')}, or change allowed_models (a reviewed policy change)`,
  cost: (runId: string, cost: number, max: number) => `task ${runId} declares a cost of ${cost} USD, over the policy's max_cost_usd of ${max}`,
  costFix: (max: number) => `split the task so each run stays within ${max} USD, or raise max_cost_usd (a reviewed policy change)`,
};

function clock(at: number, tz: string): string {
  const t = localTime(at, tz);
  return `${DAY[t.day]} ${String(Math.floor(t.minute / 60)).padStart(2, '0')}:${String(t.minute % 60).padStart(2, '0')}`;
}

export const policyRecord = defineRule<PolicyRecordOptions>({
  meta: {
    id: 'policy-record',
    family: 'agent lane',
    description: 'Enforces the SPEC-260 policy record for agent runs: run windows, allowed models, the cost ceiling.',
    defaultSeverity: 'block',
    subRules: ['run-window', 'model', 'cost'],
    docs: `SPEC-260's automation policy record is a contract, not decoration. For agent runs:

policy-record/run-window  a push by an agent outside every entry of run_windows
                          (weekday:09:00-18:00, weekend:…, daily:…, mon,wed:…, sat-sun:22:00-02:00;
                          a window that ends before it starts runs past midnight), read in
                          run_windows_timezone (IANA name, default UTC). Invalid windows are a
                          configuration error at their file:line:column.
policy-record/model       the task envelope's model is not in allowed_models (an envelope that
                          names no model is recorded with model null in the audit log).
policy-record/cost        the envelope's declared cost_usd (or max_cost_usd) exceeds the
                          policy's max_cost_usd.

Who is an agent: a run with a task envelope (SAFETY_GATE_TASK, client doors), or a push whose
pusher (GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER) or a commit whose
author email matches agents.identities.

The clock is the machine's. Tests may set SAFETY_GATE_TEST_NOW (an ISO time): client doors
honour it; the server only with testing.allow_clock_override: true in its own policy.

Out of reach today: on the server there is no envelope (pushed commits carry only their
Task-Scope/Run-Id trailers), so allowed_models and max_cost_usd are judged on the client and
in the pipeline's own pre-push; run windows are judged on every door.`,
  },
  create(ctx: RuleContext<PolicyRecordOptions>) {
    const record = ctx.policy.record;
    const tz = record.run_windows_timezone;
    const windows: RunWindow[] = record.run_windows.map((t) => parseRunWindow(t)).filter((w): w is RunWindow => typeof w !== 'string');
    const identities = ctx.policy.changeControl.agents?.identities ?? [];
    const isAgentName = identities.length > 0 ? picomatch(identities, { nocase: true, dot: true }) : () => false;

    return {
      checkRun(run: RunView, report: Report) {
        const { changeSet } = run;
        const task = changeSet.task;
        const pusher = changeSet.actor.name !== null && isAgentName(changeSet.actor.name) ? changeSet.actor.name : null;
        const author = run.commits.map((c) => c.info.author?.email).find((e): e is string => !!e && isAgentName(e)) ?? null;
        const agent = pusher ?? author ?? (task ? `task ${task.runId}` : null);
        if (agent === null) return;

        if (run.refs.length > 0 && windows.length > 0 && !windows.some((w) => inWindow(w, ctx.now, tz))) {
          report({ subRule: 'run-window', message: msgs.outside(agent, record.run_windows, tz, clock(ctx.now, tz)), remediation: msgs.outsideFix(tz), ref: run.refs[0]!.ref });
        }
        if (!task) return;
        // An envelope that names no model is recorded with model null (audit): only a declared
        // routing can be held against the list.
        if (record.allowed_models.length > 0 && task.model != null && !record.allowed_models.includes(task.model)) {
          report({ subRule: 'model', message: msgs.model(task.runId, task.model, record.allowed_models), remediation: msgs.modelFix(record.allowed_models) });
        }
        if (record.max_cost_usd !== null && task.costUsd != null && task.costUsd > record.max_cost_usd) {
          report({ subRule: 'cost', message: msgs.cost(task.runId, task.costUsd, record.max_cost_usd), remediation: msgs.costFix(record.max_cost_usd) });
        }
      },
    };
  },
});
