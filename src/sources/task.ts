// The active agent task on the client: a SPEC-260 model request envelope (JSON) in the file
// named by SAFETY_GATE_TASK. The client doors (src/doors/task.ts) import this module lazily,
// only when that variable is set (it loads zod). The server never reads it: pushed commits carry
// their task in trailers (`taskFromTrailers`, re-exported here; the rule imports it from the
// zod-free scope module).
//
//   {
//     "run_id": "7f0c2a4e-…",                 required: a UUID (SPEC-260: "run_id": "uuid")
//     "stage": "recompile",                   optional
//     "model": "gpt-5.2-codex", "reasoning_effort": "low|medium|high|xhigh",
//     "input_artifacts": ["artifact://…"], "redaction_profile": "…", "response_schema": "…",
//     "task_scope": {                         optional here; the rule blocks a task without one
//       "kind": "function" | "file" | "stage",
//       "target": "src/a.ts#Parser.parse"     a string (comma-separated list) or an array of strings;
//     }                                       for kind "stage" it defaults to "stage"
//   }
//   "cost_usd": 12.5                          optional: the run's declared cost (or "max_cost_usd",
//                                             its budget), held against the policy's max_cost_usd
// Other fields are allowed (the SPEC schema is minimal) and ignored.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { TaskEnvelope } from '../changeset/types.js';
import { ConfigError } from '../errors.js';
import { joinTargets, parseScope, runIdProblem } from '../rules/task-scope/scope.js';
import { configMsg } from '../messages.js';

export { taskFromTrailers } from '../rules/task-scope/scope.js';

const NonEmpty = z.string().trim().min(1, 'must not be empty');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const EnvelopeSchema = z.looseObject({
  run_id: z.string().superRefine((v, ctx) => {
    const p = runIdProblem(v) ?? (UUID.test(v) ? null : 'is not a UUID (SPEC-260 model request envelope)');
    if (p) ctx.addIssue({ code: 'custom', message: `run_id ${p}` });
  }),
  stage: NonEmpty.nullable().optional(),
  model: NonEmpty.optional(),
  cost_usd: z.number().nonnegative().optional(),
  max_cost_usd: z.number().nonnegative().optional(),
  reasoning_effort: z.enum(['low', 'medium', 'high', 'xhigh']).optional(),
  input_artifacts: z.array(z.string()).optional(),
  redaction_profile: z.string().optional(),
  response_schema: z.string().optional(),
  task_scope: z
    .object({
      kind: z.enum(['function', 'file', 'stage']),
      target: z.union([NonEmpty, z.array(NonEmpty).min(1, 'must list at least one target')]).optional(),
    })
    .strict()
    .nullable()
    .optional(),
});

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where JSON.parse failed (its messages carry no position in every Node version): a small
 * scanner over the JSON grammar, used only on the error path.
 */
function jsonError(text: string): { offset: number; what: string } {
  let i = 0;
  const fail = (what: string): never => {
    throw { offset: i, what };
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const unexpected = () => fail(i >= text.length ? 'unexpected end of file' : `unexpected ${JSON.stringify(text[i])}`);
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      const c = text.charCodeAt(i);
      if (c < 0x20) fail('control character in a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('bad \\u escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail('bad escape');
      }
      i++;
    }
    if (i >= text.length) fail('unterminated string');
    i++;
  };
  // An object's or an array's members, from its opening bracket at text[i] to `close`.
  const members = (close: '}' | ']', member: () => void): void => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      member();
      ws();
      if (text[i] === ',') i++;
      else if (text[i] === close) return void i++;
      else fail(`expected ',' or '${close}'`);
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      return members('}', () => {
        ws();
        if (text[i] !== '"') fail(`expected a property name, found ${i >= text.length ? 'end of file' : JSON.stringify(text[i])}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected ':'`);
        i++;
        value();
      });
    }
    if (c === '[') return members(']', value);
    if (c === '"') return str();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) unexpected();
    i += m![0].length;
  };
  try {
    value();
    ws();
    if (i < text.length) unexpected();
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'offset' in e) return e as { offset: number; what: string };
    throw e;
  }
  return { offset: 0, what: 'invalid JSON' };
}

/**
 * Read and validate the envelope at `path`. Throws a ConfigError (a GateError with code
 * 'config': exit 2, "could not decide") naming the file and what is wrong.
 */
export function loadTaskEnvelope(path: string): TaskEnvelope {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    throw new ConfigError(configMsg.taskUnreadable(why), path, null, null, null, configMsg.taskHint);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const { offset, what } = jsonError(text);
    const at = lineColumn(text, offset);
    throw new ConfigError(configMsg.taskNotJson(what), path, at.line, at.column, null, configMsg.taskHint);
  }
  const r = validateEnvelope(data, path);
  if ('problem' in r) throw new ConfigError(r.problem, path, null, null, r.keyPath, configMsg.taskHint);
  return r.task;
}

/**
 * An envelope's JSON checked against the SPEC-260 schema: the task, or what is wrong and where
 * (`task_scope.target`). Shared by SAFETY_GATE_TASK and signed envelopes (`Task-Envelope:`).
 */
export function validateEnvelope(data: unknown, source: string): { task: TaskEnvelope } | { problem: string; keyPath: string | null } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { problem: 'the task envelope must be a JSON object', keyPath: null };
  const parsed = EnvelopeSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const keyPath = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    const message = issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined ? 'is required' : issue.message;
    return { problem: message, keyPath };
  }
  const env = parsed.data;
  const stage = env.stage ?? null;

  let scope: TaskEnvelope['scope'] = null;
  if (env.task_scope) {
    const { kind } = env.task_scope;
    const raw = env.task_scope.target;
    let target = raw === undefined ? null : typeof raw === 'string' ? raw : joinTargets(raw);
    if (target === null && kind === 'stage') target = stage;
    if (target === null) return { problem: 'is required', keyPath: 'task_scope.target' };
    const check = parseScope({ kind, target });
    if (!check.ok) return { problem: check.error, keyPath: 'task_scope.target' };
    scope = { kind, target };
  }
  const cost = Math.max(env.cost_usd ?? -1, env.max_cost_usd ?? -1);
  return { task: { runId: env.run_id, stage, scope, source, model: env.model ?? null, reasoningEffort: env.reasoning_effort ?? null, costUsd: cost < 0 ? null : cost } };
}
