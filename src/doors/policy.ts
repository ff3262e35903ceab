// Where a door's policy comes from. Trust comes from outside the change: the server reads its
// own file or the protected branch's tip (never the pushed commits), a range scan the policy of
// its base; a client discovers the repository's policy (or takes --config).
import { engineMsg } from '../messages.js';
import { join, resolve } from 'node:path';
import type { Policy } from '../config/schema.js';
import { GateError } from '../errors.js';
import { parseRange } from '../sources/range.js';
// The hot path of every hook, kept in one chunk: each extra module costs node a resolution.
import { loadPolicyCached } from '../config/cache.js';
import { cachedServerPolicy } from '../config/server-cache.js';
import { rules as registeredRules } from '../rules/registry.js';
import type { PolicyContext, ReadAt } from './door.js';

/** A client's policy: discovered from the work tree (or --config), through the hot-path cache. */
export async function clientPolicy(ctx: PolicyContext): Promise<Policy> {
  const { repo } = ctx;
  const load = { cwd: repo.workTree ?? ctx.cwd, root: repo.workTree ?? undefined, configFile: ctx.configFile, mode: 'client' as const };
  const policy = await loadPolicyCached({ ...load, gitDir: repo.commonDir });
  // A policy cached by a build that had fewer rules: resolve afresh rather than fail.
  if (registeredRules.every((r) => policy.rules[r.meta.id])) return policy;
  const { loadPolicy } = await import('../config/load.js');
  return loadPolicy(load);
}

/**
 * The server's trusted policy: the file the hook script names (--config or SAFETY_GATE_POLICY;
 * hosted servers such as GitHub Enterprise and GitLab/Gitaly cannot keep files in the repository
 * directory), else the one installed in the repository's git directory or read from the
 * protected branch's tip (config/server.ts). YAML or JSON only.
 */
export async function serverPolicy(ctx: PolicyContext): Promise<Policy> {
  const { repo } = ctx;
  const file = ctx.configFile ?? ctx.env.SAFETY_GATE_POLICY;
  const installed = ['safety-gate/policy.yaml', 'safety-gate/policy.json'].map((p) => join(repo.gitDir, p));
  if (file) {
    const path = resolve(ctx.cwd, file);
    return cachedServerPolicy(repo.gitDir, `file:${path}`, [path], async () => {
      const [{ loadPolicyFile }, { assertPolicyText }, { readFileSync }] = await Promise.all([import('../config/load.js'), import('../config/server.js'), import('node:fs')]);
      let text: string | null = null;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        throw new GateError('config', engineMsg.noServerPolicyFile(file), engineMsg.noServerPolicyFileHint);
      }
      assertPolicyText(text, file);
      const policy = await loadPolicyFile(path, 'server');
      if (!policy) throw new GateError('config', engineMsg.serverPolicyMissing(file), engineMsg.serverPolicyMissingHint);
      return policy;
    });
  }
  return cachedServerPolicy(repo.gitDir, 'installed', installed, async () => {
    const { loadServerPolicy } = await import('../config/server.js');
    return loadServerPolicy({
      gitDir: repo.gitDir,
      runGit: async (args) => {
        const r = await repo.git.run(args, { okCodes: [0, 1, 128] });
        return { stdout: r.stdout.toString('utf8'), stderr: r.stderr, code: r.code };
      },
    });
  });
}

/**
 * A scan's policy. A range is judged by the policy of its base, like a push by the server's:
 * the commits under review cannot loosen the rules they are checked against (CI on an agent's
 * branch). --config, and every other scan, take the client's.
 */
export async function scanPolicy(ctx: PolicyContext): Promise<Policy> {
  if (ctx.request.kind === 'range' && !ctx.configFile && ctx.readAt) return basePolicy(parseRange(ctx.request.range).from, ctx.readAt);
  return clientPolicy(ctx);
}

async function basePolicy(base: string, readAt: ReadAt): Promise<Policy> {
  const [{ SEARCH_PLACES, isCodeConfig }, load] = await Promise.all([import('../config/search-places.js'), import('../config/load.js')]);
  const tree = { rev: base, label: base, read: (path: string) => readAt(base, path) };
  for (const place of SEARCH_PLACES) {
    if ((await readAt(base, place)) === null) continue;
    if (isCodeConfig(place)) {
      throw new GateError('config', engineMsg.rangeConfigCode(base, place), engineMsg.rangeConfigCodeHint);
    }
    const policy = await load.loadPolicyFromTree(tree, place);
    if (policy) return policy;
  }
  return load.loadPresetPolicy('recommended');
}
