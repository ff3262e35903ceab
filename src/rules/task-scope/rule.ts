// task-scope (SPEC-260): agent tasks carry an explicit file, stage or function scope, and any
// diff outside it fails closed pending review.
//
// Which task applies to a commit:
//   - the commit being made (staged / commit-msg): the SAFETY_GATE_TASK envelope if set, else
//     its own trailers; trailers that disagree with the envelope are reported;
//   - existing commits (push, receive, scan): their own `Task-Scope:`/`Run-Id:` trailers, else
//     the envelope (client pushes only: the server never has one).
// File and stage scopes are path globs. A function scope (`path#Qualified.name`) lets the
// change touch only the named functions: the old and the new blob are parsed (TS/JS with the
// TypeScript compiler, Python with tree-sitter; both loaded only here and only then) and
// everything outside the functions' spans must be byte-identical.
import type { Blob } from '../../changeset/blob.js';
import { entryKind, type FileChange, type TaskEnvelope } from '../../changeset/types.js';
import { agentMatcher } from '../../approvals/agents.js';
import { GateError } from '../../errors.js';
import { findSpansInBlob, spanLanguage, verifyFunctionEdit, type FunctionEditProblem } from './function-span/index.js';
import { isEvidenceNotesRef } from '../ref-integrity/rule.js';
import { defineRule, type CommitView, type Report, type RuleContext, type RunView } from '../types.js';
import type { TaskScopeOptions } from './options.js';
import { canonicalScope, formatTrailers, parseScope, readTrailerTask, RUN_TRAILER, SCOPE_TRAILER } from './scope.js';
import { taskScopeMsg } from './messages.js';

const short = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const shortOid = (oid: string | null) => (oid ? oid.slice(0, 12) : 'the staged change');

function describe(change: FileChange): string {
  switch (change.status) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return `renamed from ${change.oldPath}`;
    case 'C':
      return `copied from ${change.oldPath}`;
    case 'T':
      return `type changed (${entryKind(change.oldMode)} → ${entryKind(change.newMode)})`;
    default:
      return change.oldMode !== change.newMode && change.oldOid === change.newOid ? `mode changed ${change.oldMode} → ${change.newMode}` : 'modified';
  }
}

function sameScope(a: TaskEnvelope['scope'], b: TaskEnvelope['scope']): boolean {
  if (a === null || b === null) return a === b;
  return canonicalScope(a) === canonicalScope(b);
}

/** Decoding is lossless: comparing the strings is comparing the bytes. */
function faithfulText(blob: Blob): boolean {
  if (blob.isBinary) return false;
  const t = blob.text;
  return !t.includes('\uFFFD') || Buffer.from(t, 'utf8').equals(blob.bytes);
}

