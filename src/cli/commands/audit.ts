// `safety-gate audit verify|export`: check the hash chain of the audit log, and export evidence.
// Exit codes: 0 the log verifies, 1 it was tampered with, 2 it could not be read (or bad usage).
import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import { auditLogPathForGitDir } from '../../audit/log.js';
import type { CliIO } from '../io.js';
import { createGitRunner } from '../../git/exec.js';
import { cliMsg } from '../../messages.js';

class UsageError extends Error {}

/** The log (or git) could not be read: exit 2 with a hint. */
class ReadError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

interface Parsed {
  flags: Map<string, string>;
  rest: string[];
}

/** Each known flag takes a value (`--log PATH`, `--log=PATH`); node:util parseArgs, strict. */
function parseFlags(argv: string[], known: readonly string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: Object.fromEntries(known.map((name) => [name, { type: 'string' as const }])), allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!);
  }
  const flags = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { flags, rest: parsed.positionals };
}

function textOrJson(flags: Map<string, string>): 'text' | 'json' {
  const format = flags.get('format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not ${format}`);
  return format;
}

async function gitCommonDir(io: CliIO): Promise<string> {
  const r = await createGitRunner(io.cwd, io.env).run(['rev-parse', '--git-common-dir'], { okCodes: [0, 128, 129] });
  if (r.code !== 0) throw new Error(r.stderr.trim().split('\n')[0] || `git rev-parse exited with ${r.code}`);
  return r.stdout.toString('utf8').replace(/\n$/, '');
}

/** `--log`, else `<git common dir>/safety-gate/audit.jsonl` (the bare repository itself on a server). */
async function logPath(flags: Map<string, string>, io: CliIO): Promise<string> {
  const given = flags.get('log');
  if (given !== undefined) return resolve(io.cwd, given);
  let dir: string;
  try {
    dir = await gitCommonDir(io);
  } catch (e) {
    throw new ReadError(`not in a git repository (${(e as Error).message})`, 'run inside the repository or pass --log PATH');
  }
  return auditLogPathForGitDir(isAbsolute(dir) ? dir : resolve(io.cwd, dir));
}

function readFailure(path: string, e: unknown): ReadError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new ReadError(`no audit log at ${path}`, 'no decision was recorded here yet, or the log was deleted; pass --log PATH');
  }
  return new ReadError(`cannot read audit log ${path}: ${code ?? (e as Error).message}`, 'check the path and its permissions');
}

function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text);
}

async function verify(argv: string[], io: CliIO): Promise<number> {
  const { flags, rest } = parseFlags(argv, ['log', 'expect-head', 'format']);
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
  const format = textOrJson(flags);
  const expectHead = flags.get('expect-head');
  if (expectHead !== undefined && !/^[0-9a-fA-F]{64}$/.test(expectHead.trim())) {
    throw new UsageError('--expect-head takes the 64-hex head hash printed by an earlier `audit verify`');
  }
  const path = await logPath(flags, io);
  const { verifyAuditLog } = await import('../../audit/verify.js');
  const { auditHeadPath, readAuditHead } = await import('../../audit/log.js');
  let result;
  try {
    // The hook's own second copy of the head: truncation shows without --expect-head.
    const file = auditHeadPath(path);
    const h = readAuditHead(path);
    const recordedHead = h === null ? { missing: 'missing' as const, file } : h === 'unreadable' ? { missing: 'unreadable' as const, file } : { seq: h.seq, head: h.head, file };
    result = verifyAuditLog(path, { ...(expectHead !== undefined ? { expectHead } : {}), recordedHead });
  } catch (e) {
    throw readFailure(path, e);
  }

  if (format === 'json') {
    write(io.stdout, `${JSON.stringify({ path, ...result }, null, 2)}\n`);
    return result.ok ? 0 : 1;
  }
  const lines: string[] = [];
  if (result.ok) {
    lines.push(`safety-gate audit: ok — ${result.records} record${result.records === 1 ? '' : 's'}, chain intact (${path})`);
  } else {
    lines.push(`safety-gate audit: TAMPERED — ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in ${path}`);
    for (const p of result.problems) lines.push(`  line ${p.line}: ${p.kind} — ${p.message}`);
  }
  if (result.anchor) {
    lines.push(`anchor: expected head found at line ${result.anchor.line}, ${result.anchor.appendedSince} record(s) appended since`);
  }
  if (result.head) {
    lines.push(`head: ${result.head}${result.headSeq !== null ? ` (seq ${result.headSeq})` : ''}`);
    lines.push('record the head outside this machine; `audit verify --expect-head <head>` later detects cut-off lines');
  } else {
    lines.push('head: (empty log)');
  }
  write(io.stdout, `${lines.join('\n')}\n`);
  return result.ok ? 0 : 1;
}

