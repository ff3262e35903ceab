// `safety-gate config [--format yaml|json] [--file F]`: the resolved policy and where it came from.
// It validates the whole configuration, so it is also the way to check a config after editing it.
import { parseArgs } from 'node:util';
import { relative, isAbsolute } from 'node:path';
import { GateError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { cliMsg } from '../../messages.js';
import { outMsg } from '../messages.js';
import { writeOut } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      format: { type: 'string', default: 'yaml' },
      file: { type: 'string' },
    },
    allowPositionals: false,
    strict: true,
  });
  const format = values.format;
  if (format !== 'yaml' && format !== 'json') throw new GateError('usage', cliMsg.configFormat(format), cliMsg.configUsage);

  const { loadPolicy } = await import('../../config/load.js');
  const policy = await loadPolicy({ cwd: io.cwd, mode: 'client', ...(values.file ? { configFile: values.file } : {}) });

  if (format === 'json') {
    writeOut(io, JSON.stringify(policy, null, 2) + '\n');
    return 0;
  }
  const { hash, sources } = policy;
  const [{ toYaml }, { policyToConfig }] = await Promise.all([import('../../config/source.js'), import('../../config/to-config.js')]);
  const body = policyToConfig(policy);
  const shown = sources.map((s) => (isAbsolute(s) ? friendly(io.cwd, s) : s));
  writeOut(io, `${outMsg.configHeader(shown, hash)}\n${toYaml(body)}`);
  return 0;
}

function friendly(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
