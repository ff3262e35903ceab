// The run's single `git cat-file --batch-command` process. Requests made in the same tick are
// written together and flushed once, so thousands of blobs cost one process and a few pipes.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GateError } from '../errors.js';
import { msg } from '../messages.js';
import { gitEnv } from './exec.js';

export interface ObjectInfo {
  oid: string;
  type: string;
  size: number;
}

export interface ObjectData extends ObjectInfo {
  data: Buffer;
}

/** What peel() accepts: an object id and one peel, nothing that could hold whitespace. */
const PEELABLE = /^[0-9a-fA-F]{4,64}\^\{(?:tree|commit)\}$/;

export interface ObjectReader {
  info(oid: string): Promise<ObjectInfo | null>;
  read(oid: string): Promise<ObjectData | null>;
  close(): void;
}

interface Pending {
  kind: 'info' | 'contents';
  resolve: (v: ObjectInfo | ObjectData | null) => void;
  reject: (e: Error) => void;
}

export class CatFile implements ObjectReader {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly queue: Pending[] = [];
  private outbox: string[] = [];
  private scheduled = false;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: Error | null = null;
  private closed = false;
  private stderr = '';
  /** Bytes the head request needs before it can be parsed; avoids re-joining chunks of a big blob. */
  private need = 0;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  info(oid: string): Promise<ObjectInfo | null> {
    return this.request('info', oid) as Promise<ObjectInfo | null>;
  }

  /**
   * The id `<object id>^{tree}` / `^{commit}` peels to, as `git rev-parse --verify -q` gives it,
   * through this process (cat-file reads revision expressions): a push that judges 1,600 commits
   * started 1,600 `rev-parse` processes, each a fork of a heap of a GiB. Null when it does not peel.
   */
  async peel(rev: string): Promise<string | null> {
    if (!PEELABLE.test(rev)) throw new GateError('object', msg.objectMissing(rev));
    return (await (this.request('info', rev, true) as Promise<ObjectInfo | null>))?.oid ?? null;
  }

  read(oid: string): Promise<ObjectData | null> {
    return this.request('contents', oid) as Promise<ObjectData | null>;
  }

  /**
   * Ends the process for good: a request after this (work still running when a run is cut short,
   * e.g. the change set being built while the policy load failed) is refused instead of starting
   * a new process nobody would close, which would keep the hook alive after its decision.
   */
  close(): void {
    this.closed = true;
    if (this.child) {
      this.child.stdin.end();
      this.child = null;
    }
  }

  /** Start the process ahead of the first request (it is started lazily otherwise). */
  start(): void {
    if (!this.child && !this.failed && !this.closed) this.child = this.spawnChild();
  }

  private spawnChild(): ChildProcessWithoutNullStreams {
    // Never through replace refs or grafts: the gate reads the objects a clone gets (gitEnv).
    const child = spawn('git', ['-c', 'core.useReplaceRefs=false', 'cat-file', '--batch-command', '--buffer'], {
      cwd: this.cwd,
      env: gitEnv(this.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => this.onData(d));
    child.stderr.on('data', (d: Buffer) => {
      this.stderr += d.toString('utf8');
    });
    child.stdin.on('error', (e) => this.fail(new GateError('git', msg.catFileDied(e.message))));
    child.on('error', (e) => this.fail(new GateError('git', msg.gitMissing(e.message), msg.gitMissingHint)));
    child.on('close', (code) => {
      if (this.queue.length > 0) {
        this.fail(new GateError('git', msg.catFileDied(this.stderr.trim().split('\n')[0] || `exit ${code}`)));
      }
    });
    return child;
  }

  private request(kind: 'info' | 'contents', oid: string, peeling = false): Promise<ObjectInfo | ObjectData | null> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new GateError('internal', msg.catFileClosed));
    // An object name with whitespace would desynchronise the protocol.
    if (!peeling && !/^[0-9a-fA-F]{4,64}$/.test(oid)) return Promise.reject(new GateError('object', msg.objectMissing(oid)));
    return new Promise((resolve, reject) => {
      this.queue.push({ kind, resolve, reject });
      this.outbox.push(`${kind} ${oid}\n`);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.outbox.length === 0) return;
    if (this.closed) {
      this.outbox = [];
      return this.fail(new GateError('internal', msg.catFileClosed));
    }
    if (!this.child) this.child = this.spawnChild();
    const text = this.outbox.join('') + 'flush\n';
    this.outbox = [];
    this.child.stdin.write(text);
  }

  private fail(e: Error): void {
    if (this.failed) return;
    this.failed = e;
    for (const p of this.queue.splice(0)) p.reject(e);
  }

  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) return;
      if (this.buffered < this.need) return;
      let buf = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [buf];
      const nl = buf.indexOf(10);
      if (nl === -1) return;
      const header = buf.subarray(0, nl).toString('utf8');
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts[1] === 'ambiguous') {
        this.consume(nl + 1);
        this.queue.shift();
        head.resolve(null);
        continue;
      }
      if (parts.length !== 3) {
        this.fail(new GateError('git', msg.catFileDied(`unexpected output ${JSON.stringify(header.slice(0, 80))}`)));
        return;
      }
      const info: ObjectInfo = { oid: parts[0]!, type: parts[1]!, size: Number(parts[2]) };
      if (head.kind === 'info') {
        this.consume(nl + 1);
        this.queue.shift();
        head.resolve(info);
        continue;
      }
      const need = nl + 1 + info.size + 1;
      if (this.buffered < need) {
        this.need = need;
        return;
      }
      this.need = 0;
      buf = this.chunks[0]!;
      // Copy: the blob may outlive this read buffer, which is reused for the next objects.
      const data = Buffer.from(buf.subarray(nl + 1, nl + 1 + info.size));
      this.consume(need);
      this.queue.shift();
      head.resolve({ ...info, data });
    }
  }

  private consume(n: number): void {
    const buf = this.chunks[0]!;
    const rest = buf.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered -= n;
  }
}
