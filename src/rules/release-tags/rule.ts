// release-tags: the CI/CD spec's release tagging policy, for every tag under `release_tags.prefix`
// that a push creates, moves or deletes. Sub-rules:
//   name        the name matches neither the release nor the pre-release template
//   annotated   a lightweight tag
//   target      a tag that names a tree or blob (after peeling tags of tags), or a tag object made
//               under another name (its signature would vouch for a different version)
//   signature   not signed with SSH by a principal of `signer_roles` (git verify-tag, exit status)
//   branch      the commit is not reachable from release_branches / prerelease_branches
//   changelog   the tagged tree's changelog has no heading naming exactly this version
//   checks      the trusted audit log has no pass decision for the tagged commit
//   immutable   an existing release tag is moved or deleted (break-glass can allow it)
// Inactive when the policy has no `release_tags:` section. Deletions and moves name a commit
// (the deleted tag's, the moved tag's new one) so that break-glass statements bind to it.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import picomatch from 'picomatch';
import { pusherIdentity } from '../../approvals/identity.js';
import { parseAllowedSigners, type SignerLine } from '../../approvals/ssh.js';
import { SignatureChecker, judgeTree } from '../../checks/evidence.js';
import { notesCommits, receiptsFor, snapshotNoteReader } from '../../checks/notes.js';
import { CHECKS_NOTES_REF } from '../../checks/receipt.js';
import type { ChangeSet, RefUpdate } from '../../changeset/types.js';
import { createRule, type GitAccess } from '../types.js';
import type { RuleReport } from '../messages.js';
import { releaseFix, releaseTagsMessages } from './messages.js';

type Report = RuleReport<typeof releaseTagsMessages>;
import { describeNames, nameRules, parseTagName, releaseTagName, shadowedReleaseName, type TagVersion } from './name.js';
import { parseTagObject, verifyReleaseSignature } from './verify-tag.js';
import { hasVersionHeading } from './changelog.js';

