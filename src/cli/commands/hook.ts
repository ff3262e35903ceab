// `safety-gate hook <pre-commit|commit-msg|pre-push|pre-receive>`: the doors git calls, and
// `hook pre-tool-use`, the door a coding agent calls before each tool call.
// Every failure blocks: 1 for policy, 2 when the gate could not decide (also a block).
import { HOOKS } from '../../doors.js';
import { GateError, EXIT } from '../../errors.js';
import { msg, cliMsg } from '../../messages.js';
import { readAll, writeErr, type CliIO } from '../io.js';
import type { Door } from '../../doors.js';
import { doorSpec } from '../../doors/door.js';
import { runDoor, type OutputOptions } from '../run-door.js';
import { parseCommand } from '../args.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(
    'hook',
    'see safety-gate hook --help',
    argv,
    io,
    {
      format: { type: 'string' },
      output: { type: 'string' },
      config: { type: 'string' },
    },
    { positionals: true },
  );
  if (!parsed) return EXIT.pass;
  const { positionals, verbosity } = parsed;
  const values = parsed.values as { format?: string; output?: string; config?: string };
  const door = positionals[0] as Door | undefined;
  if (!door || !(HOOKS as readonly string[]).includes(door)) {
    throw new GateError('usage', cliMsg.hookNeedsName(HOOKS.join(', ')), msg.usageHint);
  }
  if (door === 'pre-tool-use') {
    // The agent's hook protocol, not git's: its own input, exit codes and output.
    const { runPreToolUse } = await import('../pre-tool-use.js');
    return runPreToolUse(io, values.config);
  }
  const output: OutputOptions = parseOutput(values.format, values.output, 'text');
  const server = door === 'pre-receive';

  // A person in a hurry may skip client hooks; the server never honours it.
  const skipRequested = io.env.SAFETY_GATE_SKIP === '1' || io.env.SAFETY_GATE_SKIP === 'true';
  if (server && skipRequested) writeErr(io, `${msg.prefix}: ${msg.skipRefused}\n`);

  // lint-staged passes file names to pre-commit; when the same commit's git hook runs the gate
  // too, this task would be a second run.
  if (door === 'pre-commit' && positionals.length > 1) {
    const { directHookRunsGate } = await import('../hook-owner.js');
    if (directHookRunsGate(io.cwd, io.env)) {
      if (verbosity.verbose) writeErr(io, `${msg.prefix}: ${msg.lintStagedYields}\n`);
      return EXIT.pass;
    }
  }
  // What to check is the door's to say: the index, the message file, the ref lines on stdin.
  const request = await doorSpec(door).request!({ cwd: io.cwd, env: io.env, args: positionals.slice(1), stdin: async () => (await readAll(io.stdin)).toString('utf8') });
  return runDoor(io, { door, request, output, configFile: values.config, skipRequested: skipRequested && !server, verbosity });
}

export function parseOutput(format: string | undefined, output: string | undefined, fallback: 'text' | 'json' | 'sarif'): OutputOptions {
  const f = format ?? fallback;
  if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'codequality') {
    throw new GateError('usage', cliMsg.hookFormat(JSON.stringify(f)), msg.usageHint);
  }
  return { format: f, file: output ?? null };
}

export { EXIT };
