// The task lane a change belongs to (SPEC-260 retry budgets are per lane): the run id with the
// task's scope. The client has it from the envelope; pushed commits from their signed envelopes
// (Task-Envelope trailers, which also give the model and stage) when they all name one lane,
// else from their Run-Id and Task-Scope trailers, when every commit of the push names the same.
import type { ChangeSet, CommitInfo } from '../changeset/types.js';
import { canonicalScope, readTrailerTask } from '../rules/task-scope/scope.js';
import type { AuditTask } from './record.js';

export function laneOf(cs: ChangeSet): AuditTask | null {
  const task = cs.task;
  if (task) return { run_id: task.runId, stage: task.stage, model: task.model ?? null, lane: lane(task.runId, task.scope, task.stage) };
  // A ref move's pseudo commit (the tree diff of a branch update) carries no trailers of its own.
  const commits = cs.commits.filter((c) => (c.oid !== null || c.message !== null) && !c.transition && !notesOnly(c));
  if (commits.length === 0) return laneOfMoves(cs);
  // Signed envelopes first: only the orchestrator mints them, so commits that claim other lanes
  // in their own trailers (or none) cannot take a signed lane's attempts out of its count.
  const signed = commits
    .map((c) => cs.signedTasks?.get(c.oid))
    .filter((x) => x?.ok === true)
    .map((x) => x.task);
  if (signed.length > 0) {
    const lanes = new Set(signed.map((t) => lane(t.runId, t.scope, t.stage)));
    if (lanes.size !== 1) return null;
    const t = signed[0]!;
    return { run_id: t.runId, stage: signed.find((x) => x.stage)?.stage ?? null, model: signed.find((x) => x.model)?.model ?? null, lane: [...lanes][0]! };
  }
  let found = null as AuditTask | null;
  for (const c of commits) {
    const t = readTrailerTask(c.trailers).task;
    if (!t || !t.runId) return null;
    const key: AuditTask = { run_id: t.runId, stage: null, model: null, lane: lane(t.runId, t.scope, null) };
    if (found && (found.run_id !== key.run_id || found.lane !== key.lane)) return null;
    found = key;
  }
  return found;
}

/**
 * A push that brings no commit of its own (a task branch's tip pushed again to main) is still an
 * attempt of the task that made the tip: else an agent lands its work on a feature branch once
 * and retries the protected branch without limit. The tips' own trailers name the lane (the same
 * Run-Id and Task-Scope that `task sign` writes beside the envelope), when all moves name one.
 */
function laneOfMoves(cs: ChangeSet): AuditTask | null {
  const moves = cs.commits.filter((c) => c.transition && !notesOnly(c));
  let found = null as AuditTask | null;
  for (const m of moves) {
    const t = readTrailerTask(m.transition!.tipTrailers ?? []).task;
    if (!t || !t.runId) return null;
    const key: AuditTask = { run_id: t.runId, stage: null, model: null, lane: lane(t.runId, t.scope, null) };
    if (found && found.lane !== key.lane) return null;
    found = key;
  }
  return found;
}

/**
 * A commit that lands only on notes refs (approvals, lane resets pushed with the work) annotates
 * objects and changes no branch: it is no task's work and belongs to no lane.
 */
function notesOnly(c: Pick<CommitInfo, 'refs'>): boolean {
  return c.refs.length > 0 && c.refs.every((r) => r.startsWith('refs/notes/'));
}

function lane(runId: string, scope: { kind: string; target: string } | null, stage: string | null): string {
  return `${runId}/${scope ? canonicalScope(scope) : stage ? `stage:${stage}` : 'unscoped'}`;
}
