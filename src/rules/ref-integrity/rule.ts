// ref-integrity: ref updates that change what git shows rather than what a branch contains.
//
// - `replace-ref`: creating, moving or deleting `refs/replace/*`. A replacement makes every git
//   that honours it read other bytes for an object than a clone gets. The gate itself never
//   honours them (every git child runs with GIT_NO_REPLACE_OBJECTS=1), but the ref still changes
//   what people and tools on the server see, so it is a protected change: blocked unless approved.
// - `non-commit-ref`: a branch, tag or any other ref that names a tree or a blob (directly or
//   through annotated tags). By default blocked outside refs/tags/; inside refs/tags/ the tree is
//   checked like a root commit's (every file added) and a blob as the file at
//   `non_commit_blob_path` (blocked when no path is named). The engine adds that content to the
//   change set (src/sources/non-commit.ts); this rule only says what policy allows.
// - `protected-branch-deleted`: a push that deletes a branch of `protected_branches` (default
//   main, master, release/*) or the server's policy branch. Nothing else in the gate judges a
//   deletion (it adds no commits), and git's receive.denyDeleteCurrent guards only HEAD's branch.
//   The finding names the deleted tip as its commit, so an approval of that commit that names
//   this sub-rule (`approve <old tip> --covers ref-integrity/protected-branch-deleted --ref <branch>`)
//   closes it.
// - `notes-ref`: deleting refs/notes/safety-gate or refs/notes/safety-gate-checks, or moving one
//   non-fast-forward: that wipes every approval (and its evidence) on the server at once.
import picomatch from 'picomatch';
import type { RefUpdate } from '../../changeset/types.js';
import { createRule } from '../types.js';
import { refIntegrityMessages } from './messages.js';
import type { RefIntegrityOptions } from './options.js';

/** Notes refs whose history is evidence: the signed approvals and the required-checks receipts. */
const EVIDENCE_NOTES_REFS = ['refs/notes/safety-gate', 'refs/notes/safety-gate-checks'] as const;

export function isEvidenceNotesRef(ref: string): boolean {
  // Case-insensitive, like replace refs: on a case-insensitive file system it is the same file.
  const r = ref.toLowerCase();
  return EVIDENCE_NOTES_REFS.some((n) => r === n);
}

export function isReplaceRef(ref: string): boolean {
  // Case-insensitive: on a case-insensitive file system refs/Replace/x is the same directory.
  return ref.toLowerCase().startsWith('refs/replace/');
}

/** How a ref that names a tree or blob is treated under these options. */
export function nonCommitTreatment(ref: RefUpdate, o: RefIntegrityOptions): 'block' | 'check' | 'no-path' | null {
  const type = ref.peeled?.type;
  if (ref.kind === 'delete' || !type || type === 'commit') return null;
  const t = ref.ref.startsWith('refs/tags/') ? o.non_commit_inside_tags : o.non_commit_outside_tags;
  if (t === 'block') return 'block';
  if (type === 'blob' && o.non_commit_blob_path === null) return 'no-path';
  return 'check';
}

/** Matcher for full ref names of the protected branches (`main` → refs/heads/main). */
export function protectedBranchMatcher(patterns: readonly string[], policyBranch: string | null): (ref: string) => boolean {
  const full = patterns.map((p) => (p.startsWith('refs/') ? p : `refs/heads/${p.replace(/^\/+/, '')}`));
  if (policyBranch) full.push(policyBranch.startsWith('refs/') ? policyBranch : `refs/heads/${policyBranch}`);
  const m = picomatch(full, { nocase: true, dot: true });
  return (ref) => m(ref);
}