async function exportCmd(argv: string[], io: CliIO): Promise<number> {
  const { flags, rest } = parseFlags(argv, ['log', 'since', 'run-id', 'output', 'release', 'config']);
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
  if (flags.has('release')) return exportRelease(flags, io);
  if (flags.has('config')) throw new UsageError('--config goes with --release');
  const since = flags.get('since');
  if (since !== undefined && Number.isNaN(Date.parse(since))) throw new UsageError(`--since takes an ISO date or time, not ${since}`);
  const path = await logPath(flags, io);
  const { buildEvidence, formatEvidence, writeEvidence } = await import('../../audit/export.js');
  const opts: { since?: string; runId?: string } = {};
  if (since !== undefined) opts.since = since;
  const runId = flags.get('run-id');
  if (runId !== undefined) opts.runId = runId;
  let bundle;
  try {
    bundle = buildEvidence(path, opts);
  } catch (e) {
    throw readFailure(path, e);
  }
  const output = flags.get('output');
  if (output !== undefined) {
    const target = resolve(io.cwd, output);
    try {
      writeEvidence(bundle, target);
    } catch (e) {
      throw new ReadError(`cannot write ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'choose a writable --output path');
    }
    const state = bundle.verification.ok ? 'log verified' : `log TAMPERED (${bundle.verification.problems.length} problems; see verification in the bundle)`;
    write(io.stderr, `safety-gate audit: exported ${bundle.records.length} record(s) to ${target}; ${state}; head ${bundle.log.head ?? '(empty)'}\n`);
  } else {
    write(io.stdout, formatEvidence(bundle));
    if (!bundle.verification.ok) write(io.stderr, `safety-gate audit: the exported log is TAMPERED (${bundle.verification.problems.length} problems)\n`);
  }
  return bundle.verification.ok ? 0 : 1;
}

/** `export --release TAG --output DIR`: the evidence bundle of one release tag (src/audit/release-bundle.ts). */
async function exportRelease(flags: Map<string, string>, io: CliIO): Promise<number> {
  if (flags.has('since') || flags.has('run-id')) throw new UsageError('--release takes no --since or --run-id: the bundle holds every record of the tag and its commit');
  const output = flags.get('output');
  if (output === undefined) throw new UsageError('--release needs --output DIR (the bundle is a directory)');
  const path = await logPath(flags, io);
  if (!(await import('node:fs')).existsSync(path)) throw readFailure(path, Object.assign(new Error('missing'), { code: 'ENOENT' }));
  const policy = await releasePolicy(flags.get('config'), io);
  const [{ writeReleaseBundle, BundleError }, { createGitRunner }, { GateError }] = await Promise.all([
    import('../../audit/release-bundle.js'),
    import('../../git/exec.js'),
    import('../../errors.js'),
  ]);
  try {
    const r = await writeReleaseBundle({ git: createGitRunner(io.cwd, io.env), logPath: path, tag: flags.get('release')!, output: resolve(io.cwd, output), policy });
    const state = r.verified ? 'log verified' : 'log TAMPERED (see decisions.json)';
    write(
      io.stderr,
      `safety-gate audit: release bundle for ${flags.get('release')} (commit ${r.commit.slice(0, 12)}${r.previous ? `, previous release ${r.previous}` : ', first release'}) written to ${r.dir}: ${r.files.length} files, ${r.records} decision record(s); ${state}\n`,
    );
    return r.verified ? 0 : 1;
  } catch (e) {
    if (e instanceof BundleError) throw new ReadError(e.message, e.hint);
    if (e instanceof GateError) throw new ReadError(e.message, e.hint || 'run it in the repository that holds the tag');
    throw e;
  }
}

/**
 * The policy that says what a release tag is: --config, else the server's installed policy in a
 * bare repository ($GIT_DIR/safety-gate/policy.yaml|json), else the repository's own.
 */
async function releasePolicy(config: string | undefined, io: CliIO) {
  const load = await import('../../config/load.js');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const fail = (e: unknown): never => {
    throw new ReadError(`cannot load the policy: ${(e as Error).message.split('\n')[0]}`, 'pass the server policy with --config');
  };
  if (config !== undefined) {
    const p = await load.loadPolicyFile(resolve(io.cwd, config), 'server').catch(fail);
    if (!p) throw new ReadError(`no policy file ${config}`, 'pass the server policy with --config');
    return p;
  }
  let dir: string | null = null;
  try {
    dir = await gitCommonDir(io);
  } catch {
    dir = null;
  }
  for (const name of ['policy.yaml', 'policy.json']) {
    const file = dir ? join(isAbsolute(dir) ? dir : resolve(io.cwd, dir), 'safety-gate', name) : null;
    if (file && existsSync(file)) {
      const p = await load.loadPolicyFile(file, 'server').catch(fail);
      if (p) return p;
    }
  }
  return load.loadPolicy({ cwd: io.cwd, mode: 'client' }).catch(fail);
}

/** Break-glass uses whose follow-up (an `Incident:` change that passed) has not landed within 24 h: exit 1. */
async function overdueCmd(argv: string[], io: CliIO): Promise<number> {
  const { flags, rest } = parseFlags(argv, ['log', 'now', 'format']);
  if (rest.length) throw new UsageError(`unexpected argument ${rest[0]}`);
  const format = textOrJson(flags);
  const nowText = flags.get('now');
  const now = nowText === undefined ? Date.now() : Date.parse(nowText);
  if (Number.isNaN(now)) throw new UsageError(`--now takes an ISO time, not ${nowText}`);
  const path = await logPath(flags, io);
  const { readFileSync } = await import('node:fs');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw readFailure(path, e);
  }
  const records = text
    .split('\n')
    .filter(Boolean)
    .map((line, i) => {
      try {
        return JSON.parse(line);
      } catch {
        throw new ReadError(`line ${i + 1} of ${path} is not JSON`, 'run `safety-gate audit verify` to see what happened to the log');
      }
    });
  const { findOverdue } = await import('../../approvals/overdue.js');
  const items = await findOverdue(records, now, (commits) => incidentTrailers(io, commits));
  const overdue = items.filter((i) => i.status === 'overdue');
  if (format === 'json') write(io.stdout, `${JSON.stringify({ path, items }, null, 2)}\n`);
  else {
    const lines = items.map(
      (i) =>
        `${i.status === 'overdue' ? 'OVERDUE' : 'pending'} break-glass ${i.incident} on ${i.refs.join(', ') || '(no ref)'} at ${i.time} (approved by ${i.approvers.join(' and ')}; bypassed ${i.bypassed.join(', ')}): ` +
        (i.status === 'overdue' ? `no follow-up naming "Incident: ${i.incident}" passed the gate by ${i.due}` : `follow-up naming "Incident: ${i.incident}" due by ${i.due}`),
    );
    if (items.length === 0) lines.push('safety-gate audit: no break-glass use is waiting for its follow-up');
    write(io.stdout, `${lines.join('\n')}\n`);
  }
  return overdue.length > 0 ? 1 : 0;
}

/** Incident: trailers of the commits this repository has (one git process). */
async function incidentTrailers(io: CliIO, commits: string[]): Promise<Map<string, string[]>> {
  if (commits.length === 0) return new Map();
  let stdout: string;
  try {
    const r = await createGitRunner(io.cwd, io.env).run(
      ['log', '--no-walk=unsorted', '--ignore-missing', '--stdin', '--format=%H%x00%(trailers:key=Incident,valueonly,separator=%x1f)%x1e'],
      { input: commits.join('\n') + '\n' },
    );
    stdout = r.stdout.toString('utf8');
  } catch (e) {
    throw new ReadError(`cannot read the commits of the log: ${(e as Error).message.split('\n')[0]}`, 'run in the repository whose log this is');
  }
  const out = new Map<string, string[]>();
  for (const rec of stdout.split('\x1e')) {
    const [oid, values] = rec.replace(/^\n/, '').split('\0');
    if (oid && values !== undefined)
      out.set(
        oid.trim(),
        values
          .split('\x1f')
          .map((v) => v.trim())
          .filter(Boolean),
      );
  }
  return out;
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'verify':
        return await verify(rest, io);
      case 'export':
        return await exportCmd(rest, io);
      case 'overdue':
        return await overdueCmd(rest, io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        write(sub === undefined ? io.stderr : io.stdout, `${cliMsg.auditUsage}\n`);
        return sub === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown audit command ${sub}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      write(io.stderr, `safety-gate audit: ${e.message}\n${cliMsg.auditUsage}\n`);
      return 2;
    }
    if (e instanceof ReadError) {
      write(io.stderr, `safety-gate audit: ${e.message} — ${e.hint}\n`);
      return 2;
    }
    if (e instanceof RangeError) {
      write(io.stderr, `safety-gate audit: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
