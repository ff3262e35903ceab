// What the policy-record rule says when it cannot decide.
export const policyRecordMsg = {
  revListFailed: (base: string, newOid: string, code: number) => `git rev-list ${base}..${newOid} failed (exit ${code})`,
  revListFailedHint: 'check the repository, then push again',
} as const;
