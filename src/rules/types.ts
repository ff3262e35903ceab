// The rule API. A rule is a plain object: metadata plus `create`, which receives its validated
// options and returns the checks it wants to run. The engine decides which files reach which
// rule (path filter, then one literal prefilter pass per blob), reads each blob once, and
// attributes findings to commits and refs. A rule never knows which hook called it.
//
// Option schemas live next to the rule in `options.ts` (zod) and are registered in
// `src/rules/options-registry.ts`; they are only loaded when configuration is validated,
// so the hot path of a hook never pays for zod.

import type { Blob } from '../changeset/blob.js';
import type { ChangeSet, CommitInfo, FileChange, RefUpdate, Snapshot } from '../changeset/types.js';
import type { FindingInput, Severity } from '../findings/types.js';
import { resolveMessage, subRulesOf, type MessageMap, type RuleReport } from './messages.js';
import type { Policy } from '../config/schema.js';
import type { PathMatcher } from '../engine/paths.js';
import type { AuditHistory } from '../audit/history.js';

export interface RuleMeta {
  /** Stable id used in config, findings and `safety-gate explain`. */
  id: string;
  /** Rule family as in PRODUCT.md ('protected targets', 'forbidden modes', …). */
  family: string;
  /** One line. */
  description: string;
  /** Text printed by `safety-gate explain <id>`: what it blocks, why, options, how to fix, examples. */
  docs: string;
  defaultSeverity: Severity;
  /**
   * Sub-ids this rule may report ('new-exception' → 'live-endpoint/new-exception'): derived by
   * `createRule` from `messages` (never a second list by hand).
   */
  subRules?: readonly string[];
  /** Every finding message of the rule, by messageId (its folder's messages.ts, see ./messages.ts). */
  messages?: MessageMap;
}

/** What the engine hands a checker: takes a finding whose text is resolved (see `createRule`). */
export type Report = (finding: FindingInput) => void;

/** Read-only access to the repository being checked. */
export interface GitAccess {
  /**
   * Blob through the run's single cat-file process; cached and size-capped. null only when it is
   * over limits.max_blob_bytes; a missing object rejects with a GateError (exit 2, could not decide).
   */
  readBlob(oid: string): Promise<Blob | null>;
  /** Tree state of a commit, or of the index (`'index'`). */
  snapshot(rev: string): Snapshot;
  /** Object type ('blob' | 'tree' | 'commit' | 'tag') or null when the object does not exist. */
  objectType(oid: string): Promise<string | null>;
  /**
   * `<object id>^{tree}` or `<object id>^{commit}` peeled through the run's cat-file process (no
   * process per call; `git rev-parse --verify -q` otherwise): the id, or null when it does not
   * peel to one. Absent on fakes.
   */
  peel?(rev: string): Promise<string | null>;
  /** Run a git command with the inherited (quarantine-aware) environment. No network commands. */
  run(args: readonly string[], input?: string | Buffer): Promise<{ stdout: Buffer; code: number }>;
  /** Absolute work tree root; null in a bare repository. */
  workTree: string | null;
  /** Absolute $GIT_DIR (the common dir for worktrees). */
  gitDir: string;
  /** sha1 → 40 hex digits, sha256 → 64. */
  objectFormat: 'sha1' | 'sha256';
}

export interface RuleContext<O> {
  options: O;
  severity: Severity;
  policy: Policy;
  git: GitAccess;
  /** Glob helpers honouring the policy's case sensitivity. */
  paths: PathMatcher;
  /**
   * Whether state kept in this repository (receipts under .git/safety-gate) can be trusted.
   * True for client doors and scans; false in pre-receive, where only the server policy and
   * the objects themselves count.
   */
  trustsLocalState: boolean;
  /** Time of the run (ms since epoch), fixed for determinism. */
  now: number;
  /** Wall-clock time (ms since epoch) by which the run must decide: the bound for code a rule runs but does not control (a team's patterns). */
  deadlineAt: number;
  /** Earlier decisions from the audit log this door trusts (the server's own in pre-receive). */
  history: AuditHistory;
  /**
   * The door's persistent result cache, for verdicts that depend only on the content a key
   * names and on this rule's context (its setting, the policy it is judged by, the gate's
   * build; the engine keys the store by them): e.g. "blob X parses as YAML". Absent when the run
   * has no cache (SAFETY_GATE_CACHE=off) or the rule is not one the engine gives it to.
   */
  verdicts?: VerdictStore;
}

