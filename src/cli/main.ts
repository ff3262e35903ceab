// Entry point. Parses the command, runs it, and turns every failure into one line and an exit
// code: 0 pass, 1 blocked by policy, 2 could not decide.
import { GateError, EXIT } from '../errors.js';
import { msg } from '../messages.js';
import type { CliIO, Command } from './io.js';
import { VERSION } from './run-door.js';

const HELP = `safety-gate ${VERSION} — a policy gate for git

Usage:
  safety-gate scan [--staged | --range A..B | --rev REV] [--format text|json|sarif] [--output FILE]
  safety-gate scan --list-suppressions [--rev REV]
  safety-gate hook pre-commit | commit-msg <file> | pre-push <remote> <url> | pre-receive
  safety-gate install [--husky | --hooks-path | --pre-commit] [--force]
  safety-gate install --server <bare-repo> [--config FILE]
  safety-gate init [--preset NAME]
  safety-gate config [--format yaml|json]
  safety-gate explain [RULE]
  safety-gate generate <generator-id>
  safety-gate audit verify [--log FILE] | audit export [--output FILE]

Global options:
  -C <dir>     run as if started in <dir>
  --help, --version

Exit codes: 0 pass, 1 blocked by policy, 2 could not decide (usage, config, git or internal error).`;

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  scan: () => import('./commands/scan.js'),
  hook: () => import('./commands/hook.js'),
  install: () => import('./commands/install.js'),
  init: () => import('./commands/init.js'),
  config: () => import('./commands/config.js'),
  explain: () => import('./commands/explain.js'),
  generate: () => import('./commands/generate.js'),
  audit: () => import('./commands/audit.js'),
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const args = [...argv];
  while (args[0] === '-C') {
    const dir = args[1];
    if (!dir) throw new GateError('usage', '-C needs a directory', msg.usageHint);
    const { resolve } = await import('node:path');
    io = { ...io, cwd: resolve(io.cwd, dir) };
    args.splice(0, 2);
  }
  const cmd = args.shift();
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.stdout.write(HELP + '\n');
    return cmd ? EXIT.pass : EXIT.undecided;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout.write(VERSION + '\n');
    return EXIT.pass;
  }
  const load = COMMANDS[cmd];
  if (!load) throw new GateError('usage', msg.unknownCommand(cmd), msg.usageHint);
  const { run } = await load();
  return run(args, io);
}

function describe(e: unknown): string {
  if (e instanceof GateError) return msg.undecidedLine(e.message, e.hint);
  // node:util parseArgs throws TypeErrors with a code for bad flags: that is a usage error.
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return msg.undecidedLine((e as Error).message, msg.usageHint);
  return msg.undecidedLine(msg.internal((e as Error)?.message ?? String(e)), msg.internalHint);
}

const io: CliIO = { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    io.stderr.write(describe(e) + '\n');
    if (process.env.SAFETY_GATE_DEBUG === '1' && e instanceof Error) io.stderr.write((e.stack ?? '') + '\n');
    process.exitCode = EXIT.undecided;
  },
);

// An exception escaping from a stream callback must still block, with one line.
process.on('uncaughtException', (e) => {
  io.stderr.write(describe(e) + '\n');
  process.exit(EXIT.undecided);
});
