// `bash -n` for changed shell scripts, batched: every script of the run is written to one
// private temporary directory and ONE bash process checks them all (a loop of `bash -n` in
// bash, so no Node spawn per file). `-n` reads and parses without executing anything.
// Without bash on the machine nothing is checked (explain says so).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShellProblem {
  line: number | null;
  message: string;
}

const DRIVER = 'for f do out=$(LC_ALL=C bash -n -- "$f" 2>&1); rc=$?; printf "%s\\0%s\\0" "$rc" "$out"; done';

/** One answer per script (null: parses), or null when bash cannot run. */
export async function bashSyntaxCheck(scripts: Buffer[], env: NodeJS.ProcessEnv = process.env): Promise<(ShellProblem | null)[] | null> {
  if (scripts.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'safety-gate-sh-'));
  try {
    const files = scripts.map((b, i) => {
      const f = join(dir, `${i}.sh`);
      writeFileSync(f, b, { mode: 0o600 });
      return f;
    });
    const bash = env.SAFETY_GATE_BASH || 'bash';
    const out = await new Promise<Buffer | null>((resolve) => {
      const chunks: Buffer[] = [];
      let child;
      try {
        child = spawn(bash, ['--norc', '--noprofile', '-c', DRIVER, 'safety-gate', ...files], {
          cwd: dir,
          env: { PATH: env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
      } catch {
        resolve(null);
        return;
      }
      child.stdout!.on('data', (c: Buffer) => chunks.push(c));
      child.once('error', () => resolve(null));
      child.once('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : null));
    });
    if (out === null) return null;
    const parts = out.toString('utf8').split('\0');
    const answers: (ShellProblem | null)[] = [];
    for (let i = 0; i < scripts.length; i++) {
      const rc = parts[2 * i];
      const text = parts[2 * i + 1] ?? '';
      if (rc === undefined) return null;
      if (rc === '0') {
        answers.push(null);
        continue;
      }
      const prefix = `${files[i]}: `;
      const first = text.split('\n').find((l) => l.trim() !== '') ?? 'syntax error';
      const clean = first.startsWith(prefix) ? first.slice(prefix.length) : first;
      const m = /^line (\d+): (.*)$/.exec(clean);
      answers.push(m ? { line: Number(m[1]), message: m[2]! } : { line: null, message: clean });
    }
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
