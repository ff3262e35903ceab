// Generated-file markers, found cheaply in the first bytes of a blob.
//
// Conventions recognised:
// - Meta's `@generated` and `@partially-generated` tags (fbjs, Hack codegen, Relay, Buck), in a
//   comment line or at the start of a line (a docstring). A mention inside a string or after a
//   quote/backtick on the same line is not a marker, so code and docs that talk about the tag
//   are not taken for generated files.
// - Go's `^// Code generated .* DO NOT EDIT\.$` line (golang.org/s/generatedcode).
// - Manual sections, left editable: lines `BEGIN MANUAL SECTION` / `END MANUAL SECTION`
//   preceded only by blanks and punctuation (Hack codegen's `/* BEGIN MANUAL SECTION id */`,
//   Sapling's `^\s*[[:punct:]]*\s*BEGIN MANUAL SECTION`). A marked file with manual sections
//   is partially generated, as Sapling treats it.
//
// Literal prefilter first (Buffer.indexOf on the first N bytes, no decoding), regexes only on
// the lines that hit.
import { manualSectionMsg } from './messages.js';
import type { Blob } from '../../changeset/blob.js';

type MarkerKind = 'generated' | 'partially-generated' | 'go-generated';

export interface GeneratedMarker {
  kind: MarkerKind;
  /** 1-based line of the marker. */
  line: number;
  /** The marker as written. */
  text: string;
}

const AT = '@';
const TAG_GENERATED = `${AT}generated`;
const TAG_PARTIAL = `${AT}partially-generated`;
const GO_LITERAL = 'Code generated ';

const DEFAULT_SCAN_BYTES = 16 * 1024;

// After optional blanks: a comment leader, then anything but quotes/backticks, then the tag.
const COMMENTED_TAG = new RegExp(
  String.raw`^[ \t]*(?:(?:\/\/+|#+|\/\*+|\*+|--+|;+|<!--|%+|\{-|\(\*|REM\b|"""|''')[^'"\x60\r\n]*?)?` + String.raw`${AT}(partially-generated|generated)(?![\w])`,
);
const GO_LINE = /^\/\/ Code generated .* DO NOT EDIT\.\r?$/;

export const MANUAL_BEGIN = /^\s*[!-/:-@[-`{-~]*\s*BEGIN MANUAL SECTION/;
export const MANUAL_END = /^\s*[!-/:-@[-`{-~]*\s*END MANUAL SECTION/;

function lineAround(bytes: Buffer, at: number): { start: number; end: number } {
  const start = bytes.lastIndexOf(0x0a, at) + 1;
  let end = bytes.indexOf(0x0a, at);
  if (end === -1) end = bytes.length;
  return { start, end };
}

function lineNumber(bytes: Buffer, offset: number): number {
  let n = 1;
  for (let i = bytes.indexOf(0x0a, 0); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** The first generated marker in the first `scanBytes` bytes, or null. */
export function findGeneratedMarker(blob: Blob, scanBytes = DEFAULT_SCAN_BYTES): GeneratedMarker | null {
  return blob.parse(`generated-marker:${scanBytes}`, () => scan(blob.bytes.subarray(0, scanBytes)));
}

function scan(head: Buffer): GeneratedMarker | null {
  let best: GeneratedMarker | null = null;
  let bestOffset = Infinity;
  const consider = (offset: number, kind: MarkerKind, text: string) => {
    if (offset < bestOffset) {
      bestOffset = offset;
      best = { kind, line: lineNumber(head, offset), text };
    }
  };
  // `@generated` / `@partially-generated` (the latter contains "generated" but not "@generated").
  for (const tag of [TAG_GENERATED, TAG_PARTIAL]) {
    for (let i = head.indexOf(tag); i !== -1 && i < bestOffset; i = head.indexOf(tag, i + 1)) {
      const { start, end } = lineAround(head, i);
      const line = head.toString('utf8', start, end);
      const m = COMMENTED_TAG.exec(line);
      if (m) {
        consider(start, m[1] === 'partially-generated' ? 'partially-generated' : 'generated', line.trim());
        break;
      }
    }
  }
  for (let i = head.indexOf(GO_LITERAL); i !== -1 && i < bestOffset; i = head.indexOf(GO_LITERAL, i + 1)) {
    const { start, end } = lineAround(head, i);
    const line = head.toString('utf8', start, end);
    if (GO_LINE.test(line)) {
      consider(start, 'go-generated', line.trim());
      break;
    }
  }
  return best;
}

export interface ManualSections {
  /** 1-based [begin marker line, end marker line] pairs. */
  sections: { begin: number; end: number }[];
  /** Structural problem (unclosed or nested section), with its line. */
  error: { line: number; message: string } | null;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

export function manualSections(text: string): ManualSections {
  const lines = splitLines(text);
  const sections: { begin: number; end: number }[] = [];
  let open: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (MANUAL_END.test(l)) {
      if (open === null) return { sections, error: { line: i + 1, message: manualSectionMsg.endWithoutBegin } };
      sections.push({ begin: open, end: i + 1 });
      open = null;
    } else if (MANUAL_BEGIN.test(l)) {
      if (open !== null) return { sections, error: { line: i + 1, message: manualSectionMsg.nested } };
      open = i + 1;
    }
  }
  if (open !== null) return { sections, error: { line: open, message: manualSectionMsg.unclosed } };
  return { sections, error: null };
}

/** The generated part of a file: every line outside manual sections (marker lines included). */
function generatedSkeleton(text: string): { lines: string[]; lineNumbers: number[] } | null {
  const { error } = manualSections(text);
  if (error) return null;
  const lines = splitLines(text);
  const out: string[] = [];
  const nums: number[] = [];
  let inside = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (inside && MANUAL_END.test(l)) inside = false;
    if (!inside) {
      out.push(l);
      nums.push(i + 1);
    }
    if (!inside && MANUAL_BEGIN.test(l)) inside = true;
  }
  return { lines: out, lineNumbers: nums };
}

export type ManualEditVerdict = { ok: true } | { ok: false; line: number | null; reason: string };

/**
 * Whether `newText` differs from `oldText` only inside manual sections. On failure, the line of
 * the new text where the generated part first differs.
 */
export function onlyManualSectionsChanged(oldText: string, newText: string): ManualEditVerdict {
  const before = generatedSkeleton(oldText);
  if (!before) return { ok: false, line: null, reason: 'its manual sections were malformed before the change' };
  const ms = manualSections(newText);
  if (ms.error) return { ok: false, line: ms.error.line, reason: ms.error.message };
  const after = generatedSkeleton(newText)!;
  const n = Math.max(before.lines.length, after.lines.length);
  for (let i = 0; i < n; i++) {
    if (before.lines[i] !== after.lines[i]) {
      const line = after.lineNumbers[i] ?? after.lineNumbers[after.lineNumbers.length - 1] ?? 1;
      return { ok: false, line, reason: 'a generated line outside the manual sections changed' };
    }
  }
  return { ok: true };
}
