// The engine's decision over a change the door has resolved (src/doors/check.ts: the policy,
// the task, the actor and the change set, the baselines, the clock, git access): the rules run
// (run.ts), findings are de-duplicated and ordered, the baseline in force and then signed
// approvals and break-glass close what they cover, and the rest decides. Nothing here knows
// which door called, reads the environment or opens a repository.
import type { Baseline } from '../findings/baseline.js';
import { applyBaseline } from '../findings/baseline.js';
import type { Finding, Report, SuppressedFinding } from '../findings/types.js';
import { decide, dedupeFindings, sortFindings } from '../findings/order.js';
import { runEngine, type EngineInput } from './run.js';

/** The baselines in force, resolved by the door. */
export interface Baselines {
  /** The baseline a finding is judged by: one for the run, or one per commit (pre-push: each pushed commit's parent's). */
  of: Baseline | null | ((commit: string | null) => Baseline | null);
  /** The baseline the report names (null: no baseline applies). */
  source: Baseline | null;
}

export interface JudgeInput extends EngineInput {
  baselines: Baselines;
  /** The server side: approvals are verified against the server's keys only. */
  server: boolean;
  /** When the run started (the report's duration). */
  startedAt: number;
}

export interface Judgement {
  report: Report;
  /** Break-glass uses that relaxed findings of this run (minimum audit data of the seed). */
  overrides: { incident: string; approvers: { name: string; source: string; time: string | null }[]; checks_bypassed: string[]; reason: string; rollback: string }[];
}

export async function judge(input: JudgeInput): Promise<Judgement> {
  const { changeSet, policy, baselines } = input;
  const result = await runEngine(input);
  const applied = applyBaseline(sortFindings(dedupeFindings(result.findings)), baselines.of);
  let findings: Finding[] = applied.findings;
  let overrides: Judgement['overrides'] = [];
  // Signed approvals and break-glass close what still blocks after the baseline.
  if (policy.approvals && findings.some((f) => f.severity === 'block')) {
    const { applyApprovals } = await import('../approvals/apply.js');
    const outcome = await applyApprovals({ findings, changeSet, policy, git: input.git, server: input.server, now: input.now });
    findings = sortFindings(outcome.findings);
    overrides = outcome.overrides;
  }
  // A ref move's findings name its new tip (the commit to approve with --ref) and the ref.
  const tipOf = new Map(changeSet.commits.filter((c) => c.transition).map((c) => [c.oid, c.transition!.newOid]));
  if (tipOf.size > 0) findings = findings.map((f) => (f.commit !== null && tipOf.has(f.commit) ? { ...f, commit: tipOf.get(f.commit)! } : f));
  const report: Report = {
    schema: 'safety-gate/report@1',
    decision: decide(findings),
    findings,
    ...(baselines.source ? { baselined: applied.baselined, baseline: baselines.source.source } : {}),
    suppressed: sortFindings(result.suppressed.map((f) => (f.commit !== null && tipOf.has(f.commit) ? { ...f, commit: tipOf.get(f.commit)! } : f))) as SuppressedFinding[],
    stats: { ...result.stats, durationMs: Date.now() - input.startedAt },
  };
  return { report, overrides };
}
