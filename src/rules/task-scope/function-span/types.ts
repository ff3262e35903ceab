// Function spans: where a named function (with its decorators and doc comment) sits in a file.
// Offsets are UTF-16 code units of the JavaScript string (the same units as `Blob.position`).

/** One scoped name resolved in one version of a file. Overloads and accessor pairs form one span. */
export interface Span {
  /** Qualified name as written in the scope (`Class.method`). */
  name: string;
  /** Start of the doc comment / first decorator / first modifier. */
  start: number;
  /** End of the declaration (closing brace, last statement of a Python body, `;`). */
  end: number;
}

/** A declaration found while walking the tree; several with the same name are merged or ambiguous. */
export interface Decl {
  name: string;
  start: number;
  end: number;
  /** Identifies the sibling list the declaration sits in (for adjacency of overloads). */
  list: number;
  /** Index among the list's declarations/statements (comments not counted). */
  index: number;
}

export type SpanFailure = { kind: 'syntax'; offset: number; detail: string } | { kind: 'not-found'; name: string } | { kind: 'ambiguous'; name: string; offsets: number[] };

export type SpanResult = { ok: true; spans: Span[] } | { ok: false; failure: SpanFailure };

export type SpanLanguage = 'typescript' | 'python';

/** The enclosing names of dotted names ('A.b.c' → 'A', 'A.b'): the declarations to descend into. */
export function namePrefixes(names: readonly string[]): Set<string> {
  const prefixes = new Set<string>();
  for (const n of names) {
    const parts = n.split('.');
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('.'));
  }
  return prefixes;
}

/**
 * Group the declarations found for each requested name. Several declarations with one name
 * form one span when they are consecutive siblings (TypeScript overload signatures and their
 * implementation, a getter/setter pair, Python `@overload` stubs or a property with its
 * setter); otherwise the name is ambiguous.
 */
export function resolveSpans(decls: readonly Decl[], names: readonly string[]): SpanResult {
  const spans: Span[] = [];
  for (const name of names) {
    const found = decls.filter((d) => d.name === name).sort((a, b) => a.start - b.start);
    if (found.length === 0) return { ok: false, failure: { kind: 'not-found', name } };
    for (let i = 1; i < found.length; i++) {
      const prev = found[i - 1]!;
      const cur = found[i]!;
      if (cur.list !== prev.list || cur.index !== prev.index + 1) {
        return { ok: false, failure: { kind: 'ambiguous', name, offsets: found.map((d) => d.start) } };
      }
    }
    spans.push({ name, start: found[0]!.start, end: found[found.length - 1]!.end });
  }
  return { ok: true, spans };
}
