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
import { createRule, type CommitView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import type { TaskScopeOptions } from './options.js';
import { canonicalScope, parseScope, readTrailerTask } from './scope.js';
import { taskScopeMessages, taskScopeMsg, taskScopeText as t } from './messages.js';

type Report = RuleReport<typeof taskScopeMessages>;

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

/** The data of a mismatch between the commit's trailers and the task in force. */
const mismatchData = (env: TaskEnvelope, trailer: TaskEnvelope) => ({
  claimed: t.scope(trailer),
  trailerRun: trailer.runId,
  runId: env.runId,
  scope: t.scope(env),
  source: env.source,
  trailers: t.trailers(env),
});

/** A note's path in a notes tree: the annotated object's id (40 or 64 hex digits), split 2/38 or 2/2/36 at most. */
const NOTE_PATH = /^(?=(?:[0-9a-f]\/?){40}$|(?:[0-9a-f]\/?){64}$)(?:[0-9a-f]{2}\/){0,2}[0-9a-f]+$/;

export const taskScope = createRule({
  meta: {
    id: 'task-scope',
    family: 'task scope',
    description: 'Agent tasks carry an explicit file, stage or function scope; changes outside it fail closed pending review.',
    defaultSeverity: 'block',
    messages: taskScopeMessages,
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
        report({ messageId: 'badScope', data: { runId: task.runId, error: parsed.error }, commit });
        return;
      }
      const scopeText = `${scope.kind}: ${short(scope.target)}`;
      const p = parsed.scope;

      if (p.kind === 'file' || p.kind === 'stage') {
        let globs: string[];
        if (p.kind === 'stage') {
          const g = Object.prototype.hasOwnProperty.call(stages, p.stage) ? stages[p.stage] : undefined;
          if (!g) {
            report({ messageId: 'unknownStage', data: { runId: task.runId, stage: p.stage, known: t.known(Object.keys(stages).sort()) }, commit });
            return;
          }
          globs = g.map((x) => x.replace(/^\.\//, ''));
        } else globs = p.globs;
        const inScope = ctx.paths.glob(globs);
        for (const change of view.changes) {
          const paths = change.status === 'R' && change.oldPath ? [change.oldPath, change.path] : [change.path];
          if (paths.every(inScope)) continue;
          report({ messageId: 'outside', data: { path: change.path, change: describe(change), runId: task.runId, scope: scopeText }, path: change.path, commit });
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
          report({ messageId: 'outside', data: { path: change.path, change: describe(change), runId: task.runId, scope: scopeText }, path: change.path, commit });
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
        report({ messageId: 'functionShape', data: { path: change.path, change: describe(change), runId: task.runId, names: names.join(', ') }, path: change.path, commit });
        return;
      }
      const lang = spanLanguage(change.path)!;
      const newBlob = await ctx.git.readBlob(change.newOid!);
      if (!newBlob) {
        report({ messageId: 'unreadable', data: { path: change.path, runId: task.runId }, path: change.path, commit });
        return;
      }
      if (!faithfulText(newBlob)) {
        report({ messageId: 'notText', data: { path: change.path, runId: task.runId }, path: change.path, commit });
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
          first ??= { side: 'old', offset: null, line: null, column: null, message: t.oldUnreadable(change.path) };
          continue;
        }
        if (!faithfulText(oldBlob)) {
          first ??= { side: 'old', offset: null, line: null, column: null, message: t.oldNotText(change.path) };
          continue;
        }
        const problem = verifyFunctionEdit(await spans(oldBlob), oldBlob.text, newSpans, newBlob.text);
        if (!problem) return;
        first ??= problem;
      }
      if (!first) return;
      report({
        messageId: 'functionOutside',
        data: { problem: first.message, runId: task.runId, names: names.join(', ') },
        path: change.path,
        line: first.side === 'new' ? first.line : null,
        column: first.side === 'new' ? first.column : null,
        commit,
        remediation: t.functionFix(names, first),
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
            report({ messageId: 'badTrailers', data: { commit: t.oid(commit), problem: fromTrailers.problem }, commit });
            continue;
          }
          const trailerTask = fromTrailers.task;
          const signed = signedTasks?.get(commit) ?? null;
          if (signed && !signed.ok) report({ messageId: 'badSignature', data: { commit: t.oid(commit), problem: signed.problem }, commit });
          const signedTask = signed?.ok ? signed.task : null;
          const agent = agents.ofCommit(run.changeSet, info);

          let task: TaskEnvelope | null;
          if (signedTask) {
            // The signed envelope is the task; what the commit says about itself is only compared.
            task = signedTask;
            if (trailerTask && (trailerTask.runId !== signedTask.runId || !sameScope(signedTask.scope, trailerTask.scope))) {
              report({
                messageId: 'wider',
                data: {
                  claimed: t.scope(trailerTask),
                  trailerRun: trailerTask.runId,
                  signer: String(signedTask.signedBy),
                  granted: t.scope(signedTask),
                  signedRun: signedTask.runId,
                  trailers: t.trailers(signedTask),
                },
                commit,
              });
            }
            if (envelope && (envelope.runId !== signedTask.runId || !sameScope(envelope.scope, signedTask.scope))) {
              report({ messageId: 'mismatch', data: mismatchData(envelope, signedTask), commit });
            }
          } else if (pending) {
            task = envelope ?? trailerTask;
            if (envelope && trailerTask && (trailerTask.runId !== envelope.runId || !sameScope(envelope.scope, trailerTask.scope))) {
              report({ messageId: 'mismatch', data: mismatchData(envelope, trailerTask), commit });
            }
          } else {
            task = trailerTask ?? envelope;
            if (envelope && trailerTask && trailerTask.runId === envelope.runId && !sameScope(envelope.scope, trailerTask.scope)) {
              report({ messageId: 'mismatch', data: mismatchData(envelope, trailerTask), commit });
            }
          }

          // Signed tasks required: an agent's commit counts a scope only from a signed envelope.
          // (The commit being made has no message yet at pre-commit: commit-msg checks it.)
          if (requireSigned && agent !== null && !signedTask && info.message !== null) {
            if (!signed || signed.ok) report({ messageId: 'unsigned', data: { commit: t.oid(commit), agent, claim: t.claim(trailerTask) }, commit });
            continue;
          }

          // The server only ever sees trailers: with require_scope, agent commits must carry
          // them (the envelope alone covers the commit being made, whose message is unknown yet).
          if (requireScope && agent !== null) {
            // At pre-commit the message (and so its trailers) is not known yet: commit-msg judges it.
            const covered = signedTask?.scope || trailerTask?.scope ? true : info.message === null;
            if (!covered) {
              report({ messageId: 'agentUnscoped', data: { agent }, commit, remediation: t.agentUnscopedFix(envelope) });
              if (!task?.scope) continue;
            }
          }
          if (!task) continue;
          if (!task.scope) {
            report({ messageId: 'noScope', data: { runId: task.runId, source: task.source }, commit });
            continue;
          }
          await checkScope(view, task, report);
        }
      },
    };
  },
});
