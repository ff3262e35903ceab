// The one fingerprint of a finding, shared by the JSON report (`fingerprint`), SARIF
// (`partialFingerprints`) and the baseline. It names what is wrong, not where it is:
//
//   with the finding's line known and readable: sha256("v2", rule, path, normalised line content)
//   otherwise (whole-file, commit, ref and run findings): sha256("v2", rule, path, message)
//
// Normalised content is the line with its terminator dropped, surrounding whitespace trimmed and
// inner runs of whitespace collapsed to one space. So the fingerprint survives lines added or
// removed above, a moved line and re-indentation; it changes when the offending line itself
// changes or the file is renamed. Several identical lines in one file share a fingerprint: the
// baseline counts occurrences.
import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

export const FINGERPRINT_VERSION = 'v2';

export function normaliseLine(text: string): string {
  return text.replace(/\r$/, '').trim().replace(/\s+/g, ' ');
}

export function findingFingerprint(f: Pick<Finding, 'rule' | 'path' | 'message'> & { content?: string | null }): string {
  const h = createHash('sha256').update(`${FINGERPRINT_VERSION}\u0000${f.rule}\u0000${f.path ?? ''}\u0000`);
  if (typeof f.content === 'string') h.update(`line\u0000${normaliseLine(f.content)}`);
  else h.update(`message\u0000${f.message}`);
  return h.digest('hex');
}

/** The finding's fingerprint: the one the engine attached, or one computed from its message. */
export function fingerprintOf(f: Finding): string {
  return typeof f.fingerprint === 'string' && /^[0-9a-f]{64}$/.test(f.fingerprint) ? f.fingerprint : findingFingerprint(f);
}
