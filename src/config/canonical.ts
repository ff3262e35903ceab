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
function decodeCanonical<T>(data: Buffer, what: string, shape: (v: unknown) => string | null): { value: T } | { problem: string } {
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

const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A line of a note read by readSignedLines: `data` and `signature` are empty/null where it is not well formed. */
interface SignedLine<T> {
  line: string;
  data: Buffer;
  signature: Buffer | null;
  value: T | null;
  problem: string | null;
}

/**
 * The lines of a note's text written `<tag> v1 <base64 of canonical JSON> <base64 SSHSIG>` (a
 * signature of `-`, unsigned, where `unsigned` allows it), trimmed; lines of other tags are passed
 * over. Each with its signed bytes, signature and value decoded as decodeCanonical does, or the
 * problem: `malformed` for a line not of that form.
 */
export function readSignedLines<T>(text: string, tag: string, o: { unsigned: boolean; malformed: string; what: string; shape: (v: unknown) => string | null }): SignedLine<T>[] {
  const out: SignedLine<T>[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith(`${tag} `)) continue;
    const parts = line.split(/\s+/);
    const entry: SignedLine<T> = { line, data: Buffer.alloc(0), signature: null, value: null, problem: null };
    out.push(entry);
    if (parts.length !== 4 || parts[1] !== 'v1' || !B64.test(parts[2]!) || !((o.unsigned && parts[3] === '-') || B64.test(parts[3]!))) {
      entry.problem = o.malformed;
      continue;
    }
    entry.data = Buffer.from(parts[2]!, 'base64');
    entry.signature = parts[3] === '-' ? null : Buffer.from(parts[3]!, 'base64');
    const d = decodeCanonical<T>(entry.data, o.what, o.shape);
    if ('problem' in d) entry.problem = d.problem;
    else entry.value = d.value;
  }
  return out;
}