/** A rule's verdicts by key (see RuleContext.verdicts); a verdict is what the rule would report about that content. */
export interface VerdictStore {
  get(key: string): readonly FindingInput[] | undefined;
  put(key: string, verdict: readonly FindingInput[]): void;
}

/** A changed file whose new content a rule asked to see. */
export interface FileView {
  change: FileChange;
  /** Same as change.path. */
  path: string;
  /** Commit that introduced this content (null for staged/tree scans). */
  commit: CommitInfo | null;
  /** New content; null for deletions, gitlinks and blobs over the size cap. */
  newBlob(): Promise<Blob | null>;
  /** Previous content at oldPath (for renames) or path; null for additions. */
  oldBlob(): Promise<Blob | null>;
  /** This rule's keywords (lower-case) that the prefilter found in the new blob. */
  hits: ReadonlySet<string>;
}

export interface CommitView {
  info: CommitInfo;
  /** Changes of this commit (combined diff for merges: only paths that differ from every parent). */
  changes: FileChange[];
  /** Tree after the commit (the index for staged changes). */
  snapshot: Snapshot;
  /** Tree before (first parent; HEAD for staged; null for root commits / empty repositories). */
  parentSnapshot: Snapshot | null;
}

export interface RunView {
  changeSet: ChangeSet;
  commits: CommitView[];
  refs: RefUpdate[];
}

export interface RuleChecker<R = Report> {
  /**
   * Lower-case literals. When given, `checkFile` only runs for files whose new content contains
   * at least one of them (one combined pass per blob for all rules). Omit to see every file
   * that `files` accepts (parse checks).
   */
  keywords?: readonly string[];
  /**
   * Also run `checkFile` for blobs that are not text in any encoding the engine decodes
   * (`!blob.isText`), whatever the keywords: a rule that fails closed on unreadable content.
   */
  undecodable?: boolean;
  /** Which changed files this rule wants to read (default: regular files that still exist). */
  files?(change: FileChange): boolean;
  checkFile?(file: FileView, report: R): void | Promise<void>;
  /** Once per commit (the staged change counts as one commit with oid null). */
  checkCommit?(commit: CommitView, report: R): void | Promise<void>;
  /** Once per run, after every commit and file: ref updates, cross-commit invariants. */
  checkRun?(run: RunView, report: R): void | Promise<void>;
}

export interface Rule<O = Record<string, unknown>> {
  meta: RuleMeta;
  create(ctx: RuleContext<O>): RuleChecker | Promise<RuleChecker>;
}

/** A rule as its folder writes it: its messages typed, its checkers reporting by messageId. */
export interface RuleDefinition<O, M extends MessageMap> {
  meta: Omit<RuleMeta, 'subRules' | 'messages'> & { messages: M };
  create(ctx: RuleContext<O>): RuleChecker<RuleReport<M>> | Promise<RuleChecker<RuleReport<M>>>;
}

/**
 * typescript-eslint's RuleCreator, for this API: the rule reports `{ messageId, data, … }` and
 * TypeScript rejects an unknown id or missing data; here each report is resolved to its text,
 * sub-rule and remediation from `meta.messages` before the engine sees it, and `meta.subRules`
 * is derived from the messages.
 */
export function createRule<O, M extends MessageMap>(def: RuleDefinition<O, M>): Rule<O> {
  const messages = def.meta.messages;
  const subRules = subRulesOf(messages);
  const wrap = (c: RuleChecker<RuleReport<M>>): RuleChecker => {
    const out: RuleChecker = { ...c } as RuleChecker;
    const via =
      (report: Report): RuleReport<M> =>
      (input) =>
        report(resolveMessage(messages, input));
    if (c.checkFile) out.checkFile = (file, report) => c.checkFile!(file, via(report));
    if (c.checkCommit) out.checkCommit = (commit, report) => c.checkCommit!(commit, via(report));
    if (c.checkRun) out.checkRun = (run, report) => c.checkRun!(run, via(report));
    return out;
  };
  return {
    meta: { ...def.meta, ...(subRules.length > 0 ? { subRules } : {}) },
    create(ctx) {
      const c = def.create(ctx);
      return c instanceof Promise ? c.then(wrap) : wrap(c);
    },
  };
}
