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
import type { RefUpdate } from '../../changeset/types.js';
import { defineRule } from '../types.js';
import type { RefIntegrityOptions } from './options.js';

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

export const refIntegrity = defineRule<RefIntegrityOptions>({
  meta: {
    id: 'ref-integrity',
    family: 'protected targets',
    description: 'Replace refs and refs that name a tree or a blob instead of a commit',
    defaultSeverity: 'block',
    subRules: ['replace-ref', 'non-commit-ref', 'protected-branch-deletion'],
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

protected-branch-deletion: a push that deletes a protected branch (server.protected_branches;
default the policy branch and main). Deleting it drops everything approved on it and, with
server.policy_source: branch, the policy itself. Not approvable: an administrator deletes it on
the server.
Fix: do not delete the branch; rewind or revert it with a push the gate judges.

Moves: on the server every update of a branch-like ref (anything outside refs/tags/ and
refs/notes/) is also judged as the diff from the ref's old tip to its new tip (a new ref: from
its nearest ancestor on a protected branch), so a rewind, a fast-forward onto a commit already on
the server or a merge that takes such a side is judged by what it changes on that ref.

Other refs: refs outside refs/heads/ and refs/tags/ (refs/notes/*, refs/pull/*, anything else)
are judged like branches: every commit they make new is checked by every rule.`,
  },
  create({ options, policy }) {
    const protectedBranches = new Set(policy.server.protectedBranches.map((b) => b.toLowerCase()));
    return {
      checkRun(run, report) {
        for (const r of run.refs) {
          if (r.kind === 'delete' && protectedBranches.has(r.ref.toLowerCase())) {
            report({
              subRule: 'protected-branch-deletion',
              message: `this push deletes the protected branch ${r.ref}`,
              path: null,
              commit: null,
              ref: r.ref,
              remediation: 'do not delete a protected branch (server.protected_branches); an administrator can remove it on the server',
            });
            continue;
          }
          if (isReplaceRef(r.ref)) {
            const what = r.kind === 'create' ? 'creates' : r.kind === 'delete' ? 'deletes' : 'moves';
            report({
              subRule: 'replace-ref',
              message: `this push ${what} the replace ref ${r.ref}: replacements make git show other content for an object than a clone gets`,
              path: null,
              commit: null,
              ref: r.ref,
              remediation: 'do not push refs/replace/*; rewrite the history instead, or get an approval for this ref',
            });
            continue;
          }
          const t = nonCommitTreatment(r, options);
          if (t === 'block' || t === 'no-path') {
            const type = r.peeled!.type;
            const inTags = r.ref.startsWith('refs/tags/');
            report({
              subRule: 'non-commit-ref',
              message:
                t === 'block'
                  ? `${r.ref} names a ${type} (${r.peeled!.oid.slice(0, 12)}), not a commit; the policy blocks such refs ${inTags ? 'inside' : 'outside'} refs/tags/`
                  : `${r.ref} names a blob (${r.peeled!.oid.slice(0, 12)}), and the policy names no path to check it as (non_commit_blob_path)`,
              path: null,
              commit: null,
              ref: r.ref,
              remediation: 'point the ref at a commit that contains the content, or set ref-integrity options to check such refs',
            });
          }
        }
      },
    };
  },
});