export const refIntegrity = createRule<RefIntegrityOptions, typeof refIntegrityMessages>({
  meta: {
    id: 'ref-integrity',
    family: 'protected targets',
    description: 'Replace refs, refs that name a tree or a blob instead of a commit, and deleted or rewound approval notes',
    defaultSeverity: 'block',
    messages: refIntegrityMessages,
    docs: `Blocks ref updates that change what git shows instead of what a branch contains.

replace-ref: a push that creates, moves or deletes refs/replace/*. A replacement makes git read
other bytes for an object (a clean blob instead of a bad one, another policy file) wherever it is
honoured, while clones get the real bytes. The gate never honours replacements itself: every git
it starts runs with GIT_NO_REPLACE_OBJECTS=1 and core.useReplaceRefs=false, info/grafts is
ignored (GIT_GRAFT_FILE=/dev/null) and GIT_REPLACE_REF_BASE is dropped, on every door.
Fix: do not push refs/replace/*; rewrite history instead (git filter-repo), or get an approval.

non-commit-ref: a branch, tag or other ref whose target, once annotated tags are followed, is a
tree or a blob. Such a ref lands content that no commit carries.
Options:
  non_commit_outside_tags: block (default) | check
  non_commit_inside_tags:  check (default) | block
  non_commit_blob_path:    null (default) | a path, e.g. "tagged/blob.env"
"check" checks a tree like a root commit's (every file added: every rule sees every file) and a
blob as the file at non_commit_blob_path (its type and runtime scope follow from that path); with
no path named, a blob ref blocks.
Fix: point the ref at a commit (git commit-tree), or tag a commit.

protected-branch-deleted: a push that deletes a branch matching \`protected_branches\` (default
main, master, release/*, plus server.protected_branches; \`main\` means refs/heads/main, globs and full ref names allowed,
matched case-insensitively) or the server's policy branch (server.policy_branch). A deletion adds
no commit, so no other rule sees it; git's receive.denyDeleteCurrent only guards the branch HEAD
names.
Options: protected_branches: [main, master, "release/*"] (default)
Fix: do not delete the branch; or have it approved: an approver (approvals.rules
"ref-integrity/protected-branch-deleted", else approvals.default) runs
\`safety-gate approve <deleted tip> --covers ref-integrity/protected-branch-deleted --ref <branch>\`
and the deletion is pushed together with refs/notes/safety-gate. An approval that does not name
the sub-rule in --covers never closes it.

notes-ref: a push that deletes refs/notes/safety-gate (the signed approvals) or
refs/notes/safety-gate-checks (required-checks receipts), or moves either to a commit that does not
descend from its current value (a forced, non-fast-forward update). Either wipes approvals and
their evidence for every commit on the server. Refused outright: no approval can close it, since
it would have to live in the ref being removed.
Fix: only add to the notes ref: fetch it, merge your notes into it
(git notes --ref=safety-gate merge -s cat_sort_uniq refs/notes/origin-safety-gate), push without
'+'. A server administrator who must rewrite it does so on the server itself.

Moves: on the server every update of a ref that names a commit (branches, tags, notes,
refs/pull/*, anything else but the gate's own evidence notes) is also judged as the diff from the
ref's old tip to its new tip (a new ref: from its nearest ancestor on a protected branch), so a
rewind, a fast-forward onto a commit already on the server, a merge that takes such a side, or a
tag (lightweight or annotated) at a commit never judged on a protected branch is judged by what
it changes on that ref.

Other refs: refs outside refs/heads/ and refs/tags/ (refs/notes/*, refs/pull/*, anything else)
are judged like branches: every commit they make new is checked by every rule.`,
  },
  create({ options, policy, git }) {
    // One list: the rule's protected_branches and the server's (which also anchor ref moves).
    const isProtectedBranch = protectedBranchMatcher([...options.protected_branches, ...policy.server.protectedBranches], policy.server.policyBranch);
    return {
      async checkRun(run, report) {
        for (const r of run.refs) {
          if (r.kind === 'delete' && isProtectedBranch(r.ref)) {
            report({
              messageId: 'protectedBranchDeleted',
              data: { ref: r.ref, tip: r.oldOid.slice(0, 12) },
              path: null,
              commit: r.oldOid,
              ref: r.ref,
            });
            continue;
          }
          if (isEvidenceNotesRef(r.ref)) {
            // Deleting or rewinding the notes ref wipes every approval (and its evidence) on the
            // server at once. Adding to it is a fast-forward; anything else is refused outright:
            // an approval for it would have to live in the very ref it removes.
            let how: 'deletes' | 'rewrites' | null = null;
            if (r.kind === 'delete') how = 'deletes';
            else if (r.kind === 'update') {
              // Old not an ancestor of new (or not readable here: fail closed).
              const ff = await git.run(['merge-base', '--is-ancestor', r.oldOid, r.newOid]);
              if (ff.code !== 0) how = 'rewrites';
            }
            if (how) {
              report({
                messageId: how === 'deletes' ? 'notesDeleted' : 'notesRewritten',
                data: { ref: r.ref, notes: r.ref.slice('refs/notes/'.length) },
                path: null,
                commit: null,
                ref: r.ref,
              });
            }
            // Still a ref like any other: a tree or blob it names is judged below.
          }
          if (isReplaceRef(r.ref)) {
            const what = r.kind === 'create' ? 'creates' : r.kind === 'delete' ? 'deletes' : 'moves';
            report({
              messageId: 'replaceRef',
              data: { action: what, ref: r.ref },
              path: null,
              commit: null,
              ref: r.ref,
            });
            continue;
          }
          const t = nonCommitTreatment(r, options);
          if (t === 'block' || t === 'no-path') {
            const type = r.peeled!.type;
            const inTags = r.ref.startsWith('refs/tags/');
            const where = { path: null, commit: null, ref: r.ref };
            const oid = r.peeled!.oid.slice(0, 12);
            if (t === 'block') report({ messageId: 'nonCommitRef', data: { ref: r.ref, type, oid, where: inTags ? 'inside' : 'outside' }, ...where });
            else report({ messageId: 'blobWithoutPath', data: { ref: r.ref, oid }, ...where });
          }
        }
      },
    };
  },
});
