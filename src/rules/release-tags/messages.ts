// Every line the release-tags rule prints: its findings (by messageId) and what to do about them.
import { defineMessages } from '../messages.js';

const s = (oid: string) => oid.slice(0, 12);

export const releaseTagsMessages = defineMessages({
  badName: {
    text: 'release tag {{name}} does not match the release naming policy ({{expected}})',
    subRule: 'name',
    fix: 'name the tag {{expected}} (semver numbers, no leading zeros), or tag outside the release prefix',
  },
  lightweight: {
    text: 'release tag {{name}} is lightweight (it names commit {{commit}} directly); release tags are annotated',
    subRule: 'annotated',
    fix: 'delete it locally and tag again with a message and a signature: git tag -s -m "…" {{name}} <commit>',
  },
  nameMismatch: {
    text: 'release tag {{name}} is a tag object made for "{{inner}}": its signature vouches for another tag',
    subRule: 'target',
    fix: 'create the tag under its own name: git tag -s -m "…" {{name}} <commit>',
  },
  nameMismatchNoName: {
    text: 'release tag {{name}} is a tag object made for no name: its signature vouches for another tag',
    subRule: 'target',
    fix: 'create the tag under its own name: git tag -s -m "…" {{name}} <commit>',
  },
  notCommit: { text: 'release tag {{name}} names a {{type}} ({{oid}}), not a commit', subRule: 'target', fix: 'tag the release commit itself' },
  noSigners: {
    text: 'release tag signatures cannot be verified: {{problem}}',
    subRule: 'signature',
    fix: 'the server policy names approvals.allowed_signers, a file of the server',
  },
  unsigned: {
    text: 'release tag {{name}} is not signed by a release signer: {{why}}',
    subRule: 'signature',
    fix: 'a signer holding {{roles}} tags it: git -c gpg.format=ssh -c user.signingkey=KEY tag -s -m "…" {{name}} <commit>',
  },
  offBranch: { text: '{{kind}} tag {{name}} names commit {{commit}}, which is not reachable from {{branches}}', subRule: 'branch' },
  noChangelogFile: {
    text: 'release tag {{name}}: the tagged tree ({{commit}}) has no {{file}}',
    subRule: 'changelog',
    fix: 'add a heading such as "## {{version}}" to {{file}} with the safety-relevant changes, config/schema changes and rollout notes, commit, and tag that commit',
  },
  noChangelog: {
    text: 'release tag {{name}}: {{file}} in the tagged tree ({{commit}}) has no heading naming version {{version}}',
    subRule: 'changelog',
    fix: 'add a heading such as "## {{version}}" to {{file}} with the safety-relevant changes, config/schema changes and rollout notes, commit, and tag that commit',
  },
  noChecks: {
    text: 'release tag {{name}} names commit {{commit}}, for which the audit log holds no pass decision: the blocking checks are not known to have passed on it',
    subRule: 'checks',
    fix: 'push the commit to its branch first (the gate records the pass), then push the tag',
  },
  noReceipts: {
    text: 'release tag {{name}} names commit {{commit}}, whose tree has no passing receipt signed by CI for every required check ({{why}})',
    subRule: 'checks',
    fix: 'CI runs `safety-gate check run <name> --rev {{commit}} --key CI_KEY` for each required check and pushes refs/notes/safety-gate-checks, then push the tag',
  },
  moved: { text: 'this push moves the release tag {{name}} ({{from}} -> {{to}}); release tags are immutable', subRule: 'immutable' },
  deleted: { text: 'this push deletes the release tag {{name}} ({{was}}); release tags are immutable', subRule: 'immutable' },
  shadow: {
    text: '{{ref}} would stand in for the release name {{name}} (git resolves refs/<name> and refs/heads/<name> like refs/tags/<name>); only release tags may carry release names',
    subRule: 'shadow',
    fix: 'push it under another name (outside {{prefix}}/), or as the signed release tag refs/tags/{{name}}',
  },
});

/** Remediations that depend on more than the finding's data. */
export const releaseFix = {
  offBranch: (kind: string, branches: string) => `${kind === 'release' ? 'merge the change into' : 'tag a commit of'} ${branches} (push the branch first), then tag that commit`,
  immutable: (commit: string | null, ref: string) =>
    `publish a new version instead; only under break-glass: two approvers run \`safety-gate approve ${commit ? s(commit) : '<commit>'} --break-glass --incident ID --bypass release-tags --rollback TEXT --ref ${ref} --key KEY\` and the push carries refs/notes/safety-gate`,
};
