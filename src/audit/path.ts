// Where a run's decision is recorded: SAFETY_GATE_AUDIT_LOG (set by a hosted server's hook
// script, whose repository directory may be read-only), else the policy's path under $GIT_DIR.
import { isAbsolute, join } from 'node:path';

export function auditLogPath(env: NodeJS.ProcessEnv, configured: string, commonDir: string): string {
  const fromEnv = env.SAFETY_GATE_AUDIT_LOG;
  if (fromEnv) return fromEnv;
  return isAbsolute(configured) ? configured : join(commonDir, configured);
}
