// The task lane a change belongs to (SPEC-260 retry budgets are per lane): the run id with the
// task's scope. The client has it from the envelope; pushed commits from their signed envelopes
// (Task-Envelope trailers, which also give the model and stage) when they all name one lane,
// else from their Run-Id and Task-Scope trailers, when every commit of the push names the same.
import type { ChangeSet, CommitInfo, Trailer } from '../changeset/types.js';
import { canonicalScope, readTrailerTask } from '../rules/task-scope/scope.js';
import type { AuditTask } from './record.js';
import { decodeTrailerValue } from '../sources/signed-task.js';

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
    const key = tipLane(m.transition!.tipTrailers ?? []);
    if (!key) return null;
    if (found && found.lane !== key.lane) return null;
    found = key;
  }
  return found;
}

/**
 * The lane a tip's trailers name: its Run-Id and Task-Scope, else the task inside its
 * Task-Envelope (read, not verified: the envelope was verified when the commit was pushed, and a
 * forged one can only add attempts to a lane, never take any away).
 */
function tipLane(trailers: readonly Trailer[]): AuditTask | null {
  const t = readTrailerTask(trailers).task;
  if (t?.runId) return { run_id: t.runId, stage: null, model: null, lane: lane(t.runId, t.scope, null) };
  for (const tr of trailers) {
    if (tr.key.toLowerCase() !== 'task-envelope') continue;
    const d = decodeTrailerValue(tr.value);
    if (!d.ok) continue;
    const env = d.statement.envelope as { run_id?: unknown; stage?: unknown; task_scope?: { kind?: unknown; target?: unknown } };
    if (typeof env.run_id !== 'string') continue;
    const scope =
      env.task_scope && typeof env.task_scope.kind === 'string'
        ? { kind: env.task_scope.kind, target: Array.isArray(env.task_scope.target) ? env.task_scope.target.join(', ') : String(env.task_scope.target ?? '') }
        : null;
    const stage = typeof env.stage === 'string' ? env.stage : null;
    return { run_id: env.run_id, stage, model: null, lane: lane(env.run_id, scope, stage) };
  }
  return null;
}

/**
 * Every lane a change is an attempt of: the client's envelope, each signed envelope, each
 * commit's own trailers, each moved tip's. A push that carries several tasks is counted against
 * all of them and refused when any is spent (else a commit of a second, fresh task in the same
 * push made the first one's push "no lane" and every attempt free).
 */
export function lanesOf(cs: ChangeSet): string[] {
  const out = new Set<string>();
  if (cs.task) out.add(lane(cs.task.runId, cs.task.scope, cs.task.stage));
  for (const c of cs.commits) {
    if ((c.oid === null && c.message === null) || notesOnly(c)) continue;
    if (c.transition) {
      // Every commit the move brings, not only its tip: a fresh task's commit on top of a spent
      // one must not carry the spent one's work onto the branch as "another lane".
      for (const trailers of [c.transition.tipTrailers ?? [], ...(c.transition.broughtTrailers ?? [])]) {
        const t = tipLane(trailers);
        if (t) out.add(t.lane);
      }
      continue;
    }
    const s = cs.signedTasks?.get(c.oid);
    if (s?.ok) out.add(lane(s.task.runId, s.task.scope, s.task.stage));
    const t = readTrailerTask(c.trailers).task;
    if (t?.runId) out.add(lane(t.runId, t.scope, null));
  }
  return [...out].sort();
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
