// Paths, messages and ref names come from pushed content: a path may hold a newline, an ANSI
// escape or a bidi override. Printed raw to a terminal (or as `remote:` lines) they could fake
// a "passed" line or hide text, so everything a reporter prints goes through here.

// C0 controls, DEL, C1 controls, and the bidi embedding/override/isolate characters
// (Trojan Source: CVE-2021-42574), plus line/paragraph separators.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One printable line: control and bidi characters shown as escapes. */
export function printable(s: string): string {
  return s.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
