// `safety-gate scan [DIR] [--staged | --index | --range A..B | --rev REV] [--format text|json|sarif] [--output FILE]`
// No argument: every file of the tree at HEAD. With no config in the repository the built-in
// `recommended` policy applies.
import { resolve } from 'node:path';
import { GateError } from '../../errors.js';
import type { SourceRequest } from '../../sources/index.js';
import type { CliIO } from '../io.js';
import { parseCommand, str } from '../args.js';
import { runDoor } from '../run-door.js';
import { parseOutput } from './hook.js';

export const SCAN_USAGE = `usage: safety-gate scan [DIR] [what] [options]

What to scan (one of; default: every file of the tree at HEAD):
  --rev REV            every file of the tree at REV
  --index              every file of the index (the tree the next commit would have)
  --staged [PATH...]   the staged change (index against HEAD), as the pre-commit hook sees it
  --range A..B         each commit of A..B, judged by the policy of A
  --list-suppressions  list the inline exceptions of the tree at --rev (default HEAD)

Options:
  DIR                  the repository to scan (default: the current directory)
  --format FORMAT      text (default), json or sarif
  -o, --output FILE    write the report to FILE (the verdict line still goes to stderr)
  --config FILE        the policy file (default: discovered in the repository)
  --no-audit           do not record this scan in the audit log
  -q, --quiet          print findings only (nothing for a clean scan)
  --verbose            also print what was read
  -h, --help           this help

Exit codes: 0 pass (warnings allowed), 1 blocked by policy, 2 could not decide.`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand('scan', SCAN_USAGE, argv, io, {
    staged: { type: 'boolean' },
    index: { type: 'boolean' },
    range: { type: 'string' },
    rev: { type: 'string' },
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    config: { type: 'string' },
    'no-audit': { type: 'boolean' },
    'list-suppressions': { type: 'boolean' },
  }, { positionals: true });
  if (!parsed) return 0;
  const { values, positionals, verbosity } = parsed;
  // As the framework's safety-gate-scan hook: a skip must show as Skipped (pre-commit's SKIP).
  if (io.env.PRE_COMMIT === '1' && (io.env.SAFETY_GATE_SKIP === '1' || io.env.SAFETY_GATE_SKIP === 'true')) {
    const { msg } = await import('../../messages.js');
    throw new GateError('usage', msg.skipUnderPreCommit, msg.skipUnderPreCommitHint);
  }
  const usage = (what: string) => new GateError('usage', `scan: ${what}`, 'see safety-gate scan --help');
  const modes = (['staged', 'index', 'range', 'rev'] as const).filter((m) => values[m] !== undefined && values[m] !== false);
  if (modes.length > 1) throw usage(`use only one of --${modes.join(', --')}`);
  if (values['list-suppressions']) {
    const { listSuppressionsCommand } = await import('./suppressions.js');
    return listSuppressionsCommand(io, { rev: str(values.rev) ?? 'HEAD', format: str(values.format) ?? 'text' });
  }
  let request: SourceRequest;
  if (values.staged) request = { kind: 'staged', paths: positionals.length > 0 ? positionals : undefined };
  else if (values.range) request = { kind: 'range', range: str(values.range)! };
  else if (values.index) request = { kind: 'tree', rev: 'HEAD', index: true };
  else request = { kind: 'tree', rev: str(values.rev) ?? 'HEAD' };
  // `scan [DIR]`: the repository to scan (gitleaks and detect-secrets take a path the same way).
  if (!values.staged && positionals.length > 1) throw usage(`unexpected argument ${JSON.stringify(positionals[1])}`);
  if (!values.staged && positionals[0]) io = { ...io, cwd: resolve(io.cwd, positionals[0]) };
  return runDoor(io, {
    door: 'scan',
    request,
    output: parseOutput(str(values.format), str(values.output), 'text'),
    configFile: str(values.config),
    audit: !values['no-audit'],
    verbosity,
  });
}
