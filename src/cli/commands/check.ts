// `safety-gate check run <name> [--key KEY] [--tree TREE | --rev REV] [--repo-id ID] [--config FILE]`
// `safety-gate check list [--tree TREE | --rev REV] [--format text|json]`
// `safety-gate check verify [--tree TREE | --rev REV | --range A..B] [--signed] [--format text|json]`
//
// run: checks the tree out of git into a temporary directory (default: the index's `git
// write-tree`, never the work tree), runs the policy's command for the check there and adds its
// receipt to the note of the tree under refs/notes/safety-gate-checks (signed with --key:
// `ssh-keygen -Y sign -n safety-gate-check`). A failed check is recorded too (exit code in the
// receipt) and the command exits 1.
// list: the receipts attached to the tree. verify: whether every required check has a receipt
// that counts (as the client doors judge it; --signed: as pre-receive does, against this
// machine's allowed signers and the signer role).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { sshSign } from '../../approvals/ssh.js';
import { acquireLock } from '../../audit/lock.js';
import { SignatureChecker, judgeTree, type CheckVerdict } from '../../checks/evidence.js';
import { addReceiptLine, gitNoteReader, notesCommits, receiptsFor, type GitLike, type NoteReader } from '../../checks/notes.js';
import { CHECK_NAMESPACE, CHECKS_NOTES_REF, encodeReceipt, receiptBytes } from '../../checks/receipt.js';
import { runCheck } from '../../checks/run.js';
import type { Policy } from '../../config/schema.js';
import { EXIT, GateError } from '../../errors.js';
import { createGitRunner } from '../../git/exec.js';
import { openRepo } from '../../git/repo.js';
import type { CliIO } from '../io.js';
import { cliMsg } from '../../messages.js';
import { parseOrUsage } from '../args.js';
import { outMsg } from '../messages.js';
import { writeErr, writeOut } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: o, positionals } = parseOrUsage(
    argv,
    {
      key: { type: 'string' },
      tree: { type: 'string' },
      rev: { type: 'string' },
      'repo-id': { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string' },
      signed: { type: 'boolean' },
      range: { type: 'string' },
    },
    cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE),
  );
  const sub = positionals[0];
  if (sub !== 'run' && sub !== 'list' && sub !== 'verify')
    throw new GateError('usage', sub ? cliMsg.unknownCheckCommand(sub) : cliMsg.checkNeedsCommand, cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE));
  if ([o.tree, o.rev, o.range].filter(Boolean).length > 1) throw new GateError('usage', cliMsg.checkOneSource, cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE));
  if (o.range && sub !== 'verify') throw new GateError('usage', cliMsg.checkRangeVerifyOnly, cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE));
  const format = o.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new GateError('usage', cliMsg.checkFormat(format), cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE));

  const repo = await openRepo(io.cwd, io.env);
  const git: GitLike = {
    run: async (args, input) => {
      const r = await repo.git.run(args, { input, okCodes: [0, 1, 128] });
      return { stdout: r.stdout, code: r.code };
    },
  };
  const text = async (args: string[]) => {
    const r = await git.run(args);
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  };

  // The tree: --tree, --rev's tree, or the index's (what the next commit records).
  let tree: string;
  if (o.tree) {
    const t = await text(['rev-parse', '--verify', '-q', `${o.tree}^{tree}`]);
    if (!t) throw new GateError('usage', cliMsg.notATree(o.tree), cliMsg.notATreeHint);
    tree = t;
  } else if (o.rev) {
    const t = await text(['rev-parse', '--verify', '-q', `${o.rev}^{tree}`]);
    if (!t) throw new GateError('usage', cliMsg.checkNotACommit(o.rev), cliMsg.checkNotACommitHint);
    tree = t;
  } else if (o.range) {
    tree = '';
  } else {
    const t = await indexTree(repo.git.cwd, io.env, text);
    if (!t) throw new GateError('git', cliMsg.stagedTreeUnwritable, cliMsg.stagedTreeUnwritableHint);
    tree = t;
  }

  const { loadPolicy } = await import('../../config/load.js');
  const policy = await loadPolicy({ cwd: io.cwd, configFile: o.config, mode: 'client' });
  const repoId = o['repo-id'] ?? io.env.SAFETY_GATE_REPO_ID ?? policy.approvals?.repo_id ?? policy.policyId ?? 'default';

  if (sub === 'run') {
    const name = positionals[1];
    if (!name || positionals.length !== 2) throw new GateError('usage', cliMsg.checkRunOneName, cliMsg.checkUsage(CHECKS_NOTES_REF, CHECK_NAMESPACE));
    const def = policy.checks?.[name];
    if (!def)
      throw new GateError(
        'usage',
        cliMsg.noSuchCheck(
          name,
          Object.keys(policy.checks ?? {})
            .sort()
            .join(', ') || 'none',
        ),
        cliMsg.noSuchCheckHint,
      );
    let key: string | null = null;
    if (o.key) {
      key = isAbsolute(o.key) ? o.key : resolve(io.cwd, o.key);
      if (!existsSync(key)) throw new GateError('usage', cliMsg.noKeyFile(o.key), cliMsg.checkNoKeyFileHint);
    }
    writeErr(io, outMsg.checkRunning(name, tree, def.command) + '\n');
    const { receipt, outcome } = await runCheck({ name, def, tree, repoId, repoCwd: repo.workTree ?? repo.gitDir, env: io.env, sink: (b) => writeErr(io, b) });
    if (outcome.error) writeErr(io, outMsg.checkNoStart(name, outcome.error) + '\n');
    let sig: Buffer | null = null;
    if (key) {
      const signed = await sshSign(key, CHECK_NAMESPACE, receiptBytes(receipt));
      if (!signed.blob) throw new GateError('io', cliMsg.sshSignFailed(o.key, signed.error), cliMsg.sshSignFailedHint);
      sig = signed.blob;
    }
    const line = encodeReceipt(receipt, sig);
    // Checks of one tree often run side by side (CI jobs): the note's read-modify-write is done
    // under a lock in the common git dir, so no run's line is lost to another's.
    const lockDir = join(repo.commonDir, 'safety-gate');
    mkdirSync(lockDir, { recursive: true });
    // A holder that died is taken over at once (its pid is gone); a live one is waited for, however slow the machine.
    const lock = await acquireLock(join(lockDir, 'checks-notes.lock'), { timeoutMs: 60_000, staleMs: 60_000 });
    let added: Awaited<ReturnType<typeof addReceiptLine>>;
    try {
      added = await addReceiptLine(git, tree, line);
    } finally {
      lock.release();
    }
    if (!added.ok) throw new GateError('git', cliMsg.receiptUnstored(added.error), cliMsg.receiptUnstoredHint);
    const verdict = receipt.exit_code === 0 ? outMsg.checkPassed : outMsg.checkFailed(receipt.exit_code, outcome.timedOut === true);
    if (format === 'json') writeOut(io, JSON.stringify({ receipt, signed: sig !== null, notes_ref: CHECKS_NOTES_REF }) + '\n');
    writeErr(io, outMsg.checkDone(name, verdict, tree, receipt.duration_ms, sig !== null, CHECKS_NOTES_REF) + '\n');
    return receipt.exit_code === 0 ? EXIT.pass : EXIT.block;
  }

  const notes = await notesCommits(git, []);
  const read = gitNoteReader(git);

  if (sub === 'verify') {
    // The subjects: each tip of --range (commits no other commit of the range descends from), or the one tree.
    const subjects: { commit: string | null; tree: string }[] = [];
    if (o.range) {
      const l = await text(['rev-list', '--parents', o.range, '--']);
      if (l === null) throw new GateError('usage', cliMsg.notACommitRange(o.range), cliMsg.notACommitRangeHint);
      const rows = l
        .split('\n')
        .filter(Boolean)
        .map((x) => x.split(' '));
      const parents = new Set(rows.flatMap((r) => r.slice(1)));
      for (const [c] of rows) if (!parents.has(c!)) subjects.push({ commit: c!, tree: (await text(['rev-parse', `${c}^{tree}`]))! });
    } else subjects.push({ commit: o.rev ? await text(['rev-parse', '--verify', '-q', `${o.rev}^{commit}`]) : null, tree });
    return verify(policy, subjects, { read, notes, git: text, range: o.range ?? null, signed: o.signed === true, repoId, base: repo.workTree ?? repo.gitDir, format, io });
  }

  const entries = await receiptsFor(read, notes, tree);

  if (sub === 'list') {
    const rows = entries.map((e) => ({
      check: e.receipt?.check ?? null,
      tree: e.receipt?.tree ?? null,
      exit_code: e.receipt?.exit_code ?? null,
      signed: e.signature !== null,
      time: e.receipt?.time ?? null,
      runner: e.receipt?.runner ?? null,
      problem: e.problem,
    }));
    if (format === 'json') writeOut(io, JSON.stringify({ tree, receipts: rows }, null, 2) + '\n');
    else {
      if (rows.length === 0) writeOut(io, outMsg.noReceipts(tree, CHECKS_NOTES_REF) + '\n');
      for (const r of rows) {
        const row = r.problem
          ? outMsg.receiptProblem(r.problem)
          : outMsg.receiptRow({ check: r.check, exit: r.exit_code, signed: r.signed, time: r.time, user: r.runner!.user, host: r.runner!.host });
        writeOut(io, row + '\n');
      }
    }
    return EXIT.pass;
  }
  return EXIT.pass;
}

