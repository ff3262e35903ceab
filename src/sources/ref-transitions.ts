// pre-receive: every ref update is also judged by what it changes on THAT ref. The commits a
// push makes new are judged one by one (push.ts); a ref update that brings no new commit (a
// rewind, a fast-forward onto a commit another branch already has, a merge that takes a side
// already on the server) changes what the ref holds all the same. So each update of any ref that
// names a commit (branches, tags, notes, refs/pull/*, anything else) becomes one pseudo commit:
// its changes are the tree diff from the ref's old tip to its new tip, attributed to the ref, so
// that every rule and every ref-bound approval sees "this change lands on <ref>". A tag is a new
// name deploy pipelines check out: one at a commit already on the server but never judged on a
// protected branch is judged by what it adds to the protected branches, like a new branch there.
// Only the gate's own evidence refs (signed approvals and check receipts, notes commits judged by
// ref-integrity and read by the gate) are not: their trees are statements, not a checkout.
//
// A created ref has no old tip: it is judged from its nearest ancestor on a protected branch
// (what it adds to what is already protected); at a commit inside a protected branch's history,
// from that branch's tip (what it shows that the branch no longer holds); with no such ancestor,
// by its commits alone (as before). One diff-tree per ref update; commit headers through the cat-file reader.
import type { ChangeSet, CommitInfo, Person, RefTransition } from '../changeset/types.js';
import type { ObjectReader } from '../git/cat-file.js';
import { parseRawRecords } from '../git/diff.js';
import { parseTrailers } from './commits.js';
import { splitZ, type GitRunner } from '../git/exec.js';
import { GateError } from '../errors.js';
import { NOTES_REF } from '../approvals/statement.js';
import { CHECKS_NOTES_REF } from '../checks/receipt.js';
import { msg } from '../messages.js';

export interface TransitionOptions {
  /** Full ref names (refs/heads/main) of the protected branches. */
  protectedBranches: string[];
}

const EVIDENCE_REFS = new Set([NOTES_REF, CHECKS_NOTES_REF]);

/** Refs whose moves are judged as transitions: every ref but the gate's own evidence notes. */
function judgedAsTransition(ref: string): boolean {
  // Case-insensitive: on a case-insensitive file system refs/Notes/safety-gate is the same file.
  return !EVIDENCE_REFS.has(ref.toLowerCase());
}

/** The label a transition's pseudo commit carries in place of an object id. */
function transitionId(newOid: string, ref: string): string {
  return `${newOid}@${ref}`;
}

/**
 * Adds one pseudo commit per judged ref update that changes the tree. Returns, for each pseudo
 * commit id, the revision its snapshot is (the new tip).
 */
