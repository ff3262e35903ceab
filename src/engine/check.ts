// One run, whatever the door: open the repository, load the policy (trusted source for the
// server), build the change set, run the rules, decide, audit. Returns the report; printing is
// the caller's job.
import { join, resolve } from 'node:path';
import { Blob } from '../changeset/blob.js';
import type { Actor, ChangeSet, Snapshot, TaskEnvelope } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import { GateError } from '../errors.js';
import { msg } from '../messages.js';
import type { Finding, Report, SuppressedFinding } from '../findings/types.js';
import { CatFile } from '../git/cat-file.js';
import { openRepo, type RepoInfo } from '../git/repo.js';
import { addRefTransitions } from '../sources/ref-transitions.js';
import { commitSnapshot, indexSnapshot, parseTree, TreeCache } from '../git/snapshot.js';
import type { GitAccess, Rule } from '../rules/types.js';
import { buildChangeSet, type SourceRequest } from '../sources/index.js';
import { parseTrailers } from '../sources/commits.js';
import { parseRange } from '../sources/range.js';
import { addNonCommitContent } from '../sources/non-commit.js';
import { runEngine } from './run.js';
import { ResultCache } from './result-cache.js';
import { changeBase, loadBaseline, policyAt, withoutConfiguredProtection } from './base.js';
import { applyBaseline, type Baseline } from '../findings/baseline.js';
import { auditHistory } from '../audit/history.js';
import { auditLogPath } from '../audit/path.js';
// The hot path of every hook, kept in one chunk: each extra module costs node a resolution.
import { loadPolicyCached } from '../config/cache.js';
import { cachedServerPolicy } from '../config/server-cache.js';
import { decide, dedupeFindings, sortFindings } from '../findings/order.js';
import { rules as registeredRules } from '../rules/registry.js';

import type { Door } from '../doors.js';

export type { Door };

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
  overrides: { incident: string; approvers: { name: string; source: string; time: string | null }[]; checks_bypassed: string[]; reason: string; rollback: string }[];
}

/** Identity of whoever runs this: the platform's word on the server, never commit metadata. */
export function actorFromEnv(env: NodeJS.ProcessEnv, server: boolean): Actor {
  const pick: [string, string | undefined][] = [
    ['github', env.GITHUB_USER_LOGIN],
    ['gitlab', env.GL_USERNAME],
    ['gitea', env.GITEA_PUSHER_NAME],
    ['gitolite', env.GL_USER],
    ['remote-user', env.REMOTE_USER],
  ];
  for (const [source, name] of pick) if (name) return { source, name };
  if (server) return { source: 'unknown', name: null };
  return { source: 'local', name: env.USER ?? env.LOGNAME ?? null };
}

/** Reads a file as it is in a given commit (null when absent). */
export type ReadAt = (rev: string, path: string) => Promise<string | null>;

