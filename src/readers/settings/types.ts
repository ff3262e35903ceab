// A setting assignment found in a file: what the runtime would read for `key`, and where.
// Readers are pure (text in, assignments out) and return every assignment they understand;
// rules filter by key.
import type { ValueExpr } from './expr.js';

export interface Assignment {
  /** The setting name as written (nested YAML/JSON keys joined by `.`); rules compare it by `normalizeKey`. */
  key: string;
  /**
   * The value as the runtime reads it: quotes and escapes removed, `${X:-word}` / `${X:=word}`
   * defaults substituted. Not trimmed nor case-folded (see `normalizeValue`).
   */
  value: string;
  /**
   * True when the value depends on something outside the file (`$X`, `$(cmd)`, `{{ … }}`,
   * `${{ … }}`, `${var.x}`, a non-literal expression): it cannot be judged from the file.
   */
  dynamic: boolean;
  /**
   * The value as an expression (readers/settings/expr.ts) when the reader knows its consumer's
   * references and defaults: the rule decides it with `outcomes()`, committed values of the
   * references resolved in the same tree. Absent: `value` / `dynamic` say it all.
   */
  expr?: ValueExpr;
  /** 1-based position of the value (for an empty value: just after the operator). */
  line: number;
  column: number;
  /** 1-based position of the key. */
  keyLine: number;
  keyColumn: number;
  /**
   * The value is not one string: `null` (YAML `~`, an empty YAML value, JSON null) or `list`
   * (a YAML/JSON sequence; `value` holds its scalar items joined by `,`). Absent: a string.
   */
  shape?: 'null' | 'list';
  /**
   * Set when the reader cannot know the value (an escape or a source encoding it does not
   * decode): the rule fails closed on a watched key, with this as the reason.
   */
  unverifiable?: string;
  /** How it was written, for messages: 'yaml', 'k8s-env', 'dotenv', 'dockerfile-env', 'shell-export', … */
  syntax: string;
}

/** Which keys a reader should report (readers skip the others before computing positions). */
export type Keep = (key: string) => boolean;

export const keepAll: Keep = () => true;

/** Where a reader's text sits in the file (readers run on embedded text: RUN bodies, heredocs, YAML scalars). */
export type OffsetMapper = (offset: number) => { line: number; column: number };

/** The settings format a reader understands. */
export type SettingsFormat = 'yaml' | 'json' | 'dotenv' | 'dockerfile' | 'shell' | 'hcl' | 'python' | 'javascript' | 'properties' | 'toml' | 'xml' | 'ini' | 'lines';
