// The repository id a signed statement (an approval, a task, a check receipt) is bound to:
// --repo-id, else SAFETY_GATE_REPO_ID, else the policy's (approvals.repo_id), else "default".
import type { CliIO } from './io.js';

export async function repoIdFor(io: CliIO, explicit: string | undefined, configFile: string | undefined): Promise<string> {
  return explicit ?? io.env.SAFETY_GATE_REPO_ID ?? (await policyRepoId(io, configFile));
}

async function policyRepoId(io: CliIO, configFile: string | undefined): Promise<string> {
  const { loadPolicy } = await import('../config/load.js');
  const { repoIdOf } = await import('../approvals/apply.js');
  try {
    const policy = await loadPolicy({ cwd: io.cwd, configFile, mode: 'client' });
    return repoIdOf(policy);
  } catch {
    return 'default';
  }
}
