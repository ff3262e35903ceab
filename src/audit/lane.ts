// The task lane a change belongs to (SPEC-260 retry budgets are per lane): the run id with the
// task's scope. The client has it from the envelope; pushed commits from their Run-Id and
// Task-Scope trailers, when every commit of the push carries the same ones.
import type { ChangeSet } from '../changeset/types.js';
import { canonicalScope, readTrailerTask } from '../rules/task-scope/scope.js';
import type { AuditTask } from './record.js';

export function laneOf(cs: ChangeSet): AuditTask | null {
  const task = cs.task;
  if (task) return { run_id: task.runId, stage: task.stage, model: task.model ?? null, lane: lane(task.runId, task.scope, task.stage) };
  // A ref move's pseudo commit (the tree diff of a branch update) carries no trailers of its own.
  const commits = cs.commits.filter((c) => (c.oid !== null || c.message !== null) && !c.transition);
  if (commits.length === 0) return null;
  let found: { runId: string; scope: string } | null = null;
  for (const c of commits) {
    const t = readTrailerTask(c.trailers).task;
    if (!t || !t.runId) return null;
    const key = { runId: t.runId, scope: lane(t.runId, t.scope, null) };
    if (found && (found.runId !== key.runId || found.scope !== key.scope)) return null;
    found = key;
  }
  return found ? { run_id: found.runId, stage: null, model: null, lane: found.scope } : null;
}

function lane(runId: string, scope: { kind: string; target: string } | null, stage: string | null): string {
  return `${runId}/${scope ? canonicalScope(scope) : stage ? `stage:${stage}` : 'unscoped'}`;
}
