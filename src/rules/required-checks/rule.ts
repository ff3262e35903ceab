// required-checks (SPEC-260: "verify required build/test commands ran successfully before
// allowing commit or artifact publication"): every check named by `required_checks` must have a
// passing receipt for exactly the tree being committed or pushed (src/checks/).
//
// What is judged: the staged tree (pre-commit: the index's `git write-tree`); the tip of every
// branch a push updates (pre-push: every branch; pre-receive: the protected branches, where CI has
// already signed the tip it saw on a feature branch); the tips of a scanned range.
// What counts: on the client doors a passing receipt made here (unsigned is fine unless
// client_evidence: signed); in pre-receive only a receipt signed by a key of the signer role
// (default ci) from the server's allowed signers, never by the pusher or the change's author.
import picomatch from 'picomatch';
import { pusherIdentity, type Pusher } from '../../approvals/identity.js';
import { SignatureChecker, judgeTree, type EvidenceRequirement } from '../../checks/evidence.js';
import { notesCommits, receiptsFor, snapshotNoteReader } from '../../checks/notes.js';
import { CHECKS_NOTES_REF } from '../../checks/receipt.js';
import { protectedBranchMatcher } from '../ref-integrity/rule.js';
import type { RefIntegrityOptions } from '../ref-integrity/options.js';
import { createRule, type GitAccess } from '../types.js';
import { requiredChecksFix, requiredChecksMessages } from './messages.js';
import type { RequiredChecksOptions } from './options.js';

interface Subject {
  /** null: the staged tree. */
  commit: string | null;
  ref: string | null;
  what: string;
}

