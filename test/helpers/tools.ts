// Which consumers a test can compare the gate with on this machine. A test whose consumer is
// missing skips visibly (`it.skipIf(!python3Has('dotenv'))`), never passes without comparing.
import { spawnSync } from 'node:child_process';

const seen = new Map<string, boolean>();

/** Whether python3 runs here and imports `module` (any standard module when omitted). */
export function python3Has(module = 'sys'): boolean {
  let ok = seen.get(module);
  if (ok === undefined) {
    ok = spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;
    seen.set(module, ok);
  }
  return ok;
}