export async function loadPolicyFor(opts: CheckOptions, repo: RepoInfo, readAt?: ReadAt): Promise<Policy> {
  if (opts.policy) return opts.policy;
  if (opts.request.kind === 'range' && !opts.configFile && readAt) {
    // A range is judged by the policy of its base, like a push by the server's: the commits
    // under review cannot loosen the rules they are checked against (CI on an agent's branch).
    return loadBasePolicy(parseRange(opts.request.range).from, readAt);
  }
  if (opts.door === 'pre-receive') {
    // Hosted servers (GitHub Enterprise, GitLab/Gitaly) cannot keep files in the repository
    // directory: the hook script names a policy file of the server's own, YAML or JSON only.
    const file = opts.configFile ?? opts.env.SAFETY_GATE_POLICY;
    const installed = ['safety-gate/policy.yaml', 'safety-gate/policy.json'].map((p) => join(repo.gitDir, p));
    if (file) {
      const path = resolve(opts.cwd, file);
      return cachedServerPolicy(repo.gitDir, `file:${path}`, [path], async () => {
        const [{ loadPolicyFile }, { assertPolicyText }, { readFileSync }] = await Promise.all([import('../config/load.js'), import('../config/server.js'), import('node:fs')]);
        let text: string | null = null;
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          throw new GateError('config', `no server policy: ${file} does not exist`, 'install it, or fix --config / SAFETY_GATE_POLICY in the hook script');
        }
        assertPolicyText(text, file);
        const policy = await loadPolicyFile(path, 'server');
        if (!policy) throw new GateError('config', `the server policy ${file} does not exist`, 'install it, or fix --config / SAFETY_GATE_POLICY in the hook script');
        return policy;
      });
    }
    return cachedServerPolicy(repo.gitDir, 'installed', installed, async () => {
      const { loadServerPolicy } = await import('../config/server.js');
      return loadServerPolicy({
        gitDir: repo.gitDir,
        runGit: async (args) => {
          const r = await repo.git.run(args, { okCodes: [0, 1, 128] });
          return { stdout: r.stdout.toString('utf8'), stderr: r.stderr, code: r.code };
        },
      });
    });
  }
  const load = { cwd: repo.workTree ?? opts.cwd, root: repo.workTree ?? undefined, configFile: opts.configFile, mode: 'client' as const };
  const policy = await loadPolicyCached({ ...load, gitDir: repo.commonDir });
  // A policy cached by a build that had fewer rules: resolve afresh rather than fail.
  if (registeredRules.every((r) => policy.rules[r.meta.id])) return policy;
  const { loadPolicy } = await import('../config/load.js');
  return loadPolicy(load);
}

async function loadBasePolicy(base: string, readAt: ReadAt): Promise<Policy> {
  const [{ SEARCH_PLACES, isCodeConfig }, load] = await Promise.all([import('../config/search-places.js'), import('../config/load.js')]);
  const tree = { rev: base, label: base, read: (path: string) => readAt(base, path) };
  for (const place of SEARCH_PLACES) {
    if ((await readAt(base, place)) === null) continue;
    if (isCodeConfig(place)) {
      throw new GateError('config', `${base}:${place} is configuration code, which a range scan never runs`, 'pass a YAML or JSON policy with --config');
    }
    const policy = await load.loadPolicyFromTree(tree, place);
    if (policy) return policy;
  }
  return load.loadPresetPolicy('recommended');
}

async function loadTask(opts: CheckOptions): Promise<TaskEnvelope | null> {
  // The server never takes a task from its environment: pushed commits carry theirs in trailers.
  if (opts.door === 'pre-receive') return null;
  const path = opts.env.SAFETY_GATE_TASK;
  if (!path) return null;
  const { loadTaskEnvelope } = await import('../sources/task.js');
  return loadTaskEnvelope(path);
}

