// "Could not decide" errors: every one exits 2 and is printed as one line with what to do.
// Anything else thrown is an internal error, reported the same way (never a stack trace
// unless SAFETY_GATE_DEBUG=1).

export type GateErrorCode = 'usage' | 'config' | 'git' | 'object' | 'stdin' | 'deadline' | 'internal' | 'io';

export class GateError extends Error {
  constructor(
    readonly code: GateErrorCode,
    message: string,
    /** What the user should do, one short sentence. */
    readonly hint: string = '',
  ) {
    super(message);
    this.name = 'GateError';
  }
}

export class ConfigError extends GateError {
  /** When there is more than one problem: each one located (`file:line:col: key: message`). */
  problems: string[] = [];
  constructor(
    message: string,
    readonly file: string | null = null,
    readonly line: number | null = null,
    readonly column: number | null = null,
    readonly keyPath: string | null = null,
    hint = 'fix the configuration and run `safety-gate config` to check it',
  ) {
    const where = file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '';
    const key = keyPath ? `${keyPath}: ` : '';
    super('config', `${where}${key}${message}`, hint);
    this.name = 'ConfigError';
  }
}

export const EXIT = { pass: 0, block: 1, undecided: 2 } as const;