async function out(git: GitAccess, args: string[]): Promise<string | null> {
  const r = await git.run(args);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

export const requiredChecks = createRule<RequiredChecksOptions, typeof requiredChecksMessages>({
  meta: {
    id: 'required-checks',
    family: 'required checks',
    description: 'Each check of required_checks passed on exactly the committed or pushed tree (receipts in refs/notes/safety-gate-checks)',
    defaultSeverity: 'block',
    messages: requiredChecksMessages,
    docs: `SPEC-260: required build/test commands must have run successfully on exactly the tree that is
committed or published. The policy names each check's command (an argv, no shell) and
environment under \`checks:\`; \`required_checks:\` lists those that must pass:

  checks:
    test-suite:
      command: [python3, -m, pytest, -q]
      env: { PYTHONHASHSEED: "0" }
      timeout: 10m
  check_defaults:
    env: { TRADING_MODE: paper }     # agenttrader-v2 preset (Gate C); a check's env overrides it
  required_checks: [test-suite]      # each must be defined under checks: (config error otherwise)

\`safety-gate check run <name> [--key KEY] [--rev REV | --tree TREE]\` checks the tree out of git
(default: the index's \`git write-tree\`) into a temporary directory, runs the command there with
the policy's environment and records a receipt (check, command digest, tree, exit code, duration,
output digest, time, runner) as a note on the tree object under refs/notes/safety-gate-checks;
\`--key\` signs it (\`ssh-keygen -Y sign -n safety-gate-check\`). Notes are keyed by tree, so the
receipt holds for every commit with that tree (the commit made from the index, an amend of the
message, a rebase onto the same content).

required-checks/skipped-check  a required check without a passing receipt for the judged tree:
                               none, one for another tree, another command than the policy's,
                               a failed run; where signed evidence is required also an unsigned
                               receipt, a signature that does not verify, a key outside the
                               signer role, or one of the pusher or the change's author.

What is judged: the staged tree (pre-commit); every branch tip a push updates (pre-push); the
tips of the protected branches a push updates (pre-receive; feature branches are where CI runs
and signs); the tips of a scanned range (\`safety-gate scan --range A..B\` lists each tip and check
that lacks evidence, in text and JSON, so CI knows what to run and sign).

Whose changes: options.applies_to: agents (default: a run with a task envelope, or a pusher or
author email matching agents.identities) | everyone.

What counts:
  client doors  a passing receipt made in this repository, signed or not (options.client_evidence:
                local, the default); client_evidence: signed wants what the server wants.
  pre-receive   only receipts signed by a key of options.signer_role (default ci) in the server's
                approvals.allowed_signers and approvals.roles, verified with ssh-keygen -Y verify,
                not by the pusher (approvals.identities) nor the change's author or committer.
Options: applies_to, client_evidence, signer_role, protected_branches (default: ref-integrity's
and server.protected_branches).

Fix: run the check (\`safety-gate check run <name>\`) before committing; for a protected branch,
let CI run \`safety-gate check run <name> --rev <tip> --key <ci key>\` and push
refs/notes/safety-gate-checks with the branch. Deleting or rewinding that notes ref is refused by
ref-integrity/notes-ref. In an emergency, break-glass (two approvers, \`safety-gate approve <tip>
--break-glass --bypass required-checks …\`) lets the change through, audited as an override; an
ordinary approval closes the finding only where approvals.rules names required-checks.`,
  },
  create(ctx) {
    const { options, policy, git } = ctx;
    const required = policy.record.required_checks;
    const server = !ctx.trustsLocalState;
    const identities = policy.changeControl.agents?.identities ?? [];
    const isAgentName = identities.length > 0 ? picomatch(identities, { nocase: true, dot: true }) : () => false;
    const ri = (policy.rules['ref-integrity']?.options ?? {}) as Partial<RefIntegrityOptions>;
    const isProtected = protectedBranchMatcher(
      [...(options.protected_branches ?? ri.protected_branches ?? ['main', 'master', 'release/*']), ...policy.server.protectedBranches],
      null,
    );

    return {
      async checkRun(run, report) {
        if (required.length === 0) return;
        const { changeSet } = run;
        const staged = run.commits.find((c) => c.info.oid === null);
        // Who `git commit` will name as author (asked only when it can matter).
        let stagedEmail: string | null | undefined;
        const stagedAuthor = async (): Promise<string | null> => {
          if (stagedEmail === undefined) {
            const ident = staged ? await out(git, ['var', 'GIT_AUTHOR_IDENT']) : null;
            stagedEmail = ident ? (/<([^>]*)>/.exec(ident)?.[1] ?? null) : null;
          }
          return stagedEmail;
        };

        if (options.applies_to === 'agents' && !changeSet.task) {
          if (identities.length === 0) return;
          const pusher = changeSet.actor.name !== null && isAgentName(changeSet.actor.name);
          const author = run.commits.some((c) => [c.info.author?.email, c.info.committer?.email].some((e) => !!e && isAgentName(e)));
          const email = pusher || author ? null : await stagedAuthor();
          if (!pusher && !author && !(email && isAgentName(email))) return;
        }

        const subjects: Subject[] = [];
        if (staged) subjects.push({ commit: null, ref: null, what: 'the staged tree' });
        for (const r of run.refs) {
          if (r.kind === 'delete' || r.peeled?.type !== 'commit' || !r.ref.startsWith('refs/heads/')) continue;
          if (server && !isProtected(r.ref)) continue;
          subjects.push({ commit: r.peeled.oid, ref: r.ref, what: `${r.ref} at ${r.peeled.oid.slice(0, 12)}` });
        }
        if (run.refs.length === 0) {
          // A scanned range or history: its tips (commits no other commit of the run descends from).
          const listed = run.commits.filter((c) => c.info.oid !== null && !c.info.transition);
          const parents = new Set(listed.flatMap((c) => c.info.parents));
          for (const c of listed) if (!parents.has(c.info.oid!)) subjects.push({ commit: c.info.oid, ref: null, what: `commit ${c.info.oid!.slice(0, 12)}` });
        }
        if (subjects.length === 0) return;

        const pushed = run.refs.filter((r) => r.ref === CHECKS_NOTES_REF && r.kind !== 'delete').map((r) => r.newOid);
        const notes = await notesCommits(git, pushed);
        const read = snapshotNoteReader(git);
        const signersBase = server ? git.gitDir : (git.workTree ?? git.gitDir);
        const sigs = new SignatureChecker(policy, signersBase);
        const pusher: Pusher | null = server ? pusherIdentity(policy.approvals?.identities ?? {}, changeSet.actor) : null;
        try {
          for (const s of subjects) {
            const tree = s.commit === null ? await out(git, ['write-tree']) : await out(git, ['rev-parse', '--verify', '-q', `${s.commit}^{tree}`]);
            if (!tree) {
              report({
                messageId: 'noTree',
                data: { what: s.what },
                commit: s.commit,
                ref: s.ref,
              });
              continue;
            }
            const self: string[] = [];
            if (s.commit === null) {
              const email = await stagedAuthor();
              if (email) self.push(email);
              const committer = await out(git, ['var', 'GIT_COMMITTER_IDENT']);
              const m = committer ? /<([^>]*)>/.exec(committer) : null;
              if (m) self.push(m[1]!);
            } else {
              const who = await out(git, ['show', '-s', '--no-show-signature', '--format=%ae%n%ce', s.commit]);
              if (who) self.push(...who.split('\n').filter(Boolean));
            }
            const signed = (server && s.ref !== null) || options.client_evidence === 'signed';
            const req: EvidenceRequirement = {
              signed,
              role: options.signer_role,
              signersBase,
              pusher,
              selfEmails: self,
              repoId: policy.approvals?.repo_id ?? policy.policyId ?? 'default',
            };
            const entries = await receiptsFor(read, notes, tree);
            for (const v of await judgeTree(policy, required, tree, entries, req, sigs)) {
              if (v.ok) continue;
              const why = [...new Set(v.why)];
              report({
                messageId: 'noReceipt',
                data: { check: v.check, what: s.what, tree: tree.slice(0, 12), why: requiredChecksFix.why(why) },
                commit: s.commit,
                ref: s.ref,
                path: null,
                remediation: signed && s.commit ? requiredChecksFix.server(v.check, s.commit, options.signer_role) : requiredChecksFix.client(v.check, s.commit),
              });
            }
          }
        } finally {
          sigs.close();
        }
      },
    };
  },
});
