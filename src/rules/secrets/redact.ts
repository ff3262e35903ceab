// Findings never carry a secret. The report shows at most its first and last 4 characters, and
// fewer for short values (never more than a quarter of it in all); the audit log holds only a
// hash. Control characters are never shown.
import { createHash } from 'node:crypto';

export function redact(secret: string): string {
  const s = secret.replace(/[\u0000-\u001f\u007f]/g, '?');
  const n = s.length;
  const k = Math.min(4, Math.floor(n / 8));
  if (k === 0) return `*** (${n} chars)`;
  return `${s.slice(0, k)}…${s.slice(n - k)} (${n} chars)`;
}

/** What the audit log records of a match: sha256 over a domain prefix and the secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update('safety-gate/secret\0').update(secret).digest('hex');
}
