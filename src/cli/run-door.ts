// Runs one check for a door or a scan: hard deadline, skip handling, output, audit record.
import { writeFileSync } from 'node:fs';
import { join, isAbsolute } from 'node:path';
import { randomUUID } from 'node:crypto';
import { check, deadlineFor, type CheckResult, type Door } from '../engine/check.js';
import { rules as registeredRules } from '../rules/registry.js';
import { GateError, EXIT } from '../errors.js';
import type { Report } from '../findings/types.js';
import { msg } from '../messages.js';
import type { SourceRequest } from '../sources/index.js';
import type { CliIO } from './io.js';
import { VERSION } from '../version.js';
import { appendAuditRecord } from '../audit/log.js';
import { auditLogPath } from '../audit/path.js';
import { laneOf } from '../audit/lane.js';
import { formatText } from '../reporters/text.js';

export interface OutputOptions {
  format: 'text' | 'json' | 'sarif';
  /** Write the report here instead of the terminal. */
  file: string | null;
}

export interface DoorOptions {
  door: Door;
  request: SourceRequest;
  output: OutputOptions;
  configFile?: string;
  skipRequested?: boolean;
  /** Scans may turn auditing off (--no-audit). */
  audit?: boolean;
  /** Say nothing when nothing was found (pre-tool-use: an agent's every edit). */
  quietPass?: boolean;
  /** Run only these rules (pre-tool-use: the ones an edit can break before it is committed). */
  rules?: readonly string[];
}

const DEFAULT_DEADLINE: Record<Door, number> = {
  'pre-receive': 4000,
  'pre-push': 30000,
  'pre-commit': 30000,
  'commit-msg': 30000,
  // An agent waits on every edit: the hook answers in well under a second.
  'pre-tool-use': 10000,
  scan: 600000,
};

export async function runDoor(io: CliIO, opts: DoorOptions): Promise<number> {
  const started = Date.now();
  const hook = opts.door !== 'scan';
  // Hard stop: even a stuck child or a busy loop cannot let a push through. The engine also
  // checks the policy's own deadline between steps; this timer covers the time before the
  // policy is known and anything the cooperative checks cannot interrupt.
  let timer: NodeJS.Timeout | undefined;
  const arm = (limit: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      io.stderr.write(msg.undecidedLine(msg.deadline(opts.door, limit), msg.deadlineHint) + '\n');
      process.exit(EXIT.undecided);
    }, Math.max(0, started + limit - Date.now()) + 100);
    timer.unref();
  };
  arm(DEFAULT_DEADLINE[opts.door]);

  let result: CheckResult;
  try {
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
      startedAt: started,
      rules: opts.rules ? registeredRules.filter((r) => opts.rules!.includes(r.meta.id)) : undefined,
      onPolicy: (policy) => arm(deadlineFor(policy, opts.door)),
    });
  } catch (e) {
    if (hook) await auditError(io, opts, e, started);
    throw e;
  } finally {
    clearTimeout(timer);
  }

  if (!(opts.quietPass && result.report.findings.length === 0)) await emit(io, opts, result);
  if (opts.audit !== false && result.policy.audit.enabled) await audit(io, opts, result, started);
  return result.report.decision === 'block' ? EXIT.block : EXIT.pass;
}

async function emit(io: CliIO, opts: DoorOptions, result: CheckResult): Promise<void> {
  const { report } = result;
  let text: string;
  if (opts.output.format === 'json') {
    const { formatJson } = await import('../reporters/json.js');
    text = formatJson(report);
  } else if (opts.output.format === 'sarif') {
    const [{ formatSarif }, { rules }] = await Promise.all([import('../reporters/sarif.js'), import('../rules/registry.js')]);
    text = formatSarif(report, rules.map((r) => r.meta), {
      version: VERSION,
      door: opts.door,
      runId: runId(io, result),
      anchorPath: policyAnchor(result),
    });
  } else {
    const color = !opts.output.file && wantsColor(io);
    text = formatText(report, { color, door: opts.door });
  }
  if (opts.output.file) {
    writeFileSync(isAbsolute(opts.output.file) ? opts.output.file : join(io.cwd, opts.output.file), text.endsWith('\n') ? text : text + '\n');
    if (opts.output.format !== 'text') io.stderr.write(summaryLine(report) + '\n');
    return;
  }
  // Hooks talk on stderr (git relays it, as `remote:` lines on a push); scans print the report on stdout.
  const stream = opts.door === 'scan' || opts.output.format !== 'text' ? io.stdout : io.stderr;
  if (text.length > 0) stream.write(text.endsWith('\n') ? text : text + '\n');
}

