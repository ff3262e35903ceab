// `install --hooks-path`: the shims copied into <top>/.safety-gate/hooks (committable, so the
// team shares them) and core.hooksPath pointing there. No hook manager needed.
import { CLIENT_HOOKS } from '../doors.js';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { git, gitTry, type RepoInfo } from './git.js';
import { writeIfChanged } from './files.js';
import { msg } from './messages.js';
import { guardHooksPathChange, hooksOwner, OUR_HOOKS_DIR } from './ownership.js';
import { shimPath } from './package-root.js';
import type { InstallContext, InstallOutcome } from './types.js';

export function installHooksPath(repo: RepoInfo, ctx: InstallContext): InstallOutcome {
  const owner = hooksOwner(repo, ctx.env);
  guardHooksPathChange(repo, owner, 'safety-gate', ctx.force, ctx.say);

  let changed = false;
  for (const hook of CLIENT_HOOKS) {
    const rel = `${OUR_HOOKS_DIR}/${hook}`;
    const outcome = writeIfChanged(join(repo.top, rel), readFileSync(shimPath(hook), 'utf8'), 0o755);
    if (outcome !== 'unchanged') {
      changed = true;
      ctx.say(outcome === 'created' ? msg.wrote(rel) : msg.updated(rel));
    }
  }
  // Written as a relative path, in the local config: it follows the clone wherever it moves,
  // and git resolves it against the top of each worktree.
  const local = gitTry(['config', '--local', '--get-all', 'core.hooksPath'], repo.top, ctx.env).stdout.trim();
  if (owner.kind !== 'safety-gate' || local !== OUR_HOOKS_DIR) {
    git(['config', '--local', '--replace-all', 'core.hooksPath', OUR_HOOKS_DIR], repo.top, ctx.env);
    ctx.say(msg.setConfig('core.hooksPath', OUR_HOOKS_DIR));
    changed = true;
  }
  return { changed, summary: changed ? msg.hooksPathDone(OUR_HOOKS_DIR) : msg.hooksPathUnchanged(OUR_HOOKS_DIR) };
}
