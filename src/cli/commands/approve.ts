// `safety-gate approve <rev>|<A..B> --key KEY [--reason TEXT] [--expires DURATION] [--ref PATTERN]
//   [--covers RULE[,RULE…]] [--repo-id ID]`
// `safety-gate approve --staged --key KEY …` (signs the staged tree: the approval carries over to
//   the commit made from it)
// `safety-gate approve <rev> --break-glass --incident ID --bypass RULE[,RULE…] --rollback TEXT --key KEY`
// `safety-gate approve --reset-lane LANE --key KEY [--reason TEXT]` (restarts a task lane's retry
//   budget: src/approvals/lane-reset.ts)
//
// Signs one approval statement with `ssh-keygen -Y sign -n safety-gate-approval` and adds it to
// the git note of the commit (or staged tree) under refs/notes/safety-gate, next to the entries
// already there (merge, never overwrite). The signer sends it with the change:
// `git push origin <refspec> refs/notes/safety-gate`.
import { isAbsolute, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EXIT, GateError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { NAMESPACE, NOTES_REF, encodeEntry, parseDuration, parseNote, statementBytes, type Statement } from '../../approvals/statement.js';
import { sshSign } from '../../approvals/ssh.js';
import type { CliIO } from '../io.js';
import { cliMsg } from '../../messages.js';
import { parseOrUsage } from '../args.js';
import { noteLines } from '../../checks/notes.js';
import { policyRepoId } from '../repo-id.js';
import { outMsg } from '../messages.js';
import { writeErr } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: o, positionals } = parseOrUsage(
    argv,
    {
      key: { type: 'string' },
      reason: { type: 'string' },
      expires: { type: 'string' },
      ref: { type: 'string' },
      covers: { type: 'string' },
      staged: { type: 'boolean' },
      'break-glass': { type: 'boolean' },
      incident: { type: 'string' },
      bypass: { type: 'string' },
      rollback: { type: 'string' },
      'repo-id': { type: 'string' },
      'reset-lane': { type: 'string' },
      config: { type: 'string' },
    },
    cliMsg.approveUsage,
  );
  const breakGlass = o['break-glass'] === true;
  if (!o.key) throw new GateError('usage', cliMsg.approveNeedsKey, cliMsg.approveUsage);
  if (o['reset-lane'] !== undefined) return resetLane(o['reset-lane'], { key: o.key, reason: o.reason, repoId: o['repo-id'], config: o.config, positionals }, io);
  if (o.staged ? positionals.length > 0 : positionals.length !== 1)
    throw new GateError('usage', o.staged ? cliMsg.stagedNoRevision : cliMsg.approveOneRevision, cliMsg.approveUsage);
  if (breakGlass && (!o.incident || !o.bypass || !o.rollback)) throw new GateError('usage', cliMsg.breakGlassNeeds, cliMsg.approveUsage);
  if (!breakGlass && (o.incident || o.bypass || o.rollback)) throw new GateError('usage', cliMsg.breakGlassOnly, cliMsg.approveUsage);
  const expiresIn = parseDuration(o.expires ?? (breakGlass ? '4h' : '7d'));
  if (expiresIn === null || expiresIn <= 0) throw new GateError('usage', cliMsg.badExpires(o.expires), cliMsg.approveUsage);
  const key = isAbsolute(o.key) ? o.key : resolve(io.cwd, o.key);
  if (!existsSync(key)) throw new GateError('usage', cliMsg.noKeyFile(o.key), cliMsg.approveNoKeyFileHint);

  const repo = await openRepo(io.cwd, io.env);
  const git = async (args: string[], input?: string) => {
    const r = await repo.git.run(args, { input, okCodes: [0, 1, 128] });
    return { code: r.code, out: r.stdout.toString('utf8').trim() };
  };

  // What to sign: the staged tree, one commit, or every commit of a range A..B (one statement each).
  const subjects: { commit: string | null; tree: string; parentTree: string | null; target: string }[] = [];
  if (o.staged) {
    const w = await git(['write-tree']);
    if (w.code !== 0) throw new GateError('git', cliMsg.stagedTreeUnwritable, cliMsg.stagedTreeUnwritableHint);
    const head = await git(['rev-parse', '--verify', '-q', 'HEAD^{tree}']);
    subjects.push({ commit: null, tree: w.out, parentTree: head.code === 0 ? head.out : null, target: w.out });
  } else {
    const rev = positionals[0]!;
    let commits: string[];
    if (/^[^.]+\.\.[^.]+$/.test(rev)) {
      const l = await git(['rev-list', '--reverse', rev, '--']);
      if (l.code !== 0) throw new GateError('usage', cliMsg.notACommitRange(rev), cliMsg.notACommitRangeHint);
      commits = l.out.split('\n').filter(Boolean);
      if (commits.length === 0) throw new GateError('usage', cliMsg.emptyRange(rev), cliMsg.emptyRangeHint);
    } else {
      const c = await git(['rev-parse', '--verify', '-q', `${rev}^{commit}`]);
      if (c.code !== 0) throw new GateError('usage', cliMsg.approveNotACommit(rev), cliMsg.approveNotACommitHint);
      commits = [c.out];
    }
    for (const commit of commits) subjects.push({ commit, tree: (await git(['rev-parse', `${commit}^{tree}`])).out, parentTree: null, target: commit });
  }

  const repoId = o['repo-id'] ?? io.env.SAFETY_GATE_REPO_ID ?? (await policyRepoId(io, o.config));
  const now = Date.now();
  for (const subject of subjects) await signOne(subject);
  return EXIT.pass;

  async function signOne({ commit, tree, parentTree, target }: (typeof subjects)[number]): Promise<void> {
    const statement: Statement = {
      type: 'safety-gate/approval@1',
      kind: breakGlass ? 'break-glass' : 'approval',
      repo: repoId,
      commit,
      tree,
      parent_tree: parentTree,
      ref: o.ref ?? '*',
      covers: list(o.covers),
      reason: o.reason ?? '',
      issued_at: new Date(now).toISOString(),
      expires_at: new Date(now + expiresIn!).toISOString(),
      ...(breakGlass ? { incident: o.incident!, bypass: list(o.bypass), rollback: o.rollback! } : {}),
    };
    const signed = await sshSign(key, NAMESPACE, statementBytes(statement));
    if (!signed.blob) throw new GateError('io', cliMsg.sshSignFailed(o.key, signed.error), cliMsg.sshSignFailedHint);
    const line = encodeEntry(statement, signed.blob);

    // Merge, never overwrite: keep every entry already in the note.
    const existing = await git(['notes', `--ref=${NOTES_REF}`, 'show', target]);
    const lines = existing.code === 0 ? existing.out.split('\n').filter((l) => l.trim() !== '') : [];
    if (!lines.includes(line)) lines.push(line);
    const add = await repo.git.run(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', target], { input: lines.join('\n') + '\n', okCodes: [0, 1, 128] });
    if (add.code !== 0) throw new GateError('git', cliMsg.notesAddFailed(add.stderr.toString().trim()), cliMsg.notesAddFailedHint);
    const entries = parseNote(lines.join('\n')).length;
    const what = commit ? outMsg.approvalOfCommit(commit) : outMsg.approvalOfTree(tree);
    writeErr(io, outMsg.approvalStored(breakGlass ? String(o.incident) : null, what, NOTES_REF, entries) + '\n');
  }
}

