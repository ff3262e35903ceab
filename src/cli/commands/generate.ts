// `safety-gate generate <id> [--stage] [--format text|json] [--config FILE]`, `generate --list`.
//
// Runs exactly the argv the policy approves for generator <id> (execFile: no shell), from the
// repository root, then records a receipt under $GIT_DIR/safety-gate/receipts/: the argv, tool
// versions, the blob ids of its inputs and outputs as `git add` would store them, and the time.
// Client hooks accept a protected change whose committed inputs and outputs equal a receipt.
//
// Built-in sentinel generators (`sentinel:<path>`) run no program: the gate writes the sentinel
// itself from the covered files.
//
// Nothing is staged unless --stage is given (then exactly the generator's outputs are staged,
// deletions included): the index belongs to the person committing, and a partial commit in
// progress must not grow behind their back. The command prints the `git add` line otherwise.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { sha256Hex } from '../../rules/_change-control/blob-hash.js';
import { buildModel, type GeneratorSpec } from '../../rules/_change-control/model.js';
import { diffStates, fingerprint, writeReceipt, type FileStates, type Receipt } from '../../rules/_change-control/receipts.js';
import { renderSentinel } from '../../rules/_change-control/sentinel-format.js';
import { candidatePaths, hashFiles, readBlobs } from '../worktree.js';
import { createPathMatcher } from '../../engine/paths.js';
import { EXIT, GateError } from '../../errors.js';
import { createGitRunner, splitZ, type GitRunner } from '../../git/exec.js';
import { openRepo } from '../../git/repo.js';
import { generateMsg, msg } from '../../messages.js';
import type { CliIO } from '../io.js';
import { parseStrict } from '../args.js';
import { outMsg } from '../messages.js';
import { writeErr, writeOut } from '../io.js';

function execText(argv: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ ok: !err, out: `${stdout ?? ''}${stderr ?? ''}`.trim() });
    });
  });
}

/** Runs the generator with the terminal's stdout/stderr forwarded; never a shell. */
function runGenerator(
  argv: readonly string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; io: CliIO },
): Promise<{ code: number | null; error: string | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = execFile(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, timeout: opts.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'buffer' }, (err) => {
      const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: number | string }) | null;
      if (!e) resolve({ code: 0, error: null, timedOut: false });
      else if (typeof e.code === 'string') resolve({ code: null, error: e.message.split('\n')[0]!, timedOut: false });
      else resolve({ code: typeof e.code === 'number' ? e.code : null, error: null, timedOut: e.killed === true && e.signal === 'SIGTERM' });
    });
    child.stdout?.on('data', (d: Buffer) => writeErr(opts.io, d));
    child.stderr?.on('data', (d: Buffer) => writeErr(opts.io, d));
  });
}

