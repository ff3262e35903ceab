// The repository id a signed statement (approval, lane reset, task) is bound to, when the
// command is not given --repo-id or SAFETY_GATE_REPO_ID: the policy's, else 'default'.
import type { CliIO } from './io.js';

export async function policyRepoId(io: CliIO, configFile: string | undefined): Promise<string> {
  const { loadPolicy } = await import('../config/load.js');
  const { repoIdOf } = await import('../approvals/apply.js');
  try {
    const policy = await loadPolicy({ cwd: io.cwd, configFile, mode: 'client' });
    return repoIdOf(policy);
  } catch {
    return 'default';
  }
}
