// `safety-gate scan [DIR] [--staged | --index | --range A..B | --rev REV] [--format text|json|sarif] [--output FILE]`
// No argument: every file of the tree at HEAD. With no config in the repository the built-in
// `recommended` policy applies.
import { resolve } from 'node:path';
import { EXIT, GateError } from '../../errors.js';
import { requireDir } from '../paths.js';
import type { SourceRequest } from '../../sources/index.js';
import type { CliIO } from '../io.js';
import { parseCommand, str } from '../args.js';
import { USAGES } from '../usage.js';
import { runDoor } from '../run-door.js';
import { parseOutput } from './hook.js';
import { cliMsg } from '../../messages.js';

const SCAN_USAGE = USAGES.scan!;

export async function run(argv: string[], io: CliIO): Promise<number> {
  const parsed = parseCommand(
    'scan',
    SCAN_USAGE,
    argv,
    io,
    {
      staged: { type: 'boolean' },
      index: { type: 'boolean' },
      range: { type: 'string' },
      rev: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      config: { type: 'string' },
      'no-audit': { type: 'boolean' },
      'list-suppressions': { type: 'boolean' },
      history: { type: 'boolean' },
      'no-git': { type: 'boolean' },
      'exit-code': { type: 'string' },
      all: { type: 'boolean' },
      baseline: { type: 'string' },
    },
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals, verbosity } = parsed;
  // As the framework's safety-gate-scan hook: a skip must show as Skipped (pre-commit's SKIP).
  if (io.env.PRE_COMMIT === '1' && (io.env.SAFETY_GATE_SKIP === '1' || io.env.SAFETY_GATE_SKIP === 'true')) {
    const { msg } = await import('../../messages.js');
    throw new GateError('usage', msg.skipUnderPreCommit, msg.skipUnderPreCommitHint);
  }
  const usage = (what: string) => new GateError('usage', cliMsg.scan(what), cliMsg.seeHelp('scan'));
  const modes = (['staged', 'index', 'range', 'history', 'no-git'] as const).filter((m) => values[m] !== undefined && values[m] !== false);
  if (modes.length > 1) throw usage(`use only one of --${modes.join(', --')}`);
  if (values.rev !== undefined && modes.some((m) => m !== 'history')) throw usage(`--rev cannot be combined with --${modes[0]}`);
  let blockCode = 1;
  if (values['exit-code'] !== undefined) {
    const n = Number(values['exit-code']);
    if (!/^\d+$/.test(String(values['exit-code'])) || n > 255 || n === 2) throw usage('--exit-code takes a number from 0 to 255 other than 2 (2 means could not decide)');
    blockCode = n;
  }
  if (values['list-suppressions']) {
    const { listSuppressionsCommand } = await import('./suppressions.js');
    return listSuppressionsCommand(io, { rev: str(values.rev) ?? 'HEAD', format: str(values.format) ?? 'text', all: values.all === true, configFile: str(values.config) });
  }
  let request: SourceRequest;
  if (values.staged) request = { kind: 'staged', paths: positionals.length > 0 ? positionals : undefined };
  else if (values.range) request = { kind: 'range', range: str(values.range)! };
  else if (values.index || values['no-git']) request = { kind: 'tree', rev: 'HEAD', index: true };
  else if (values.history) request = { kind: 'history', rev: str(values.rev) ?? 'HEAD' };
  else request = { kind: 'tree', rev: str(values.rev) ?? 'HEAD' };
  // `scan [DIR]`: the repository to scan (gitleaks and detect-secrets take a path the same way).
  if (!values.staged && positionals.length > 1) throw usage(`unexpected argument ${JSON.stringify(positionals[1])}`);
  if (!values.staged && positionals[0]) io = { ...io, cwd: requireDir(resolve(io.cwd, positionals[0])) };
  let cleanup = (): void => undefined;
  if (values['no-git']) ({ io, cleanup } = await folderAsIndex(io));
  try {
    const code = await runDoor(io, {
      door: 'scan',
      request,
      output: parseOutput(str(values.format), str(values.output), 'text'),
      configFile: str(values.config),
      baselineFile: str(values.baseline),
      audit: !values['no-audit'],
      verbosity,
    });
    return code === EXIT.block ? blockCode : code;
  } finally {
    cleanup();
  }
}

/**
 * scan --no-git DIR: the folder's files are hashed into a throw-away repository's index (in the
 * temp directory; DIR itself is only read), and that index is scanned like `--index`: one
 * engine, the same rules and positions. Ignored files count too: the folder is not a checkout.
 */
async function folderAsIndex(io: CliIO): Promise<{ io: CliIO; cleanup: () => void }> {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { gitSync } = await import('../../git/exec.js');
  const gitDir = mkdtempSync(join(tmpdir(), 'safety-gate-no-git-'));
  const cleanup = () => rmSync(gitDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...io.env, GIT_DIR: gitDir, GIT_WORK_TREE: io.cwd, GIT_INDEX_FILE: join(gitDir, 'index') };
  delete env.GIT_OBJECT_DIRECTORY;
  delete env.GIT_ALTERNATE_OBJECT_DIRECTORIES;
  for (const args of [
    ['init', '-q'],
    ['-c', 'core.autocrlf=false', 'add', '-A', '-f', '--', '.'],
  ]) {
    let r: { status: number; stderr: string; error?: Error };
    try {
      r = gitSync(args, io.cwd, env);
    } catch (e) {
      r = { status: -1, stderr: '', error: e as Error };
    }
    if (r.status !== 0) {
      cleanup();
      const detail = (r.error?.message ?? r.stderr.trim().split('\n')[0]) || `exit ${r.status}`;
      throw new GateError('io', cliMsg.folderUnreadable(io.cwd, args.at(-1) === '.' ? 'add' : 'init', detail), cliMsg.folderUnreadableHint);
    }
  }
  return { io: { ...io, env }, cleanup };
}
