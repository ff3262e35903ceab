// Canonical JSON: object keys sorted at every depth, no whitespace. Equal policies, equal hashes.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/**
 * A signed statement's bytes as JSON that must already be canonical (what was signed is what is
 * read: no second spelling of the same statement), checked against `shape`. `what` names it in
 * the problem ("statement", "receipt").
 */
export function decodeCanonical<T>(data: Buffer, what: string, shape: (v: unknown) => string | null): { value: T } | { problem: string } {
  const text = data.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: `holds a ${what} that is not JSON` };
  }
  const problem = shape(parsed);
  if (problem) return { problem };
  if (canonicalJson(parsed) !== text) return { problem: `holds a ${what} that is not in canonical form` };
  return { value: parsed as T };
}
