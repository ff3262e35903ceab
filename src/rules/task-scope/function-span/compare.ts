// Everything outside the scoped spans must be byte-identical between the old and the new
// version. The texts are cut at the spans into gaps (before the first span, between spans,
// after the last) and the gaps are compared pairwise: comparing "old minus spans" with
// "new minus spans" as one string would let a line slide from before a function to after it.
import type { Span } from './types.js';

export interface OutsideDifference {
  /** 'text': a gap differs; 'order': the scoped functions appear in another order or nesting. */
  reason: 'text' | 'order';
  /** UTF-16 offsets where the first difference starts, in each version. */
  oldOffset: number;
  newOffset: number;
  /** Names of the span just before the differing gap (null: the gap before the first span). */
  after: string | null;
  /** Names of the span just after the differing gap (null: the gap after the last span). */
  before: string | null;
}

interface Group {
  start: number;
  end: number;
  names: string;
}

/** Sort spans and merge overlapping ones (a nested scoped function inside its scoped parent). */
function mergeSpans(spans: readonly Span[]): Group[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { start: number; end: number; names: string[] }[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      last.names.push(s.name);
    } else {
      out.push({ start: s.start, end: s.end, names: [s.name] });
    }
  }
  return out.map((g) => ({ start: g.start, end: g.end, names: [...g.names].sort().join(', ') }));
}

/** Index of the first differing UTF-16 unit of two ranges, or -1 when equal. */
function firstDifference(a: string, aStart: number, aEnd: number, b: string, bStart: number, bEnd: number): number {
  const aLen = aEnd - aStart;
  const bLen = bEnd - bStart;
  if (aLen === bLen && a.slice(aStart, aEnd) === b.slice(bStart, bEnd)) return -1;
  const n = Math.min(aLen, bLen);
  for (let j = 0; j < n; j++) if (a.charCodeAt(aStart + j) !== b.charCodeAt(bStart + j)) return j;
  return n;
}

/**
 * null when the texts are identical outside the spans, gap by gap, with the spans in the same
 * order; otherwise where the first difference starts.
 */
export function compareOutsideSpans(oldText: string, oldSpans: readonly Span[], newText: string, newSpans: readonly Span[]): OutsideDifference | null {
  const og = mergeSpans(oldSpans);
  const ng = mergeSpans(newSpans);
  const k = Math.min(og.length, ng.length);
  for (let i = 0; i <= k; i++) {
    const oStart = i === 0 ? 0 : og[i - 1]!.end;
    const nStart = i === 0 ? 0 : ng[i - 1]!.end;
    const oEnd = i < og.length ? og[i]!.start : oldText.length;
    const nEnd = i < ng.length ? ng[i]!.start : newText.length;
    const after = i === 0 ? null : ng[i - 1]!.names;
    const before = i < ng.length ? ng[i]!.names : null;
    const j = firstDifference(oldText, oStart, oEnd, newText, nStart, nEnd);
    if (j !== -1) return { reason: 'text', oldOffset: oStart + j, newOffset: nStart + j, after, before };
    if (i < k && og[i]!.names !== ng[i]!.names) {
      return { reason: 'order', oldOffset: og[i]!.start, newOffset: ng[i]!.start, after, before };
    }
    if (i === k - 1 && og.length !== ng.length) {
      // Same names, other grouping (a nested function moved out of its parent or in).
      return { reason: 'order', oldOffset: og[i]!.end, newOffset: ng[i]!.end, after: ng[i]!.names, before: null };
    }
  }
  return null;
}
