// Running one named check on exactly one tree: the tree is checked out from git objects into a
// fresh temporary directory (a temporary index, `git read-tree` + `git checkout-index`), never
// the caller's work tree with its unstaged and untracked files. The command is an argv (no
// shell), runs in its own process group with the policy's environment on top of a minimal one
// (PATH, HOME, locale, TMPDIR; no GIT_* variable, so the check cannot reach the repository it came
// from), and is killed with its children when its time limit passes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import { parseDuration } from '../approvals/statement.js';
import type { ResolvedCheck } from '../config/schema.js';
import { GateError } from '../errors.js';
import { createGitRunner } from '../git/exec.js';
import { VERSION } from '../version.js';
import { RECEIPT_TYPE, commandDigest, type CheckReceipt } from './receipt.js';
import { engineMsg } from '../messages.js';

/** Variables of the caller's environment a check inherits; everything else comes from the policy. */
const INHERITED = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TEMP', 'TMP', 'USER', 'LOGNAME', 'SystemRoot', 'PATHEXT'];

export function checkEnv(def: ResolvedCheck, name: string, tree: string, caller: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of INHERITED) if (caller[k] !== undefined) env[k] = caller[k];
  return { ...env, ...def.env, SAFETY_GATE_CHECK: name, SAFETY_GATE_CHECK_TREE: tree };
}

/** Writes `tree` into a new directory under the system temp dir; the caller removes it. */
async function materialise(repoCwd: string, callerEnv: NodeJS.ProcessEnv, tree: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'safety-gate-check-'));
  const work = join(dir, 'tree');
  mkdirSync(work);
  // A temporary index of its own: the caller's index (and GIT_INDEX_FILE) is never touched.
  const git = createGitRunner(repoCwd, { ...callerEnv, GIT_INDEX_FILE: join(dir, 'index') });
  try {
    const rt = await git.run(['read-tree', tree], { okCodes: [0, 128] });
    if (rt.code !== 0) throw new GateError('git', engineMsg.checkTreeUnreadable(tree, rt.stderr.trim().split('\n').pop() ?? ''), engineMsg.checkTreeUnreadableHint);
    const co = await git.run(['checkout-index', '-a', '-f', `--prefix=${work}/`], { okCodes: [0, 1, 128] });
    if (co.code !== 0) throw new GateError('git', engineMsg.checkTreeNoCheckout(tree, co.stderr.trim().split('\n').pop() ?? ''), engineMsg.checkTreeNoCheckoutHint);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return dir;
}

export interface RunOutcome {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  outputDigest: string;
  /** Could not start (command not found …). */
  error: string | null;
}

/** Runs argv in `cwd`; output goes to `sink` as it comes and into the digest in arrival order. */
export function runCommand(argv: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; sink?: (b: Buffer) => void }): Promise<RunOutcome> {
  const started = Date.now();
  const hash = createHash('sha256');
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    const finish = (exitCode: number, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ exitCode, timedOut, durationMs: Date.now() - started, outputDigest: hash.digest('hex'), error });
    };
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* the group is gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    const take = (b: Buffer) => {
      hash.update(b);
      opts.sink?.(b);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.on('error', (e) => finish(127, e.message));
    child.on('close', (code, signal) => {
      // Nothing the check started keeps running.
      killGroup();
      if (timedOut) return finish(124, null);
      if (code !== null) return finish(code, null);
      const signo = signal ? ((osConstants.signals as Record<string, number>)[signal] ?? 0) : 0;
      finish(128 + signo, null);
    });
  });
}

export interface CheckRunInput {
  name: string;
  def: ResolvedCheck;
  tree: string;
  repoId: string;
  repoCwd: string;
  env: NodeJS.ProcessEnv;
  sink?: (b: Buffer) => void;
}

/** Check out, run, clean up; the unsigned receipt of the run. */
export async function runCheck(input: CheckRunInput): Promise<{ receipt: CheckReceipt; outcome: RunOutcome }> {
  const timeoutMs = parseDuration(input.def.timeout) ?? 600_000;
  const dir = await materialise(input.repoCwd, input.env, input.tree);
  let outcome: RunOutcome;
  try {
    outcome = await runCommand(input.def.command, { cwd: join(dir, 'tree'), env: checkEnv(input.def, input.name, input.tree, input.env), timeoutMs, sink: input.sink });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let user = input.env.USER ?? input.env.LOGNAME ?? '';
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'unknown';
    }
  }
  const receipt: CheckReceipt = {
    type: RECEIPT_TYPE,
    repo: input.repoId,
    check: input.name,
    command_digest: commandDigest(input.def),
    tree: input.tree,
    exit_code: outcome.exitCode,
    duration_ms: outcome.durationMs,
    output_digest: outcome.outputDigest,
    time: new Date().toISOString(),
    runner: { host: hostname(), user, tool: `safety-gate ${VERSION}` },
  };
  return { receipt, outcome };
}
