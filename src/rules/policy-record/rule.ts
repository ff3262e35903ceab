// policy-record (SPEC-260): the automation policy record is enforced for agent runs, not only
// stored. An agent run is one with a task envelope (SAFETY_GATE_TASK on the client, or signed in
// a Task-Envelope trailer), or a push by an agent identity (src/approvals/agents.ts: on the
// server the platform's pusher, never the author email).
//
//   run_windows / run_windows_timezone   an agent's push outside every window is refused
//   allowed_models                       the envelope's model must be one of them
//   max_cost_usd                         the envelope's declared cost must not exceed it
//   requires_approval                    an agent's push to a protected branch needs a person's
//                                        signed approval of each of its commits
import type { TaskEnvelope } from '../../changeset/types.js';
import { agentMatcher } from '../../approvals/agents.js';
import { protectedBranchMatcher } from '../ref-integrity/rule.js';
import { GateError } from '../../errors.js';
import { createRule, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import type { PolicyRecordOptions } from './options.js';
import { inWindow, localTime, parseRunWindow, type RunWindow } from './run-windows.js';
import { policyRecordMessages, policyRecordMsg } from './messages.js';

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function clock(at: number, tz: string): string {
  const t = localTime(at, tz);
  return `${DAY[t.day]} ${String(Math.floor(t.minute / 60)).padStart(2, '0')}:${String(t.minute % 60).padStart(2, '0')}`;
}

export const policyRecord = createRule({
  meta: {
    id: 'policy-record',
    family: 'agent lane',
    description: 'Enforces the SPEC-260 policy record for agent runs: run windows, allowed models, the cost ceiling, human approval.',
    defaultSeverity: 'block',
    messages: policyRecordMessages,
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
policy-record/approval    with requires_approval: true, each commit an agent pushes to a
                          protected branch (server.protected_branches, default main and the
                          policy branch) until a person approves it: \`safety-gate approve <commit>
                          --ref <branch> --key KEY\`, pushed in refs/notes/safety-gate. The roles
                          are approvals.rules["policy-record/approval"] (default
                          approvals.default, security); an approver is never the author,
                          committer, pusher, nor an agent identity.

Who is an agent: a run with a task envelope (SAFETY_GATE_TASK on clients, a signed
Task-Envelope trailer anywhere), or on the server a pusher (GITHUB_USER_LOGIN, GL_USERNAME,
GITEA_PUSHER_NAME, GL_USER, REMOTE_USER) that, or whose approvals.identities principal, matches
agents.identities; the author email counts only on clients and in scans.

The clock is the machine's. Tests may set SAFETY_GATE_TEST_NOW (an ISO time): client doors
honour it; the server only with testing.allow_clock_override: true in its own policy.

On the server the envelope is the signed one a commit carries (Task-Envelope trailer, see
task-scope); commits with only unsigned trailers name no model or cost.`,
  },
  create(ctx: RuleContext<PolicyRecordOptions>) {
    const record = ctx.policy.record;
    const tz = record.run_windows_timezone;
    const windows: RunWindow[] = record.run_windows.map((t) => parseRunWindow(t)).filter((w): w is RunWindow => typeof w !== 'string');
    const agents = agentMatcher(ctx.policy);
    // The branches every agent-lane rule protects: ref-integrity's (default main, master,
    // release/*) with the server's own, as required-checks judges them; server.protected_branches
    // alone (main) let unapproved agent commits land on release/* and master.
    const ri = (ctx.policy.rules['ref-integrity']?.options ?? {}) as { protected_branches?: string[] };
    const isProtected = protectedBranchMatcher(
      [...(ri.protected_branches ?? ['main', 'master', 'release/*']), ...ctx.policy.server.protectedBranches],
      ctx.policy.server.policyBranch,
    );

    return {
      async checkRun(run: RunView, report: RuleReport<typeof policyRecordMessages>) {
        const { changeSet } = run;
        // The tasks of this run: the client's envelope, and every signed envelope a commit carries.
        const tasks = new Map<string, TaskEnvelope>();
        if (changeSet.task) tasks.set(changeSet.task.runId, changeSet.task);
        for (const s of changeSet.signedTasks?.values() ?? []) if (s.ok && !tasks.has(s.task.runId)) tasks.set(s.task.runId, s.task);
        // The routing of every task is judged whoever pushes it.
        for (const task of tasks.values()) {
          // An envelope that names no model is recorded with model null (audit): only a declared
          // routing can be held against the list.
          if (record.allowed_models.length > 0 && task.model != null && !record.allowed_models.includes(task.model)) {
            report({ messageId: 'model', data: { runId: task.runId, model: task.model, allowed: record.allowed_models.join(', ') } });
          }
          if (record.max_cost_usd !== null && task.costUsd != null && task.costUsd > record.max_cost_usd) {
            report({ messageId: 'cost', data: { runId: task.runId, cost: task.costUsd, max: record.max_cost_usd } });
          }
        }
        // Windows and approvals bind agents: the pusher on the server (a person pushing an agent's
        // commits answers for them), on a client also a run under SAFETY_GATE_TASK.
        const agent = agents.ofChange(changeSet) ?? (changeSet.task ? `task ${changeSet.task.runId}` : null);
        if (agent === null) return;

        if (run.refs.length > 0 && windows.length > 0 && !windows.some((w) => inWindow(w, ctx.now, tz))) {
          report({ messageId: 'outsideWindow', data: { agent, windows: record.run_windows.join(', '), tz, now: clock(ctx.now, tz) }, ref: run.refs[0]!.ref });
        }
        if (record.requires_approval === true) {
          // Each commit the push brings to a protected branch needs a person's approval. A move of
          // a protected branch onto commits already on another ref brings every commit between
          // its old tip and the new one: each of them, not only the tip (approving the tip of a
          // feature branch must not carry the unreviewed commits under it).
          const brought = new Set<string>();
          const need = (oid: string, ref: string, finding: string | null) => {
            if (brought.has(oid)) return;
            brought.add(oid);
            report({ messageId: 'approval', data: { agent, ref, commit: oid.slice(0, 12), branch: ref.replace(/^refs\/heads\//, '') }, commit: finding ?? oid, ref });
          };
          for (const c of run.commits) {
            const info = c.info;
            if (info.oid === null || info.transition) continue;
            const ref = info.refs.find(isProtected);
            if (ref) need(info.oid, ref, null);
          }
          for (const c of run.commits) {
            const move = c.info.transition;
            if (!move || !isProtected(move.ref) || /^0+$/.test(move.newOid)) continue;
            const r = await ctx.git.run(['rev-list', move.newOid, `^${move.base}`]);
            if (r.code !== 0) throw new GateError('git', policyRecordMsg.revListFailed(move.base, move.newOid, r.code), policyRecordMsg.revListFailedHint);
            for (const oid of r.stdout.toString('utf8').split('\n').filter(Boolean)) need(oid, move.ref, null);
          }
        }
      },
    };
  },
});
