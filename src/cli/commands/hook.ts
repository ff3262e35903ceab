// `safety-gate hook <pre-commit|commit-msg|pre-push|pre-receive>`: the doors git calls.
// Every failure blocks: 1 for policy, 2 when the gate could not decide (also a block).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GateError, EXIT } from '../../errors.js';
import { msg } from '../../messages.js';
import { readAll, type CliIO } from '../io.js';
import type { Door } from '../../engine/check.js';
import type { SourceRequest } from '../../sources/index.js';
import { runDoor, type OutputOptions } from '../run-door.js';

const HOOKS = ['pre-commit', 'commit-msg', 'pre-push', 'pre-receive'] as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      output: { type: 'string' },
      config: { type: 'string' },
    },
  });
  const door = positionals[0] as Door | undefined;
  if (!door || !(HOOKS as readonly string[]).includes(door)) {
    throw new GateError('usage', `hook needs one of: ${HOOKS.join(', ')}`, msg.usageHint);
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
      request = { kind: 'staged' };
      break;
    case 'commit-msg': {
      const file = positionals[1];
      if (!file) throw new GateError('usage', 'hook commit-msg needs the message file git passes', msg.usageHint);
      let message: string;
      try {
        message = readFileSync(file, 'utf8');
      } catch (e) {
        throw new GateError('io', `cannot read the commit message ${file}: ${(e as Error).message}`);
      }
      request = { kind: 'message', message };
      break;
    }
    case 'pre-push': {
      const remote = positionals[1] ?? '';
      const stdin = (await readAll(io.stdin)).toString('utf8');
      request = { kind: 'push', remote, stdin };
      break;
    }
    default: {
      const stdin = (await readAll(io.stdin)).toString('utf8');
      request = { kind: 'receive', stdin };
    }
  }
  return runDoor(io, { door, request, output, configFile: values.config, skipRequested: skipRequested && !server });
}

export function parseOutput(format: string | undefined, output: string | undefined, fallback: 'text' | 'json' | 'sarif'): OutputOptions {
  const f = format ?? fallback;
  if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new GateError('usage', `--format must be text, json or sarif, not ${JSON.stringify(f)}`, msg.usageHint);
  return { format: f, file: output ?? null };
}

export { EXIT };
