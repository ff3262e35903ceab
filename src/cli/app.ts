// The command dispatcher: parses the command and runs it. Commands load on demand so a hook
// never pays for the code of `install` or `config`.
import { GateError, EXIT } from '../errors.js';
import { msg, cliMsg } from '../messages.js';
import type { CliIO, Command } from './io.js';
import { VERSION } from '../version.js';
import { writeOut } from './io.js';

const COMMANDS: Record<string, () => Promise<{ run: Command }>> = {
  scan: () => import('./commands/scan.js'),
  hook: () => import('./commands/hook.js'),
  install: () => import('./commands/install.js'),
  init: () => import('./commands/init.js'),
  config: () => import('./commands/config.js'),
  explain: () => import('./commands/explain.js'),
  generate: () => import('./commands/generate.js'),
  audit: () => import('./commands/audit.js'),
  approve: () => import('./commands/approve.js'),
  baseline: () => import('./commands/baseline.js'),
  task: () => import('./commands/task.js'),
  check: () => import('./commands/check.js'),
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const args = [...argv];
  while (args[0] === '-C') {
    const dir = args[1];
    if (!dir) throw new GateError('usage', cliMsg.dashCNeedsDir, msg.usageHint);
    const { resolve } = await import('node:path');
    const { requireDir } = await import('./paths.js');
    io = { ...io, cwd: requireDir(resolve(io.cwd, dir)) };
    args.splice(0, 2);
  }
  const cmd = args.shift();
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const { HELP } = await import('./usage.js');
    writeOut(io, HELP + '\n');
    return cmd ? EXIT.pass : EXIT.undecided;
  }
  if (cmd === '--version' || cmd === '-v') {
    writeOut(io, VERSION + '\n');
    return EXIT.pass;
  }
  const load = COMMANDS[cmd];
  if (!load) throw new GateError('usage', msg.unknownCommand(cmd), msg.usageHint);
  // `<command> --help`: one help text per command, printed before its parser runs. (The module
  // loads only when asked: a hook never pays for it.)
  if (args.includes('--help') || args.includes('-h')) {
    const { USAGES, wantsHelp } = await import('./usage.js');
    if (wantsHelp(args)) {
      writeOut(io, `${USAGES[cmd]}\n`);
      return EXIT.pass;
    }
  }
  const { run } = await load();
  return run(args, io);
}
