// One way every command reads its arguments: node:util parseArgs (strict), plus the options all
// commands share (--help, --quiet, --verbose). A bad flag is a usage error that names the
// command's own help; --help prints the command's usage on stdout and exits 0.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GateError } from '../errors.js';
import type { CliIO } from './io.js';
import { cliMsg } from '../messages.js';
import { writeOut } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Verbosity {
  /** --quiet: only findings and errors; no verdict line for a pass, no progress. */
  quiet: boolean;
  /** --verbose: also what was read and which policy applied. */
  verbose: boolean;
}

const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean' },
} as const satisfies Options;

export interface Parsed<V> {
  values: V;
  positionals: string[];
  verbosity: Verbosity;
}

/**
 * Parses argv for `command`; returns null after printing the usage for --help.
 * `usage` is the command's help text (first line `usage: safety-gate <command> …`).
 */
export function parseCommand<O extends Options>(
  command: string,
  usage: string,
  argv: string[],
  io: CliIO,
  options: O,
  opts: { positionals?: boolean } = {},
): Parsed<Record<string, string | boolean | string[] | undefined>> | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: opts.positionals ?? false, strict: true });
  } catch (e) {
    throw new GateError('usage', cliMsg.badArgs(command, (e as Error).message.split('\n')[0]), cliMsg.seeHelp(command));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    writeOut(io, usage.endsWith('\n') ? usage : `${usage}\n`);
    return null;
  }
  if (values.quiet && values.verbose) throw new GateError('usage', cliMsg.quietAndVerbose(command), cliMsg.seeHelp(command));
  return { values, positionals: parsed.positionals, verbosity: { quiet: values.quiet === true, verbose: values.verbose === true } };
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** parseArgs, strict, positionals allowed; a bad flag throws the parser's own error. */
export function parseStrict<O extends Options>(argv: string[], options: O) {
  return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
}

/**
 * parseStrict for the commands that answer a bad flag with their one usage line (approve, check,
 * task): the parser's message, the usage as the hint.
 */
export function parseOrUsage<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseStrict(argv, options);
  } catch (e) {
    throw new GateError('usage', (e as Error).message, usage);
  }
}
