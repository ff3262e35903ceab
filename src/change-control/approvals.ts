// The seam for authorised approvals of protected changes that no generator can vouch for on the
// server (generators declared `server: false`, receipt-verified generators, protected groups
// without a generator). A later issue brings signed approvals; until then nothing is approved
// and the finding says so.
export interface ApprovalRequest {
  /** Commit being checked (null for the staged change). */
  commit: string | null;
  /** Protected paths the approval must cover. */
  paths: string[];
  /** Generator whose outputs these are, if any. */
  generator: string | null;
  /** Why an approval is needed (for the message). */
  reason: string;
}

export interface ApprovalDecision {
  approved: boolean;
  /** Who approved (authenticated identity), when approved. */
  by: string | null;
  /** One line for the finding. */
  detail: string;
}

export interface ApprovalProvider {
  check(request: ApprovalRequest): Promise<ApprovalDecision>;
}

export const NOT_YET_SUPPORTED = 'needs an authorised approval (not yet supported)';

/** The provider in force until signed approvals exist: nothing is approved. */
export const noApprovals: ApprovalProvider = {
  async check() {
    return { approved: false, by: null, detail: NOT_YET_SUPPORTED };
  },
};

let current: ApprovalProvider = noApprovals;

export function approvalProvider(): ApprovalProvider {
  return current;
}

/** Install another provider (the approvals issue; tests). Returns the previous one. */
export function setApprovalProvider(provider: ApprovalProvider): ApprovalProvider {
  const prev = current;
  current = provider;
  return prev;
}
