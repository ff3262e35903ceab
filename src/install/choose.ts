// Which client installer `safety-gate install` uses when no flag is given: join the hook manager
// the repository already has, otherwise plain core.hooksPath (no extra tool to install).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoInfo } from './git.js';
import { hooksOwner } from './ownership.js';
import { PRE_COMMIT_CONFIG } from './pre-commit-config.js';

export type ClientMode = 'husky' | 'hooks-path' | 'pre-commit';

export function chooseMode(repo: RepoInfo, env: NodeJS.ProcessEnv): { mode: ClientMode; why: string } {
  const owner = hooksOwner(repo, env);
  if (owner.kind === 'husky') return { mode: 'husky', why: `core.hooksPath is husky's ${owner.setting.value}` };
  if (owner.kind === 'safety-gate') return { mode: 'hooks-path', why: 'core.hooksPath already points at safety-gate' };
  if (existsSync(join(repo.top, PRE_COMMIT_CONFIG))) return { mode: 'pre-commit', why: `${PRE_COMMIT_CONFIG} exists` };
  if (existsSync(join(repo.top, '.husky')) && existsSync(join(repo.top, 'node_modules', '.bin', 'husky'))) {
    return { mode: 'husky', why: '.husky/ and node_modules/.bin/husky exist' };
  }
  return { mode: 'hooks-path', why: 'no hook manager found' };
}