async function verify(
  policy: Policy,
  subjects: { commit: string | null; tree: string }[],
  o: {
    read: NoteReader;
    notes: string[];
    git: (args: string[]) => Promise<string | null>;
    range: string | null;
    signed: boolean;
    repoId: string;
    base: string;
    format: string;
    io: CliIO;
  },
): Promise<number> {
  const options = (policy.rules['required-checks']?.options ?? {}) as { signer_role?: string; client_evidence?: string };
  const role = options.signer_role ?? 'ci';
  const sigs = new SignatureChecker(policy, o.base);
  try {
    const results: { commit: string | null; tree: string; ok: boolean; verdicts: CheckVerdict[] }[] = [];
    for (const s of subjects) {
      // The tip's author and committer never sign its evidence (as in pre-receive).
      const self = s.commit ? ((await o.git(['show', '-s', '--no-show-signature', '--format=%ae%n%ce', s.commit])) ?? '').split('\n').filter(Boolean) : [];
      const entries = await receiptsFor(o.read, o.notes, s.tree);
      const verdicts = await judgeTree(
        policy,
        policy.record.required_checks,
        s.tree,
        entries,
        { signed: o.signed || options.client_evidence === 'signed', role, signersBase: o.base, pusher: null, selfEmails: self, repoId: o.repoId },
        sigs,
      );
      results.push({ ...s, ok: verdicts.every((v) => v.ok), verdicts });
    }
    const ok = results.every((r) => r.ok);
    const json = (r: (typeof results)[number]) => ({
      commit: r.commit,
      tree: r.tree,
      ok: r.ok,
      checks: r.verdicts.map((v) => ({ check: v.check, ok: v.ok, signer: v.signer, why: [...new Set(v.why)] })),
    });
    if (o.format === 'json') {
      writeOut(o.io, JSON.stringify(o.range ? { range: o.range, ok, tips: results.map(json) } : json(results[0]!), null, 2) + '\n');
    } else {
      if (policy.record.required_checks.length === 0) writeOut(o.io, outMsg.noRequiredChecks + '\n');
      if (o.range && results.length === 0) writeOut(o.io, cliMsg.emptyRange(o.range) + '\n');
      for (const r of results) {
        const at = o.range ? outMsg.verifyOn(r.commit!) : '';
        for (const v of r.verdicts) writeOut(o.io, (v.ok ? outMsg.verifyOk(v.check, at, v.signer) : outMsg.verifyMiss(v.check, at, [...new Set(v.why)])) + '\n');
      }
    }
    return ok ? EXIT.pass : EXIT.block;
  } finally {
    sigs.close();
  }
}

/**
 * The index's tree, written from a private copy of the index: `git write-tree` takes the index
 * lock, so checks started side by side (or next to an editor's git) would fail on index.lock, and
 * the real index is left exactly as it was.
 */
async function indexTree(cwd: string, env: NodeJS.ProcessEnv, text: (args: string[]) => Promise<string | null>): Promise<string | null> {
  const path = await text(['rev-parse', '--git-path', 'index']);
  if (path === null) return null;
  const dir = mkdtempSync(join(tmpdir(), 'safety-gate-index-'));
  try {
    const copy = join(dir, 'index');
    const real = resolve(cwd, path);
    if (existsSync(real)) copyFileSync(real, copy);
    const r = await createGitRunner(cwd, { ...env, GIT_INDEX_FILE: copy }).run(['write-tree'], { okCodes: [0, 1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
