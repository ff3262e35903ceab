// The command dispatcher: parses the command and runs it. Commands load on demand so a hook
// never pays for the code of `install` or `config`.
import { GateError, EXIT } from '../errors.js';
import { msg, cliMsg } from '../messages.js';
import type { CliIO, Command } from './io.js';
import { VERSION } from '../version.js';

const HELP = `safety-gate ${VERSION} — a policy gate for git

Usage:
  safety-gate scan [DIR] [--rev REV | --index | --range A..B | --history] [--format text|json|sarif] [--output FILE]
  safety-gate scan --staged [PATH...]
  safety-gate scan --no-git DIR
  safety-gate scan [--baseline FILE] ...        (default: .safety-gate/baseline.json when present)
  safety-gate scan --list-suppressions [--rev REV] [--all]
  safety-gate baseline [--output FILE] [--rev REV]
  safety-gate hook pre-commit | commit-msg <file> | pre-push <remote> <url> | pre-receive
  safety-gate install [--husky | --hooks-path | --pre-commit [--repo URL] [--rev REV]] [--force]
  safety-gate install --server <bare-repo> [--config FILE]
  safety-gate init [--preset NAME]
  safety-gate config [--format yaml|json]
  safety-gate explain [RULE]
  safety-gate generate <generator-id>
  safety-gate audit verify [--log FILE] | audit export [--output FILE] | audit overdue
  safety-gate approve <rev> | --staged --key KEY [--reason TEXT] [--expires 7d] [--ref PATTERN] [--covers RULE,...]
  safety-gate approve <rev> --break-glass --incident ID --bypass RULE,... --rollback TEXT --key KEY
  safety-gate approve --reset-lane LANE --key KEY [--reason TEXT]
  safety-gate task sign <envelope.json> --key KEY [--expires 7d] [--repo-id ID] [--out FILE]
  safety-gate check run <name> [--key KEY] [--tree TREE | --rev REV] | check list | check verify [--signed]

Global options:
  -C <dir>     run as if started in <dir>
  --help, --version; every command takes --help (safety-gate scan --help)

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
    io.stdout.write(HELP + '\n');
    return cmd ? EXIT.pass : EXIT.undecided;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout.write(VERSION + '\n');
    return EXIT.pass;
  }
  const load = COMMANDS[cmd];
  if (!load) throw new GateError('usage', msg.unknownCommand(cmd), msg.usageHint);
  // `<command> --help`: one help text per command, printed before its parser runs. (The module
  // loads only when asked: a hook never pays for it.)
  if (args.includes('--help') || args.includes('-h')) {
    const { USAGES, wantsHelp } = await import('./usage.js');
    if (wantsHelp(args)) {
      io.stdout.write(`${USAGES[cmd]}\n`);
      return EXIT.pass;
    }
  }
  const { run } = await load();
  return run(args, io);
}