export const releaseTags = createRule<Record<string, never>, typeof releaseTagsMessages>({
  meta: {
    id: 'release-tags',
    family: 'release tags',
    description: 'Release tags: naming, annotated and signed by a release signer, on main / release branches, with a changelog entry and passed checks, immutable',
    defaultSeverity: 'block',
    messages: releaseTagsMessages,
    docs: `Enforces the release tagging policy on every tag under \`release_tags.prefix\` that a push
creates, moves or deletes (pre-receive; pre-push judges the same with the client's files).
Inactive unless the policy has a \`release_tags:\` section (the agenttrader-v2 preset has one).

name: the tag name (after refs/tags/) matches neither \`release\` nor \`prerelease\`. Templates are
literal text with MAJOR, MINOR, PATCH (and N for pre-releases); each stands for a semver number
(0 or digits without a leading zero). agenttrader-v2: agenttrader-v2/vMAJOR.MINOR.PATCH and
agenttrader-v2/vMAJOR.MINOR.PATCH-rc.N, so agenttrader-v2/v1.0 is refused. The prefix is
matched case-insensitively (AgentTrader-V2/... is judged, and refused).
annotated: a lightweight tag (annotated: true, the default).
target: after following tags of tags, the tag names a tree or a blob, not a commit; or the tag
object names itself differently than the ref it is pushed to (a signed agenttrader-v2/v9.9.9
pushed as refs/tags/agenttrader-v2/v1.0.0).
signature: (signed: true, the default) the outermost tag object must carry an SSH signature that
\`git verify-tag --raw\` accepts (exit status 0) with gpg.format=ssh and gpg.ssh.allowedSignersFile
holding only the lines of approvals.allowed_signers (the server's file) whose principals hold one
of \`signer_roles\` (default [release], members from approvals.roles); @revoked keys go to
gpg.ssh.revocationFile. The verdict is the exit status, never git's or ssh-keygen's text; the
signer is the principal of the public key inside the signature. PGP and X.509 signatures are
refused without being handed to gpg.
branch: a release's commit must be reachable from a branch of \`release_branches\` (default
[main]); a pre-release's from \`prerelease_branches\` (default ["release/*", main]). Branches are
the repository's current ones (the server's before the push): push the branch first. On a client
the remote-tracking branches count too (origin/main stands for main).
changelog: \`changelog\` (default CHANGELOG.md) in the tagged tree must have a Markdown heading
(ATX "## 2.4.1", or setext) naming exactly the version: 2.4.1 (optionally v2.4.1, [2.4.1]) for a
release, 2.4.1-rc.3 for a pre-release; 2.4.10 or 2.4.1-rc.3 never counts for 2.4.1. null: not
required.
checks: (checks_evidence: audit-log, the default) the server's own audit log must hold a pass
decision whose checked commits include the tagged commit:
the gate's blocking checks passed on it when it reached a branch. Push the branch, then the tag.
Only pre-receive judges it (a client's log knows only what that clone pushed). A commit that
landed under break-glass (decision override) or before the gate was installed has no pass: tag
a later commit, or set checks_evidence: none, which turns it off.
immutable: (immutable: true) a push that moves or deletes an existing release tag. Only
break-glass lets it through: two approvers of approvals.break_glass sign
\`safety-gate approve <commit> --break-glass --incident ID --bypass release-tags --rollback TEXT
--ref refs/tags/<tag>\` (the deleted tag's commit, or the moved tag's new one) and the push
carries refs/notes/safety-gate; the decision is audited as an override. A moved tag's new value
is judged by every other sub-rule as well, so a break-glass for the move alone
(--bypass release-tags/immutable) never lets an unsigned or off-branch value through.
With required_checks in the policy the tagged tree also needs a passing receipt of each,
signed by the ci role (required-checks' signer_role), as a protected branch does: a push judges
required checks on its tips only, so a pass of an intermediate commit is no evidence of them.

Every decision about a tag is audited with retention class release-7y, whatever
audit.retention_class says. \`safety-gate audit export --release <tag> --output DIR\` writes the
release's evidence bundle.

shadow: a ref outside refs/tags/ whose name a release tag's short name resolves to
(refs/agenttrader-v2/v1.1.0, refs/heads/agenttrader-v2/…, refs/remotes/agenttrader-v2/…): git
reads refs/<name> before refs/tags/<name>, so it would stand in for the release.

Configuration (release_tags:): prefix, release, prerelease, annotated, signed, signer_roles,
release_branches, prerelease_branches, changelog, checks_evidence, immutable,
deployment_manifests (globs of the bundle's deployment manifests).`,
  },
  create({ policy, git, trustsLocalState, history, now }) {
    const cfg = policy.releaseTags ?? null;
    if (!cfg) return {};
    const names = nameRules(cfg);
    const expected = describeNames(names);
    let signers: { lines: SignerLine[] } | { problem: string } | null = null;
    const loadSigners = () => (signers ??= readSigners(policy.approvals?.allowed_signers, trustsLocalState ? (git.workTree ?? git.gitDir) : git.gitDir));
    // Client doors also count the remote-tracking branches (origin/main is what the server has).
    const branches = branchReach(git, trustsLocalState);
    let current: { changeSet: ChangeSet; pushedNotes: string[] } | null = null;
    return {
      async checkRun(run, report) {
        current = { changeSet: run.changeSet, pushedNotes: run.refs.filter((r) => r.ref === CHECKS_NOTES_REF && r.kind !== 'delete').map((r) => r.newOid) };
        for (const r of run.refs) {
          const shadow = r.kind === 'delete' ? null : shadowedReleaseName(names, r.ref);
          if (shadow !== null) {
            report({
              messageId: 'shadow',
              data: { ref: r.ref, name: shadow, prefix: shadow.split('/')[0]! },
              commit: r.peeled?.type === 'commit' ? r.peeled.oid : null,
              ref: r.ref,
              path: null,
            });
            continue;
          }
          const name = releaseTagName(names, r.ref);
          if (name === null) continue;
          if (r.kind !== 'create' && cfg.immutable) {
            const was = await peelCommit(git, r.oldOid);
            const commit = r.kind === 'delete' ? was : r.peeled?.type === 'commit' ? r.peeled.oid : was;
            report({
              ...(r.kind === 'delete'
                ? { messageId: 'deleted' as const, data: { name, was: (was ?? r.oldOid).slice(0, 12) } }
                : { messageId: 'moved' as const, data: { name, from: r.oldOid.slice(0, 12), to: r.newOid.slice(0, 12) } }),
              commit,
              ref: r.ref,
              path: null,
              remediation: releaseFix.immutable(commit, r.ref),
            });
          }
          // A deletion leaves nothing to judge; a moved tag's new value meets the policy like a new
          // one (break-glass for the move alone, --bypass release-tags/immutable, never lets an
          // unsigned or off-branch value through).
          if (r.kind !== 'delete') await checkTag(r, name, report);
        }
      },
    };

    async function checkTag(r: RefUpdate, name: string, report: Report): Promise<void> {
      const at = { ref: r.ref, path: null };
      const version = parseTagName(names, name);
      if (!version) {
        report({ messageId: 'badName', data: { name, expected }, commit: null, ...at });
        return;
      }
      const peeled = r.peeled ?? null;
      const commit = peeled?.type === 'commit' ? peeled.oid : null;
      if (r.targetType !== 'tag') {
        if (cfg!.annotated) report({ messageId: 'lightweight', data: { name, commit: r.newOid.slice(0, 12) }, commit, ...at });
      } else {
        const text = (await git.run(['cat-file', 'tag', r.newOid])).stdout.toString('utf8');
        const tag = parseTagObject(text);
        if (!tag || tag.tag !== name) {
          const inner = tag?.tag ?? null;
          if (inner === null) report({ messageId: 'nameMismatchNoName', data: { name }, commit, ...at });
          else report({ messageId: 'nameMismatch', data: { name, inner }, commit, ...at });
        } else if (cfg!.signed) {
          const s = loadSigners();
          if ('problem' in s) report({ messageId: 'noSigners', data: { problem: s.problem }, commit, ...at });
          else {
            const v = await verifyReleaseSignature(git, r.newOid, tag, s.lines, policy.approvals?.roles ?? {}, cfg!.signer_roles, now);
            if (!v.ok) report({ messageId: 'unsigned', data: { name, why: v.why, roles: cfg!.signer_roles.join('/') }, commit, ...at });
          }
        }
      }
      if (!commit) {
        if (peeled) report({ messageId: 'notCommit', data: { name, type: peeled.type, oid: peeled.oid.slice(0, 12) }, commit: null, ...at });
        return;
      }
      await checkCommit(name, version, commit, report, at);
    }

    async function checkCommit(name: string, version: TagVersion, commit: string, report: Report, at: { ref: string; path: null }): Promise<void> {
      const kind = version.rc === null ? 'release' : 'pre-release';
      const allowed = version.rc === null ? cfg!.release_branches : cfg!.prerelease_branches;
      if (!(await branches(allowed, commit))) {
        const list = allowed.join(', ');
        report({ messageId: 'offBranch', data: { kind, name, commit: commit.slice(0, 12), branches: list }, commit, remediation: releaseFix.offBranch(kind, list), ...at });
      }
      if (cfg!.changelog !== null) {
        const file = cfg!.changelog;
        const entry = await git.snapshot(commit).entry(file);
        const blob = entry && (entry.mode === '100644' || entry.mode === '100755') ? await git.readBlob(entry.oid) : null;
        if (!entry || !blob) report({ messageId: 'noChangelogFile', data: { name, commit: commit.slice(0, 12), file, version: version.version }, commit, ...at });
        else if (!hasVersionHeading(blob.text, version.version)) {
          report({
            messageId: 'noChangelog',
            data: { name, file, commit: commit.slice(0, 12), version: version.version },
            commit,
            path: file,
            ref: at.ref,
          });
        }
      }
      // The evidence is the server's own log: a client's log knows only what this clone pushed,
      // so client doors and scans leave the sub-rule to pre-receive rather than refuse a commit
      // the server has passed.
      if (cfg!.checks_evidence === 'audit-log' && !trustsLocalState && !(history.passedCommit?.(commit) ?? false)) {
        // Seam: signed required-check receipts (refs/notes/safety-gate-checks, issue 8 "Required
        // checks") become a further checks_evidence value verified here.
        report({ messageId: 'noChecks', data: { name, commit: commit.slice(0, 12) }, commit, ...at });
      }
      // With required checks in the policy, a pass of the commit is not enough (a push judges
      // required checks on its tips only, so an intermediate commit passed without them): the
      // tagged tree needs a passing receipt of each, signed by the ci role, as on a protected branch.
      const required = policy.record.required_checks;
      if (required.length > 0 && !trustsLocalState && current) {
        const why = await missingSignedReceipts(commit, required, current);
        if (why.length > 0) report({ messageId: 'noReceipts', data: { name, commit: commit.slice(0, 12), why: why.slice(0, 3).join('; ') }, commit, ...at });
      }
    }

    async function missingSignedReceipts(commit: string, required: readonly string[], cur: { changeSet: ChangeSet; pushedNotes: string[] }): Promise<string[]> {
      const tree = (await git.run(['rev-parse', '--verify', '-q', `${commit}^{tree}`])).stdout.toString('utf8').trim();
      if (!tree) return [`the tree of ${commit.slice(0, 12)} cannot be read`];
      const notes = await notesCommits(git, cur.pushedNotes);
      const who = (await git.run(['show', '-s', '--no-show-signature', '--format=%ae%n%ce', commit])).stdout.toString('utf8').split('\n').filter(Boolean);
      const role = ((policy.rules['required-checks']?.options ?? {}) as { signer_role?: string }).signer_role ?? 'ci';
      const sigs = new SignatureChecker(policy, git.gitDir);
      try {
        const verdicts = await judgeTree(
          policy,
          required,
          tree,
          await receiptsFor(snapshotNoteReader(git), notes, tree),
          {
            signed: true,
            role,
            signersBase: git.gitDir,
            pusher: pusherIdentity(policy.approvals?.identities ?? {}, cur.changeSet.actor),
            selfEmails: who,
            repoId: policy.approvals?.repo_id ?? policy.policyId ?? 'default',
          },
          sigs,
        );
        return verdicts.filter((v) => !v.ok).map((v) => `${v.check}: ${[...new Set(v.why)].join(', ') || 'no receipt'}`);
      } finally {
        sigs.close();
      }
    }
  },
});

