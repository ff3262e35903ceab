// Gate A's interpreter, resolved once at install time instead of at every hook run.
//
// `python3` on a developer's PATH is often a version manager's shim (pyenv: a bash script and
// several helper processes, ≈ 45–75 ms of CPU per start), and the compile check starts it on
// every pre-commit that stages Python. `install --server` writes the resolved interpreter into
// the pre-receive hook; the client hooks are committed files (`.safety-gate/hooks/`, `.husky/`,
// `.pre-commit-config.yaml`) shared by every clone, so a client keeps it per clone instead, in
// `<git common dir>/safety-gate/python` (one line: an absolute path, or `off`), next to its
// result cache. Client doors read it when SAFETY_GATE_PYTHON is not set (`applyPythonPin`); the
// server never does. A pin whose file is gone (the interpreter was uninstalled) is ignored:
// python3 on PATH is used as before, never a weaker check.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { GateError } from '../errors.js';
import { writeIfChanged } from './files.js';
import { msg } from './messages.js';

/** Where a clone keeps its pinned interpreter. */
export function pythonPinFile(commonDir: string): string {
  return join(commonDir, 'safety-gate', 'python');
}

/**
 * The interpreter to pin: `wanted` (an absolute path of an existing file, or `off`), else
 * python3 as found from `cwd` with `env` (a pyenv shim resolves to the interpreter it would
 * run there). null: no python3 here.
 */
export function resolvePython(cwd: string, env: NodeJS.ProcessEnv, wanted: string | undefined): string | null {
  if (wanted !== undefined) {
    if (wanted.toLowerCase() === 'off') return 'off';
    if (!isAbsolute(wanted) || !existsSync(wanted)) throw new GateError('usage', msg.pythonNotFound(wanted), msg.pythonNotFoundHint);
    return wanted;
  }
  const r = spawnSync('python3', ['-I', '-S', '-c', 'import sys; print(sys.executable)'], { cwd, env, encoding: 'utf8', timeout: 20_000 });
  const path = r.status === 0 ? r.stdout.trim() : '';
  return path && isAbsolute(path) && existsSync(path) ? path : null;
}

/** Writes the clone's pin (null: none found, an earlier pin is removed); true when the file changed. */
export function writePythonPin(commonDir: string, python: string | null): boolean {
  const file = pythonPinFile(commonDir);
  if (python === null) {
    if (!existsSync(file)) return false;
    rmSync(file, { force: true });
    return true;
  }
  mkdirSync(dirname(file), { recursive: true });
  return writeIfChanged(file, `${python}\n`, 0o644) !== 'unchanged';
}

/** The clone's pinned interpreter (`off` or an existing absolute path), or null. */
function readPythonPin(commonDir: string): string | null {
  let line: string;
  try {
    line = readFileSync(pythonPinFile(commonDir), 'utf8').split('\n')[0]!.trim();
  } catch {
    return null;
  }
  if (line.toLowerCase() === 'off') return 'off';
  return isAbsolute(line) && existsSync(line) ? line : null;
}

/**
 * For a client door: SAFETY_GATE_PYTHON from the clone's pin when the caller did not set it
 * (an explicit SAFETY_GATE_PYTHON, even empty, wins).
 */
export function applyPythonPin(commonDir: string, env: NodeJS.ProcessEnv): void {
  if (env.SAFETY_GATE_PYTHON !== undefined) return;
  const pinned = readPythonPin(commonDir);
  if (pinned !== null) env.SAFETY_GATE_PYTHON = pinned;
}
