// Runs one check for a door or a scan: hard deadline, skip handling, output, audit record.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Door } from '../doors.js';
import { check, deadlineFor, type CheckResult } from '../doors/check.js';
import { doorSpec } from '../doors/door.js';
import { PRE_POLICY_DEADLINE_MS } from '../config/deadlines.js';
import type { RepoInfo } from '../git/repo.js';
import type { Policy } from '../config/schema.js';
import { gitCommonDirWithoutGit } from '../audit/locate.js';
import { rules as registeredRules } from '../rules/registry.js';
import { GateError, EXIT } from '../errors.js';
import type { Report } from '../findings/types.js';
import { msg, auditMsg } from '../messages.js';
import type { SourceRequest } from '../sources/index.js';
import { writeErr, type CliIO } from './io.js';
import { VERSION } from '../version.js';
import { appendAuditRecord, appendAuditRecordSync, type AuditRecordInput } from '../audit/log.js';
import { auditLogPath } from '../audit/path.js';
import { laneOf, lanesOf } from '../audit/lane.js';
import { formatText } from '../reporters/text.js';
import type { Verbosity } from './args.js';
import { startProgress } from './progress.js';
import { outMsg } from './messages.js';

export interface OutputOptions {
  format: 'text' | 'json' | 'sarif' | 'codequality';
  /** Write the report here instead of the terminal. */
  file: string | null;
}

export interface DoorOptions {
  door: Door;
  request: SourceRequest;
  output: OutputOptions;
  configFile?: string;
  /** `scan --baseline FILE`. */
  baselineFile?: string;
  skipRequested?: boolean;
  /** Scans may turn auditing off (--no-audit). */
  audit?: boolean;
  verbosity?: Verbosity;
  /** Say nothing when nothing was found (pre-tool-use: an agent's every edit). */
  quietPass?: boolean;
  /** Run only these rules (pre-tool-use: the ones an edit can break before it is committed). */
  rules?: readonly string[];
}

/** What the run knows so far: the audit record of a run cut short is written with it. */
interface RunState {
  repo: RepoInfo | null;
  policy: Policy | null;
  /** A record for this run was written, or is being written: never a second one. */
  audited: boolean;
}

export async function runDoor(io: CliIO, opts: DoorOptions): Promise<number> {
  const started = Date.now();
  const hook = opts.door !== 'scan';
  const state: RunState = { repo: null, policy: null, audited: false };
  // Hard stop: even a stuck child or a busy loop cannot let a push through. The engine also
  // checks the policy's own deadline between steps; this timer covers the time before the
  // policy is known and anything the cooperative checks cannot interrupt. The run still leaves
  // its audit line (written synchronously: nothing after this timer is awaited).
  let timer: NodeJS.Timeout | undefined;
  const arm = (limit: number) => {
    clearTimeout(timer);
    timer = setTimeout(
      () => {
        const reason = msg.deadline(opts.door, limit);
        const auditFailure = hook ? auditCutShort(io, opts, state, started, `deadline: ${reason}`) : null;
        writeErr(io, msg.undecidedLine(auditFailure ? `${reason}; ${auditFailure}` : reason, msg.deadlineHint) + '\n');
        process.exit(EXIT.undecided);
      },
      Math.max(0, started + limit - Date.now()) + 100,
    );
    timer.unref();
  };
  arm(PRE_POLICY_DEADLINE_MS[opts.door]);

  // A report that cannot be written is known before the work starts: say so in one line.
  if (opts.output.file) checkOutputPath(resolve(io.cwd, opts.output.file));

  let result: CheckResult;
  const progress = startProgress(io, opts.door, opts.verbosity?.quiet === true || (opts.output.file === null && opts.output.format !== 'text' && opts.door !== 'scan'));
  try {
    if (opts.skipRequested && io.env.PRE_COMMIT === '1') {
      // The pre-commit framework would print "Passed" for a skip; its own SKIP prints "Skipped".
      throw new GateError('usage', msg.skipUnderPreCommit, msg.skipUnderPreCommitHint);
    }
    if (opts.skipRequested) {
      const skipped = await recordSkip(io, opts, started);
      if (skipped) return EXIT.pass;
    }
    result = await check({
      cwd: io.cwd,
      env: io.env,
      door: opts.door,
      request: opts.request,
      configFile: opts.configFile,
      baselineFile: opts.baselineFile,
      startedAt: started,
      rules: opts.rules ? registeredRules.filter((r) => opts.rules!.includes(r.meta.id)) : undefined,
      onRepo: (repo) => {
        state.repo = repo;
      },
      onPolicy: (policy) => {
        state.policy = policy;
        arm(deadlineFor(policy, opts.door));
        if (opts.door === 'pre-receive') refusePreloadedCode(io.env, policy);
      },
      onChangeSet: (cs) => progress.changeSet(cs),
    });
  } catch (e) {
    clearTimeout(timer);
    if (hook && !state.audited) {
      state.audited = true;
      await auditError(io, opts, e, started, state);
    }
    throw e;
  } finally {
    clearTimeout(timer);
    progress.stop();
  }

  // Record first, then speak: a decision that cannot be recorded is reported as that one line
  // (exit 2), never as "passed" followed by "could not decide".
  if (opts.audit !== false && result.policy.audit.enabled) {
    state.audited = true;
    try {
      await audit(io, opts, result, started);
    } catch (e) {
      const inner = e instanceof GateError ? e : new GateError('io', String((e as Error)?.message ?? e));
      throw new GateError('io', auditMsg.decisionUnrecorded(result.report.decision, inner.message), inner.hint ?? 'make the audit log writable, then push again');
    }
  }
  if (!(opts.quietPass && result.report.findings.length === 0)) await emit(io, opts, result);
  return result.report.decision === 'block' ? EXIT.block : EXIT.pass;
}