function readSigners(path: string | undefined, base: string): { lines: SignerLine[] } | { problem: string } {
  if (!path) return { problem: 'the policy names no approvals.allowed_signers' };
  const full = isAbsolute(path) ? path : join(base, path);
  try {
    return { lines: parseAllowedSigners(readFileSync(full, 'utf8')) };
  } catch (e) {
    return { problem: `the allowed signers file ${full} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** The commit an existing ref value names once tags are followed; null for a tree, a blob or a missing object. */
async function peelCommit(git: GitAccess, oid: string): Promise<string | null> {
  const r = await git.run(['rev-parse', '--verify', '-q', `${oid}^{commit}`]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

/** Whether a commit is reachable from a current branch matching any of the patterns (`main` = refs/heads/main). */
function branchReach(git: GitAccess, withRemotes: boolean): (patterns: readonly string[], commit: string) => Promise<boolean> {
  let heads: Promise<{ ref: string; oid: string }[]> | null = null;
  const list = () =>
    (heads ??= git.run(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads/', ...(withRemotes ? ['refs/remotes/'] : [])]).then((r) =>
      r.stdout
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ ref: l.slice(0, l.lastIndexOf(' ')), oid: l.slice(l.lastIndexOf(' ') + 1) }))
        // refs/remotes/<remote>/<branch> stands for that branch (never a remote's HEAD symref).
        .flatMap((h) => {
          if (h.ref.startsWith('refs/heads/')) return [h];
          const rest = h.ref.slice('refs/remotes/'.length);
          const slash = rest.indexOf('/');
          const name = slash < 0 ? '' : rest.slice(slash + 1);
          return name && name !== 'HEAD' ? [{ ref: `refs/heads/${name}`, oid: h.oid }] : [];
        }),
    ));
  return async (patterns, commit) => {
    const match = picomatch(
      patterns.map((p) => (p.startsWith('refs/') ? p : `refs/heads/${p}`)),
      { dot: true },
    );
    for (const h of await list()) {
      if (!match(h.ref)) continue;
      if (h.oid === commit) return true;
      if ((await git.run(['merge-base', '--is-ancestor', commit, h.oid])).code === 0) return true;
    }
    return false;
  };
}
