// One run of a door, whatever the door: open the repository, resolve what the engine needs
// (the door's policy, the agent task, the actor, the change set, the state before the change,
// its baselines, the clock, git access), then let the engine judge (src/engine/check.ts).
// Returns the report; printing and the audit record are the caller's (src/cli/run-door.ts).
import { engineMsg } from '../messages.js';
import { resolve } from 'node:path';
import type { ChangeSet } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { Door } from '../doors.js';
import { judge, type Baselines, type Judgement } from '../engine/check.js';
import { ResultCache } from '../engine/result-cache.js';
import { GateError } from '../errors.js';
import type { Report } from '../findings/types.js';
import { CatFile } from '../git/cat-file.js';
import { openRepo, type RepoInfo } from '../git/repo.js';
import { applyPythonPin } from '../install/python-pin.js';
import type { Rule } from '../rules/types.js';
import type { SourceRequest } from '../sources/index.js';
import { auditHistory } from '../audit/history.js';
import { auditLogPath } from '../audit/path.js';
import { rules as registeredRules } from '../rules/registry.js';
import { baselinesFor, changeBase, policyAt, withoutConfiguredProtection } from './base.js';
import { completeChangeSet, settleCommits, startChangeSet } from './change-set.js';
import { doorSpec, type ReadAt } from './door.js';
import { committedFiles, runGit } from './git-access.js';

export interface CheckOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  door: Door;
  request: SourceRequest;
  /** Client doors and scans: explicit config file (otherwise discovered). */
  configFile?: string;
  /** Inject a policy (tests). */
  policy?: Policy;
  rules?: readonly Rule<unknown>[];
  /** Called as soon as the repository is open (the door's audit record of a run cut short). */
  onRepo?: (repo: RepoInfo) => void;
  /** `scan --baseline FILE`: this baseline instead of the one the policy names. */
  baselineFile?: string;
  /** `safety-gate baseline` records every finding: no baseline applies. */
  noBaseline?: boolean;
  /** Called as soon as the policy is known (the door re-arms its hard deadline). */
  onPolicy?: (policy: Policy) => void;
  /** Called once the change set is built (the CLI's progress line names its size). */
  onChangeSet?: (changeSet: ChangeSet) => void;
  startedAt?: number;
}

export interface CheckResult {
  report: Report;
  changeSet: ChangeSet;
  policy: Policy;
  repo: RepoInfo;
  /** Break-glass uses that relaxed findings of this run (minimum audit data of the seed). */
  overrides: Judgement['overrides'];
}

const NO_BASELINES: Baselines = { of: null, source: null };