const msgs = {
  outside: (change: FileChange, task: TaskEnvelope, scopeText: string) =>
    `out of scope, pending review: ${change.path} ${describe(change)}, outside the scope of task ${task.runId} (${scopeText})`,
  outsideFix: (path: string) => `revert the change to ${path}, or have it reviewed and run under a task whose scope covers it`,
  functionOutside: (problem: FunctionEditProblem, task: TaskEnvelope, names: string[]) =>
    `out of scope, pending review: ${problem.message}; task ${task.runId} may change only ${names.join(', ')} in this file`,
  functionFix: (names: string[], problem: FunctionEditProblem) =>
    problem.message.startsWith('syntax error')
      ? `fix the syntax error; a function scope is verified by parsing both versions`
      : `limit the edit to ${names.join(', ')}${problem.line !== null && problem.side === 'new' ? ` (revert the change at line ${problem.line})` : ''}, or have it reviewed under a wider scope`,
  functionShape: (change: FileChange, task: TaskEnvelope, names: string[]) =>
    `out of scope, pending review: ${change.path} ${describe(change)}, but task ${task.runId} may only edit ${names.join(', ')} inside it`,
  unreadable: (path: string, task: TaskEnvelope) =>
    `out of scope, pending review: ${path} could not be read (missing, or over limits.max_blob_bytes), so task ${task.runId}'s function scope cannot be verified`,
  notText: (path: string, task: TaskEnvelope) =>
    `out of scope, pending review: ${path} is binary or not valid UTF-8, so task ${task.runId}'s function scope cannot be verified byte for byte`,
  noScope: (task: TaskEnvelope) => `task ${task.runId} (${task.source}) has no task_scope: agent tasks need an explicit file, function or stage scope`,
  noScopeFix: 'give the task a task_scope ({kind: file|function|stage, target}) or a Task-Scope trailer',
  agentUnscoped: (who: string) => `commit by agent ${who} carries no task scope (no ${SCOPE_TRAILER} trailer)`,
  agentUnscopedFix: (task: TaskEnvelope | null) =>
    task?.scope
      ? `add the trailers the server checks: git commit --amend ${formatTrailers(task)
          .split('\n')
          .map((l) => `--trailer "${l}"`)
          .join(' ')}`
      : `run the agent under a SPEC-260 task (SAFETY_GATE_TASK) and add "${SCOPE_TRAILER}: <kind>:<target>" and "${RUN_TRAILER}: <id>" trailers to its commits`,
  badTrailers: (oid: string | null, problem: string) => `task trailers of ${shortOid(oid)} are not valid: ${problem}`,
  badTrailersFix: `write one "${SCOPE_TRAILER}: file|function|stage:<target>" and one "${RUN_TRAILER}: <id>" trailer`,
  badScope: (task: TaskEnvelope, error: string) => `task ${task.runId} has an invalid scope: ${error}`,
  unknownStage: (task: TaskEnvelope, stage: string, known: string[]) =>
    `task ${task.runId} is scoped to stage "${stage}", which the policy does not define${known.length ? ` (stages: ${known.join(', ')})` : ''}: nothing is in scope`,
  unknownStageFix: (stage: string) => `define stages.${stage} (a list of globs) in the policy, or use an existing stage`,
  unsigned: (who: string, oid: string | null, trailer: TaskEnvelope | null) =>
    `commit ${shortOid(oid)} by agent ${who} ${trailer?.scope ? `claims ${SCOPE_TRAILER}: ${trailer.scope.kind}:${short(trailer.scope.target, 60)} itself` : 'names no task'}, without an envelope signed by the orchestrator role (agents.require_signed_tasks): a scope the agent writes itself is not trusted`,
  unsignedFix:
    'the orchestrator signs the task (`safety-gate task sign task.json --key KEY --out task.trailers`) and every commit carries its trailers (`git commit -m "…" -m "$(cat task.trailers)"`)',
  badSignature: (oid: string | null, problem: string) => `the signed task envelope of ${shortOid(oid)} does not count: ${problem}`,
  badSignatureFix:
    "carry the Task-Envelope trailer exactly as `safety-gate task sign` wrote it, signed by a key of the orchestrator role (approvals.task_signers) in the server's allowed signers",
  wider: (signed: TaskEnvelope, trailer: TaskEnvelope) =>
    `commit trailers claim ${trailer.scope ? `${trailer.scope.kind}:${short(trailer.scope.target, 60)}` : 'no scope'} (run ${trailer.runId}), but the envelope signed by ${signed.signedBy} grants ${signed.scope ? `${signed.scope.kind}:${short(signed.scope.target, 60)}` : 'no scope'} (run ${signed.runId}): a commit never widens its signed task`,
  widerFix: (signed: TaskEnvelope) => `use the trailers of the signed task: ${formatTrailers(signed).replace(/\n/g, ', ')}`,
  mismatch: (env: TaskEnvelope, trailer: TaskEnvelope) =>
    `commit trailers (${trailer.scope ? `${trailer.scope.kind}:${short(trailer.scope.target, 60)}` : 'no scope'}, run ${trailer.runId}) disagree with the active task ${env.runId} (${env.scope ? `${env.scope.kind}:${short(env.scope.target, 60)}` : 'no scope'}) from ${env.source}`,
  mismatchFix: (env: TaskEnvelope) => `use the trailers of the active task: ${formatTrailers(env).replace(/\n/g, ', ')}`,
};

/** A note's path in a notes tree: the annotated object's id (40 or 64 hex digits), split 2/38 or 2/2/36 at most. */
const NOTE_PATH = /^(?=(?:[0-9a-f]\/?){40}$|(?:[0-9a-f]\/?){64}$)(?:[0-9a-f]{2}\/){0,2}[0-9a-f]+$/;

