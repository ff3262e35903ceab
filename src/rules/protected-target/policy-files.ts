// The files the policy in force was assembled from, as paths of this repository: the policy is
// protected wherever it is read from, not only under the names the presets list. A branch policy
// that `extends: [./ops/gate-base.yaml]` makes ops/gate-base.yaml part of the policy; a server
// reading `policy_path` from its protected branch makes that path the policy.
import { isAbsolute, relative, sep } from 'node:path';
import type { Policy } from '../../config/schema.js';

/** `label@<commit>:path`, the id of a policy layer read from a git tree (config/load.ts). */
const TREE_SOURCE = /@(?:[0-9a-f]{40}|[0-9a-f]{64}):(.+)$/;

export function policyFilesInRepo(policy: Policy, workTree: string | null): string[] {
  const out = new Set<string>();
  for (const source of policy.sources) {
    const inTree = TREE_SOURCE.exec(source);
    if (inTree) out.add(inTree[1]!);
    else if (workTree !== null && isAbsolute(source)) {
      const rel = relative(workTree, source);
      if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) out.add(rel.split(sep).join('/'));
    }
  }
  if (policy.server.policySource === 'branch') out.add(policy.server.policyPath.replace(/^\.\/+/, ''));
  // package.json#safety-gate is read too, but protecting package.json would block every
  // dependency change (the presets say the same): keep the policy in its own file to have it
  // protected.
  for (const p of out) if (p === 'package.json' || p.endsWith('/package.json')) out.delete(p);
  return [...out].sort();
}
