// A coding agent's tool call (the PreToolUse hook protocol: JSON on stdin) turned into the
// file changes it would make, so that the engine can judge them like the commit that would
// follow: Write gives the new content, Edit and MultiEdit are applied to the file as it is,
// NotebookEdit and shell commands change a file in a way known only afterwards (judged as
// "modified"; a protected path or a path outside the task scope is refused whatever the
// content). Paths are resolved as the filesystem will: through symlinks, relative to the
// call's working directory.
import { lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { shellWrites, type ShellWrite } from './shell-writes.js';

const EditSchema = z.looseObject({ old_string: z.string(), new_string: z.string(), replace_all: z.boolean().optional() });

const ToolCallSchema = z.looseObject({
  tool_name: z.string().min(1),
  tool_input: z.looseObject({}),
  cwd: z.string().optional(),
  hook_event_name: z.string().optional(),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

const INPUTS = {
  Write: z.looseObject({ file_path: z.string().min(1), content: z.string() }),
  Edit: EditSchema.extend({ file_path: z.string().min(1) }),
  MultiEdit: z.looseObject({ file_path: z.string().min(1), edits: z.array(EditSchema) }),
  NotebookEdit: z.looseObject({ notebook_path: z.string().min(1) }),
  Bash: z.looseObject({ command: z.string() }),
} as const;

export interface ProposedEdit {
  /** Repository-relative, '/'-separated. */
  path: string;
  /** New bytes; null deletes the file. */
  content: Buffer | null;
  /** How the change was made, for messages ('Edit', 'tee', '>'). */
  via: string;
}

export interface ToolCallPlan {
  tool: string;
  edits: ProposedEdit[];
  /** Refusals that need no policy: writes the gate cannot judge, or that switch it off. */
  refusals: { path: string | null; reason: string }[];
}

export interface PlanContext {
  /** Real (symlink-free) work tree root. */
  workTree: string;
  /** Real git directories (the worktree's and the common one). */
  gitDirs: string[];
  env: NodeJS.ProcessEnv;
  /** Tracked paths under a directory (repository-relative), for `rm -r dir`. */
  trackedUnder(dir: string): Promise<string[]>;
}

/** Validation error with a one-line description (exit 2 in the hook). */
export class ToolCallError extends Error {}

function issueLine(error: z.ZodError): string {
  const i = error.issues[0]!;
  return `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`;
}

export function parseToolCall(text: string): ToolCall {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new ToolCallError(`the tool call on stdin is not valid JSON (${(e as Error).message})`);
  }
  const r = ToolCallSchema.safeParse(data);
  if (!r.success) throw new ToolCallError(`the tool call on stdin is not a PreToolUse payload: ${issueLine(r.error)}`);
  return r.data;
}

/** Where a path really is: symlinks resolved as open(2) would (a dangling link creates its target), except a final link being removed. */
function realTarget(abs: string, followLast: boolean, hops = 0): string {
  let probe = abs;
  const tail: string[] = [];
  for (;;) {
    let st;
    try {
      st = lstatSync(probe);
    } catch {
      const parent = dirname(probe);
      if (parent === probe) return abs;
      tail.unshift(probe.slice(parent.length).replace(/^[/\\]/, ''));
      probe = parent;
      continue;
    }
    if (st.isSymbolicLink() && (tail.length > 0 || followLast)) {
      if (hops > 40) return abs;
      try {
        return tail.length ? join(realpathSync(probe), ...tail) : realpathSync(probe);
      } catch {
        // Dangling: the write lands where the link points.
        const to = resolve(dirname(probe), readlinkSync(probe));
        return realTarget(tail.length ? join(to, ...tail) : to, followLast, hops + 1);
      }
    }
    if (st.isSymbolicLink()) return join(realpathSync(dirname(probe)), posix.basename(probe));
    return tail.length ? join(realpathSync(probe), ...tail) : realpathSync(probe);
  }
}

function inside(root: string, p: string): string | null {
  const rel = relative(root, p);
  if (rel === '') return '';
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  return rel.split(sep).join('/');
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readOrNull(p: string): Buffer | null {
  try {
    return readFileSync(p);
  } catch {
    return null;
  }
}

/** Glob expansion as the shell does it: segment by segment over what exists; no match keeps the word. */
function expandGlob(abs: string): string[] {
  const parts = abs.split('/').filter((s, i) => s !== '' || i === 0);
  let found = ['/'];
  for (const part of parts.slice(1)) {
    const next: string[] = [];
    const glob = /[*?[]/.test(part);
    const match = glob ? picomatch(part, { dot: part.startsWith('.') }) : null;
    for (const base of found) {
      if (!match) {
        next.push(posix.join(base, part));
        continue;
      }
      let names: string[] = [];
      try {
        names = readdirSync(base);
      } catch {
        names = [];
      }
      for (const n of names.sort()) if (match(n)) next.push(posix.join(base, n));
    }
    found = next;
    if (found.length === 0) return [abs];
  }
  return found;
}

/** Content after an edit whose exact result is unknown: different from today, derived from it. */
function changedSomehow(before: Buffer | null): Buffer {
  return Buffer.concat([before ?? Buffer.alloc(0), Buffer.from('\n# safety-gate: changed by a shell command or notebook edit\n')]);
}

function applyEdits(before: string, edits: readonly z.infer<typeof EditSchema>[]): string | null {
  let text = before;
  for (const e of edits) {
    if (e.old_string === '') {
      if (text !== '') return null;
      text = e.new_string;
      continue;
    }
    if (!text.includes(e.old_string)) return null;
    text = e.replace_all ? text.split(e.old_string).join(e.new_string) : text.replace(e.old_string, () => e.new_string);
  }
  return text;
}

export async function planToolCall(call: ToolCall, ctx: PlanContext): Promise<ToolCallPlan> {
  const plan: ToolCallPlan = { tool: call.tool_name, edits: [], refusals: [] };
  const cwd = call.cwd && isAbsolute(call.cwd) ? call.cwd : ctx.workTree;
  const schema = INPUTS[call.tool_name as keyof typeof INPUTS];
  if (!schema) return plan; // Read, Grep, WebFetch, …: nothing in the repository changes.
  const parsed = schema.safeParse(call.tool_input);
  if (!parsed.success) throw new ToolCallError(`tool_input of ${call.tool_name} is not what that tool takes: ${issueLine(parsed.error)}`);
  const input = parsed.data as Record<string, unknown>;

  /** Repository path of a target, or null outside the work tree; refusals for the git dir. */
  const locate = (p: string, followLast: boolean): { abs: string; rel: string | null } => {
    const abs = realTarget(resolve(cwd, p), followLast);
    for (const g of ctx.gitDirs) {
      const inGit = inside(g, abs);
      if (inGit !== null) {
        plan.refusals.push({ path: p, reason: `${p} is inside the repository's git directory (hooks, config, objects): not the agent's to edit` });
        return { abs, rel: null };
      }
    }
    const rel = inside(ctx.workTree, abs);
    return { abs, rel: rel === '' ? null : rel };
  };
  const add = (rel: string, content: Buffer | null, via: string) => {
    const i = plan.edits.findIndex((e) => e.path === rel);
    if (i !== -1) plan.edits.splice(i, 1);
    plan.edits.push({ path: rel, content, via });
  };

  switch (call.tool_name) {
    case 'Write': {
      const { rel } = locate(input.file_path as string, true);
      if (rel) add(rel, Buffer.from(input.content as string, 'utf8'), 'Write');
      break;
    }
    case 'Edit':
    case 'MultiEdit': {
      const { abs, rel } = locate(input.file_path as string, true);
      if (!rel) break;
      const before = readOrNull(abs);
      const edits = call.tool_name === 'Edit' ? [input as z.infer<typeof EditSchema>] : (input.edits as z.infer<typeof EditSchema>[]);
      const after = applyEdits(before === null ? '' : before.toString('utf8'), edits);
      add(rel, after === null ? changedSomehow(before) : Buffer.from(after, 'utf8'), call.tool_name);
      break;
    }
    case 'NotebookEdit': {
      const { abs, rel } = locate(input.notebook_path as string, true);
      if (rel) add(rel, changedSomehow(readOrNull(abs)), 'NotebookEdit');
      break;
    }
    case 'Bash': {
      const home = ctx.env.HOME ?? null;
      const analysis = await shellWrites(input.command as string, { cwd, home, env: ctx.env });
      for (const problem of analysis.problems) plan.refusals.push({ path: null, reason: problem });
      for (const w of analysis.writes) await planShellWrite(w, locate, add, plan, ctx);
      break;
    }
  }
  return plan;
}

async function planShellWrite(
  w: ShellWrite,
  locate: (p: string, followLast: boolean) => { abs: string; rel: string | null },
  add: (rel: string, content: Buffer | null, via: string) => void,
  plan: ToolCallPlan,
  ctx: PlanContext,
): Promise<void> {
  if (w.path === null) {
    plan.refusals.push({ path: null, reason: `cannot tell which file ${w.via} writes: ${w.text}; name the file literally` });
    return;
  }
  const targets = w.glob ? expandGlob(w.path) : [w.path];
  for (const t of targets) {
    let target = t;
    if (w.intoDir !== undefined && isDir(t)) target = posix.join(t, w.intoDir);
    const follow = w.op !== 'delete';
    const { abs, rel } = locate(target, follow);
    if (rel === null) continue;
    if (isDir(abs) && (w.op === 'delete' || w.recursive)) {
      for (const file of await ctx.trackedUnder(rel)) add(file, w.op === 'delete' ? null : changedSomehow(readOrNull(join(ctx.workTree, file))), w.via);
      continue;
    }
    if (isDir(abs)) continue; // touch/chmod of a directory itself changes no file git tracks
    add(rel, w.op === 'delete' ? null : changedSomehow(readOrNull(abs)), w.via);
  }
}
