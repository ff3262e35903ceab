// Every message of the engine and the CLI that a user reads, in one place.
// Rule messages live in each rule's own file, next to its metadata.

export const msg = {
  prefix: 'safety-gate',
  gitMissing: (detail: string) => `git could not be started (${detail})`,
  gitMissingHint: 'install git and make sure it is on PATH',
  gitFailed: (args: readonly string[], detail: string) =>
    `git ${args
      .filter((a) => !a.startsWith('-c'))
      .slice(0, 2)
      .join(' ')} failed: ${detail}`,
  notARepo: (cwd: string) => `${cwd} is not inside a git repository`,
  notARepoHint: 'run safety-gate inside a repository, or pass -C <dir>',
  objectMissing: (oid: string) => `object ${oid} cannot be read`,
  objectNotBlob: (oid: string, type: string) => `object ${oid} is a ${type} where a file's content was expected`,
  objectMissingHint: 'the repository may be corrupt or the push incomplete; fetch or push again',
  catFileDied: (detail: string) => `git cat-file stopped unexpectedly (${detail})`,
  badStdinLine: (door: string, n: number, line: string) => `${door}: malformed input on line ${n}: ${JSON.stringify(line.length > 80 ? line.slice(0, 80) + '…' : line)}`,
  badStdinHint: 'git itself feeds this hook; if you ran it by hand, pass "<old> <new> <ref>" lines',
  badPushStdinHint: 'git itself feeds this hook; if you ran it by hand, pass "<local ref> <local oid> <remote ref> <remote oid>" lines',
  badRevision: (rev: string) => `cannot resolve ${rev}`,
  badRevisionHint: 'pass a commit, branch or tag that exists in this repository',
  deadline: (door: string, ms: number) => `${door}: could not finish within ${ms} ms; blocking to stay safe`,
  deadlineHint: 'retry; if it keeps happening, raise limits.deadline_ms or split the push',
  deadlineProjected: (door: string, budget: number, p: { commits: number; blobs: number; bytes: number; done: number; elapsed: number; projected: number }) =>
    `${door}: too big for its ${budget} ms budget: ${p.commits} commits, ${p.blobs} blobs, ${(p.bytes / 1048576).toFixed(1)} MiB to read need about ${p.projected} ms at this server's pace (${Math.round((100 * p.done) / Math.max(1, p.bytes))}% read after ${p.elapsed} ms); blocking now, before the budget runs out`,
  deadlineProjectedHint: (door: string, suggest: number) =>
    `raise limits.deadline_ms.${door} to ${suggest} or more in the server's policy, or push the history in parts (older commits first); a platform's own limit on hooks (GitHub Enterprise: 5 s for all pre-receive hooks) cannot be raised by the policy`,
  internal: (detail: string) => `internal error: ${detail}`,
  internalHint: 'this is a bug in safety-gate; rerun with SAFETY_GATE_DEBUG=1 and report it',
  undecidedLine: (detail: string, hint: string) => `safety-gate: could not decide — ${detail}${hint ? `; ${hint}` : ''}`,
  skipped: (door: string) => `safety-gate: ${door} skipped (SAFETY_GATE_SKIP=1); the server will still check this change`,
  skipUnderPreCommit: 'SAFETY_GATE_SKIP is not read under the pre-commit framework, which would show the skip as Passed',
  skipUnderPreCommitHint: 'skip with SKIP=safety-gate,safety-gate-commit-msg,safety-gate-pre-push git commit … (pre-commit shows it as Skipped); the server still checks',
  outputNoFolder: (file: string, dir: string) => `cannot write the report to ${file}: the folder ${dir} does not exist`,
  outputNoFolderHint: 'create the folder first, or pass another --output path',
  outputIsFolder: (file: string) => `cannot write the report to ${file}: it is a folder`,
  outputUnwritable: (file: string, detail: string) => `cannot write the report to ${file} (${detail})`,
  outputUnwritableHint: 'check the permissions of --output, or pass another path',
  noSuchDir: (dir: string) => `${dir} does not exist`,
  noSuchDirHint: 'pass the path of a repository (or a folder, with --no-git)',
  lintStagedYields: 'pre-commit hook already runs the gate for this commit; the lint-staged task does not run it twice',
  skipRefused: 'SAFETY_GATE_SKIP is ignored here: the server always applies the policy',
  nodeOptionsPreload: 'NODE_OPTIONS preloads code (--require/--import/--loader) into the pre-receive gate, which then cannot vouch for its decision',
  nodeOptionsPreloadHint:
    "reinstall the hook with `safety-gate install --server` (it clears the pusher's Node settings), unset NODE_OPTIONS in the hook, or set server.allow_node_options: true in the server policy",
  oversized: (path: string, size: number, cap: number) => `${path} is ${size} bytes, over the ${cap}-byte limit: not checked`,
  oversizedFix: 'shrink the file, or raise limits.max_blob_bytes if large files are expected here',
  usage: (detail: string) => `${detail}`,
  usageHint: 'see safety-gate --help',
  unknownCommand: (cmd: string) => `unknown command "${cmd}"`,
  unknownRule: (id: string) => `unknown rule "${id}"`,
  unknownRuleHint: 'list the rules with safety-gate explain',
} as const;

/** `safety-gate generate`: running an approved generator and writing its receipt. */
export const generateMsg = {
  usage: 'usage: safety-gate generate <generator-id> [--stage]',
  usageHint: 'list the generators with safety-gate generate --list',
  badFormat: (format: string) => `unknown format "${format}" (text or json)`,
  bare: 'safety-gate generate needs a work tree (this repository is bare)',
  bareHint: 'run it in a clone',
  unknown: (id: string, known: string) => `unknown generator "${id}" (defined: ${known})`,
  unknownHint: 'define it under generators in the policy',
  noStart: (id: string, error: unknown) => `generator ${id} could not start: ${String(error)}`,
  noStartHint: (command: string | undefined) => `check that ${command} is installed and on PATH`,
  timedOut: (id: string, ms: number) => `generator ${id} did not finish within ${ms} ms`,
  timedOutHint: 'raise its timeout_ms, or make it faster',
  failed: (id: string, code: number | null) => `generator ${id} failed (exit ${code})`,
  failedHint: 'fix the failure; no receipt was written',
  inputMoved: (path: string, id: string) => `input ${path} changed while generator ${id} ran`,
  inputMovedHint: 'run the generator again once nothing else writes its inputs',
  unreadable: (path: string) => `cannot read back the content of ${path}`,
  unreadableHint: 'retry; the repository may be corrupt',
};
