// The persistent result cache: what a rule's checkFile said about one blob at one path, kept
// in the gate's own directory ($GIT_DIR/safety-gate/cache/ in the bare repository on the
// server, .git/safety-gate/cache/ on a client — each its own, never read from pushed content),
// so that objects this repository has already judged cost no read and no rule work.
//
// Key (a cached result can never differ from a fresh one):
//   rule context hash — the gate's code identity (package version and the signature of the
//     running bundle: any rebuild is another gate), the cache format, the rule id, the rule's
//     setting (options and severity), the whole policy it is judged by except other rules'
//     settings (runtime scope, path case sensitivity, limits, …), its prefilter keywords,
//     whether local state is trusted, and the object format;
//   × blob id × file mode × path (scope, file type and reader all follow from the path).
// Only rules whose checkFile is a function of (path, mode, bytes, options, policy) and keeps no
// state between files are cached (CACHEABLE_RULES). The engine enforces the rest at run time:
// a checkFile that reads anything else (the commit, the change record, the old version, the
// repository through ctx.git, the audit history) or reports after it returned is not stored
// for that file (see src/engine/run.ts).
//
// File: segments appended one per run, each one JSON line followed by `#<sha256 of that line>`.
// A segment whose hash does not match, that was cut short, or that another build wrote is
// ignored, and the next save rewrites the file without it. Bounded: when the file outgrows its
// budget it is rewritten with the most recently used entries only (half the budget).
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingInput } from '../findings/types.js';
import { signature } from '../config/cache-files.js';
import pkg from '../../package.json' with { type: 'json' };

/** Relative to $GIT_DIR (the common dir on a client). */
export const RESULT_CACHE_FILE = 'safety-gate/cache/results-v1.log';
const FORMAT = 1;
/** Default budget of the cache file (SAFETY_GATE_CACHE_MAX_MB overrides). */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Rules whose checkFile reads only the file view's path, hits and new blob, its own options and
 * the policy, and keeps nothing from one file to the next. Not here: import-hygiene (collects
 * Python versions and relative imports for checkRun), trading-mode (remembers analysed files for
 * its GitLab-include pass).
 */
export const CACHEABLE_RULES: ReadonlySet<string> = new Set(['agent-mode', 'generated-file', 'image-pinning', 'live-endpoint', 'readable-content', 'replicas', 'secrets']);

/**
 * Rules given a verdict store (RuleContext.verdicts) over this cache, under a context of their
 * own: import-hygiene keeps what each parse check said of each blob (per language, and for
 * Python per interpreter version), so content this server has judged is not compiled again.
 */
export const VERDICT_RULES: ReadonlySet<string> = new Set(['import-hygiene']);

/** `SAFETY_GATE_CACHE=off` (or 0, false, no) turns the result cache off for a run. */
export function resultCacheEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = (env.SAFETY_GATE_CACHE ?? '').trim().toLowerCase();
  return !(v === 'off' || v === '0' || v === 'false' || v === 'no');
}

/** The running gate: its version and the signature (size, mtime, inode) of this bundle file. */
function codeIdentity(): string {
  let file = '';
  try {
    file = fileURLToPath(import.meta.url);
  } catch {
    // an embedding without file URLs: the version alone
  }
  return `${pkg.version}\0${file ? signature(file) : '-'}`;
}

/** A rule's outcome for one file: the reports its checkFile made (empty: none). */
export type CachedResult = readonly FindingInput[];

export interface ResultCacheOptions {
  /** Code identity (tests inject one; default codeIdentity()). */
  code?: string;
  maxBytes?: number;
  /** Read the file on first use (forRepo), not when opening. */
  lazy?: boolean;
}

/**
 * A cache file up to this size is always read (a few milliseconds); a bigger one only for a run
 * with at least LOAD_MIN_BLOBS blobs to judge: a pre-commit of ten files must not pay for
 * parsing a whole history's results. Small runs still add theirs (appending needs no reading).
 */
const ALWAYS_LOAD_BYTES = 1024 * 1024;
const LOAD_MIN_BLOBS = 64;

export interface ResultCacheStats {
  hits: number;
  misses: number;
  stored: number;
  /** Segments ignored when loading (bad hash, cut short, another build's). */
  rejected: number;
  compacted: boolean;
}

export class ResultCache {
  readonly code: string;
  readonly stats: ResultCacheStats = { hits: 0, misses: 0, stored: 0, rejected: 0, compacted: false };
  private readonly maxBytes: number;
  /** context hash -> (oid \0 mode \0 path) -> result. */
  private readonly entries = new Map<string, Map<string, CachedResult>>();
  /** Written this run, not yet saved. */
  private readonly fresh = new Map<string, Map<string, CachedResult>>();
  /** Keys read or written this run (kept first when the file is rewritten). */
  private readonly used = new Set<string>();
  private fileBytes = 0;
  private needsRewrite = false;
  private loaded = false;