/** Sign a lane reset and add it to the note of the lane's object under refs/notes/safety-gate. */
async function resetLane(lane: string, o: { key: string; reason?: string; repoId?: string; config?: string; positionals: string[] }, io: CliIO): Promise<number> {
  if (o.positionals.length > 0) throw new GateError('usage', cliMsg.resetLaneNoRev, cliMsg.approveUsage);
  if (lane.trim() === '' || /[\n\r]/.test(lane)) throw new GateError('usage', cliMsg.resetLaneNeedsLane, cliMsg.approveUsage);
  const key = isAbsolute(o.key) ? o.key : resolve(io.cwd, o.key);
  if (!existsSync(key)) throw new GateError('usage', cliMsg.noKeyFile(o.key), cliMsg.approveNoKeyFileHint);
  const { RESET_NAMESPACE, RESET_TYPE, encodeReset, laneObjectContent, resetBytes } = await import('../../approvals/lane-reset.js');
  const repo = await openRepo(io.cwd, io.env);
  const statement = {
    type: RESET_TYPE as typeof RESET_TYPE,
    repo: o.repoId ?? io.env.SAFETY_GATE_REPO_ID ?? (await policyRepoId(io, o.config)),
    lane,
    reason: o.reason ?? '',
    issued_at: new Date().toISOString(),
  };
  const signed = await sshSign(key, RESET_NAMESPACE, resetBytes(statement));
  if (!signed.blob) throw new GateError('io', cliMsg.sshSignFailed(o.key, signed.error), cliMsg.sshSignFailedHint);
  const line = encodeReset(statement, signed.blob);
  const obj = await repo.git.run(['hash-object', '-w', '--stdin'], { input: laneObjectContent(lane), okCodes: [0, 128] });
  if (obj.code !== 0) throw new GateError('git', cliMsg.hashObjectFailed(obj.stderr.toString().trim()), cliMsg.hashObjectFailedHint);
  const target = obj.stdout.toString('utf8').trim();
  const lines = noteLines(await repo.git.run(['notes', `--ref=${NOTES_REF}`, 'show', target], { okCodes: [0, 1, 128] }));
  lines.push(line);
  const add = await repo.git.run(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', '-', target], { input: lines.join('\n') + '\n', okCodes: [0, 1, 128] });
  if (add.code !== 0) throw new GateError('git', cliMsg.notesAddFailed(add.stderr.toString().trim()), cliMsg.notesAddFailedHint);
  writeErr(io, outMsg.laneResetStored(lane, NOTES_REF) + '\n');
  return EXIT.pass;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
