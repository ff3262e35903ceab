// Offsets ↔ lines, one implementation for the blob's positions and the URL view's offset map.

/** Offsets where each line starts (line 1 at index 0). Lines end at \n; a \r before it stays in the line. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last element of `sorted` (ascending, non-empty) that is ≤ x; 0 when none is. */
export function lastAtOrBefore(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line and column of a UTF-16 offset, given the text's `lineStarts`. */
export function positionIn(starts: readonly number[], offset: number): { line: number; column: number } {
  const i = lastAtOrBefore(starts, offset);
  return { line: i + 1, column: offset - starts[i]! + 1 };
}