/**
 * The audit line of a run the hard deadline cuts short, written synchronously. Returns null when
 * written (or when the policy turns auditing off), else the reason it could not be.
 */
function auditCutShort(io: CliIO, opts: DoorOptions, state: RunState, started: number, error: string): string | null {
  if (state.audited) return null;
  state.audited = true;
  if (state.policy && !state.policy.audit.enabled) return null;
  try {
    const commonDir = state.repo?.commonDir ?? gitCommonDirWithoutGit(io.cwd, io.env);
    const path = io.env.SAFETY_GATE_AUDIT_LOG ?? (commonDir ? auditPath(io, state.policy?.audit.path ?? 'safety-gate/audit.jsonl', commonDir) : null);
    if (!path) return 'no audit log could be located for this run';
    appendAuditRecordSync(path, errorRecord(io, opts, state, started, error), { timeoutMs: 3000, noSync: opts.door !== 'pre-receive' });
    return null;
  } catch (e) {
    return `the audit log could not be written either (${(e as Error).message})`;
  }
}

function errorRecord(io: CliIO, opts: DoorOptions, state: RunState, started: number, error: string): AuditRecordInput {
  const repo = state.repo;
  return {
    run_id: io.env.SAFETY_GATE_RUN_ID ?? randomUUID(),
    door: opts.door,
    repo: repo ? (repo.bare ? repo.gitDir : (repo.workTree ?? repo.gitDir)) : (gitCommonDirWithoutGit(io.cwd, io.env) ?? io.cwd),
    refs: [],
    commits: [],
    policy_hash: state.policy?.hash ?? null,
    policy_id: state.policy?.policyId ?? null,
    decision: 'error',
    findings: [],
    actor: doorSpec(opts.door).actor(io.env),
    retention_class: state.policy?.audit.retentionClass ?? null,
    duration_ms: Date.now() - started,
    error,
  };
}

async function emit(io: CliIO, opts: DoorOptions, result: CheckResult): Promise<void> {
  const { report } = result;
  let text: string;
  if (opts.output.format === 'json') {
    const { formatJson } = await import('../reporters/json.js');
    text = formatJson(report);
  } else if (opts.output.format === 'codequality') {
    const { formatCodeQuality } = await import('../reporters/codequality.js');
    text = formatCodeQuality(report, policyAnchor(result));
  } else if (opts.output.format === 'sarif') {
    const [{ formatSarif }, { rules }] = await Promise.all([import('../reporters/sarif.js'), import('../rules/registry.js')]);
    text = formatSarif(
      report,
      rules.map((r) => r.meta),
      {
        version: VERSION,
        door: opts.door,
        runId: runId(io, result),
        anchorPath: policyAnchor(result),
      },
    );
  } else {
    const color = !opts.output.file && wantsColor(io);
    text = formatText(report, { color, door: opts.door });
  }
  const quiet = opts.verbosity?.quiet === true;
  if (opts.verbosity?.verbose) writeErr(io, verboseLine(result) + '\n');
  if (opts.output.file) {
    const file = resolve(io.cwd, opts.output.file);
    try {
      writeFileSync(file, text.endsWith('\n') ? text : text + '\n');
    } catch (e) {
      throw new GateError('io', msg.outputUnwritable(file, (e as NodeJS.ErrnoException).code ?? (e as Error).message), msg.outputUnwritableHint);
    }
    if (!quiet || report.decision === 'block') writeErr(io, summaryLines(report, opts.door) + '\n');
    return;
  }
  // --quiet: a clean text run prints nothing; findings and the verdict of a block still print.
  if (quiet && opts.output.format === 'text' && report.findings.length === 0) return;
  // Hooks talk on stderr (git relays it, as `remote:` lines on a push); scans print the report on stdout.
  const stream = opts.door === 'scan' || opts.output.format !== 'text' ? io.stdout : io.stderr;
  // GitLab shows a declined push's reasons in its UI only from lines that start GL-HOOK-ERR:.
  const prefix = opts.output.format === 'text' && report.decision === 'block' ? gitlabPrefix(io.env, opts.door) : '';
  if (prefix)
    text = text
      .trimEnd()
      .split('\n')
      .map((l) => prefix + l)
      .join('\n');
  if (text.length > 0) stream.write(text.endsWith('\n') ? text : text + '\n');
}

