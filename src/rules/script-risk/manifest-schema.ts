// The script-risk manifest (Gate B "script inventory / categorization"). Loaded lazily by the
// rule (zod costs 40-100 ms to load), only when a commit touches the scripts or the manifest.
//
// {
//   "version": 1,                                   optional
//   "categories": ["ci", "ops", "deploy", "dev", "execution"],
//                                                   optional; when present, entries must use one
//                                                   of them (and they must be allowed by the policy)
//   "scripts": [
//     {"path": "scripts/deploy.sh", "category": "deploy", "requires_exec_guard": true},
//     {"path": "scripts/ci/lint.py", "category": "ci"}   requires_exec_guard defaults to false
//   ]
// }
// Further keys (owner, notes, …) are allowed at both levels; paths are repository-relative.
import { z } from 'zod';

const ManifestEntry = z.looseObject({
  path: z.string().trim().min(1, 'path must be a non-empty string'),
  category: z.string().trim().min(1, 'category must be a non-empty string'),
  requires_exec_guard: z.boolean().default(false),
});

const ManifestTop = z.looseObject({
  version: z.union([z.number(), z.string()]).optional(),
  categories: z.array(z.string().trim().min(1)).optional(),
  scripts: z.array(z.unknown()),
});

type ManifestEntryValue = z.output<typeof ManifestEntry>;

interface SchemaIssue {
  /** Path of keys/indexes into the manifest. */
  path: (string | number)[];
  message: string;
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur = root;
  for (const step of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[step];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)}`;
}

function issuesOf(error: z.ZodError, prefix: (string | number)[], raw: unknown): SchemaIssue[] {
  return error.issues.map((i) => {
    const rel = i.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const path = [...prefix, ...rel];
    const key = rel.length > 0 ? String(rel[rel.length - 1]) : prefix.length > 0 ? 'entry' : 'manifest';
    let message = i.message;
    if (i.code === 'invalid_type') {
      const actual = valueAt(raw, rel);
      const expected = (i as { expected?: string }).expected ?? 'another type';
      message =
        actual === undefined
          ? `missing "${key}" (${expected})`
          : `"${key}" must be ${expected === 'object' ? 'an object' : expected === 'array' ? 'an array' : `a ${expected}`}, not ${describe(actual)}`;
    } else if (key !== 'entry' && key !== 'manifest') {
      message = `"${key}": ${i.message}`;
    }
    return { path, message };
  });
}

export interface ValidatedManifest {
  /** null when the top level is unusable (not an object, no scripts array). */
  top: z.output<typeof ManifestTop> | null;
  /** Valid entries with their index. */
  entries: { index: number; entry: ManifestEntryValue }[];
  /** Paths of entries that are invalid but name a path (they still count as listed). */
  invalidPaths: { index: number; path: string }[];
  issues: SchemaIssue[];
}

export function validateManifest(value: unknown): ValidatedManifest {
  const top = ManifestTop.safeParse(value);
  if (!top.success) return { top: null, entries: [], invalidPaths: [], issues: issuesOf(top.error, [], value) };
  const out: ValidatedManifest = { top: top.data, entries: [], invalidPaths: [], issues: [] };
  top.data.scripts.forEach((raw, index) => {
    const r = ManifestEntry.safeParse(raw);
    if (r.success) out.entries.push({ index, entry: r.data });
    else {
      out.issues.push(...issuesOf(r.error, ['scripts', index], raw));
      const p = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).path : undefined;
      if (typeof p === 'string' && p.trim() !== '') out.invalidPaths.push({ index, path: p.trim() });
    }
  });
  return out;
}
