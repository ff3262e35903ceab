// Every finding message of ref-integrity.
import { defineMessages } from '../messages.js';

export const refIntegrityMessages = defineMessages({
  replaceRef: {
    text: 'this push {{action}} the replace ref {{ref}}: replacements make git show other content for an object than a clone gets',
    subRule: 'replace-ref',
    fix: 'do not push refs/replace/*; rewrite the history instead, or get an approval for this ref',
  },
  nonCommitRef: {
    text: '{{ref}} names a {{type}} ({{oid}}), not a commit; the policy blocks such refs {{where}} refs/tags/',
    subRule: 'non-commit-ref',
    fix: 'point the ref at a commit that contains the content, or set ref-integrity options to check such refs',
  },
  blobWithoutPath: {
    text: '{{ref}} names a blob ({{oid}}), and the policy names no path to check it as (non_commit_blob_path)',
    subRule: 'non-commit-ref',
    fix: 'point the ref at a commit that contains the content, or set ref-integrity options to check such refs',
  },
  protectedBranchDeleted: {
    text: 'this push deletes the protected branch {{ref}} (tip {{tip}})',
    subRule: 'protected-branch-deleted',
    fix: 'keep the branch; or an approver runs `safety-gate approve {{tip}} --covers ref-integrity/protected-branch-deleted --ref {{ref}}` and the deletion is pushed with refs/notes/safety-gate',
  },
  notesDeleted: {
    text: 'this push deletes {{ref}}, the signed approvals and their evidence: they would be lost for every commit on the server',
    subRule: 'notes-ref',
    fix: 'only add to {{ref}} (fetch it and `git notes --ref={{notes}} merge -s cat_sort_uniq`, then push without +); a server administrator changes its history on the server itself',
  },
  notesRewritten: {
    text: 'this push rewrites {{ref}} (not a fast-forward), the signed approvals and their evidence: they would be lost for every commit on the server',
    subRule: 'notes-ref',
    fix: 'only add to {{ref}} (fetch it and `git notes --ref={{notes}} merge -s cat_sort_uniq`, then push without +); a server administrator changes its history on the server itself',
  },
});