  private constructor(
    readonly file: string,
    opts: ResultCacheOptions,
  ) {
    this.code = opts.code ?? codeIdentity();
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Opens (and loads) the cache file; a missing or unreadable one is an empty cache. */
  static open(file: string, opts: ResultCacheOptions = {}): ResultCache {
    const c = new ResultCache(file, opts);
    if (!opts.lazy) c.ensureLoaded();
    return c;
  }

  /** The cache of a repository: `gitDir` is $GIT_DIR of a bare repository, or the common dir. */
  static forRepo(gitDir: string, env: NodeJS.ProcessEnv, opts: ResultCacheOptions = {}): ResultCache | null {
    if (!resultCacheEnabled(env)) return null;
    const mb = Number(env.SAFETY_GATE_CACHE_MAX_MB);
    const maxBytes = opts.maxBytes ?? (Number.isFinite(mb) && mb > 0 ? mb * 1024 * 1024 : undefined);
    return ResultCache.open(join(gitDir, RESULT_CACHE_FILE), { lazy: true, ...opts, ...(maxBytes ? { maxBytes } : {}) });
  }

  /** The context hash of a rule (see the file comment for what goes in). */
  context(parts: {
    rule: string;
    setting: unknown;
    policy: unknown;
    keywords: readonly string[] | null;
    undecodable: boolean;
    trustsLocalState: boolean;
    objectFormat: string;
  }): string {
    const text = JSON.stringify([FORMAT, this.code, parts.rule, parts.setting, parts.policy, parts.keywords, parts.undecodable, parts.trustsLocalState, parts.objectFormat]);
    return createHash('sha256').update(text).digest('hex').slice(0, 32);
  }

  static fileKey(oid: string, mode: string | null, path: string): string {
    return `${oid}\0${mode ?? ''}\0${path}`;
  }

  /** Whether looking results up pays for a run judging `blobs` blobs (see ALWAYS_LOAD_BYTES). */
  worthReading(blobs: number): boolean {
    if (this.loaded || blobs >= LOAD_MIN_BLOBS) return true;
    const st = statSync(this.file, { throwIfNoEntry: false });
    return !st || st.size <= ALWAYS_LOAD_BYTES;
  }

  get(context: string, fileKey: string): CachedResult | undefined {
    this.ensureLoaded();
    const hit = this.entries.get(context)?.get(fileKey);
    if (hit === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    this.used.add(fileKey);
    return hit;
  }

  put(context: string, fileKey: string, result: readonly FindingInput[]): void {
    // A copy through JSON: what is replayed later is exactly what the file will hold.
    const value: CachedResult = result.length === 0 ? EMPTY : (JSON.parse(JSON.stringify(result)) as FindingInput[]);
    for (const m of [this.entries, this.fresh]) {
      let inner = m.get(context);
      if (!inner) m.set(context, (inner = new Map()));
      inner.set(fileKey, value);
    }
    this.used.add(fileKey);
    this.stats.stored++;
  }

  /** Forget an entry written this run (a rule that turned out to depend on more than the file). */
  drop(context: string, fileKey: string): void {
    for (const m of [this.entries, this.fresh]) m.get(context)?.delete(fileKey);
  }

  /**
   * Appends this run's entries as one segment, or rewrites the file when it holds rejected
   * segments or outgrew its budget. Never throws: a cache that cannot be written costs the next
   * run its speed, never its answer.
   */
  save(): void {
    try {
      const appendText = this.fresh.size > 0 ? segment(this.code, this.fresh) : '';
      if (!this.loaded) {
        if (!appendText) return;
        this.fileBytes = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
        if (this.fileBytes + appendText.length > this.maxBytes) this.ensureLoaded();
      }
      if (this.needsRewrite || this.fileBytes + appendText.length > this.maxBytes) {
        this.rewrite();
      } else if (appendText) {
        mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
        appendFileSync(this.file, appendText, { mode: 0o600 });
        this.fileBytes += Buffer.byteLength(appendText);
      }
      this.fresh.clear();
    } catch {
      // see above
    }
  }

  /** Number of entries held (all contexts). */
  get size(): number {
    let n = 0;
    for (const m of this.entries.values()) n += m.size;
    return n;
  }

  private ensureLoaded(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.load();
  }

  private load(): void {
    let text: string;
    try {
      const st = statSync(this.file, { throwIfNoEntry: false });
      if (!st) return;
      // Grossly over budget (another setting, a corruption): start again.
      if (st.size > 4 * this.maxBytes) {
        this.needsRewrite = true;
        return;
      }
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    this.fileBytes = Buffer.byteLength(text);
    const lines = text.split('\n');
    // A file that does not end with a newline was cut short: its last segment is incomplete.
    if (lines[lines.length - 1] !== '') this.reject();
    lines.pop();
    for (let i = 0; i < lines.length;) {
      const body = lines[i]!;
      const check = lines[i + 1];
      if (body.startsWith('#') || check === undefined || !check.startsWith('#')) {
        // Not a segment followed by its check line: resynchronise on the next line.
        this.reject();
        i++;
        continue;
      }
      i += 2;
      if (check.slice(1) !== sha256(body)) {
        this.reject();
        continue;
      }
      let seg: Segment;
      try {
        seg = JSON.parse(body) as Segment;
      } catch {
        this.reject();
        continue;
      }
      if (!isSegment(seg) || seg.code !== this.code) {
        this.reject();
        continue;
      }
      for (const rec of seg.recs) {
        const key = rec[0] as string;
        for (let k = 1; k + 1 < rec.length; k += 2) {
          const ctx = seg.ctx[rec[k] as number];
          const v = rec[k + 1];
          if (typeof ctx !== 'string' || !(v === 0 || Array.isArray(v))) continue;
          let inner = this.entries.get(ctx);
          if (!inner) this.entries.set(ctx, (inner = new Map()));
          inner.set(key, v === 0 ? EMPTY : (v as FindingInput[]));
        }
      }
    }
  }

  private reject(): void {
    this.stats.rejected++;
    this.needsRewrite = true;
  }

  /** Rewrites the file: entries used this run first, then the others newest first, up to half the budget. */
  private rewrite(): void {
    const byKey = new Map<string, [string, CachedResult][]>();
    for (const [ctx, inner] of this.entries) {
      for (const [key, v] of inner) {
        let list = byKey.get(key);
        if (!list) byKey.set(key, (list = []));
        list.push([ctx, v]);
      }
    }
    const order = [...this.used].filter((k) => byKey.has(k));
    const rest = [...byKey.keys()].filter((k) => !this.used.has(k)).reverse();
    const budget = this.maxBytes / 2;
    const kept = new Map<string, Map<string, CachedResult>>();
    let bytes = 0;
    for (const key of [...order, ...rest]) {
      const list = byKey.get(key)!;
      const cost = key.length + 16 + list.reduce((n, [, v]) => n + 8 + (v.length === 0 ? 1 : JSON.stringify(v).length), 0);
      if (bytes + cost > budget) break;
      bytes += cost;
      for (const [ctx, v] of list) {
        let inner = kept.get(ctx);
        if (!inner) kept.set(ctx, (inner = new Map()));
        inner.set(key, v);
      }
    }
    const text = kept.size > 0 ? segment(this.code, kept) : '';
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(tmp, text, { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
    } catch (e) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
      throw e;
    }
    this.entries.clear();
    for (const [ctx, inner] of kept) this.entries.set(ctx, inner);
    this.fileBytes = Buffer.byteLength(text);
    this.needsRewrite = false;
    this.stats.compacted = true;
  }
}

const EMPTY: CachedResult = Object.freeze([]) as CachedResult;

interface Segment {
  v: number;
  code: string;
  ctx: string[];
  /** [fileKey, ctxIndex, result (0: none), ctxIndex, result, …] */
  recs: (string | number | FindingInput[])[][];
}

function isSegment(s: unknown): s is Segment {
  const x = s as Segment;
  return !!x && x.v === FORMAT && typeof x.code === 'string' && Array.isArray(x.ctx) && Array.isArray(x.recs) && x.recs.every((r) => Array.isArray(r) && typeof r[0] === 'string');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function segment(code: string, entries: Map<string, Map<string, CachedResult>>): string {
  const ctx = [...entries.keys()];
  const byKey = new Map<string, (string | number | FindingInput[])[]>();
  ctx.forEach((c, i) => {
    for (const [key, v] of entries.get(c)!) {
      let rec = byKey.get(key);
      if (!rec) byKey.set(key, (rec = [key]));
      rec.push(i, v.length === 0 ? 0 : (v as FindingInput[]));
    }
  });
  const body = JSON.stringify({ v: FORMAT, code, ctx, recs: [...byKey.values()] } satisfies Segment);
  return `${body}\n#${sha256(body)}\n`;
}
