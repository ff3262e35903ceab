// CPython's own compiler as the Gate A parse check ("python -m compileall"): ONE python3
// process per run, started on the first Python file version that needs checking, fed every
// version through its stdin (length-prefixed bytes) and answering one JSON line per version.
//
// Only `compile(source, path, 'exec', dont_inherit=True)` runs: the code is never executed and
// nothing is imported from the checked tree. The interpreter starts isolated (-I: no PYTHON*
// variables, no user site, no script or current directory on sys.path; -S: no site module)
// in the system temporary directory, so neither the repository nor its environment can
// change what it loads.
//
// The interpreter: $SAFETY_GATE_PYTHON (a path, or `off`), else `python3` on PATH. When it
// cannot start, is older than the policy's python_version, or is switched off, `compile()`
// answers null and the caller falls back to the in-process checker. A process that dies after
// it started answers with an error (fail closed: "could not decide").
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';

const SCRIPT = `
import sys, json, warnings
warnings.simplefilter("ignore")
inp = sys.stdin.buffer
out = sys.stdout
out.write(json.dumps({"version": "%d.%d.%d" % sys.version_info[:3]}) + "\\n")
out.flush()
while True:
    header = inp.readline()
    if not header:
        break
    n = int(header)
    src = inp.read(n)
    try:
        compile(src, "<checked>", "exec", dont_inherit=True)
        r = {"ok": True}
    except SyntaxError as e:
        r = {"ok": False, "message": str(e.msg), "line": e.lineno, "column": e.offset, "kind": type(e).__name__}
    except (ValueError, TypeError, MemoryError, RecursionError, OverflowError) as e:
        r = {"ok": False, "message": str(e), "line": None, "column": None, "kind": type(e).__name__}
    out.write(json.dumps(r) + "\\n")
    out.flush()
`;

interface CompileError {
  message: string;
  /** 1-based; null when the compiler gives no position (null bytes in 3.11). */
  line: number | null;
  column: number | null;
  /** SyntaxError, IndentationError, TabError, ValueError, … */
  kind: string;
}

/** null: compiles. */
export type CompileAnswer = CompileError | null;

interface Pending {
  resolve(a: CompileAnswer | 'unavailable'): void;
  reject(e: Error): void;
}

export interface PythonCompilerOptions {
  /** Interpreter to run; null: $SAFETY_GATE_PYTHON, else python3. */
  command?: string | null;
  /** Minimum interpreter version ("3.12"); an older one is not used. */
  minVersion?: string | null;
  env?: NodeJS.ProcessEnv;
}

const stats = { started: 0, startMs: 0, compiled: 0, version: null as string | null };

