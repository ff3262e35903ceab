// `safety-gate scan [DIR] [--staged | --range A..B | --rev REV] [--format text|json|sarif] [--output FILE]`
// No argument: every file of the tree at HEAD. With no config in the repository the built-in
// `recommended` policy applies.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GateError } from '../../errors.js';
import { msg } from '../../messages.js';
import type { SourceRequest } from '../../sources/index.js';
import type { CliIO } from '../io.js';
import { runDoor } from '../run-door.js';
import { parseOutput } from './hook.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      staged: { type: 'boolean' },
      range: { type: 'string' },
      rev: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string' },
      'no-audit': { type: 'boolean' },
      'list-suppressions': { type: 'boolean' },
      all: { type: 'boolean' },
      baseline: { type: 'string' },
    },
  });
  const modes = [values.staged, values.range, values.rev].filter((v) => v !== undefined && v !== false);
  if (modes.length > 1) throw new GateError('usage', 'use only one of --staged, --range, --rev', msg.usageHint);
  if (values['list-suppressions']) {
    const { listSuppressionsCommand } = await import('./suppressions.js');
    return listSuppressionsCommand(io, { rev: values.rev ?? 'HEAD', format: values.format ?? 'text', all: values.all === true, configFile: values.config });
  }
  let request: SourceRequest;
  if (values.staged) request = { kind: 'staged', paths: positionals.length > 0 ? positionals : undefined };
  else if (values.range) request = { kind: 'range', range: values.range };
  else request = { kind: 'tree', rev: values.rev ?? 'HEAD' };
  // `scan [DIR]`: the repository to scan (gitleaks and detect-secrets take a path the same way).
  if (!values.staged && positionals.length > 1) throw new GateError('usage', `unexpected argument ${JSON.stringify(positionals[1])}`, msg.usageHint);
  if (!values.staged && positionals[0]) io = { ...io, cwd: resolve(io.cwd, positionals[0]) };
  return runDoor(io, {
    door: 'scan',
    request,
    output: parseOutput(values.format, values.output, 'text'),
    configFile: values.config,
    baselineFile: values.baseline,
    audit: !values['no-audit'],
  });
}
