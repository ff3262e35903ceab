import { describe, expect, it } from 'vitest';
import type { RefUpdate } from '../../changeset/types.js';
import { optionsSchema } from './options.js';
import { isEvidenceNotesRef, isReplaceRef, nonCommitTreatment, protectedBranchMatcher } from './rule.js';

const ref = (name: string, type: 'commit' | 'tree' | 'blob' | null, kind: RefUpdate['kind'] = 'create'): RefUpdate => ({
  ref: name,
  localRef: null,
  oldOid: '0'.repeat(40),
  newOid: 'a'.repeat(40),
  kind,
  forced: false,
  isTag: name.startsWith('refs/tags/'),
  isBranch: name.startsWith('refs/heads/'),
  targetType: type,
  peeled: type ? { oid: 'a'.repeat(40), type } : null,
});

describe('ref-integrity', () => {
  const defaults = optionsSchema.parse(undefined);

  it('knows replace refs in any case', () => {
    expect(isReplaceRef('refs/replace/abc')).toBe(true);
    expect(isReplaceRef('refs/Replace/abc')).toBe(true);
    expect(isReplaceRef('refs/heads/replace/abc')).toBe(false);
  });

  it('knows the evidence notes refs (approvals, required checks) in any case, and no other notes ref', () => {
    expect(isEvidenceNotesRef('refs/notes/safety-gate')).toBe(true);
    expect(isEvidenceNotesRef('refs/notes/Safety-Gate-Checks')).toBe(true);
    expect(isEvidenceNotesRef('refs/notes/safety-gate-other')).toBe(false);
    expect(isEvidenceNotesRef('refs/notes/commits')).toBe(false);
    expect(isEvidenceNotesRef('refs/heads/refs/notes/safety-gate')).toBe(false);
  });

  it('blocks trees and blobs outside refs/tags, checks trees inside, blocks blobs without a path', () => {
    expect(nonCommitTreatment(ref('refs/heads/x', 'tree'), defaults)).toBe('block');
    expect(nonCommitTreatment(ref('refs/notes/x', 'blob'), defaults)).toBe('block');
    expect(nonCommitTreatment(ref('refs/tags/x', 'tree'), defaults)).toBe('check');
    expect(nonCommitTreatment(ref('refs/tags/x', 'blob'), defaults)).toBe('no-path');
    expect(nonCommitTreatment(ref('refs/tags/x', 'commit'), defaults)).toBeNull();
    expect(nonCommitTreatment(ref('refs/heads/x', null, 'delete'), defaults)).toBeNull();
  });

  it('is configurable', () => {
    const o = optionsSchema.parse({ non_commit_outside_tags: 'check', non_commit_inside_tags: 'block', non_commit_blob_path: 'tagged/blob.env' });
    expect(nonCommitTreatment(ref('refs/heads/x', 'blob'), o)).toBe('check');
    expect(nonCommitTreatment(ref('refs/tags/x', 'tree'), o)).toBe('block');
    expect(() => optionsSchema.parse({ non_commit_blob_path: '../x' })).toThrow();
    expect(() => optionsSchema.parse({ non_commit_outside_tags: 'allow' })).toThrow();
  });

  it('protected branches: short names, globs, full refs, the policy branch, any case', () => {
    const m = protectedBranchMatcher(defaults.protected_branches, 'refs/heads/policy');
    for (const r of ['refs/heads/main', 'refs/heads/master', 'refs/heads/release/1.2', 'refs/heads/policy', 'refs/heads/MAIN', 'refs/heads/Release/x']) expect(m(r), r).toBe(true);
    for (const r of ['refs/heads/feature', 'refs/heads/main2', 'refs/heads/release/1/2', 'refs/tags/main', 'refs/heads/x/main']) expect(m(r), r).toBe(false);
    const own = protectedBranchMatcher(optionsSchema.parse({ protected_branches: ['prod', 'refs/heads/hotfix/**'] }).protected_branches, 'main');
    expect([own('refs/heads/prod'), own('refs/heads/hotfix/a/b'), own('refs/heads/main'), own('refs/heads/master')]).toEqual([true, true, true, false]);
  });
});
