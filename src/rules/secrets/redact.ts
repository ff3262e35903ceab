// Findings never carry a secret. The report shows at most its first and last 4 characters, and
// fewer for short values (2 under 20 characters, 1 under 12, none under 8); the audit log holds
// only a hash. Control characters are never shown.
import { createHash } from 'node:crypto';

export function redact(secret: string): string {
  const s = secret.replace(/[\u0000-\u001f\u007f]/g, '?');
  const n = s.length;
  const k = n >= 20 ? 4 : n >= 12 ? 2 : n >= 8 ? 1 : 0;
  if (k === 0) return `*** (${n} chars)`;
  return `${s.slice(0, k)}…${s.slice(n - k)} (${n} chars)`;
}

/** What the audit log records of a match: sha256 over a domain prefix and the secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update('safety-gate/secret\0').update(secret).digest('hex');
}
