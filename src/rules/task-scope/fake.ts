// In-memory driver for the task-scope rule: builds commits and file changes from path → text
// maps and runs the rule's checkRun, without git. Used by the unit tests and the corpus test;
// the real engine runs the same corpus through test/helpers/rule-harness.ts.
import { createHash } from 'node:crypto';
import { Blob } from '../../changeset/blob.js';
import type { Actor, ChangeSet, CommitInfo, FileChange, Snapshot, TaskEnvelope, Trailer } from '../../changeset/types.js';
import type { Policy } from '../../config/schema.js';
import { createPathMatcher } from '../../engine/paths.js';
import type { FindingInput } from '../../findings/types.js';
import type { CommitView, GitAccess } from '../types.js';
import { taskScope } from './rule.js';

type Files = Record<string, string | Buffer | null>;

interface FakeCommit {
  old: Files;
  files: Files;
  /** Merge: the other parent's tree (first parent is `old`). */
  mergeWith?: Files;
  author?: string;
  trailers?: Trailer[];
  /** null: the commit being made (pre-commit) */
  message?: string | null;
  oid?: string | null;
}

export interface FakeRun {
  commits: FakeCommit[];
  task?: TaskEnvelope | null;
  actor?: string | null;
  changeControl?: Policy['changeControl'];
  caseInsensitive?: boolean;
}

export interface FakeFinding extends FindingInput {
  rule: string;
}

const oidOf = (data: Buffer) => createHash('sha1').update(data).digest('hex');
const toBuf = (c: string | Buffer) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c);

function diff(old: Files, files: Files, commit: string | null, store: Map<string, Buffer>, other?: Files): FileChange[] {
  const out: FileChange[] = [];
  for (const [path, content] of Object.entries(files)) {
    const before = old[path];
    const oldOid = before == null ? null : oidOf(toBuf(before));
    if (before != null) store.set(oldOid!, toBuf(before));
    if (content === null) {
      if (before == null) continue;
      out.push({ status: 'D', path, oldPath: path, oldMode: '100644', newMode: null, oldOid, newOid: null, commit });
      continue;
    }
    const data = toBuf(content);
    const newOid = oidOf(data);
    store.set(newOid, data);
    if (oldOid === newOid) continue;
    const change: FileChange =
      before == null
        ? { status: 'A', path, oldPath: null, oldMode: null, newMode: '100644', oldOid: null, newOid, commit }
        : { status: 'M', path, oldPath: path, oldMode: '100644', newMode: '100644', oldOid, newOid, commit };
    if (other) {
      const o = other[path];
      const otherOid = o == null ? null : oidOf(toBuf(o));
      if (o != null) store.set(otherOid!, toBuf(o));
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

const emptySnapshot: Snapshot = { id: 'x', list: async () => [], entry: async () => null };

export async function runFake(run: FakeRun): Promise<FakeFinding[]> {
  const store = new Map<string, Buffer>();
  const blobs = new Map<string, Blob>();
  const git: GitAccess = {
    readBlob: async (oid) => {
      const data = store.get(oid);
      if (!data) return null;
      let b = blobs.get(oid);
      if (!b) blobs.set(oid, (b = new Blob(oid, data)));
      return b;
    },
    snapshot: () => emptySnapshot,
    objectType: async () => 'blob',
    run: async () => ({ stdout: Buffer.alloc(0), code: 0 }),
    workTree: null,
    gitDir: '/nonexistent',
    objectFormat: 'sha1',
  };
  const policy = {
    changeControl: run.changeControl ?? {},
    caseInsensitivePaths: !!run.caseInsensitive,
  } as unknown as Policy;
  const checker = await taskScope.create({
    options: {},
    severity: 'block',
    policy,
    git,
    paths: createPathMatcher({ include: ['**'], exclude: [] }, !!run.caseInsensitive),
    trustsLocalState: true,
    now: 0,
    deadlineAt: Number.MAX_SAFE_INTEGER,
    history: { blockedAttempts: () => 0 },
  });
  const views: CommitView[] = [];
  const infos: CommitInfo[] = [];
  const changes: FileChange[] = [];
  run.commits.forEach((c, i) => {
    const oid = c.oid === undefined ? (c.message === null ? null : `c${i}`.padEnd(40, '0')) : c.oid;
    const info: CommitInfo = {
      oid,
      parents: c.mergeWith ? ['p1', 'p2'] : ['p1'],
      tree: null,
      author: c.author ? { name: 'A', email: c.author, time: 0 } : null,
      committer: null,
      message: c.message === undefined ? 'msg' : c.message,
      trailers: c.trailers ?? [],
      refs: [],
    };
    const ch = diff(c.old, c.files, oid, store, c.mergeWith);
    infos.push(info);
    changes.push(...ch);
    views.push({ info, changes: ch, snapshot: emptySnapshot, parentSnapshot: emptySnapshot });
  });
  const actor: Actor = { source: 'test', name: run.actor ?? null };
  const changeSet: ChangeSet = {
    origin: 'push',
    objectFormat: 'sha1',
    refs: [],
    commits: infos,
    changes,
    actor,
    task: run.task ?? null,
  };
  const findings: FakeFinding[] = [];
  await checker.checkRun!({ changeSet, commits: views, refs: [] }, (f) => {
    findings.push({ ...f, rule: f.subRule ? `task-scope/${f.subRule}` : 'task-scope' });
  });
  return findings;
}

export function envelope(kind: 'file' | 'function' | 'stage', target: string, runId = 'run-1'): TaskEnvelope {
  return { runId, stage: null, scope: { kind, target }, source: 'task.json' };
}
