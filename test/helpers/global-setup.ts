// e2e tests run the built CLI (dist/cli.js) exactly as users do; build once before the run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export default function setup(): void {
  if (process.env.SAFETY_GATE_SKIP_BUILD === '1' && existsSync('dist/cli.js')) return;
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
