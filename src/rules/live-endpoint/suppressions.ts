// Inline exceptions for live-endpoint, on top of the generic parser in ../_shared/suppressions.ts.
//
// An exception is keyed to content: the live host plus the text of the line that names it
// (whitespace collapsed). An exception is "old" when the previous version of the file, at a path
// that was in runtime scope, had a valid exception with the same key; otherwise it is new in the
// change and needs security review (`live-endpoint/new-exception`). Moving a line, re-indenting it
// or adding lines around it keeps the key; changing the line (or its reason, when the exception
// sits on the same line) makes it a new exception.
import { suppressionCovering, type Suppression } from '../_shared/suppressions.js';

export { listSuppressions, parseSuppressions, type ListedSuppression } from '../_shared/suppressions.js';

export const RULE_ID = 'live-endpoint';

export interface LineSource {
  line(n: number): string;
}

export function exceptionFor(src: LineSource, line: number): Suppression | null {
  return suppressionCovering(RULE_ID, line, (n) => src.line(n));
}

export function exceptionKey(host: string, lineText: string): string {
  return `${host}\0${lineText.trim().replace(/\s+/g, ' ')}`;
}
