// Every finding message of required-checks.
import { CHECKS_NOTES_REF } from '../../checks/receipt.js';
import { defineMessages } from '../messages.js';

export const requiredChecksMessages = defineMessages({
  noTree: {
    text: 'cannot read the tree of {{what}}, so no receipt can be checked',
    subRule: 'skipped-check',
    fix: 'resolve unmerged paths (git status) and try again',
  },
  noReceipt: { text: 'required check {{check}} has no passing receipt for {{what}} (tree {{tree}}): {{why}}', subRule: 'skipped-check' },
});

/** The remediation of noReceipt: who records the receipt (CI on the server's signed side, or the committer). */
export const requiredChecksFix = {
  client: (check: string, rev: string | null) =>
    `run \`safety-gate check run ${check}${rev ? ` --rev ${rev.slice(0, 12)}` : ''}\` (it runs on exactly this tree and records a receipt in ${CHECKS_NOTES_REF}), then ${rev ? 'push' : 'commit'} again`,
  server: (check: string, rev: string, role: string) =>
    `CI (a key of role ${role}) runs \`safety-gate check run ${check} --rev ${rev.slice(0, 12)} --key CI_KEY\` and pushes ${CHECKS_NOTES_REF} with the branch (git push origin <branch> ${CHECKS_NOTES_REF})`,
  /** At most three reasons, then how many more. */
  why: (why: readonly string[]) => why.slice(0, 3).join('; ') + (why.length > 3 ? `; and ${why.length - 3} more` : ''),
};
