// What a protected change that no generator can vouch for needs: a signed approval. The rules
// report such a change as a blocking finding that says so; signed approvals (src/approvals/)
// close it after every rule has run, in one place for every door and every rule (generators
// declared `server: false`, receipt-verified generators on the server, protected groups without
// a generator, live-endpoint exceptions, task-scope pending review), reporting it as
// "approved by …" at warn level.
interface ApprovalRequest {
  /** Commit being checked (null for the staged change). */
  commit: string | null;
  /** Protected paths the approval must cover. */
  paths: string[];
  /** Generator whose outputs these are, if any. */
  generator: string | null;
  /** Why an approval is needed (for the message). */
  reason: string;
}

interface ApprovalDecision {
  approved: boolean;
  /** Who approved (authenticated identity), when approved. */
  by: string | null;
  /** One line for the finding. */
  detail: string;
}

export interface ApprovalProvider {
  check(request: ApprovalRequest): Promise<ApprovalDecision>;
}

const NEEDS_APPROVAL = 'needs a signed approval (safety-gate approve)';

/**
 * The rules' provider: nothing is approved inside a rule. The finding it leads to is closed,
 * or kept with the reason each statement did not count, by `applyApprovals`.
 */
const signedApprovals: ApprovalProvider = {
  async check() {
    return { approved: false, by: null, detail: NEEDS_APPROVAL };
  },
};

export function approvalProvider(): ApprovalProvider {
  return signedApprovals;
}