export async function check(opts: CheckOptions): Promise<CheckResult> {
  const door = doorSpec(opts.door);
  const started = opts.startedAt ?? Date.now();
  const staged = opts.request.kind === 'staged' || opts.request.kind === 'message';
  const repo = await openRepo(opts.cwd, opts.env, { withHead: staged });
  opts.onRepo?.(repo);
  // A client's Gate A interpreter as `safety-gate install` pinned it for this clone (no shim).
  if (!door.server) applyPythonPin(repo.commonDir, opts.env);
  const objects = new CatFile(repo.workTree ?? repo.gitDir, opts.env);
  // Start git's object reader now: its start-up overlaps the policy load and the diff.
  objects.start();
  let resultCache: ResultCache | null = null;
  try {
    const task = await door.task(opts.env);
    const server = door.server;
    // The change set does not depend on the policy: build both at once.
    const changeSetPromise = startChangeSet(repo, objects, { actor: door.actor(opts.env), task }, opts.request);
    const readAt = committedFiles(repo, objects);
    const policy = opts.policy ?? (await door.policy({ cwd: opts.cwd, env: opts.env, repo, request: opts.request, configFile: opts.configFile, readAt }));
    opts.onPolicy?.(policy);
    await injectedFault(opts.env);
    const deadlineMs = deadlineFor(policy, opts.door);
    const run = runGit(repo, objects, policy);
    const changeSet = await changeSetPromise;
    await completeChangeSet(changeSet, repo, objects, policy, run);
    opts.onChangeSet?.(changeSet);
    // The state before the change (src/doors/base.ts): its policy judges protected targets on
    // the client, and its baseline is the one in force.
    const base = opts.policy && !opts.baselineFile ? null : await changeBase(repo, opts.request, changeSet, policy);
    const protectionPolicy = await protectionPolicyFor(opts, { server, repo, base, policy, readAt });
    const now = clockFor(opts.env, server, policy, started);
    await settleCommits(changeSet, repo, policy, run, server, now);
    // The gate's own record of what each rule said about each blob (the server's in its bare
    // repository, a client's in its .git): objects judged before cost no read and no rule work.
    resultCache = ResultCache.forRepo(repo.commonDir, opts.env);
    const baselines =
      opts.noBaseline || (opts.policy && !opts.baselineFile)
        ? NO_BASELINES
        : await baselinesFor(changeSet, { request: opts.request, explicit: opts.baselineFile, cwd: opts.cwd, policy, base, readAt });
    const { report, overrides } = await judge({
      changeSet,
      policy,
      rules: opts.rules ?? registeredRules,
      git: run.git,
      snapshot: run.snapshot,
      readBlobOnce: run.readBlobOnce,
      readTree: run.readTree,
      objectSize: run.objectSize,
      trustsLocalState: !server,
      server,
      policyFor: protectionPolicy ? (id) => (id === 'protected-target' ? protectionPolicy : undefined) : undefined,
      now,
      startedAt: started,
      history: auditHistory(auditLogPath(opts.env, policy.audit.path, repo.commonDir)),
      deadlineAt: started + deadlineMs,
      deadlineLabel: opts.door,
      resultCache,
      baselines,
    });
    return { report, changeSet, policy, repo, overrides };
  } finally {
    objects.close();
    // Also after a run cut short (a deadline): every stored result is complete on its own.
    resultCache?.save();
  }
}

/**
 * The policy protected-target judges a client's change by: the one in force before it (a commit
 * cannot loosen the protection of the files it edits). `--config FILE`: that file as committed
 * at the base, when it lives in the repository. Undefined: the run's policy.
 */
async function protectionPolicyFor(opts: CheckOptions, at: { server: boolean; repo: RepoInfo; base: string | null; policy: Policy; readAt: ReadAt }): Promise<Policy | undefined> {
  const clientChange = !at.server && !opts.policy && (opts.request.kind === 'staged' || opts.request.kind === 'message' || opts.request.kind === 'push');
  if (!clientChange) return undefined;
  const root = at.repo.workTree;
  const explicit = opts.configFile ? resolve(opts.cwd, opts.configFile) : null;
  const inRepo = explicit && root && explicit.startsWith(root + '/') ? [explicit.slice(root.length + 1)] : undefined;
  if (explicit && !inRepo) return undefined;
  const before = await policyAt(at.base, at.readAt, { policy: at.policy, root }, inRepo);
  return before === null ? withoutConfiguredProtection(at.policy) : before;
}

/**
 * The time rules judge by (run windows, expiries). SAFETY_GATE_TEST_NOW (an ISO time) stands in
 * for the clock in tests: on clients always, on the server only when its own policy allows it.
 */
function clockFor(env: NodeJS.ProcessEnv, server: boolean, policy: Policy, started: number): number {
  const fake = env.SAFETY_GATE_TEST_NOW;
  if (!fake || (server && !policy.testing.allowClockOverride)) return started;
  const t = Date.parse(fake);
  if (Number.isNaN(t)) throw new GateError('usage', engineMsg.badTestNow(JSON.stringify(fake)), engineMsg.badTestNowHint);
  return t;
}

/** The policy's deadline for a door (doors without their own entry use the default). */
export function deadlineFor(policy: Policy, door: Door): number {
  return (policy.limits.deadlineMs as Partial<Record<Door | 'default', number>>)[door] ?? policy.limits.deadlineMs.default;
}

/**
 * Fault injection for the fail-closed tests (like git's GIT_TEST_* variables): an internal
 * exception, or a run that never finishes.
 */
async function injectedFault(env: NodeJS.ProcessEnv): Promise<void> {
  const fault = env.SAFETY_GATE_TEST_FAULT;
  if (fault === 'internal') throw new Error('injected fault (SAFETY_GATE_TEST_FAULT=internal)');
  if (fault === 'hang') await new Promise(() => setInterval(() => undefined, 1000));
}