export async function check(opts: CheckOptions): Promise<CheckResult> {
  const started = opts.startedAt ?? Date.now();
  const staged = opts.request.kind === 'staged' || opts.request.kind === 'message';
  const repo = await openRepo(opts.cwd, opts.env, { withHead: staged });
  opts.onRepo?.(repo);
  const objects = new CatFile(repo.workTree ?? repo.gitDir, opts.env);
  // Start git's object reader now: its start-up overlaps the policy load and the diff.
  objects.start();
  let resultCache: ResultCache | null = null;
  try {
    const task = await loadTask(opts);
    const server = opts.door === 'pre-receive';
    // The change set does not depend on the policy: build both at once.
    const changeSetPromise = buildChangeSet(
      repo,
      {
        objects,
        actor: actorFromEnv(opts.env, server),
        task,
        trailers: async (message) => {
          const r = await repo.git.run(['interpret-trailers', '--parse'], { input: message });
          return parseTrailers(r.stdout.toString('utf8'));
        },
      },
      opts.request,
    );
    changeSetPromise.catch(() => undefined);
    const policyTrees = new TreeCache(objects, repo.objectFormat === 'sha1' ? 20 : 32);
    const policySnapshots = new Map<string, Snapshot>();
    const readAt: ReadAt = async (rev, path) => {
      let snap = policySnapshots.get(rev);
      if (!snap) policySnapshots.set(rev, (snap = commitSnapshot(objects, policyTrees, repo.git, rev)));
      const entry = await snap.entry(path);
      if (!entry || (entry.mode !== '100644' && entry.mode !== '100755')) return null;
      const o = await objects.read(entry.oid);
      // A policy file that exists but cannot be read is not an absent one (no quieter fallback).
      if (!o) throw new GateError('object', msg.objectMissing(entry.oid), msg.objectMissingHint);
      return o.data.toString('utf8');
    };
    const policy = await loadPolicyFor(opts, repo, readAt);
    opts.onPolicy?.(policy);
    await injectedFault(opts.env);
    const deadlineMs = deadlineFor(policy, opts.door);

    const sizes = new Map<string, number | null>();
    const objectSize = async (oid: string) => {
      if (!sizes.has(oid)) sizes.set(oid, (await objects.info(oid))?.size ?? null);
      return sizes.get(oid)!;
    };
    // Small bounded cache: a blob read by one rule (a manifest, an old version) is shared. Each
    // entry is charged four times its size (the bytes, the decoded text, its lower-case copy and
    // line index, which rules fill in as they read it) plus its bookkeeping, 32 MiB in all, and
    // at most 2,048 entries, so a push's memory stays flat (charged at twice the size it held
    // ~11,000 small old versions, ~65 MiB, on a linear push of 8,000 commits); the file phase
    // reads around it (readBlobOnce). A prefetch window (64 commits) needs a few hundred.
    const blobs = new Map<string, Blob>();
    let cachedBytes = 0;
    // A missing object is never "no content": whatever side it is on (the previous version of a
    // generated file, a link target, a sentinel), the gate cannot decide and says so (exit 2).
    // Only a blob over limits.max_blob_bytes reads as null; the engine reports those it skips.
    const readBlob = async (oid: string): Promise<Blob | null> => {
      const hit = blobs.get(oid);
      if (hit) return hit;
      const size = await objectSize(oid);
      if (size === null) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
      if (size > policy.limits.maxBlobBytes) return null;
      const data = await objects.read(oid);
      if (!data) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
      if (data.type !== 'blob') throw new GateError('object', msg.objectNotBlob(oid, data.type), msg.objectMissingHint);
      const blob = new Blob(oid, data.data);
      const charge = 4 * blob.size + 512;
      if (cachedBytes + charge > 32 * 1024 * 1024 || blobs.size >= 2048) {
        blobs.clear();
        cachedBytes = 0;
      }
      blobs.set(oid, blob);
      cachedBytes += charge;
      return blob;
    };
    // 4,000 parsed trees hold every subtree that consecutive commits share (a real repository's
    // snapshot has a few hundred) without growing with the number of commits.
    const trees = new TreeCache(objects, repo.objectFormat === 'sha1' ? 20 : 32, 4000);
    const snapshots = new Map<string, Snapshot>();
    // Root trees of the listed commits (git log %T): a snapshot of one of them starts at its tree.
    const commitTrees = new Map<string, string>();
    const snapshot = (rev: string): Snapshot => {
      let s = snapshots.get(rev);
      if (!s) {
        s = rev === 'index' ? indexSnapshot(repo.git) : commitSnapshot(objects, trees, repo.git, rev, (r) => commitTrees.get(r));
        snapshots.set(rev, s);
      }
      return s;
    };
    const git: GitAccess = {
      readBlob,
      snapshot,
      objectType: async (oid) => (await objects.info(oid))?.type ?? null,
      peel: (rev) => objects.peel(rev),
      run: async (args, input) => {
        const r = await repo.git.run(args, { input, okCodes: [0, 1, 2, 128] });
        return { stdout: r.stdout, code: r.code };
      },
      workTree: repo.workTree,
      gitDir: repo.commonDir,
      objectFormat: repo.objectFormat,
    };

    const changeSet = await changeSetPromise;
    for (const c of changeSet.commits) if (c.oid && c.tree) commitTrees.set(c.oid, c.tree);
    trees.learn(changeSet.commits, changeSet.changes);
    // Refs that name trees or blobs: their content is checked like a root commit's.
    const refOptions = policy.rules['ref-integrity']?.options as { non_commit_blob_path?: string | null } | undefined;
    for (const [id, snap] of await addNonCommitContent(changeSet, repo.git, { blobPath: refOptions?.non_commit_blob_path ?? null })) snapshots.set(id, snap);
    // pre-receive: each ref update is also judged as a whole (old tip -> new tip on that ref).
    if (changeSet.origin === 'receive') {
      const moves = await addRefTransitions(changeSet, repo.git, objects, { protectedBranches: policy.server.protectedBranches });
      for (const [id, rev] of moves) snapshots.set(id, snapshot(rev));
    }
    opts.onChangeSet?.(changeSet);
    const rules = opts.rules ?? registeredRules;
    // The state before the change (src/engine/base.ts): its policy judges protected targets on
    // the client, and its baseline is the one in force.
    const base = opts.policy && !opts.baselineFile ? null : await changeBase(repo, opts.request, changeSet, policy);
    const clientChange = !server && !opts.policy && (opts.request.kind === 'staged' || opts.request.kind === 'message' || opts.request.kind === 'push');
    let protectionPolicy: Policy | undefined;
    if (clientChange) {
      // `--config FILE`: that file as committed at the base, when it lives in the repository.
      const root = repo.workTree;
      const explicit = opts.configFile ? resolve(opts.cwd, opts.configFile) : null;
      const inRepo = explicit && root && explicit.startsWith(root + '/') ? [explicit.slice(root.length + 1)] : undefined;
      if (!explicit || inRepo) {
        const before = await policyAt(base, readAt, { policy, root }, inRepo);
        protectionPolicy = before === null ? withoutConfiguredProtection(policy) : before;
      }
    }
    const now = clockFor(opts.env, server, policy, started);
    // The commit being made has no author yet: with agent identities to match (clients read the
    // author email), ask git who it will be, as `git commit` will (GIT_AUTHOR_*, user.email).
    const pendingCommit = changeSet.commits.length === 1 && changeSet.commits[0]!.oid === null ? changeSet.commits[0]! : null;
    if (pendingCommit && pendingCommit.author === null && !server && (policy.changeControl.agents?.identities?.length ?? 0) > 0) {
      const r = await repo.git.run(['var', 'GIT_AUTHOR_IDENT'], { okCodes: [0, 128] });
      const m = r.code === 0 ? /^(.*?) <([^>]*)> (\d+)/.exec(r.stdout.toString('utf8')) : null;
      if (m) pendingCommit.author = { name: m[1]!, email: m[2]!, time: Number(m[3]) };
    }
    // Signed task envelopes (Task-Envelope trailers): verified once, before any rule reads them.
    if (changeSet.commits.some((c) => !c.transition && c.trailers.some((t) => t.key.toLowerCase() === 'task-envelope'))) {
      const { attachSignedTasks } = await import('../sources/signed-task.js');
      await attachSignedTasks(changeSet, policy, git, server, now);
    }
    // The gate's own record of what each rule said about each blob (the server's in its bare
    // repository, a client's in its .git): objects judged before cost no read and no rule work.
    resultCache = ResultCache.forRepo(repo.commonDir, opts.env);
    const result = await runEngine({
      changeSet,
      policy,
      rules,
      git,
      snapshot,
      readBlobOnce: async (oid) => {
        const hit = blobs.get(oid);
        if (hit) return hit;
        const data = await objects.read(oid);
        // Missing is never "no content" (see readBlob): the gate cannot decide.
        if (!data) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
        if (data.type !== 'blob') throw new GateError('object', msg.objectNotBlob(oid, data.type), msg.objectMissingHint);
        return new Blob(oid, data.data);
      },
      readTree: async (oid) => {
        const o = await objects.read(oid);
        if (!o || o.type !== 'tree') throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
        return parseTree(o.data, repo.objectFormat === 'sha1' ? 20 : 32);
      },
      objectSize,
      trustsLocalState: !server,
      policyFor: protectionPolicy ? (id) => (id === 'protected-target' ? protectionPolicy : undefined) : undefined,
      now,
      history: auditHistory(auditLogPath(opts.env, policy.audit.path, repo.commonDir)),
      deadlineAt: started + deadlineMs,
      deadlineLabel: opts.door,
      resultCache,
    });
    const baseline = opts.noBaseline || (opts.policy && !opts.baselineFile) ? null : await loadBaseline({ explicit: opts.baselineFile, cwd: opts.cwd, policy, base, readAt });
    // pre-push: each pushed commit is judged by the baseline of its parent (the adoption commit
    // and the work after it can go out in one push); the server and range scans by one trusted
    // state (the branch tip, A).
    const perCommit =
      opts.request.kind === 'push' && !opts.baselineFile && !opts.noBaseline && !opts.policy
        ? await baselinesOfParents(changeSet, (rev) => loadBaseline({ cwd: opts.cwd, policy, base: rev, readAt }))
        : null;
    const applied = applyBaseline(
      sortFindings(dedupeFindings(result.findings)),
      perCommit ? (commit) => (commit !== null && perCommit.has(commit) ? perCommit.get(commit)! : baseline) : baseline,
    );
    let findings: Finding[] = applied.findings;
    const baselined = applied.baselined;
    const anyBaseline = baseline ?? (perCommit ? ([...perCommit.values()].find((b) => b !== null) ?? null) : null);
    let overrides: CheckResult['overrides'] = [];
    // Signed approvals and break-glass close what still blocks after the baseline.
    if (policy.approvals && findings.some((f) => f.severity === 'block')) {
      const { applyApprovals } = await import('../approvals/apply.js');
      const outcome = await applyApprovals({ findings, changeSet, policy, git, server, now });
      findings = sortFindings(outcome.findings);
      overrides = outcome.overrides;
    }
    // A ref move's findings name its new tip (the commit to approve with --ref) and the ref.
    const tipOf = new Map(changeSet.commits.filter((c) => c.transition).map((c) => [c.oid, c.transition!.newOid]));
    if (tipOf.size > 0) findings = findings.map((f) => (f.commit !== null && tipOf.has(f.commit) ? { ...f, commit: tipOf.get(f.commit)! } : f));
    const report: Report = {
      schema: 'safety-gate/report@1',
      decision: decide(findings),
      findings,
      ...(anyBaseline ? { baselined, baseline: anyBaseline.source } : {}),
      suppressed: sortFindings(result.suppressed.map((f) => (f.commit !== null && tipOf.has(f.commit) ? { ...f, commit: tipOf.get(f.commit)! } : f))) as SuppressedFinding[],
      stats: { ...result.stats, durationMs: Date.now() - started },
    };
    return { report, changeSet, policy, repo, overrides };
  } finally {
    objects.close();
    // Also after a run cut short (a deadline): every stored result is complete on its own.
    resultCache?.save();
  }
}