function versionAtLeast(have: string, want: string): boolean {
  const a = have.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const b = want.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

export class PythonCompiler {
  private child: ChildProcess | null = null;
  private readonly queue: Pending[] = [];
  private buffered = '';
  private state: 'idle' | 'starting' | 'ready' | 'unavailable' | 'failed' | 'closed' = 'idle';
  private failure: Error | null = null;
  /** Callers of started() waiting for the version line (or for the interpreter to be given up). */
  private starting: (() => void)[] = [];
  private exited: Promise<void> | null = null;
  private t0 = 0;
  version: string | null = null;
  /** Why the interpreter is not used (for messages), when it is not. */
  unavailableReason: string | null = null;

  constructor(private readonly opts: PythonCompilerOptions = {}) {}

  /** True once it is known that the interpreter cannot be used (callers then check in-process). */
  get unavailable(): boolean {
    return this.state === 'unavailable';
  }

  private command(): string | null {
    const env = this.opts.env ?? process.env;
    const c = this.opts.command ?? env.SAFETY_GATE_PYTHON ?? 'python3';
    if (c === '' || c.toLowerCase() === 'off') return null;
    return c;
  }

  private start(): void {
    const cmd = this.command();
    if (cmd === null) return this.giveUp('switched off by SAFETY_GATE_PYTHON');
    this.state = 'starting';
    this.t0 = performance.now();
    stats.started++;
    const env = { ...(this.opts.env ?? process.env) };
    let child: ChildProcess;
    try {
      child = spawn(cmd, ['-I', '-S', '-c', SCRIPT], { cwd: tmpdir(), env, stdio: ['pipe', 'pipe', 'ignore'], windowsHide: true });
    } catch (e) {
      return this.giveUp(`cannot start ${cmd}: ${(e as Error).message}`);
    }
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.once('error', (e) => {
      if (this.state === 'starting') this.giveUp(`cannot start ${cmd}: ${e.message}`);
      else this.fail(new Error(`${cmd} failed: ${e.message}`));
    });
    child.once('exit', (code, signal) => {
      if (this.state === 'starting') this.giveUp(`${cmd} exited before it answered (${signal ?? `exit ${code}`})`);
      else if (this.queue.length > 0) this.fail(new Error(`${cmd} stopped while compiling (${signal ?? `exit ${code}`})`));
    });
    child.stdin!.on('error', () => {
      /* reported through 'exit' / 'error' */
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onData(chunk));
    // The process must not keep the run alive by itself: `close()` waits for it explicitly.
    this.unref();
  }

  private unref(): void {
    const c = this.child as (ChildProcess & { stdout: { unref?(): void }; stdin: { unref?(): void } }) | null;
    if (!c) return;
    c.unref();
    (c.stdout as unknown as { unref?(): void })?.unref?.();
    (c.stdin as unknown as { unref?(): void })?.unref?.();
  }

  private ref(): void {
    const c = this.child;
    if (!c) return;
    c.ref();
    (c.stdout as unknown as { ref?(): void })?.ref?.();
    (c.stdin as unknown as { ref?(): void })?.ref?.();
  }

  private onData(chunk: string): void {
    this.buffered += chunk;
    for (let nl = this.buffered.indexOf('\n'); nl !== -1; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      let msg: { version?: string; ok?: boolean; message?: string; line?: number | null; column?: number | null; kind?: string };
      try {
        msg = JSON.parse(line);
      } catch {
        this.fail(new Error(`unexpected answer from the Python compiler: ${line.slice(0, 80)}`));
        return;
      }
      if (this.state === 'starting') {
        this.version = msg.version ?? '0';
        stats.version = this.version;
        stats.startMs = performance.now() - this.t0;
        const min = this.opts.minVersion;
        if (min && !versionAtLeast(this.version, min)) {
          this.giveUp(`python ${this.version} is older than python_version ${min}`);
          return;
        }
        this.state = 'ready';
        this.wakeStarted();
        continue;
      }
      const p = this.queue.shift();
      if (!p) continue;
      stats.compiled++;
      p.resolve(msg.ok ? null : { message: msg.message ?? 'invalid syntax', line: msg.line ?? null, column: msg.column ?? null, kind: msg.kind ?? 'SyntaxError' });
    }
  }

  private wakeStarted(): void {
    for (const wake of this.starting.splice(0)) wake();
  }

  /** Starts the interpreter if need be; resolves once its version is known or it is not used. */
  async started(): Promise<void> {
    if (this.state === 'idle') this.start();
    if (this.state !== 'starting') return;
    this.ref();
    try {
      await new Promise<void>((resolve) => this.starting.push(resolve));
    } finally {
      this.unref();
    }
  }

  private giveUp(reason: string): void {
    this.wakeStarted();
    this.state = 'unavailable';
    this.unavailableReason = reason;
    for (const p of this.queue.splice(0)) p.resolve('unavailable');
    if (this.child && this.child.exitCode === null) this.child.kill();
  }

  private fail(e: Error): void {
    this.wakeStarted();
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.failure = e;
    for (const p of this.queue.splice(0)) p.reject(e);
    if (this.child && this.child.exitCode === null) this.child.kill();
  }

  /**
   * Queue one source for compilation (written at once; the answer comes later). Resolves to
   * null (compiles), the error, or 'unavailable' (check it in-process instead).
   */
  compile(source: Buffer): Promise<CompileAnswer | 'unavailable'> {
    if (this.state === 'idle') this.start();
    if (this.state === 'unavailable') return Promise.resolve('unavailable');
    if (this.state === 'failed') return Promise.reject(this.failure!);
    if (this.state === 'closed') return Promise.reject(new Error('the Python compiler is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ resolve, reject });
      const stdin = this.child!.stdin!;
      stdin.write(`${source.length}\n`);
      stdin.write(source);
    });
  }

  /** Keep the run alive until close() (while the answers are awaited). */
  keepAlive(): void {
    this.ref();
  }

  /** Undo keepAlive (the run may end without waiting for this process again). */
  letGo(): void {
    this.unref();
  }

  /** Wait for every answer (keeping the run alive meanwhile), then end the process. */
  async settle<T>(answers: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    this.ref();
    try {
      return await Promise.allSettled(answers);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    const child = this.child;
    if (this.state === 'ready' || this.state === 'starting') this.state = 'closed';
    if (!child) return;
    child.stdin?.end();
    // A process that never started (ENOENT) has no pid and emits no exit to wait for.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) await this.exited;
  }
}

export interface PythonCompilerPoolOptions extends PythonCompilerOptions {
  /** Interpreters at most (default: the machine's cores, at most 2). */
  maxProcesses?: number;
  /** Bytes queued on the busiest interpreter before another one starts (default 2 MiB). */
  spreadBytes?: number;
  /** Bytes sent and not yet answered, over every interpreter, past which `room()` waits (default 8 MiB). */
  maxOutstandingBytes?: number;
}

/**
 * The same interface as PythonCompiler over one or more interpreters: the first starts on the
 * first version, a second only when a large run has queued `spreadBytes` of source on the first
 * (a pre-commit of a few files never pays for a second start). Each version goes to the
 * interpreter with the fewest bytes still outstanding; every interpreter answers its own queue
 * in order. Identical bytes are compiled once (the answer depends only on the bytes: the file
 * name given to compile() is always "<checked>"). An extra interpreter that cannot start hands
 * its versions back to the first, so the verdict never depends on how many processes ran.
 */
export class PythonCompilerPool {
  private readonly workers: { c: PythonCompiler; outstanding: number }[] = [];
  private readonly seen = new Map<string, Promise<CompileAnswer | 'unavailable'>>();
  private readonly max: number;
  private readonly spread: number;
  private readonly maxOutstanding: number;
  private outstanding = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly opts: PythonCompilerPoolOptions = {}) {
    const cores = typeof availableParallelism === 'function' ? availableParallelism() : 1;
    this.max = Math.max(1, opts.maxProcesses ?? Math.min(2, cores));
    this.spread = opts.spreadBytes ?? 2 << 20;
    this.maxOutstanding = opts.maxOutstandingBytes ?? 8 << 20;
  }

  /**
   * Resolves once the bytes sent and not yet answered are under maxOutstandingBytes: a caller
   * that awaits it before each compile() keeps the sources waiting in pipes bounded (a whole
   * history holds ~200 MB of Python, which node reads faster than python compiles it).
   */
  async room(): Promise<void> {
    if (this.outstanding < this.maxOutstanding || this.first.unavailable) return;
    for (const w of this.workers) w.c.keepAlive();
    try {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } finally {
      for (const w of this.workers) w.c.letGo();
    }
  }

  private get first(): PythonCompiler {
    if (this.workers.length === 0) this.workers.push({ c: new PythonCompiler(this.opts), outstanding: 0 });
    return this.workers[0]!.c;
  }

  get unavailable(): boolean {
    return this.first.unavailable;
  }

  /** The interpreter's version once it has started (null: none is used, check in-process). */
  async startedVersion(): Promise<string | null> {
    await this.first.started();
    return this.first.unavailable ? null : this.first.version;
  }

  get version(): string | null {
    return this.first.version;
  }

  get unavailableReason(): string | null {
    return this.first.unavailableReason;
  }

  /** Interpreters started so far. */
  get processes(): number {
    return this.workers.length;
  }

  /** `key` (e.g. the blob id) names the bytes: the same key is compiled once. */
  compile(source: Buffer, key?: string): Promise<CompileAnswer | 'unavailable'> {
    if (key !== undefined) {
      const known = this.seen.get(key);
      if (known) return known;
    }
    const p = this.dispatch(source);
    if (key !== undefined) this.seen.set(key, p);
    return p;
  }

  private dispatch(source: Buffer): Promise<CompileAnswer | 'unavailable'> {
    const first = this.first;
    let w = this.workers[0]!;
    for (const x of this.workers) if (x.outstanding < w.outstanding) w = x;
    if (w.outstanding >= this.spread && this.workers.length < this.max && !first.unavailable) {
      w = { c: new PythonCompiler(this.opts), outstanding: 0 };
      this.workers.push(w);
    }
    const size = source.length + 16;
    w.outstanding += size;
    this.outstanding += size;
    const done = () => {
      w.outstanding -= size;
      this.outstanding -= size;
      if (this.outstanding < this.maxOutstanding) for (const wake of this.waiting.splice(0)) wake();
    };
    const answer = w.c.compile(source);
    answer.then(done, done);
    if (w === this.workers[0]) return answer;
    // An extra interpreter that could not start: the first one answers instead.
    return answer.then((a) => (a === 'unavailable' && !first.unavailable ? first.compile(source) : a));
  }

  /** Wait for every answer (keeping the run alive meanwhile), then end every process. */
  async settle<T>(answers: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
    for (const w of this.workers) w.c.keepAlive();
    try {
      return await Promise.allSettled(answers);
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.c.close()));
  }
}
