// Running a generator with a time limit and, where the host allows it, without network.
//
// Network isolation uses `unshare -rn` (util-linux): a new user namespace mapping the caller to
// root inside it, and a new network namespace with only a loopback interface that is down. It
// needs user namespaces (root, or unprivileged user namespaces enabled). Where the probe fails,
// the generator runs with the host's network and the caller says so in a warning.
import { execFile, spawn } from 'node:child_process';

export interface Isolation {
  available: boolean;
  /** argv prefix that isolates the network. */
  prefix: string[];
  /** Why isolation is unavailable. */
  reason: string | null;
}

let probe: Promise<Isolation> | null = null;

/** Probed once per process. SAFETY_GATE_NO_NETNS=1 turns isolation off (for hosts where the probe hangs). */
export function networkIsolation(env: NodeJS.ProcessEnv = process.env): Promise<Isolation> {
  if (env.SAFETY_GATE_NO_NETNS === '1') return Promise.resolve({ available: false, prefix: [], reason: 'disabled by SAFETY_GATE_NO_NETNS=1' });
  probe ??= new Promise<Isolation>((resolve) => {
    execFile('unshare', ['-rn', '--', 'true'], { timeout: 3000 }, (err) => {
      if (!err) resolve({ available: true, prefix: ['unshare', '-rn', '--'], reason: null });
      else resolve({ available: false, prefix: [], reason: `unshare -rn failed: ${(err as Error).message.split('\n')[0]}` });
    });
  });
  return probe;
}

export interface SandboxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Last bytes of stderr (for messages). */
  stderr: string;
  /** Spawn failure (command not found…). */
  error: string | null;
}

const KEEP = 16 * 1024;

export function runWithLimit(argv: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<SandboxResult> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const done = (r: SandboxResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // Own process group, so a timeout kills the generator and everything it started.
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, opts.timeoutMs);
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-KEEP);
    });
    child.on('error', (e) => done({ code: null, signal: null, timedOut: false, stderr, error: e.message }));
    child.on('close', (code, signal) => {
      // Nothing the generator left behind keeps running.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* the group is gone */
      }
      done({ code, signal, timedOut, stderr, error: null });
    });
  });
}
