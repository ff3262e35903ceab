// `safety-gate hook pre-tool-use`: the coding agent's PreToolUse hook. The tool call arrives as
// JSON on stdin; exit 0 lets it run, exit 2 refuses it with the reason on stderr (the agent
// reads it). Every failure is exit 2 too: in this protocol exit 1 is a non-blocking error, so
// a crash must never come out as 1.
//
// The call is judged like the commit that would follow it: the edit is applied to a private
// copy of the index (see sources/tool-call/proposed-index.ts) and the pre-commit door runs the
// rules an edit can break before anything is committed (protected targets and task scope),
// with the same policy and the same SAFETY_GATE_TASK envelope.
import { realpathSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { GateError, EXIT } from '../errors.js';
import { cliMsg } from '../messages.js';
import { readAll, type CliIO } from './io.js';
import { runDoor } from './run-door.js';
import { outMsg } from './messages.js';
import { writeErr } from './io.js';

/** Rules that judge where an edit lands, whatever else the commit will hold. */
const PRE_TOOL_USE_RULES = ['protected-target', 'task-scope'] as const;

const TOOLS_THAT_WRITE = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Bash']);

export async function runPreToolUse(io: CliIO, configFile: string | undefined): Promise<number> {
  const code = await decide(io, configFile);
  // 1 means "blocked by policy" everywhere else; here a block must be 2 to stop the tool.
  return code === EXIT.pass ? EXIT.pass : 2;
}

async function decide(io: CliIO, configFile: string | undefined): Promise<number> {
  const started = Date.now();
  const { parseToolCall, planToolCall, ToolCallError } = await import('../sources/tool-call/plan.js');
  let call;
  try {
    call = parseToolCall((await readAll(io.stdin)).toString('utf8'));
  } catch (e) {
    if (e instanceof ToolCallError) throw new GateError('stdin', cliMsg.toolCallBad(e.message), cliMsg.toolCallBadHint);
    throw e;
  }
  if (!TOOLS_THAT_WRITE.has(call.tool_name)) return EXIT.pass;

  const { openRepo } = await import('../git/repo.js');
  const cwd = call.cwd && isAbsolute(call.cwd) ? call.cwd : (io.env.CLAUDE_PROJECT_DIR ?? io.cwd);
  const repo = await openRepo(cwd, io.env, { withHead: true });
  if (!repo.workTree) throw new GateError('usage', cliMsg.toolCallBare, cliMsg.toolCallBareHint);
  const workTree = realpathSync(repo.workTree);
  const gitDirs = [...new Set([repo.gitDir, repo.commonDir].map((d) => realpathSync(d)))];
  let plan;
  try {
    plan = await planToolCall(call, {
      workTree,
      gitDirs,
      env: io.env,
      trackedUnder: async (dir) => {
        const r = await repo.git.run(['ls-files', '-z', '--', dir]);
        return r.stdout.toString('utf8').split('\0').filter(Boolean);
      },
    });
  } catch (e) {
    if (e instanceof ToolCallError) throw new GateError('stdin', cliMsg.toolCallBad(e.message), cliMsg.toolCallBadHint);
    throw e;
  }

  if (plan.refusals.length > 0) {
    for (const r of plan.refusals) writeErr(io, outMsg.toolRefused(plan.tool, r.reason) + '\n');
    writeErr(io, outMsg.toolBlocked + '\n');
    await auditRefusal(io, repo, configFile, plan, started);
    return EXIT.block;
  }
  if (plan.edits.length === 0) return EXIT.pass;

  const { proposedIndex } = await import('../sources/tool-call/proposed-index.js');
  const proposed = await proposedIndex(workTree, io.env, plan.edits, repo.objectFormat);
  try {
    return await runDoor(
      { ...io, cwd: workTree, env: proposed.env },
      { door: 'pre-tool-use', request: { kind: 'staged', paths: proposed.paths }, output: { format: 'text', file: null }, configFile, rules: PRE_TOOL_USE_RULES, quietPass: true },
    );
  } finally {
    proposed.dispose();
  }
}

/** A refusal that needed no rule is a decision too: one audit line, like every other. */
async function auditRefusal(
  io: CliIO,
  repo: import('../git/repo.js').RepoInfo,
  configFile: string | undefined,
  plan: import('../sources/tool-call/plan.js').ToolCallPlan,
  started: number,
): Promise<void> {
  const [{ doorSpec }, { appendAuditRecord }, { auditLogPath }] = await Promise.all([import('../doors/door.js'), import('../audit/log.js'), import('../audit/path.js')]);
  const door = doorSpec('pre-tool-use');
  const policy = await door.policy({ cwd: io.cwd, env: io.env, repo, request: { kind: 'staged' }, configFile });
  if (!policy.audit.enabled) return;
  await appendAuditRecord(
    auditLogPath(io.env, policy.audit.path, repo.commonDir),
    {
      run_id: io.env.SAFETY_GATE_RUN_ID ?? randomUUID(),
      door: 'pre-tool-use',
      repo: repo.workTree ?? repo.gitDir,
      policy_hash: policy.hash,
      policy_id: policy.policyId,
      decision: 'block',
      findings: plan.refusals.map((r) => ({ rule: 'pre-tool-use', severity: 'block' as const, path: r.path, line: null, commit: null })),
      actor: door.actor(io.env),
      retention_class: policy.audit.retentionClass,
      duration_ms: Date.now() - started,
    },
    { noSync: true },
  );
}
