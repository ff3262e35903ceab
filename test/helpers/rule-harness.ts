// Runs the real engine in-process over a real staged change in a temporary repository:
// `old` files are committed first (with the config), `files` are then written (null deletes)
// and staged. Fast enough for hundreds of corpus cases, and nothing is faked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { check } from '../../src/doors/check.js';
import type { Finding, Report } from '../../src/findings/types.js';
import { Repo, sandbox } from './repo.js';

export interface ChangeInput {
  old?: Record<string, string | Buffer>;
  files: Record<string, string | Buffer | null>;
  /** safety-gate.config.yaml content; default { extends: ['agenttrader-v2'] }. */
  config?: Record<string, unknown>;
  /** A SPEC-260 envelope; written to a file named by SAFETY_GATE_TASK. */
  task?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface ChangeResult {
  findings: Finding[];
  report: Report;
}

/**
 * The case's config, judged at any hour and without CI evidence: agenttrader-v2's run window
 * (weekdays 09-18 UTC) and required checks would otherwise add policy-record and required-checks
 * findings to every agent case, depending on when the suite runs. A case that names run_windows
 * or required_checks keeps its own; both rules have their own tests.
 */
function harnessConfig(config: Record<string, unknown> | undefined): Record<string, unknown> {
  const c = config ?? { extends: ['agenttrader-v2'] };
  return { run_windows: ['daily:00:00-24:00'], required_checks: [], ...c };
}

export async function checkChange(input: ChangeInput): Promise<ChangeResult> {
  const sb = sandbox();
  try {
    const repo = Repo.init(sb);
    writeFileSync(join(repo.path, 'safety-gate.config.yaml'), stringify(harnessConfig(input.config)));
    for (const [path, content] of Object.entries(input.old ?? {})) repo.write(path, content);
    repo.commitAll('old');
    for (const [path, content] of Object.entries(input.files)) {
      if (content === null) repo.rm(path);
      else repo.write(path, content);
    }
    repo.git('add', '-A');
    const env: NodeJS.ProcessEnv = { ...sb.env, ...(input.env ?? {}) };
    if (input.task) {
      const taskFile = join(sb.dir, 'task.json');
      writeFileSync(taskFile, JSON.stringify(input.task));
      env.SAFETY_GATE_TASK = taskFile;
    }
    const { report } = await check({ cwd: repo.path, env, door: 'pre-commit', request: { kind: 'staged' } });
    return { findings: report.findings, report };
  } finally {
    sb.cleanup();
  }
}