/** `GL-HOOK-ERR: ` in a GitLab (Gitaly) server hook, where GitLab sets GL_ID / GL_USERNAME / GL_PROTOCOL. */
function gitlabPrefix(env: NodeJS.ProcessEnv, door: Door): string {
  return door === 'pre-receive' && (env.GL_ID || env.GL_USERNAME || env.GL_PROTOCOL) ? 'GL-HOOK-ERR: ' : '';
}

/** The verdict lines of the text report (one format wherever the verdict is printed). */
function summaryLines(report: Report, door: Door): string {
  const lines = formatText(report, { color: false, door }).trimEnd().split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${msg.prefix}: `));
  return lines.slice(at < 0 ? 0 : at).join('\n');
}

function verboseLine(result: CheckResult): string {
  const s = result.report.stats as Record<string, unknown>;
  return outMsg.verbose(result.policy.sources.join(', '), {
    commits: s.commits ?? 0,
    files: s.files ?? 0,
    blobs: s.blobsRead ?? 0,
    bytes: s.bytesRead ?? 0,
    ms: s.durationMs ?? '?',
  });
}

/** The folder of --output must exist and be a folder; the file itself may be new. */
function checkOutputPath(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) throw new GateError('io', msg.outputNoFolder(file, dir), msg.outputNoFolderHint);
  if (!statSync(dir).isDirectory()) throw new GateError('io', msg.outputNoFolder(file, dir), msg.outputNoFolderHint);
  if (existsSync(file) && statSync(file).isDirectory()) throw new GateError('io', msg.outputIsFolder(file), msg.outputNoFolderHint);
}

function wantsColor(io: CliIO): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  const stream = (opts: NodeJS.WritableStream) => (opts as NodeJS.WriteStream).isTTY === true;
  return stream(io.stderr);
}

const runIds = new WeakMap<CheckResult, string>();
/** One id per run: the agent task's run_id when there is one, so audit and SARIF correlate. */
function runId(io: CliIO, result: CheckResult): string {
  let id = runIds.get(result);
  if (!id) {
    id = result.changeSet.task?.runId ?? sharedRunIdTrailer(result) ?? io.env.SAFETY_GATE_RUN_ID ?? randomUUID();
    runIds.set(result, id);
  }
  return id;
}

/** The Run-Id trailer every checked commit carries, when they all carry the same one (an agent's push). */
function sharedRunIdTrailer(result: CheckResult): string | null {
  const ids = new Set<string>();
  for (const c of result.changeSet.commits) {
    if (c.transition) continue; // a ref move's pseudo commit has no message of its own
    const t = c.trailers.find((x) => x.key.toLowerCase() === 'run-id');
    if (!t) return null;
    ids.add(t.value);
  }
  return ids.size === 1 ? [...ids][0]! : null;
}

/** Repository-relative policy file, where SARIF anchors findings that have no path. */
function policyAnchor(result: CheckResult): string {
  const root = result.repo.workTree;
  const file = result.policy.sources.find((s) => !s.startsWith('preset:'));
  if (root && file && file.startsWith(root + '/')) return file.slice(root.length + 1);
  return 'safety-gate.config.yaml';
}

async function audit(io: CliIO, opts: DoorOptions, result: CheckResult, started: number): Promise<void> {
  const { policy, changeSet, report, repo } = result;
  await appendAuditRecord(
    opts.door === 'scan' ? scanAuditPath(io) : auditPath(io, policy.audit.path, repo.commonDir),
    {
      run_id: runId(io, result),
      door: opts.door,
      repo: repo.bare ? repo.gitDir : (repo.workTree ?? repo.gitDir),
      refs: changeSet.refs.map((r) => ({ ref: r.ref, old: r.oldOid, new: r.newOid })),
      // Pseudo commits of ref moves carry labels, not object ids: the refs above record the moves.
      commits: changeSet.commits
        .filter((c) => !c.transition)
        .map((c) => c.oid)
        .filter((c): c is string => c !== null),
      policy_hash: policy.hash,
      policy_id: policy.policyId,
      // A pass that break-glass made possible is an override (retention class override-7y).
      decision: report.decision === 'pass' && result.overrides.length > 0 ? 'override' : report.decision,
      override: result.overrides[0] ?? null,
      findings: report.findings,
      actor: changeSet.actor,
      retention_class: result.overrides.length > 0 ? 'override-7y' : policy.audit.retentionClass,
      task: laneOf(changeSet),
      lanes: lanesOf(changeSet),
      duration_ms: Date.now() - started,
      // The server's log is the evidence and is flushed to disk; a client log (which its owner can
      // rewrite anyway) skips the 3-4 ms fsync that would dominate a commit's hook time.
    },
    { noSync: opts.door !== 'pre-receive' },
  );
}

function auditPath(io: CliIO, configured: string, commonDir: string): string {
  return auditLogPath(io.env, configured, commonDir);
}

/**
 * Scans are recorded in the user's state directory ($XDG_STATE_HOME/safety-gate, else
 * ~/.local/state/safety-gate), never inside the repository scanned: a read-only checkout, a
 * CI cache or someone else's clone stays untouched. SAFETY_GATE_AUDIT_LOG overrides it.
 */
function scanAuditPath(io: CliIO): string {
  if (io.env.SAFETY_GATE_AUDIT_LOG) return io.env.SAFETY_GATE_AUDIT_LOG;
  const state = io.env.XDG_STATE_HOME || (io.env.HOME ? join(io.env.HOME, '.local', 'state') : null);
  if (!state) throw new GateError('io', auditMsg.noScanLogPlace, auditMsg.noScanLogPlaceHint);
  return join(state, 'safety-gate', 'audit.jsonl');
}

/** A skip is a decision too: record it, and tell the user the server still checks. */
async function recordSkip(io: CliIO, opts: DoorOptions, started: number): Promise<boolean> {
  const { openRepo } = await import('../git/repo.js');
  const door = doorSpec(opts.door);
  const repo = await openRepo(io.cwd, io.env);
  const policy = await door.policy({ cwd: io.cwd, env: io.env, repo, request: opts.request, configFile: opts.configFile });
  if (!policy.client.allowSkip) {
    writeErr(io, outMsg.skipNotAllowed + '\n');
    return false;
  }
  writeErr(io, msg.skipped(opts.door) + '\n');
  if (policy.audit.enabled) {
    await appendAuditRecord(auditPath(io, policy.audit.path, repo.commonDir), {
      run_id: io.env.SAFETY_GATE_RUN_ID ?? randomUUID(),
      door: opts.door,
      repo: repo.workTree ?? repo.gitDir,
      refs: [],
      commits: [],
      policy_hash: policy.hash,
      policy_id: policy.policyId,
      decision: 'skip',
      findings: [],
      actor: door.actor(io.env),
      retention_class: policy.audit.retentionClass,
      duration_ms: Date.now() - started,
    });
  }
  return true;
}

/**
 * A run that could not decide is recorded too: in the repository the run found, else one located
 * without git (git missing or broken), else SAFETY_GATE_AUDIT_LOG. Failing that, the error itself
 * stays the one line the user sees.
 */
async function auditError(io: CliIO, opts: DoorOptions, error: unknown, started: number, state: RunState): Promise<void> {
  try {
    if (state.policy && !state.policy.audit.enabled) return;
    let commonDir = state.repo?.commonDir ?? null;
    if (!commonDir && !io.env.SAFETY_GATE_AUDIT_LOG) {
      try {
        const { openRepo } = await import('../git/repo.js');
        state.repo = await openRepo(io.cwd, io.env);
        commonDir = state.repo.commonDir;
      } catch {
        commonDir = gitCommonDirWithoutGit(io.cwd, io.env);
      }
    }
    const path = io.env.SAFETY_GATE_AUDIT_LOG ?? (commonDir ? auditPath(io, state.policy?.audit.path ?? 'safety-gate/audit.jsonl', commonDir) : null);
    if (!path) return;
    const text = error instanceof GateError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
    await appendAuditRecord(path, errorRecord(io, opts, state, started, text), { noSync: opts.door !== 'pre-receive' });
  } catch {
    // The error itself is what the user must see; a failing audit must not mask it.
  }
}

/**
 * Defence in depth for pre-receive: NODE_OPTIONS that preloads code (--require, -r, --import,
 * --loader, --experimental-loader) ran that code before the gate, so the gate cannot vouch for
 * its own decision. The installed hook clears the pusher's Node settings; a hand-written hook
 * that does not is refused (exit 2) unless the server's policy says server.allow_node_options.
 */
function refusePreloadedCode(env: NodeJS.ProcessEnv, policy: Policy): void {
  const options = env.NODE_OPTIONS ?? '';
  if (policy.server.allowNodeOptions || !PRELOAD.test(options)) return;
  throw new GateError('usage', msg.nodeOptionsPreload, msg.nodeOptionsPreloadHint);
}
const PRELOAD = /(?:^|\s)(?:--require|-r|--import|--loader|--experimental-loader)(?:[=\s]|$)/;
