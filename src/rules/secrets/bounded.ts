// Matching under a hard time bound. A team's gitleaks patterns are code the gate does not
// control: one that backtracks (`(a+)+$`) on the pushed bytes runs synchronously for minutes,
// and the engine's deadline, checked between files, never gets a turn. `vm`'s `timeout` runs the
// call under V8's watchdog thread, which interrupts the main thread even inside a regular
// expression, so the run stops at the deadline and is reported as undecided (exit 2, audited).
// One watchdog per call costs ~0.1 ms, so it is used once per blob, never per pattern.
import { Script } from 'node:vm';

const RUN = new Script('globalThis.__safetyGateBounded()', { filename: 'safety-gate:bounded' });

/** Thrown when `fn` was still running after `ms`. */
export class TimeBoundExceeded extends Error {}

export function runBounded<T>(fn: () => T, ms: number): T {
  if (ms <= 0) throw new TimeBoundExceeded('no time left');
  const g = globalThis as { __safetyGateBounded?: () => T };
  g.__safetyGateBounded = fn;
  try {
    return RUN.runInThisContext({ timeout: Math.max(1, Math.ceil(ms)), breakOnSigint: false }) as T;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new TimeBoundExceeded((e as Error).message);
    throw e;
  } finally {
    delete g.__safetyGateBounded;
  }
}
