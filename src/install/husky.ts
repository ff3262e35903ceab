// `install --husky`: our line appended to the user's husky hook scripts (never replacing what is
// there). husky 9 runs each script with `sh -e` and node_modules/.bin on PATH, so the package
// bin is called directly: no npx start-up cost on every commit.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { GateError } from '../errors.js';
import { CLIENT_HOOKS, type ClientHook } from '../doors.js';
import type { RepoInfo } from './git.js';
import { readIfExists, writeIfChanged } from './files.js';
import { msg } from './messages.js';
import { describeDir, guardHooksPathChange, hooksOwner, type Owner } from './ownership.js';
import type { InstallContext, InstallOutcome } from './types.js';

export const HUSKY_LINES: Record<ClientHook, string> = {
  'pre-commit': 'safety-gate hook pre-commit',
  'commit-msg': 'safety-gate hook commit-msg "$1"',
  'pre-push': 'safety-gate hook pre-push "$@"',
};

/** True when a hook script already calls the gate for this hook (not in a comment). */
export function callsGate(script: string, hook: ClientHook): boolean {
  return new RegExp(`^[^#\\n]*\\bsafety-gate\\s+hook\\s+${hook}\\b`, 'm').test(script);
}

/** The script with our line appended; null when it already calls the gate. */
export function withGateLine(script: string | null, hook: ClientHook, huskyVersion: 8 | 9): string | null {
  if (script !== null && callsGate(script, hook)) return null;
  // husky 8 runs these files as the hooks themselves: they need its shebang and loader.
  const base = script ?? (huskyVersion === 8 ? '#!/usr/bin/env sh\n. "$(dirname -- "$0")/_/husky.sh"\n\n' : '');
  const sep = base === '' || base.endsWith('\n') ? '' : '\n';
  return `${base}${sep}${HUSKY_LINES[hook]}\n`;
}

function setUpHusky(repo: RepoInfo, owner: Owner, ctx: InstallContext): Extract<Owner, { kind: 'husky' }> {
  guardHooksPathChange(repo, owner, 'husky', ctx.force, ctx.say);
  const bin = join(repo.top, 'node_modules', '.bin', 'husky');
  if (!existsSync(bin)) throw new GateError('usage', msg.huskyMissing, msg.huskyMissingHint);
  const r = spawnSync(bin, [], { cwd: repo.top, env: ctx.env, encoding: 'utf8' });
  const after = hooksOwner(repo, ctx.env);
  if (r.status !== 0 || after.kind !== 'husky') {
    // husky reports its failures on stdout and still exits 0.
    const detail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] || (r.error?.message ?? `exit ${r.status}`);
    throw new GateError('usage', msg.huskyFailed(detail), msg.huskyFailedHint);
  }
  ctx.say(msg.huskyRan('node_modules/.bin/husky'));
  return after;
}

export function installHusky(repo: RepoInfo, ctx: InstallContext): InstallOutcome {
  const owner = hooksOwner(repo, ctx.env);
  let changed = false;
  let husky: Extract<Owner, { kind: 'husky' }>;
  if (owner.kind === 'husky') {
    husky = owner;
  } else {
    husky = setUpHusky(repo, owner, ctx);
    changed = true;
  }
  const dirName = describeDir(repo, husky.dir);
  for (const hook of CLIENT_HOOKS) {
    const file = join(husky.dir, hook);
    const before = readIfExists(file);
    const next = withGateLine(before, hook, husky.version);
    if (next === null) continue;
    writeIfChanged(file, next, before === null ? 0o755 : undefined);
    ctx.say(msg.appended(`${dirName}/${hook}`, HUSKY_LINES[hook]));
    changed = true;
  }
  return { changed, summary: changed ? msg.huskyDone(dirName) : msg.huskyUnchanged(dirName) };
}
