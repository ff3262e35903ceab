// `install --agent-hooks`: the coding agent's PreToolUse hook in the project's
// `.claude/settings.json`, so that an edit of a protected path or a path outside the task's
// scope is refused before it happens. Merged into what is there (other settings and hooks are
// kept), idempotent, and fail-closed: the command exits 2 when the gate cannot run at all,
// because in this protocol any other failure lets the tool call through.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { GateError } from '../errors.js';
import type { RepoInfo } from './git.js';
import { readIfExists, writeIfChanged } from './files.js';
import { msg } from './messages.js';
import { cliPath } from './package-root.js';
import type { InstallContext, InstallOutcome } from './types.js';

export const AGENT_SETTINGS = '.claude/settings.json';
/** Every built-in tool that changes files; the hook lets the others through at once anyway. */
export const AGENT_HOOK_MATCHER = 'Edit|MultiEdit|Write|NotebookEdit|Bash';

interface HookEntry {
  matcher?: string;
  hooks?: { type?: string; command?: string }[];
}

/** How the hook reaches the CLI from any clone: the project's own install, else this checkout. */
export function agentHookCommand(top: string): string {
  if (existsSync(join(top, 'node_modules', '.bin', 'safety-gate'))) return '"$CLAUDE_PROJECT_DIR"/node_modules/.bin/safety-gate hook pre-tool-use || exit 2';
  const cli = cliPath();
  const rel = relative(top, cli);
  if (!rel.startsWith('..') && !rel.startsWith(sep)) return `node "$CLAUDE_PROJECT_DIR"/${rel.split(sep).join('/')} hook pre-tool-use || exit 2`;
  return `node ${JSON.stringify(cli)} hook pre-tool-use || exit 2`;
}

export function callsGateHook(entry: HookEntry): boolean {
  return (entry.hooks ?? []).some((h) => typeof h.command === 'string' && /(^|\s|\/)(safety-gate|cli\.js)"?\s+hook\s+pre-tool-use\b/.test(h.command));
}

export function installAgentHooks(repo: RepoInfo, ctx: InstallContext): InstallOutcome {
  const file = join(repo.top, AGENT_SETTINGS);
  const before = readIfExists(file);
  let settings: Record<string, unknown> = {};
  if (before !== null && before.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(before);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the top level is not an object');
      settings = parsed as Record<string, unknown>;
    } catch (e) {
      throw new GateError('usage', msg.agentSettingsInvalid(AGENT_SETTINGS, (e as Error).message), msg.agentSettingsInvalidHint);
    }
  }
  const hooks = (settings.hooks ?? {}) as Record<string, unknown>;
  if (typeof hooks !== 'object' || Array.isArray(hooks)) throw new GateError('usage', msg.agentSettingsInvalid(AGENT_SETTINGS, msg.hooksNotObject), msg.agentSettingsInvalidHint);
  const pre = (hooks.PreToolUse ?? []) as HookEntry[];
  if (!Array.isArray(pre)) throw new GateError('usage', msg.agentSettingsInvalid(AGENT_SETTINGS, msg.preToolUseNotList), msg.agentSettingsInvalidHint);
  if (pre.some(callsGateHook)) return { changed: false, summary: msg.agentHooksUnchanged(AGENT_SETTINGS) };

  const command = agentHookCommand(repo.top);
  settings.hooks = { ...hooks, PreToolUse: [...pre, { matcher: AGENT_HOOK_MATCHER, hooks: [{ type: 'command', command }] }] };
  writeIfChanged(file, JSON.stringify(settings, null, 2) + '\n');
  ctx.say(msg.agentHookAdded(AGENT_SETTINGS, command));
  return { changed: true, summary: msg.agentHooksDone(AGENT_SETTINGS) };
}
