// The task lane a change belongs to (SPEC-260 retry budgets are per lane): the run id with the
// task's scope. The client has it from the envelope; pushed commits from their signed envelope
// (Task-Envelope trailer, which also gives the model and stage), else from their Run-Id and
// Task-Scope trailers, when every commit of the push names the same lane.
import type { ChangeSet, CommitInfo } from '../changeset/types.js';
import { canonicalScope, readTrailerTask } from '../rules/task-scope/scope.js';
import type { AuditTask } from './record.js';

export function laneOf(cs: ChangeSet): AuditTask | null {
  const task = cs.task;
  if (task) return { run_id: task.runId, stage: task.stage, model: task.model ?? null, lane: lane(task.runId, task.scope, task.stage) };
  // A ref move's pseudo commit (the tree diff of a branch update) carries no trailers of its own.
  const commits = cs.commits.filter((c) => (c.oid !== null || c.message !== null) && !c.transition && !notesOnly(c));
  if (commits.length === 0) return null;
  let found = null as AuditTask | null;
  for (const c of commits) {
    const signed = cs.signedTasks?.get(c.oid);
    let key: AuditTask;
    if (signed?.ok) {
      const t = signed.task;
      key = { run_id: t.runId, stage: t.stage, model: t.model ?? null, lane: lane(t.runId, t.scope, t.stage) };
    } else {
      const t = readTrailerTask(c.trailers).task;
      if (!t || !t.runId) return null;
      key = { run_id: t.runId, stage: null, model: null, lane: lane(t.runId, t.scope, null) };
    }
    if (found && (found.run_id !== key.run_id || found.lane !== key.lane)) return null;
    // Model and stage are known only from a signed envelope: keep them once any commit has one.
    const prev: AuditTask | null = found;
    found = prev ? { run_id: prev.run_id, lane: prev.lane, stage: prev.stage ?? key.stage, model: prev.model ?? key.model } : key;
  }
  return found;
}

/**
 * A commit that lands only on notes refs (approvals, lane resets pushed with the work) annotates
 * objects and changes no branch: it is no task's work and belongs to no lane.
 */
export function notesOnly(c: Pick<CommitInfo, 'refs'>): boolean {
  return c.refs.length > 0 && c.refs.every((r) => r.startsWith('refs/notes/'));
}

export function lane(runId: string, scope: { kind: string; target: string } | null, stage: string | null): string {
  return `${runId}/${scope ? canonicalScope(scope) : stage ? `stage:${stage}` : 'unscoped'}`;
}