export async function addRefTransitions(cs: ChangeSet, git: GitRunner, objects: ObjectReader, opts: TransitionOptions): Promise<Map<string, string>> {
  const snapshots = new Map<string, string>();
  const updates = cs.refs.filter((r) => r.kind !== 'delete' && judgedAsTransition(r.ref) && r.peeled?.type === 'commit');
  if (updates.length === 0) return snapshots;

  let protectedTips: string[] | null = null;
  const tipsOfProtected = async (): Promise<string[]> => {
    if (protectedTips) return protectedTips;
    const out: string[] = [];
    for (const ref of opts.protectedBranches) {
      const r = await git.run(['rev-parse', '--verify', '-q', `${ref}^{commit}`], { okCodes: [0, 1, 128] });
      if (r.code === 0) out.push(r.stdout.toString('utf8').trim());
    }
    return (protectedTips = [...new Set(out)]);
  };

  for (const r of updates) {
    const tip = r.peeled!.oid;
    let base: string | null;
    if (r.kind === 'update') {
      base = (await objects.info(r.oldOid))?.type === 'commit' ? r.oldOid : await peelToCommit(git, r.oldOid);
    } else {
      const tips = await tipsOfProtected();
      base = await nearestProtectedAncestor(git, tip, tips);
      // A new name for a commit inside a protected branch's history (a tag or branch at an
      // older commit): it adds nothing to that history, but it puts a version under a name
      // deploy pipelines check out that the branch has since replaced (a file broken there and
      // fixed later, a setting reverted after pre-gate history). Judged by what it shows that
      // the protected tip does not: the diff from that tip to it.
      if (base === tip && !tips.includes(tip)) base = await protectedDescendant(git, tip, tips);
    }
    if (base === null || base === tip) continue;
    const diff = await git.run(['diff-tree', '-r', '-z', '--raw', '--no-abbrev', '--no-renames', '--no-ext-diff', base, tip]);
    const id = transitionId(tip, r.ref);
    const { changes } = parseRawRecords(splitZ(diff.stdout), 0, id);
    if (changes.length === 0) continue;
    const head = await commitHeader(objects, tip);
    // Trailers of the tip and of every commit the move brings (tip first): one git log per move.
    const brought = await git.run(['log', '--no-show-signature', '-z', '--format=%(trailers:only,unfold)', tip, `^${base}`]);
    const tipTrailers = parseTrailers(splitZ(brought.stdout)[0] ?? '');
    const broughtTrailers = splitZ(brought.stdout).map(parseTrailers);
    const transition: RefTransition = { ref: r.ref, base, newOid: tip, author: head.author, committer: head.committer, tipTrailers, broughtTrailers };
    // No message, no trailers, no author for the rules: the move is not one commit's work (the
    // tip's task trailers do not describe what it brings), and the commits it brings are judged
    // on their own. Approvals read the tip's author and committer from `transition`.
    const info: CommitInfo = { oid: id, parents: [base], tree: head.tree, author: null, committer: null, message: null, trailers: [], refs: [r.ref], transition };
    cs.commits.push(info);
    cs.changes.push(...changes);
    snapshots.set(id, tip);
  }
  return snapshots;
}

async function peelToCommit(git: GitRunner, oid: string): Promise<string | null> {
  const r = await git.run(['rev-parse', '--verify', '-q', `${oid}^{commit}`], { okCodes: [0, 1, 128] });
  // The old value of a non-branch ref may name a tree or blob: nothing to diff against, so the
  // new tip is judged by its commits (and ref-integrity) as a creation would be.
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

/** The merge-base of `tip` with the protected branch tips nearest to `tip`; null when none. */
async function nearestProtectedAncestor(git: GitRunner, tip: string, protectedTips: string[]): Promise<string | null> {
  const bases: string[] = [];
  for (const p of protectedTips) {
    const r = await git.run(['merge-base', tip, p], { okCodes: [0, 1] });
    if (r.code === 0) bases.push(r.stdout.toString('utf8').trim());
  }
  const unique = [...new Set(bases)];
  if (unique.length <= 1) return unique[0] ?? null;
  // Several: the ones no other is an ancestor of; any of them is "nearest".
  const r = await git.run(['merge-base', '--independent', ...unique]);
  return r.stdout.toString('utf8').trim().split('\n')[0] || unique[0]!;
}

/** A protected branch tip that has `commit` in its history; null when none. */
async function protectedDescendant(git: GitRunner, commit: string, protectedTips: string[]): Promise<string | null> {
  for (const p of protectedTips) {
    const r = await git.run(['merge-base', '--is-ancestor', commit, p], { okCodes: [0, 1] });
    if (r.code === 0) return p;
  }
  return null;
}

async function commitHeader(objects: ObjectReader, oid: string): Promise<{ tree: string | null; author: Person | null; committer: Person | null }> {
  const o = await objects.read(oid);
  if (!o || o.type !== 'commit') throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
  const text = o.data.toString('utf8');
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  let tree: string | null = null;
  let author: Person | null = null;
  let committer: Person | null = null;
  for (const line of head.split('\n')) {
    if (line.startsWith('tree ')) tree ??= line.slice(5).trim();
    else if (line.startsWith('author ')) author ??= person(line.slice(7));
    else if (line.startsWith('committer ')) committer ??= person(line.slice(10));
  }
  return { tree, author, committer };
}

function person(s: string): Person | null {
  const m = /^(.*?) <([^>]*)> (\d+)/.exec(s);
  return m ? { name: m[1]!, email: m[2]!, time: Number(m[3]) } : null;
}
