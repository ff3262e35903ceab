// What the task-scope rule says: its findings (by messageId), the pieces and remediations they
// are made of, the function-span problems they quote, and what it says when it cannot decide.
import type { TaskEnvelope } from '../../changeset/types.js';
import type { FunctionEditProblem } from './function-span/index.js';
import { defineMessages } from '../messages.js';
import { formatTrailers, RUN_TRAILER, SCOPE_TRAILER } from './scope.js';

const outsideFix = 'revert the change to {{path}}, or have it reviewed and run under a task whose scope covers it';
const noScopeFix = 'give the task a task_scope ({kind: file|function|stage, target}) or a Task-Scope trailer';

export const taskScopeMessages = defineMessages({
  outside: { text: 'out of scope, pending review: {{path}} {{change}}, outside the scope of task {{runId}} ({{scope}})', fix: outsideFix },
  functionOutside: { text: 'out of scope, pending review: {{problem}}; task {{runId}} may change only {{names}} in this file' },
  functionShape: {
    text: 'out of scope, pending review: {{path}} {{change}}, but task {{runId}} may only edit {{names}} inside it',
    fix: outsideFix,
  },
  unreadable: {
    text: "out of scope, pending review: {{path}} could not be read (missing, or over limits.max_blob_bytes), so task {{runId}}'s function scope cannot be verified",
    fix: outsideFix,
  },
  notText: {
    text: "out of scope, pending review: {{path}} is binary or not valid UTF-8, so task {{runId}}'s function scope cannot be verified byte for byte",
    fix: outsideFix,
  },
  noScope: {
    text: 'task {{runId}} ({{source}}) has no task_scope: agent tasks need an explicit file, function or stage scope',
    subRule: 'missing',
    fix: noScopeFix,
  },
  agentUnscoped: { text: `commit by agent {{agent}} carries no task scope (no ${SCOPE_TRAILER} trailer)`, subRule: 'missing' },
  badScope: { text: 'task {{runId}} has an invalid scope: {{error}}', subRule: 'invalid', fix: noScopeFix },
  badTrailers: {
    text: 'task trailers of {{commit}} are not valid: {{problem}}',
    subRule: 'invalid',
    fix: `write one "${SCOPE_TRAILER}: file|function|stage:<target>" and one "${RUN_TRAILER}: <id>" trailer`,
  },
  unknownStage: {
    text: 'task {{runId}} is scoped to stage "{{stage}}", which the policy does not define{{known}}: nothing is in scope',
    subRule: 'unknown-stage',
    fix: 'define stages.{{stage}} (a list of globs) in the policy, or use an existing stage',
  },
  wider: {
    text: 'commit trailers claim {{claimed}} (run {{trailerRun}}), but the envelope signed by {{signer}} grants {{granted}} (run {{signedRun}}): a commit never widens its signed task',
    subRule: 'mismatch',
    fix: 'use the trailers of the signed task: {{trailers}}',
  },
  mismatch: {
    text: 'commit trailers ({{claimed}}, run {{trailerRun}}) disagree with the active task {{runId}} ({{scope}}) from {{source}}',
    subRule: 'mismatch',
    fix: 'use the trailers of the active task: {{trailers}}',
  },
  unsigned: {
    text: 'commit {{commit}} by agent {{agent}} {{claim}}, without an envelope signed by the orchestrator role (agents.require_signed_tasks): a scope the agent writes itself is not trusted',
    subRule: 'unsigned',
    fix: 'the orchestrator signs the task (`safety-gate task sign task.json --key KEY --out task.trailers`) and every commit carries its trailers (`git commit -m "…" -m "$(cat task.trailers)"`)',
  },
  badSignature: {
    text: 'the signed task envelope of {{commit}} does not count: {{problem}}',
    subRule: 'signature',
    fix: "carry the Task-Envelope trailer exactly as `safety-gate task sign` wrote it, signed by a key of the orchestrator role (approvals.task_signers) in the server's allowed signers",
  },
});

const short = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Pieces of those messages, and the remediations that depend on more than their data. */
export const taskScopeText = {
  oid: (oid: string | null) => (oid ? oid.slice(0, 12) : 'the staged change'),
  scope: (t: TaskEnvelope) => (t.scope ? `${t.scope.kind}:${short(t.scope.target, 60)}` : 'no scope'),
  known: (known: readonly string[]) => (known.length ? ` (stages: ${known.join(', ')})` : ''),
  claim: (trailer: TaskEnvelope | null) => (trailer?.scope ? `claims ${SCOPE_TRAILER}: ${trailer.scope.kind}:${short(trailer.scope.target, 60)} itself` : 'names no task'),
  trailers: (t: TaskEnvelope) => formatTrailers(t).replace(/\n/g, ', '),
  oldUnreadable: (path: string) => `the previous version of ${path} could not be read`,
  oldNotText: (path: string) => `the previous version of ${path} is binary or not valid UTF-8`,
  functionFix: (names: string[], problem: FunctionEditProblem) =>
    problem.message.startsWith('syntax error')
      ? `fix the syntax error; a function scope is verified by parsing both versions`
      : `limit the edit to ${names.join(', ')}${problem.line !== null && problem.side === 'new' ? ` (revert the change at line ${problem.line})` : ''}, or have it reviewed under a wider scope`,
  agentUnscopedFix: (task: TaskEnvelope | null) =>
    task?.scope
      ? `add the trailers the server checks: git commit --amend ${formatTrailers(task)
          .split('\n')
          .map((l) => `--trailer "${l}"`)
          .join(' ')}`
      : `run the agent under a SPEC-260 task (SAFETY_GATE_TASK) and add "${SCOPE_TRAILER}: <kind>:<target>" and "${RUN_TRAILER}: <id>" trailers to its commits`,
};

/** What function-span finds wrong with an edit (quoted by functionOutside). */
export const functionSpanMsg = {
  syntax: (version: string, line: number, column: number, detail: string) =>
    `syntax error in ${version} at line ${line}, column ${column} (${detail}): the scoped function's span cannot be established`,
  missingBefore: (name: string) => `scoped function ${name} does not exist in the previous version`,
  gone: (name: string) => `scoped function ${name} was renamed, moved or removed`,
  ambiguous: (name: string, version: string, count: number, lines: readonly number[]) =>
    `scoped name ${name} is ambiguous in ${version}: ${count} separate declarations (lines ${lines.join(', ')})`,
  moved: (line: number, column: number) => `scoped function(s) moved (order or nesting changed) at line ${line}, column ${column}`,
  outside: (line: number, column: number, where: string, oldLine: number, oldColumn: number) =>
    `changed outside the scoped function(s) at line ${line}, column ${column}, ${where} (line ${oldLine}, column ${oldColumn} in the previous version)`,
};

export const taskScopeMsg = {
  parserFailed: (lang: string, path: string, detail: string) => `task-scope: the ${lang} parser failed on ${path}: ${detail}`,
  parserFailedHint: 'reinstall safety-gate (its typescript / web-tree-sitter dependencies are missing or broken)',
} as const;
