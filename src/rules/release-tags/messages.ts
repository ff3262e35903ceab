// Every line the release-tags rule prints: what is wrong, and what to do about it.
const s = (oid: string) => oid.slice(0, 12);

export const releaseMsg = {
  badName: (name: string, expected: string) => `release tag ${name} does not match the release naming policy (${expected})`,
  badNameFix: (expected: string) => `name the tag ${expected} (semver numbers, no leading zeros), or tag outside the release prefix`,
  lightweight: (name: string, oid: string) => `release tag ${name} is lightweight (it names commit ${s(oid)} directly); release tags are annotated`,
  lightweightFix: (name: string) => `delete it locally and tag again with a message and a signature: git tag -s -m "…" ${name} <commit>`,
  notCommit: (name: string, type: string, oid: string) => `release tag ${name} names a ${type} (${s(oid)}), not a commit`,
  notCommitFix: 'tag the release commit itself',
  nameMismatch: (name: string, inner: string | null) =>
    `release tag ${name} is a tag object made for ${inner === null ? 'no name' : `"${inner}"`}: its signature vouches for another tag`,
  nameMismatchFix: (name: string) => `create the tag under its own name: git tag -s -m "…" ${name} <commit>`,
  unsigned: (name: string, why: string) => `release tag ${name} is not signed by a release signer: ${why}`,
  unsignedFix: (name: string, roles: string) => `a signer holding ${roles} tags it: git -c gpg.format=ssh -c user.signingkey=KEY tag -s -m "…" ${name} <commit>`,
  noSigners: (problem: string) => `release tag signatures cannot be verified: ${problem}`,
  noSignersFix: 'the server policy names approvals.allowed_signers, a file of the server',
  offBranch: (name: string, kind: string, commit: string, branches: string) => `${kind} tag ${name} names commit ${s(commit)}, which is not reachable from ${branches}`,
  offBranchFix: (kind: string, branches: string) => `${kind === 'release' ? 'merge the change into' : 'tag a commit of'} ${branches} (push the branch first), then tag that commit`,
  noChangelog: (name: string, file: string, version: string, commit: string) =>
    `release tag ${name}: ${file} in the tagged tree (${s(commit)}) has no heading naming version ${version}`,
  noChangelogFile: (name: string, file: string, commit: string) => `release tag ${name}: the tagged tree (${s(commit)}) has no ${file}`,
  noChangelogFix: (file: string, version: string) =>
    `add a heading such as "## ${version}" to ${file} with the safety-relevant changes, config/schema changes and rollout notes, commit, and tag that commit`,
  noChecks: (name: string, commit: string) =>
    `release tag ${name} names commit ${s(commit)}, for which the audit log holds no pass decision: the blocking checks are not known to have passed on it`,
  noChecksFix: 'push the commit to its branch first (the gate records the pass), then push the tag',
  noReceipts: (name: string, commit: string, why: string) =>
    `release tag ${name} names commit ${s(commit)}, whose tree has no passing receipt signed by CI for every required check (${why})`,
  noReceiptsFix: (commit: string) =>
    `CI runs \`safety-gate check run <name> --rev ${s(commit)} --key CI_KEY\` for each required check and pushes refs/notes/safety-gate-checks, then push the tag`,
  shadow: (ref: string, name: string) =>
    `${ref} would stand in for the release name ${name} (git resolves refs/<name> and refs/heads/<name> like refs/tags/<name>); only release tags may carry release names`,
  shadowFix: (name: string) => `push it under another name (outside ${name.split('/')[0]}/), or as the signed release tag refs/tags/${name}`,
  moved: (name: string, from: string, to: string) => `this push moves the release tag ${name} (${s(from)} -> ${s(to)}); release tags are immutable`,
  deleted: (name: string, was: string) => `this push deletes the release tag ${name} (${s(was)}); release tags are immutable`,
  immutableFix: (commit: string | null, ref: string) =>
    `publish a new version instead; only under break-glass: two approvers run \`safety-gate approve ${commit ? s(commit) : '<commit>'} --break-glass --incident ID --bypass release-tags --rollback TEXT --ref ${ref} --key KEY\` and the push carries refs/notes/safety-gate`,
};