function whichProgram(program: string, env: NodeJS.ProcessEnv, root: string): string | null {
  if (program.includes('/')) {
    const p = isAbsolute(program) ? program : join(root, program);
    return existsSync(p) ? p : null;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, program);
    try {
      if (lstatSync(p).isFile() || lstatSync(p).isSymbolicLink()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

async function indexStates(git: GitRunner, pick: (p: string) => boolean): Promise<FileStates> {
  const r = await git.run(['ls-files', '-s', '-z', '--full-name']);
  const out: FileStates = {};
  for (const rec of splitZ(r.stdout)) {
    const tab = rec.indexOf('\t');
    const [mode, oid] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (pick(path)) out[path] = { oid: oid!, mode: mode! };
  }
  return out;
}

/** The built-in sentinel generator: write the sentinel from the covered files of the work tree. */
async function writeSentinel(gen: GeneratorSpec, git: GitRunner, root: string, format: 'sha1' | 'sha256'): Promise<void> {
  const spec = gen.sentinel!;
  const paths = (await candidatePaths(git)).filter((p) => spec.covered(p));
  // Stored blobs (filters applied), so the hashes are those of the committed content.
  const states = await hashFiles(git, root, paths, format, true);
  const contents = await readBlobs(
    git,
    Object.values(states)
      .filter((s) => s.mode !== '120000')
      .map((s) => s.oid),
  );
  const entries = Object.entries(states).map(([p, s]) => {
    const bytes = s.mode === '120000' ? Buffer.from(readlinkSync(join(root, p))) : contents.get(s.oid);
    if (!bytes) throw new GateError('git', generateMsg.unreadable(p), generateMsg.unreadableHint);
    return { path: spec.entryPath(p), hex: sha256Hex(bytes) };
  });
  const text = renderSentinel(spec.format, entries);
  const target = join(root, spec.path);
  let current: string | null = null;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* new */
  }
  if (current !== text) writeFileSync(target, text);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseStrict(argv, {
    stage: { type: 'boolean' },
    list: { type: 'boolean' },
    format: { type: 'string' },
    config: { type: 'string' },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new GateError('usage', generateMsg.badFormat(format), msg.usageHint);

  const repo = await openRepo(io.cwd, io.env);
  if (!repo.workTree) throw new GateError('usage', generateMsg.bare, generateMsg.bareHint);
  const root = repo.workTree;
  const { loadPolicyCached } = await import('../../config/cache.js');
  const policy = await loadPolicyCached({ cwd: root, configFile: values.config, mode: 'client', gitDir: repo.commonDir });
  const model = buildModel(policy, createPathMatcher(policy.runtimeScope, policy.caseInsensitivePaths));

  if (values.list) {
    if (format === 'json') {
      writeOut(
        io,
        JSON.stringify(
          model.generators.map((g) => ({ id: g.id, command: g.command, inputs: g.inputGlobs, outputs: g.outputGlobs, verify: g.verify, server: g.server })),
          null,
          2,
        ) + '\n',
      );
    } else if (model.generators.length === 0) writeOut(io, outMsg.noGenerators + '\n');
    else for (const g of model.generators) writeOut(io, outMsg.generatorRow(g.id, g.sentinel ? null : g.command, g.outputGlobs) + '\n');
    return EXIT.pass;
  }

  const id = positionals[0];
  if (!id || positionals.length > 1) throw new GateError('usage', generateMsg.usage, generateMsg.usageHint);
  const gen = model.generator(id);
  if (!gen) {
    const known = model.generators.map((g) => g.id).join(', ') || 'none';
    throw new GateError('usage', generateMsg.unknown(id, known), generateMsg.unknownHint);
  }

  const git = createGitRunner(root, io.env);
  const env = io.env;
  const started = new Date();
  const before = await hashFiles(git, root, (await candidatePaths(git)).filter(gen.isInput), repo.objectFormat);

  if (gen.sentinel) {
    await writeSentinel(gen, git, root, repo.objectFormat);
  } else {
    const r = await runGenerator(gen.command, { cwd: root, env, timeoutMs: gen.timeoutMs, io });
    if (r.error) throw new GateError('io', generateMsg.noStart(gen.id, r.error), generateMsg.noStartHint(gen.command[0]));
    if (r.timedOut) throw new GateError('io', generateMsg.timedOut(gen.id, gen.timeoutMs), generateMsg.timedOutHint);
    if (r.code !== 0) throw new GateError('io', generateMsg.failed(gen.id, r.code), generateMsg.failedHint);
  }

  const after = await candidatePaths(git);
  const inputs = await hashFiles(git, root, after.filter(gen.isInput), repo.objectFormat);
  const outputs = await hashFiles(git, root, after.filter(gen.isOutput), repo.objectFormat);
  // Inputs that are not outputs must not move while the generator runs.
  const moved = diffStates(before, inputs).filter((d) => !gen.isOutput(d.path));
  if (moved.length > 0) {
    throw new GateError('io', generateMsg.inputMoved(moved[0]!.path, gen.id), generateMsg.inputMovedHint);
  }

  let version: string | null = null;
  if (gen.versionCommand) {
    const v = await execText(gen.versionCommand, { cwd: root, env, timeoutMs: 10000 });
    version = v.ok ? (v.out.split('\n')[0] ?? '').slice(0, 200) : null;
  }
  const gitVersion = (await git.run(['--version'])).stdout.toString('utf8').trim();
  const receipt: Receipt = {
    schema: 'safety-gate/receipt@1',
    generator: gen.id,
    argv: [...gen.command],
    cwd: '.',
    tools: {
      node: process.version,
      git: gitVersion.replace(/^git version /, ''),
      command: gen.sentinel ? 'safety-gate (built-in)' : whichProgram(gen.command[0]!, env, root),
      version,
    },
    inputs,
    outputs,
    started_at: started.toISOString(),
    finished_at: new Date().toISOString(),
    fingerprint: fingerprint(gen.id, gen.command, inputs, outputs),
  };
  const written = writeReceipt(repo.commonDir, receipt);

  // What differs from the index: the paths to stage.
  const staged = await indexStates(git, gen.isOutput);
  const toStage = diffStates(outputs, staged).map((d) => d.path);
  if (values.stage && toStage.length > 0) {
    await git.run(['add', '-A', '--', ...toStage.map((p) => `:(literal)${p}`)]);
  }

  if (format === 'json') {
    writeOut(io, JSON.stringify({ receipt, receiptPath: written.archived, staged: values.stage ? toStage : [], unstaged: values.stage ? [] : toStage }, null, 2) + '\n');
  } else {
    const n = Object.keys(outputs).length;
    writeOut(io, outMsg.generatorDone(gen.id, receipt.fingerprint, n) + '\n');
    if (toStage.length === 0) writeOut(io, outMsg.generatorIndexHolds + '\n');
    else if (values.stage) writeOut(io, outMsg.generatorStaged(toStage) + '\n');
    else writeOut(io, outMsg.generatorStageHint(toStage.map(shellQuote)) + '\n');
  }
  return EXIT.pass;
}

function shellQuote(s: string): string {
  return /^[\w./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
