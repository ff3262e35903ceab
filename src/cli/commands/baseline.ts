// `safety-gate baseline [--output FILE] [--rev REV] [--config FILE] [--format text|json]`:
// records the findings of the tree at REV (default HEAD) by content fingerprint, so that a team
// can adopt the gate on a repository that already has findings: these stop blocking, every new
// one still blocks. The file (default .safety-gate/baseline.json) is protected by the presets
// (group safety-gate-policy): commit it with the policy, and later edits need security review.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { check } from '../../doors/check.js';
import { GateError, EXIT } from '../../errors.js';
import { msg, cliMsg } from '../../messages.js';
import type { CliIO } from '../io.js';
import { parseStrict } from '../args.js';
import { outMsg } from '../messages.js';
import { writeOut } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseStrict(argv, {
    output: { type: 'string', short: 'o' },
    rev: { type: 'string' },
    config: { type: 'string' },
    format: { type: 'string' },
  });
  if (positionals.length > 0) throw new GateError('usage', cliMsg.unexpectedArg(JSON.stringify(positionals[0])), msg.usageHint);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new GateError('usage', cliMsg.baselineFormat(format), msg.usageHint);
  const rev = values.rev ?? 'HEAD';
  const { openRepo } = await import('../../git/repo.js');
  const probe = await openRepo(io.cwd, io.env, { withHead: true });
  if (rev === 'HEAD' && probe.head === null) {
    // A repository without commits has no findings yet: an empty baseline, so that the
    // adoption sequence is the same for every repository.
    return write(io, probe.workTree ?? io.cwd, values.output, null, { findings: [], rev: null, policyHash: null }, 0, format);
  }
  const { report, policy, repo } = await check({
    cwd: io.cwd,
    env: io.env,
    door: 'scan',
    request: { kind: 'tree', rev },
    configFile: values.config,
    noBaseline: true,
  });
  const resolved = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { okCodes: [0, 1, 128] });
  const configured = policy.baseline && !policy.baseline.startsWith('/') ? policy.baseline : null;
  return write(
    io,
    repo.workTree ?? io.cwd,
    values.output,
    configured,
    { findings: report.findings, rev: resolved.code === 0 ? resolved.stdout.toString('utf8').trim() : null, policyHash: policy.hash },
    report.findings.length,
    format,
  );
}

async function write(
  io: CliIO,
  root: string,
  output: string | undefined,
  configured: string | null,
  input: { findings: import('../../findings/types.js').Finding[]; rev: string | null; policyHash: string | null },
  total: number,
  format: string,
): Promise<number> {
  const { buildBaseline, formatBaseline, DEFAULT_BASELINE_PATH } = await import('../../findings/baseline.js');
  const file = buildBaseline(input.findings, { rev: input.rev, policyHash: input.policyHash });
  const rev = input.rev ?? '(no commits yet)';
  const out = output ? resolve(io.cwd, output) : resolve(root, configured ?? DEFAULT_BASELINE_PATH);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, formatBaseline(file));
  const recorded = file.findings.reduce((n, e) => n + e.count, 0);
  const left = total - recorded;
  const shown = relative(root, out).startsWith('..') ? out : relative(root, out);
  if (format === 'json') {
    writeOut(io, `${JSON.stringify({ schema: 'safety-gate/baseline-result@1', file: shown, rev: file.rev, recorded, not_baselineable: left }, null, 2)}\n`);
  } else {
    writeOut(io, outMsg.baselineWritten(recorded, file.rev ? file.rev.slice(0, 12) : rev, shown, left) + '\n');
  }
  return EXIT.pass;
}
