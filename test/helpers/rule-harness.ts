// The real engine over one change, two ways. `checkChange`: in-process over a real staged change
// in a temporary repository: `old` files are committed first (with the config), `files` are then
// written (null deletes) and staged; `check()` runs as the pre-commit door does. Fast enough for
// hundreds of corpus cases, and nothing is faked. `runRule` (below): one rule through
// `runEngine` over a change set built in memory.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Blob } from '../../src/changeset/blob.js';
import type { ChangeSet, CommitInfo, FileChange, Snapshot, TaskEnvelope, Trailer, TreeEntry } from '../../src/changeset/types.js';
import { loadPolicyFile } from '../../src/config/load.js';
import type { Policy } from '../../src/config/schema.js';
import { check } from '../../src/doors/check.js';
import { runEngine } from '../../src/engine/run.js';
import type { Finding, Report } from '../../src/findings/types.js';
import type { GitAccess, Rule } from '../../src/rules/types.js';
import { Repo, sandbox } from './repo.js';

export interface ChangeInput {
  old?: Record<string, string | Buffer>;
  files: Record<string, string | Buffer | null>;
  /** safety-gate.config.yaml content; default { extends: ['agenttrader-v2'] }. */
  config?: Record<string, unknown>;
  /** A SPEC-260 envelope; written to a file named by SAFETY_GATE_TASK. */
  task?: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface ChangeResult {
  findings: Finding[];
  report: Report;
}

/**
 * The case's config, judged at any hour and without CI evidence: agenttrader-v2's run window
 * (weekdays 09-18 UTC) and required checks would otherwise add policy-record and required-checks
 * findings to every agent case, depending on when the suite runs. A case that names run_windows
 * or required_checks keeps its own; both rules have their own tests.
 */
function harnessConfig(config: Record<string, unknown> | undefined): Record<string, unknown> {
  const c = config ?? { extends: ['agenttrader-v2'] };
  return { run_windows: ['daily:00:00-24:00'], required_checks: [], ...c };
}

export async function checkChange(input: ChangeInput): Promise<ChangeResult> {
  const sb = sandbox();
  try {
    const repo = Repo.init(sb);
    writeFileSync(join(repo.path, 'safety-gate.config.yaml'), stringify(harnessConfig(input.config)));
    for (const [path, content] of Object.entries(input.old ?? {})) repo.write(path, content);
    repo.commitAll('old');
    for (const [path, content] of Object.entries(input.files)) {
      if (content === null) repo.rm(path);
      else repo.write(path, content);
    }
    repo.git('add', '-A');
    const env: NodeJS.ProcessEnv = { ...sb.env, ...(input.env ?? {}) };
    if (input.task) {
      const taskFile = join(sb.dir, 'task.json');
      writeFileSync(taskFile, JSON.stringify(input.task));
      env.SAFETY_GATE_TASK = taskFile;
    }
    const { report } = await check({ cwd: repo.path, env, door: 'pre-commit', request: { kind: 'staged' } });
    return { findings: report.findings, report };
  } finally {
    sb.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// In memory: the same engine (`runEngine`: file filter, keyword prefilter, dispatch of
// checkFile/checkCommit/checkRun, inline exceptions, attribution), one rule, no git. The change
// set is built from path → content maps the way the doors build it from git (blob ids as git
// hashes them, exact renames detected like `git diff -M100%`, merges as combined diffs); the
// policy is read from `config` by the real loader. For unit tests of one rule that need many
// cases (commits with trailers, authors, merges) or no repository at all.

type Files = Record<string, string | Buffer | null>;

interface MemoryCommit {
  old: Files;
  files: Files;
  /** Merge: the other parent's tree (the first parent is `old`). */
  mergeWith?: Files;
  /** Author email. */
  author?: string;
  trailers?: Trailer[];
  /** null: the commit being made (pre-commit); default 'msg'. */
  message?: string | null;
  /** Default: a made-up id, or null when `message` is null. */
  oid?: string | null;
  /** Modes of new files (default 100644). */
  modes?: Record<string, string>;
}

export interface MemoryInput {
  /** One staged change: `old` is HEAD's tree, `files` the edits (null deletes). */
  old?: Files;
  files?: Files;
  modes?: Record<string, string>;
  /** Or commits, oldest first (a push). */
  commits?: MemoryCommit[];
  /** The policy (safety-gate.config.yaml content); default {}: the built-in defaults. */
  config?: Record<string, unknown>;
  task?: TaskEnvelope | null;
  /** The platform's identity of the pusher. */
  actor?: string | null;
}

const gitOid = (data: Buffer) => createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
const toBuf = (c: string | Buffer) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c);

function memorySnapshot(id: string, tree: Files, store: Map<string, Buffer>, modes: Record<string, string> = {}): Snapshot {
  const entries: TreeEntry[] = Object.entries(tree)
    .filter((e): e is [string, string | Buffer] => e[1] !== null)
    .map(([path, content]) => {
      const data = toBuf(content);
      const oid = gitOid(data);
      store.set(oid, data);
      return { path, mode: modes[path] ?? '100644', oid };
    })
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  return { id, list: async (match) => entries.filter((e) => !match || match(e.path, e.mode)), entry: async (path) => entries.find((e) => e.path === path) ?? null };
}

function memoryChanges(c: MemoryCommit, commit: string | null, store: Map<string, Buffer>): FileChange[] {
  const out: FileChange[] = [];
  const oidIn = (tree: Files | undefined, path: string) => {
    const v = tree?.[path];
    if (v == null) return null;
    const data = toBuf(v);
    const oid = gitOid(data);
    store.set(oid, data);
    return oid;
  };
  const deleted = Object.keys(c.files).filter((p) => c.files[p] === null && c.old[p] != null && !c.mergeWith);
  // Exact renames first (an added path whose content a deleted path had), as git pairs them.
  const renamedFrom = new Map<string, string>();
  for (const [path, content] of Object.entries(c.files)) {
    if (content === null || c.old[path] != null || c.mergeWith) continue;
    const oid = oidIn(c.files, path);
    const from = deleted.find((d) => ![...renamedFrom.values()].includes(d) && oidIn(c.old, d) === oid);
    if (from) renamedFrom.set(path, from);
  }
  const gone = new Set(renamedFrom.values());
  for (const [path, content] of Object.entries(c.files)) {
    const oldOid = oidIn(c.old, path);
    if (content === null) {
      if (oldOid !== null && !gone.has(path)) out.push({ status: 'D', path, oldPath: path, oldMode: '100644', newMode: null, oldOid, newOid: null, commit });
      continue;
    }
    const newOid = oidIn(c.files, path)!;
    const newMode = c.modes?.[path] ?? '100644';
    if (oldOid === newOid) continue;
    const from = renamedFrom.get(path);
    if (from) {
      out.push({ status: 'R', path, oldPath: from, oldMode: '100644', newMode, oldOid: newOid, newOid, commit });
      continue;
    }
    const change: FileChange =
      oldOid === null
        ? { status: 'A', path, oldPath: null, oldMode: null, newMode, oldOid: null, newOid, commit }
        : { status: 'M', path, oldPath: path, oldMode: '100644', newMode, oldOid, newOid, commit };
    if (c.mergeWith) {
      const otherOid = oidIn(c.mergeWith, path);
      if (otherOid === newOid) continue; // equal to a parent: not in the combined diff
      change.parents = [
        { mode: oldOid ? '100644' : null, oid: oldOid },
        { mode: otherOid ? '100644' : null, oid: otherOid },
      ];
    }
    out.push(change);
  }
  return out;
}

const policies = new Map<string, Promise<Policy>>();

/** The policy `config` gives, through the real loader (cached per config). */
function memoryPolicy(config: Record<string, unknown>): Promise<Policy> {
  const key = JSON.stringify(config);
  let p = policies.get(key);
  if (!p) {
    p = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sg-policy-'));
      try {
        const file = join(dir, 'safety-gate.config.yaml');
        writeFileSync(file, stringify(config));
        const policy = await loadPolicyFile(file, 'client');
        if (!policy) throw new Error('no policy');
        return policy;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    policies.set(key, p);
  }
  return p;
}

/** The findings `rule` gives for one change, through the real engine, in memory. */
export async function runRule(rule: Rule<never>, input: MemoryInput): Promise<Finding[]> {
  const store = new Map<string, Buffer>();
  const snapshots = new Map<string, Snapshot>();
  const commits = input.commits ?? [{ old: input.old ?? {}, files: input.files ?? {}, modes: input.modes, message: null }];
  const infos: CommitInfo[] = [];
  const changes: FileChange[] = [];
  commits.forEach((c, i) => {
    const oid = c.oid === undefined ? (c.message === null ? null : `c${i}`.padEnd(40, '0')) : c.oid;
    const parent = `p${i}`.padEnd(40, '0');
    const tree = { ...c.old, ...c.files };
    snapshots.set(parent, memorySnapshot(parent, c.old, store));
    snapshots.set(oid ?? 'index', memorySnapshot(oid ?? 'index', tree, store, c.modes));
    infos.push({
      oid,
      parents: c.mergeWith ? [parent, `m${i}`.padEnd(40, '0')] : [parent],
      tree: null,
      author: c.author ? { name: 'A', email: c.author, time: 0 } : null,
      committer: null,
      message: c.message === undefined ? 'msg' : c.message,
      trailers: c.trailers ?? [],
      refs: [],
    });
    changes.push(...memoryChanges(c, oid, store));
  });
  const blobs = new Map<string, Blob>();
  const empty: Snapshot = { id: 'empty', list: async () => [], entry: async () => null };
  const snapshot = (rev: string) => snapshots.get(rev) ?? empty;
  const git: GitAccess = {
    readBlob: async (oid) => {
      const data = store.get(oid);
      if (!data) throw new Error(`no object ${oid} in the in-memory store`);
      let b = blobs.get(oid);
      if (!b) blobs.set(oid, (b = new Blob(oid, data)));
      return b;
    },
    snapshot,
    objectType: async (oid) => (store.has(oid) ? 'blob' : null),
    run: async () => ({ stdout: Buffer.alloc(0), code: 1 }),
    workTree: null,
    gitDir: '/nonexistent',
    objectFormat: 'sha1',
  };
  const changeSet: ChangeSet = {
    origin: infos.length === 1 && infos[0]!.oid === null ? 'staged' : 'push',
    objectFormat: 'sha1',
    refs: [],
    commits: infos,
    changes,
    actor: { source: 'test', name: input.actor ?? null },
    task: input.task ?? null,
  };
  const result = await runEngine({
    changeSet,
    policy: await memoryPolicy(input.config ?? {}),
    rules: [rule as Rule<unknown>],
    git,
    snapshot,
    objectSize: async (oid) => store.get(oid)?.length ?? null,
    trustsLocalState: true,
    now: 0,
    history: { blockedAttempts: () => 0 },
    deadlineAt: Number.POSITIVE_INFINITY,
    deadlineLabel: 'rule-harness',
  });
  return result.findings;
}