function summaryLine(report: Report): string {
  const blocking = report.findings.filter((f) => f.severity === 'block').length;
  return `${msg.prefix}: ${report.decision === 'block' ? 'blocked' : 'passed'} — ${report.findings.length} finding(s), ${blocking} blocking`;
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
  await appendAuditRecord(auditPath(io, policy.audit.path, repo.commonDir), {
    run_id: runId(io, result),
    door: opts.door,
    repo: repo.bare ? repo.gitDir : (repo.workTree ?? repo.gitDir),
    refs: changeSet.refs.map((r) => ({ ref: r.ref, old: r.oldOid, new: r.newOid })),
    commits: changeSet.commits.map((c) => c.oid).filter((c): c is string => c !== null),
    policy_hash: policy.hash,
    policy_id: policy.policyId,
    decision: report.decision,
    findings: report.findings,
    actor: changeSet.actor,
    retention_class: policy.audit.retentionClass,
    task: laneOf(changeSet),
    duration_ms: Date.now() - started,
    // The server's log is the evidence and is flushed to disk; a client log (which its owner can
    // rewrite anyway) skips the 3-4 ms fsync that would dominate a commit's hook time.
  }, { noSync: opts.door !== 'pre-receive' });
}

function auditPath(io: CliIO, configured: string, commonDir: string): string {
  return auditLogPath(io.env, configured, commonDir);
}

/** A skip is a decision too: record it, and tell the user the server still checks. */
async function recordSkip(io: CliIO, opts: DoorOptions, started: number): Promise<boolean> {
  const { openRepo } = await import('../git/repo.js');
  const { loadPolicyFor, actorFromEnv } = await import('../engine/check.js');
  const repo = await openRepo(io.cwd, io.env);
  const policy = await loadPolicyFor({ cwd: io.cwd, env: io.env, door: opts.door, request: opts.request, configFile: opts.configFile }, repo);
  if (!policy.client.allowSkip) {
    io.stderr.write(`${msg.prefix}: SAFETY_GATE_SKIP is not allowed by this policy (client.allow_skip: false)\n`);
    return false;
  }
  io.stderr.write(msg.skipped(opts.door) + '\n');
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
      actor: actorFromEnv(io.env, false),
      retention_class: policy.audit.retentionClass,
      duration_ms: Date.now() - started,
    });
  }
  return true;
}

/** Best effort: a run that could not decide is recorded when the log can be located. */
async function auditError(io: CliIO, opts: DoorOptions, error: unknown, started: number): Promise<void> {
  try {
    const { openRepo } = await import('../git/repo.js');
    const { actorFromEnv } = await import('../engine/check.js');
    const repo = await openRepo(io.cwd, io.env);
      await appendAuditRecord(auditPath(io, 'safety-gate/audit.jsonl', repo.commonDir), {
      run_id: io.env.SAFETY_GATE_RUN_ID ?? randomUUID(),
      door: opts.door,
      repo: repo.bare ? repo.gitDir : (repo.workTree ?? repo.gitDir),
      refs: [],
      commits: [],
      policy_hash: null,
      policy_id: null,
      decision: 'error',
      findings: [],
      actor: actorFromEnv(io.env, opts.door === 'pre-receive'),
      retention_class: null,
      duration_ms: Date.now() - started,
      error: error instanceof GateError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error),
    });
  } catch {
    // The error itself is what the user must see; a failing audit must not mask it.
  }
}
