// The change set: what every door (pre-commit, commit-msg, pre-push, pre-receive, scan)
// turns its input into. Rules only ever see these types, never the hook that produced them.

/** Git file modes as git prints them (octal strings). */
const MODE = {
  missing: '000000',
  file: '100644',
  executable: '100755',
  symlink: '120000',
  gitlink: '160000',
  tree: '040000',
} as const;

export type EntryKind = 'file' | 'executable' | 'symlink' | 'gitlink' | 'missing' | 'tree';

export function entryKind(mode: string | null): EntryKind {
  switch (mode) {
    case null:
    case MODE.missing:
      return 'missing';
    case MODE.executable:
      return 'executable';
    case MODE.symlink:
      return 'symlink';
    case MODE.gitlink:
      return 'gitlink';
    case MODE.tree:
      return 'tree';
    default:
      return 'file';
  }
}

/**
 * A: added, M: modified, D: deleted, R: renamed (old path -> path), C: copied,
 * T: type changed (file <-> symlink <-> gitlink). A mode-only change is M with
 * oldMode !== newMode.
 */
export type ChangeStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface FileChange {
  status: ChangeStatus;
  /** Path after the change (for D: the deleted path). Repository-relative, '/' separated, raw bytes decoded as UTF-8 (git -z, no quoting). */
  path: string;
  /** Path before the change: set for R and C, otherwise equal to `path` for M/T/D and null for A. */
  oldPath: string | null;
  oldMode: string | null;
  newMode: string | null;
  /** Blob (or gitlink commit) ids; null when the side does not exist. */
  oldOid: string | null;
  newOid: string | null;
  /** Commit that introduced the change; null for staged changes and tree scans. */
  commit: string | null;
  /** For merge commits (combined diff): the versions in every parent, first parent first. */
  parents?: { mode: string | null; oid: string | null }[];
  /**
   * Set on content seen through a symlink: `path` is where the link makes the content appear
   * (the path the runtime opens), `aliasOf` the file it really is.
   */
  aliasOf?: string;
  /**
   * A later commit of the same change set (a descendant of this one) changes this path again:
   * this version is not what lands. Rules about the final state (parse checks) may skip it;
   * safety rules check every version, since any commit can be checked out and deployed.
   */
  superseded?: boolean;
}

export interface Trailer {
  key: string;
  value: string;
}

export interface Person {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  time: number;
}

export interface CommitInfo {
  /** null for the staged change (the commit that does not exist yet). */
  oid: string | null;
  parents: string[];
  tree: string | null;
  author: Person | null;
  committer: Person | null;
  /** Full message; null when not known yet (pre-commit). */
  message: string | null;
  /** Parsed with git's own trailer rules (`git interpret-trailers --parse`). */
  trailers: Trailer[];
  /** Refs of this run whose update makes this commit new (pushes only). */
  refs: string[];
  /**
   * Set on the pseudo commit that stands for one ref update as a whole (pre-receive): its
   * changes are the tree diff from `base` (the ref's old tip, or for a new ref its nearest
   * ancestor on a protected branch) to `newOid`, the commit the ref will name. `oid` is then a
   * label (`<newOid>@<ref>`), not an object id: snapshots and approvals use `newOid`.
   */
  transition?: RefTransition;
}

export interface RefTransition {
  ref: string;
  base: string;
  newOid: string;
  /** The tip commit's author and committer: who an approver of the move must not be. */
  author: Person | null;
  committer: Person | null;
  /**
   * The tip commit's trailers (git's own parse): a move that brings no new commit is still an
   * attempt of the task that made its tip, and counts against that task's retry budget.
   */
  tipTrailers?: Trailer[];
  /** The trailers of every commit the move brings onto the ref (tip first): each is an attempt of its task too. */
  broughtTrailers?: Trailer[][];
}

export type RefUpdateKind = 'create' | 'update' | 'delete';

export interface RefUpdate {
  ref: string;
  /** For pre-push: the local ref being pushed (null for deletions). */
  localRef: string | null;
  oldOid: string;
  newOid: string;
  kind: RefUpdateKind;
  /** update that is not a fast-forward (old not an ancestor of new). */
  forced: boolean;
  isTag: boolean;
  isBranch: boolean;
  /** For tags: the type of object the ref points to ('tag' for annotated, 'commit' for lightweight). */
  targetType: 'commit' | 'tag' | 'tree' | 'blob' | null;
  /** What the ref names once annotated tags are followed (null for deletions). */
  peeled?: { oid: string; type: 'commit' | 'tree' | 'blob' } | null;
}

/** Identity of whoever triggers the run, from the platform, never from commit metadata. */
export interface Actor {
  /** e.g. 'github' | 'gitlab' | 'gitea' | 'remote-user' | 'local' */
  source: string;
  name: string | null;
}

/**
 * A consistent state of the tree: a commit's tree, or the index (staged).
 * Used by rules that need more than the diff (sentinels, manifests, scope of a file).
 */
export interface Snapshot {
  /** 'index' or a commit/tree id. */
  readonly id: string;
  /**
   * Entries whose path (and mode) match `match` (all when omitted). With `memo: true`, `match`
   * is one function for the whole run (made once, not a new closure per call) that depends on
   * its arguments alone: commit snapshots then memoise what it selects under each subtree
   * (src/git/snapshot.ts), so listing the next commit of a push walks only its new trees.
   */
  list(match?: (path: string, mode: string) => boolean, opts?: { memo?: boolean }): Promise<TreeEntry[]>;
  /** The entry at `path`, or null. */
  entry(path: string): Promise<TreeEntry | null>;
}

export interface TreeEntry {
  path: string;
  mode: string;
  oid: string;
}

type ChangeSetOrigin = 'staged' | 'message' | 'push' | 'receive' | 'tree' | 'range';

export interface ChangeSet {
  /** Where the changes came from. Rules must not branch on this; reporters and audit may. */
  origin: ChangeSetOrigin;
  /** Object format of the repository: ids are 40 (sha1) or 64 (sha256) hex digits. */
  objectFormat: 'sha1' | 'sha256';
  refs: RefUpdate[];
  /** Oldest first (topological). For staged: one pseudo-commit with oid null. */
  commits: CommitInfo[];
  /** File changes of every commit, in commit order. */
  changes: FileChange[];
  actor: Actor;
  /**
   * The agent task this change belongs to, from a SPEC-260 model request envelope
   * (client: the file named by SAFETY_GATE_TASK). Pushed commits carry theirs in trailers.
   */
  task: TaskEnvelope | null;
  /**
   * Commits (by oid; null for the commit being made) that carry a `Task-Envelope:` trailer, with
   * what its signature check found (src/sources/signed-task.ts). Absent: none carries one.
   */
  signedTasks?: Map<string | null, SignedTask>;
}

/** A signed task envelope of a commit: the task it grants, or why it does not count. */
export type SignedTask = { ok: true; task: TaskEnvelope; signer: string } | { ok: false; problem: string };

/** SPEC-260 model request envelope, the fields the gate uses. */
export interface TaskEnvelope {
  runId: string;
  stage: string | null;
  scope: { kind: 'file' | 'function' | 'stage'; target: string } | null;
  /** Where it was read from (file path), for messages. */
  source: string;
  /** Envelope only (trailers carry none): the model routed to, its effort, the declared cost. */
  model?: string | null;
  reasoningEffort?: string | null;
  costUsd?: number | null;
  /** Set when the envelope came signed (`Task-Envelope:`): the orchestrator principal that signed it. */
  signedBy?: string | null;
}