/** The baseline at each pushed commit's first parent (null: none there), read once per parent. */
async function baselinesOfParents(cs: ChangeSet, load: (rev: string) => Promise<Baseline | null>): Promise<Map<string, Baseline | null>> {
  const byParent = new Map<string, Promise<Baseline | null>>();
  const out = new Map<string, Baseline | null>();
  for (const c of cs.commits) {
    const parent = c.parents[0];
    if (!c.oid || !parent) continue;
    let p = byParent.get(parent);
    if (!p) byParent.set(parent, (p = load(parent)));
    out.set(c.oid, await p);
  }
  return out;
}

/**
 * The time rules judge by (run windows, expiries). SAFETY_GATE_TEST_NOW (an ISO time) stands in
 * for the clock in tests: on clients always, on the server only when its own policy allows it.
 */
function clockFor(env: NodeJS.ProcessEnv, server: boolean, policy: Policy, started: number): number {
  const fake = env.SAFETY_GATE_TEST_NOW;
  if (!fake || (server && !policy.testing.allowClockOverride)) return started;
  const t = Date.parse(fake);
  if (Number.isNaN(t)) throw new GateError('usage', `SAFETY_GATE_TEST_NOW=${JSON.stringify(fake)} is not an ISO time`, 'unset it, or give a time like 2026-12-05T10:00:00Z');
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
