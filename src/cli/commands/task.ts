// `safety-gate task sign <envelope.json> --key KEY [--expires 7d] [--repo-id ID] [--out FILE]`
//
// The orchestrator signs an agent's SPEC-260 task envelope (`ssh-keygen -Y sign -n
// safety-gate-task`) and hands the agent the trailers its commits carry:
//
//   Task-Scope: <kind>:<target>
//   Run-Id: <run_id>
//   Task-Envelope: v1 <statement> <signature>
//
// Printed on stdout (or written to --out); the agent adds them as the last paragraph of every
// commit message (`git commit -m "…" -m "$(cat task.trailers)"`). The server counts the scope
// only from the signed envelope (src/sources/signed-task.ts).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { EXIT, GateError } from '../../errors.js';
import { parseDuration } from '../../approvals/statement.js';
import { sshSign } from '../../approvals/ssh.js';
import type { CliIO } from '../io.js';
import { cliMsg } from '../../messages.js';
import { parseOrUsage } from '../args.js';
import { policyRepoId } from '../repo-id.js';
import { outMsg } from '../messages.js';
import { writeErr, writeOut } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: o, positionals } = parseOrUsage(
    argv,
    { key: { type: 'string' }, expires: { type: 'string' }, 'repo-id': { type: 'string' }, out: { type: 'string' }, config: { type: 'string' } },
    cliMsg.taskUsage,
  );
  if (positionals[0] !== 'sign' || positionals.length !== 2) throw new GateError('usage', cliMsg.taskSignOnly, cliMsg.taskUsage);
  if (!o.key) throw new GateError('usage', cliMsg.taskNeedsKey, cliMsg.taskUsage);
  const key = isAbsolute(o.key) ? o.key : resolve(io.cwd, o.key);
  if (!existsSync(key)) throw new GateError('usage', cliMsg.noKeyFile(o.key), cliMsg.taskNoKeyFileHint);
  const expiresIn = parseDuration(o.expires ?? '7d');
  if (expiresIn === null || expiresIn <= 0) throw new GateError('usage', cliMsg.badExpires(o.expires), cliMsg.taskUsage);

  // The envelope is validated exactly as the gate will read it (SPEC-260 schema).
  const file = resolve(io.cwd, positionals[1]!);
  const { loadTaskEnvelope } = await import('../../sources/task.js');
  const task = loadTaskEnvelope(file);
  if (!task.scope) throw new GateError('usage', cliMsg.taskNoScope(positionals[1]), cliMsg.taskNoScopeHint);
  const envelope = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;

  const { TASK_NAMESPACE, TASK_STATEMENT, TASK_TRAILER, encodeTrailerValue, statementBytes } = await import('../../sources/signed-task.js');
  const { formatTrailers } = await import('../../rules/task-scope/scope.js');
  const now = Date.now();
  const statement = {
    type: TASK_STATEMENT as typeof TASK_STATEMENT,
    repo: o['repo-id'] ?? io.env.SAFETY_GATE_REPO_ID ?? (await policyRepoId(io, o.config)),
    issued_at: new Date(now).toISOString(),
    expires_at: new Date(now + expiresIn).toISOString(),
    envelope,
  };
  const signed = await sshSign(key, TASK_NAMESPACE, statementBytes(statement));
  if (!signed.blob) throw new GateError('io', cliMsg.sshSignFailed(o.key, signed.error), cliMsg.sshSignFailedHint);
  const text = `${formatTrailers(task)}\n${TASK_TRAILER}: ${encodeTrailerValue(statement, signed.blob)}\n`;
  if (o.out) {
    writeFileSync(resolve(io.cwd, o.out), text);
    writeErr(io, outMsg.taskSigned(task.runId, task.scope.kind, task.scope.target, o.out) + '\n');
  } else writeOut(io, text);
  return EXIT.pass;
}