export const taskScope = defineRule<TaskScopeOptions>({
  meta: {
    id: 'task-scope',
    family: 'task scope',
    description: 'Agent tasks carry an explicit file, stage or function scope; changes outside it fail closed pending review.',
    defaultSeverity: 'block',
    subRules: ['missing', 'invalid', 'unknown-stage', 'mismatch', 'unsigned', 'signature'],
    docs: `SPEC-260: "Agent tasks MUST include explicit file/function scope, and out-of-scope
diffs MUST fail closed pending review."

The task comes from a SPEC-260 model request envelope named by SAFETY_GATE_TASK (client
hooks), or from the commit's trailers (pushes, pre-receive, scans):

  Task-Scope: function:src/parser.ts#Parser.parse
  Run-Id: 7f0c2a4e-…

Scopes:
  file:<globs>             comma-separated globs (src/api/**, docs/api.md)
  stage:<name>             the globs listed under stages.<name> in the policy
  function:<path#Name>,…   only inside the named functions (Class.method, outer.inner,
                           Namespace.fn; Python def/class, TS/JS functions, methods,
                           arrow-function constants). Everything else in the file must stay
                           byte-identical; decorators and the doc comment belong to the function.

Blocks (task-scope): any changed path outside the scope (both sides of a rename), and for
function scopes: an edit outside the functions' spans, a syntax error in either version, a
renamed, moved or removed function, an ambiguous name, a new, deleted, renamed or re-moded file.
task-scope/missing: an envelope without task_scope; with agents.require_scope, a commit by an
agent identity without trailers (notes commits that only refs/notes/safety-gate or
refs/notes/safety-gate-checks bring, every path a note, are statements and receipts, not a
task's work). task-scope/invalid: malformed trailers.
task-scope/unknown-stage: a stage the policy does not define. task-scope/mismatch: trailers
that disagree with the active envelope, or claim another (wider) scope or run than the signed
envelope grants.

Who is an agent: on the server the pusher the platform names (GITHUB_USER_LOGIN, GL_USERNAME,
GITEA_PUSHER_NAME, GL_USER, REMOTE_USER), when it or a principal approvals.identities maps it
to matches agents.identities; never the author email. On clients and in scans, also a commit
whose author email matches.

Signed tasks (SPEC-260 trust): the orchestrator signs the envelope (safety-gate task sign
task.json --key KEY), and commits carry it in a Task-Envelope trailer. It counts when
ssh-keygen -Y verify accepts it against approvals.allowed_signers, the key holds a role of
approvals.task_signers (default orchestrator) and is no agent identity, and it names this
repository and has not expired; its scope is then the one enforced.
task-scope/signature: a Task-Envelope that does not count (forged, unknown, revoked or
non-orchestrator key, an agent's own key, another repository, expired, not a SPEC-260
envelope). task-scope/unsigned: with agents.require_signed_tasks (on in agenttrader-v2), an
agent commit without a valid signed envelope: a Task-Scope trailer the agent wrote itself is
never trusted.

Fix: keep the change inside the task's scope, or have it reviewed and run under a task whose
scope covers it.`,
  },
  create(ctx: RuleContext<TaskScopeOptions>) {
    const cc = ctx.policy.changeControl;
    const stages = cc.stages ?? {};
    const agents = agentMatcher(ctx.policy);
    const requireScope = (cc.agents?.require_scope ?? false) && agents.configured;
    const requireSigned = (cc.agents?.require_signed_tasks ?? false) && agents.configured;

    /** Check one commit's changes against one task's scope. */
    const checkScope = async (view: CommitView, task: TaskEnvelope, report: Report): Promise<void> => {
      const commit = view.info.oid;
      const scope = task.scope!;
      const parsed = parseScope(scope);
      if (!parsed.ok) {
        report({ subRule: 'invalid', message: msgs.badScope(task, parsed.error), commit, remediation: msgs.noScopeFix });
        return;
      }
      const scopeText = `${scope.kind}: ${short(scope.target)}`;
      const p = parsed.scope;

      if (p.kind === 'file' || p.kind === 'stage') {
        let globs: string[];
        if (p.kind === 'stage') {
          const g = Object.prototype.hasOwnProperty.call(stages, p.stage) ? stages[p.stage] : undefined;
          if (!g) {
            report({
              subRule: 'unknown-stage',
              message: msgs.unknownStage(task, p.stage, Object.keys(stages).sort()),
              commit,
              remediation: msgs.unknownStageFix(p.stage),
            });
            return;
          }
          globs = g.map((x) => x.replace(/^\.\//, ''));
        } else globs = p.globs;
        const inScope = ctx.paths.glob(globs);
        for (const change of view.changes) {
          const paths = change.status === 'R' && change.oldPath ? [change.oldPath, change.path] : [change.path];
          if (paths.every(inScope)) continue;
          report({ message: msgs.outside(change, task, scopeText), path: change.path, commit, remediation: msgs.outsideFix(change.path) });
        }
        return;
      }

      // Function scope: group names by (normalised) path.
      const byPath = new Map<string, { path: string; names: string[] }>();
      for (const f of p.functions) {
        const key = ctx.paths.normalize(f.path);
        const entry = byPath.get(key);
        if (entry) {
          if (!entry.names.includes(f.name)) entry.names.push(f.name);
        } else byPath.set(key, { path: f.path, names: [f.name] });
      }
      for (const change of view.changes) {
        const paths = change.status === 'R' && change.oldPath ? [change.oldPath, change.path] : [change.path];
        const entries = paths.map((x) => byPath.get(ctx.paths.normalize(x)));
        if (entries.some((e) => e === undefined)) {
          report({ message: msgs.outside(change, task, scopeText), path: change.path, commit, remediation: msgs.outsideFix(change.path) });
          continue;
        }
        const names = entries[entries.length - 1]!.names;
        await checkFunctionChange(change, task, names, commit, report);
      }
    };

    const checkFunctionChange = async (change: FileChange, task: TaskEnvelope, names: string[], commit: string | null, report: Report): Promise<void> => {
      const regular = (m: string | null) => m === '100644' || m === '100755';
      // Only an edit in place qualifies; for a merge, against any parent with the same mode
      // (the combined diff lists the path because it differs from every parent).
      const oldOids: string[] =
        !regular(change.newMode) || change.newOid === null
          ? []
          : change.parents
            ? change.parents.filter((pp) => pp.oid !== null && pp.mode === change.newMode).map((pp) => pp.oid!)
            : change.status === 'M' && change.oldMode === change.newMode && change.oldOid !== null
              ? [change.oldOid]
              : [];
      const shapeOk = oldOids.length > 0;
      if (!shapeOk) {
        report({
          message: msgs.functionShape(change, task, names),
          path: change.path,
          commit,
          remediation: msgs.outsideFix(change.path),
        });
        return;
      }
      const lang = spanLanguage(change.path)!;
      const newBlob = await ctx.git.readBlob(change.newOid!);
      if (!newBlob) {
        report({ message: msgs.unreadable(change.path, task), path: change.path, commit, remediation: msgs.outsideFix(change.path) });
        return;
      }
      if (!faithfulText(newBlob)) {
        report({ message: msgs.notText(change.path, task), path: change.path, commit, remediation: msgs.outsideFix(change.path) });
        return;
      }
      // A merge passes when the result differs from one of its parents only inside the spans.
      let first: FunctionEditProblem | null = null;
      const spans = (blob: Blob) =>
        findSpansInBlob(blob, lang, names, change.path).catch((e: unknown) => {
          throw new GateError('internal', taskScopeMsg.parserFailed(lang, change.path, (e as Error).message), taskScopeMsg.parserFailedHint);
        });
      const newSpans = await spans(newBlob);
      for (const oid of oldOids) {
        const oldBlob = await ctx.git.readBlob(oid);
        if (!oldBlob) {
          first ??= { side: 'old', offset: null, line: null, column: null, message: `the previous version of ${change.path} could not be read` };
          continue;
        }
        if (!faithfulText(oldBlob)) {
          first ??= { side: 'old', offset: null, line: null, column: null, message: `the previous version of ${change.path} is binary or not valid UTF-8` };
          continue;
        }
        const problem = verifyFunctionEdit(await spans(oldBlob), oldBlob.text, newSpans, newBlob.text);
        if (!problem) return;
        first ??= problem;
      }
      if (!first) return;
      report({
        message: msgs.functionOutside(first, task, names),
        path: change.path,
        line: first.side === 'new' ? first.line : null,
        column: first.side === 'new' ? first.column : null,
        commit,
        remediation: msgs.functionFix(names, first),
      });
    };

    return {
      // Reads blobs itself, only for paths under a function scope.
      files: () => false,
      async checkRun(run: RunView, report: Report) {
        const envelope = run.changeSet.task;
        const signedTasks = run.changeSet.signedTasks;
        if (!envelope && !signedTasks && !requireScope && !requireSigned) {
          // Nothing to do unless some commit declares a task.
          const declares = run.commits.some((c) => c.info.trailers.some((t) => /^(task-scope|run-id)$/i.test(t.key)));
          if (!declares) return;
        }
        for (const view of run.commits) {
          const info = view.info;
          // A ref move as a whole is no task's work: the commits it brings are judged on their own.
          if (info.transition) continue;
          // Nor is a notes commit of the evidence notes refs (signed approvals, check receipts) that
          // no branch brings: every path it changes is a note (an object id, in git's fan-out), it
          // holds statements, not source, and ref-integrity guards its history. A commit of source
          // pushed under such a ref is judged as always.
          if (info.refs.length > 0 && info.refs.every(isEvidenceNotesRef) && view.changes.every((c) => NOTE_PATH.test(c.path) && (c.oldPath === null || NOTE_PATH.test(c.oldPath))))
            continue;
          const commit = info.oid;
          const pending = commit === null;
          const fromTrailers = readTrailerTask(info.trailers, pending ? 'the commit message' : `trailers of ${shortOid(commit)}`);
          if (fromTrailers.problem) {
            report({ subRule: 'invalid', message: msgs.badTrailers(commit, fromTrailers.problem), commit, remediation: msgs.badTrailersFix });
            continue;
          }
          const trailerTask = fromTrailers.task;
          const signed = signedTasks?.get(commit) ?? null;
          if (signed && !signed.ok) report({ subRule: 'signature', message: msgs.badSignature(commit, signed.problem), commit, remediation: msgs.badSignatureFix });
          const signedTask = signed?.ok ? signed.task : null;
          const agent = agents.ofCommit(run.changeSet, info);

          let task: TaskEnvelope | null;
          if (signedTask) {
            // The signed envelope is the task; what the commit says about itself is only compared.
            task = signedTask;
            if (trailerTask && (trailerTask.runId !== signedTask.runId || !sameScope(signedTask.scope, trailerTask.scope))) {
              report({ subRule: 'mismatch', message: msgs.wider(signedTask, trailerTask), commit, remediation: msgs.widerFix(signedTask) });
            }
            if (envelope && (envelope.runId !== signedTask.runId || !sameScope(envelope.scope, signedTask.scope))) {
              report({ subRule: 'mismatch', message: msgs.mismatch(envelope, signedTask), commit, remediation: msgs.mismatchFix(envelope) });
            }
          } else if (pending) {
            task = envelope ?? trailerTask;
            if (envelope && trailerTask && (trailerTask.runId !== envelope.runId || !sameScope(envelope.scope, trailerTask.scope))) {
              report({ subRule: 'mismatch', message: msgs.mismatch(envelope, trailerTask), commit, remediation: msgs.mismatchFix(envelope) });
            }
          } else {
            task = trailerTask ?? envelope;
            if (envelope && trailerTask && trailerTask.runId === envelope.runId && !sameScope(envelope.scope, trailerTask.scope)) {
              report({ subRule: 'mismatch', message: msgs.mismatch(envelope, trailerTask), commit, remediation: msgs.mismatchFix(envelope) });
            }
          }

          // Signed tasks required: an agent's commit counts a scope only from a signed envelope.
          // (The commit being made has no message yet at pre-commit: commit-msg checks it.)
          if (requireSigned && agent !== null && !signedTask && info.message !== null) {
            if (!signed || signed.ok) report({ subRule: 'unsigned', message: msgs.unsigned(agent, commit, trailerTask), commit, remediation: msgs.unsignedFix });
            continue;
          }

          // The server only ever sees trailers: with require_scope, agent commits must carry
          // them (the envelope alone covers the commit being made, whose message is unknown yet).
          if (requireScope && agent !== null) {
            // At pre-commit the message (and so its trailers) is not known yet: commit-msg judges it.
            const covered = signedTask?.scope || trailerTask?.scope ? true : info.message === null;
            if (!covered) {
              report({ subRule: 'missing', message: msgs.agentUnscoped(agent), commit, remediation: msgs.agentUnscopedFix(envelope) });
              if (!task?.scope) continue;
            }
          }
          if (!task) continue;
          if (!task.scope) {
            report({ subRule: 'missing', message: msgs.noScope(task), commit, remediation: msgs.noScopeFix });
            continue;
          }
          await checkScope(view, task, report);
        }
      },
    };
  },
});
