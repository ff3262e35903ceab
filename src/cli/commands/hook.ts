// `safety-gate hook <pre-commit|commit-msg|pre-push|pre-receive>`: the doors git calls, and
// `hook pre-tool-use`, the door a coding agent calls before each tool call.
// Every failure blocks: 1 for policy, 2 when the gate could not decide (also a block).
import { HOOKS } from '../../doors.js';
import { readFileSync } from 'node:fs';
import { GateError, EXIT } from '../../errors.js';
import { msg, cliMsg } from '../../messages.js';
import { readAll, type CliIO } from '../io.js';
import type { Door } from '../../doors.js';
import type { SourceRequest } from '../../sources/index.js';
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
  if (server && skipRequested) io.stderr.write(`${msg.prefix}: ${msg.skipRefused}\n`);

  let request: SourceRequest;
  switch (door) {
    case 'pre-commit':
      // lint-staged passes file names; the gate reads the index itself and checks all of it.
      if (positionals.length > 1) {
        const { directHookRunsGate } = await import('../hook-owner.js');
        if (directHookRunsGate(io.cwd, io.env)) {
          // The same commit's git hook runs the gate: this lint-staged task would be a second run.
          if (verbosity.verbose) io.stderr.write(`${msg.prefix}: ${msg.lintStagedYields}\n`);
          return EXIT.pass;
        }
      }
      request = { kind: 'staged' };
      break;
    case 'commit-msg': {
      const file = positionals[1];
      if (!file) throw new GateError('usage', cliMsg.commitMsgNeedsFile, msg.usageHint);
      let message: string;
      try {
        message = readFileSync(file, 'utf8');
      } catch (e) {
        throw new GateError('io', cliMsg.commitMsgUnreadable(file, (e as Error).message));
      }
      request = { kind: 'message', message };
      break;
    }
    case 'pre-push': {
      let remote = positionals[1] ?? '';
      let stdin = (await readAll(io.stdin)).toString('utf8');
      if (stdin.trim() === '' && io.env.PRE_COMMIT_REMOTE_NAME) {
        // The pre-commit framework keeps git's stdin and passes one ref in its environment.
        ({ remote, stdin } = await pushLineFromPreCommit(io));
      }
      request = { kind: 'push', remote, stdin };
      break;
    }
    default: {
      const stdin = (await readAll(io.stdin)).toString('utf8');
      request = { kind: 'receive', stdin };
    }
  }
  return runDoor(io, { door, request, output, configFile: values.config, skipRequested: skipRequested && !server, verbosity });
}

/**
 * Rebuilds git's pre-push line from the pre-commit framework's variables. The framework passes
 * only the first ref of a push; the server hook checks every ref.
 */
async function pushLineFromPreCommit(io: CliIO): Promise<{ remote: string; stdin: string }> {
  const env = io.env;
  const { openRepo, zeroOid } = await import('../../git/repo.js');
  const repo = await openRepo(io.cwd, env);
  const zero = zeroOid(repo.objectFormat);
  const local = env.PRE_COMMIT_LOCAL_BRANCH ?? 'HEAD';
  let to = env.PRE_COMMIT_TO_REF;
  if (!to) to = (await repo.git.run(['rev-parse', '--verify', `${local}^{commit}`])).stdout.toString('utf8').trim();
  const from = env.PRE_COMMIT_FROM_REF || zero;
  const remoteRef = env.PRE_COMMIT_REMOTE_BRANCH ?? local;
  return { remote: env.PRE_COMMIT_REMOTE_NAME ?? '', stdin: `${local} ${to} ${remoteRef} ${from}\n` };
}

export function parseOutput(format: string | undefined, output: string | undefined, fallback: 'text' | 'json' | 'sarif'): OutputOptions {
  const f = format ?? fallback;
  if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'codequality') {
    throw new GateError('usage', cliMsg.hookFormat(JSON.stringify(f)), msg.usageHint);
  }
  return { format: f, file: output ?? null };
}

export { EXIT };
