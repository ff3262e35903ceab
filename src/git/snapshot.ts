// Tree states as Snapshots. A commit's tree is walked through the run's cat-file process, one
// tree object at a time, with parsed tree objects shared between snapshots: consecutive commits
// of a push share almost every subtree, so checking 2,000 commits reads each distinct tree
// object once and starts no process per commit. The index is listed once with `git ls-files`.
import type { CommitInfo, FileChange, Snapshot, TreeEntry } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg, engineMsg } from '../messages.js';
import type { ObjectReader } from './cat-file.js';
import { splitZ, type GitRunner } from './exec.js';

interface RawEntry {
  name: string;
  mode: string;
  oid: string;
}

type Match = (path: string, mode: string) => boolean;

/** Entries a filtered listing may hold in its memo, all matchers together (about 100 bytes each). */
const MEMO_ENTRIES = 200_000;
/** Distinct matchers memoised at once (one per rule filter in practice). */
const MEMO_MATCHERS = 64;

/**
 * Parsed tree objects by id, bounded so memory does not grow with the size of a push; and, per
 * matcher, what a filtered listing selected under each (subtree id, path prefix): the next
 * commit of a push shares nearly every subtree at the same place, so listing it reads and walks
 * only its new tree objects (one per changed directory) instead of the whole tree.
 */
export class TreeCache {
  private readonly trees = new Map<string, Promise<RawEntry[]>>();
  /** Entries of each parsed tree held, and their sum: the bound that memory follows. */
  private readonly counts = new Map<string, number>();
  private entries = 0;
  private readonly selected = new Map<Match, Map<string, Promise<TreeEntry[]>>>();
  private held = 0;
  /** Commits whose changes against their first parent (or, for a root, the empty tree) are complete. */
  private readonly diffs = new Map<string, { parent: string | null; changes: FileChange[] }>();
  /** Per matcher, the last few commits' whole selections, by commit id. */
  private readonly lists = new Map<Match, Map<string, Promise<TreeEntry[]>>>();
  /**
   * `limit`: tree objects held; `maxEntries`: their entries all together (about 150 bytes each
   * parsed), so that a few big directories (a vendored tree of thousands of files) count for
   * what they cost, and a long push's parsed trees stay a few MiB.
   */
  constructor(
    private readonly objects: ObjectReader,
    private readonly oidBytes: number,
    private readonly limit = 20000,
    private readonly maxEntries = 100_000,
  ) {}

  read(oid: string): Promise<RawEntry[]> {
    const t = this.trees.get(oid);
    if (t) {
      // Refresh recency.
      this.trees.delete(oid);
      this.trees.set(oid, t);
      return t;
    }
    const p: Promise<RawEntry[]> = this.objects.read(oid).then((o) => {
      if (!o || o.type !== 'tree') throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
      const parsed = parseTree(o.data, this.oidBytes);
      if (this.trees.get(oid) === p) {
        this.counts.set(oid, parsed.length);
        this.entries += parsed.length;
        this.evict();
      }
      return parsed;
    });
    this.trees.set(oid, p);
    this.evict();
    return p;
  }

  /** Oldest first, down to both bounds (the newest tree always stays). */
  private evict(): void {
    while (this.trees.size > 1 && (this.trees.size > this.limit || this.entries > this.maxEntries)) {
      const oldest = this.trees.keys().next().value!;
      this.trees.delete(oldest);
      this.entries -= this.counts.get(oldest) ?? 0;
      this.counts.delete(oldest);
    }
  }

  /**
   * The listed commits of a change set with their changes (`git diff-tree -r` against the first
   * parent: complete, renames as both sides). A memoised listing of such a commit is its
   * parent's with the changes applied when the parent's is at hand: no tree read at all.
   * Merges are left out (a combined diff lists only what differs from every parent), and so is
   * anything not listed by git log (ref moves, refs to trees), which is walked.
   */
  learn(commits: readonly CommitInfo[], changes: readonly FileChange[]): void {
    const own = new Map<string, FileChange[]>();
    for (const c of commits) if (c.oid && !c.transition && c.parents.length <= 1) own.set(c.oid, []);
    for (const ch of changes) if (ch.commit !== null) own.get(ch.commit)?.push(ch);
    for (const c of commits) {
      const list = c.oid ? own.get(c.oid) : undefined;
      if (list) this.diffs.set(c.oid!, { parent: c.parents[0] ?? null, changes: list });
    }
  }

  /**
   * A memoised whole listing of commit `rev` for `match`: the nearest listed ancestor's (held, or
   * `walkOf` a commit the change set does not list, such as the pushed-onto tip), with every
   * diff between them applied in order; `walkOf(rev)` when `rev` was not listed by git log.
   */
  listing(rev: string, match: Match, walkOf: (rev: string) => Promise<TreeEntry[]>): Promise<TreeEntry[]> {
    let lru = this.lists.get(match);
    if (!lru) {
      if (this.lists.size >= MEMO_MATCHERS) this.lists.clear();
      this.lists.set(match, (lru = new Map()));
    }
    const hit = lru.get(rev);
    if (hit) return hit;
    const chain: FileChange[][] = [];
    let base: Promise<TreeEntry[]> | undefined;
    for (let cur: string | null = rev; chain.length < MAX_CHAIN;) {
      const held = cur === rev ? undefined : lru.get(cur);
      if (held) {
        base = held;
        break;
      }
      const d = this.diffs.get(cur);
      if (!d) {
        base = walkOf(cur);
        break;
      }
      chain.push(d.changes);
      if (d.parent === null) {
        base = Promise.resolve([]);
        break;
      }
      cur = d.parent;
    }
    const p = base && chain.length > 0 ? base.then((entries) => applyDiffs(entries, chain.reverse(), match)) : (base ?? walkOf(rev));
    lru.set(rev, p);
    p.catch(() => lru.delete(rev));
    if (lru.size > LISTINGS) lru.delete(lru.keys().next().value!);
    return p;
  }

  /** The memo of `match`'s selections, by `<tree id> NUL <prefix>`. */
  memoOf(match: Match): Map<string, Promise<TreeEntry[]>> {
    let m = this.selected.get(match);
    if (!m) {
      if (this.selected.size >= MEMO_MATCHERS) this.forget();
      this.selected.set(match, (m = new Map()));
    }
    return m;
  }

  /** Count a memoised selection; past the bound every memo starts again (a push's memory stays flat). */
  charge(entries: number): void {
    this.held += entries + 1;
    if (this.held > MEMO_ENTRIES) this.forget();
  }

  private forget(): void {
    for (const m of this.selected.values()) m.clear();
    this.selected.clear();
    this.held = 0;
  }
}

/** Whole listings kept per matcher: a push's commits come parent first, so a few suffice. */
const LISTINGS = 8;

const byPath = (a: TreeEntry, b: TreeEntry) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Diffs walked back before a listing is taken from the tree instead. */
const MAX_CHAIN = 100_000;

/**
 * An ancestor's selection with each commit's complete diff applied, oldest first: what walking
 * the last commit's tree selects.
 */
function applyDiffs(ancestor: readonly TreeEntry[], diffs: readonly FileChange[][], match: Match): TreeEntry[] {
  const out = new Map<string, TreeEntry>();
  for (const e of ancestor) out.set(e.path, e);
  for (const changes of diffs) {
    for (const ch of changes) {
      if (ch.status === 'R' && ch.oldPath !== null) out.delete(ch.oldPath);
      if (ch.status !== 'C') out.delete(ch.path);
    }
    for (const ch of changes) {
      if (ch.status === 'D' || ch.newMode === null || ch.newOid === null || ch.newMode === '040000') continue;
      if (match(ch.path, ch.newMode)) out.set(ch.path, { path: ch.path, mode: ch.newMode, oid: ch.newOid });
    }
  }
  return [...out.values()].sort(byPath);
}

/** `<mode> SP <name> NUL <raw id>` repeated. */
export function parseTree(data: Buffer, oidBytes: number): RawEntry[] {
  const out: RawEntry[] = [];
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const nul = data.indexOf(0, sp);
    if (sp === -1 || nul === -1 || nul + 1 + oidBytes > data.length) throw new GateError('object', engineMsg.treeMalformed, msg.objectMissingHint);
    const mode = modeAt(data, i, sp);
    const name = data.toString('utf8', sp + 1, nul);
    const oid = data.toString('hex', nul + 1, nul + 1 + oidBytes);
    out.push({ name, mode, oid });
    i = nul + 1 + oidBytes;
  }
  return out;
}

const MODES = ['100644', '100755', '120000', '160000'];

/** The entry's mode, one shared string per usual mode (a parsed tree holds thousands). */
function modeAt(data: Buffer, start: number, end: number): string {
  if (end - start === 5 && data[start] === 0x34 && data.readUInt32BE(start + 1) === 0x30303030) return '040000';
  if (end - start === 6) {
    for (const m of MODES) {
      let k = 0;
      while (k < 6 && data[start + k] === m.charCodeAt(k)) k++;
      if (k === 6) return m;
    }
  }
  return data.toString('latin1', start, end).padStart(6, '0');
}

const HEX = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * `knownTree(rev)`: the root tree id when the caller already has it (the commits of a push come
 * with their tree from `git log %T`): no round trip to cat-file for the commit object.
 */
export function commitSnapshot(objects: ObjectReader, trees: TreeCache, git: GitRunner, rev: string, knownTree?: (rev: string) => string | null | undefined): Snapshot {
  let root: Promise<string> | null = null;
  const rootTree = () =>
    (root ??= (async () => {
      const known = knownTree?.(rev);
      if (known) return known;
      let oid = rev;
      if (!HEX.test(oid)) {
        const r = await git.run(['rev-parse', '-q', '--verify', `${rev}^{tree}`], { okCodes: [0, 1] });
        if (r.code !== 0) throw new GateError('usage', msg.badRevision(rev), msg.badRevisionHint);
        return r.stdout.toString('utf8').trim();
      }
      for (let depth = 0; depth < 10; depth++) {
        const o = await objects.read(oid);
        if (!o) throw new GateError('object', msg.objectMissing(oid), msg.objectMissingHint);
        if (o.type === 'tree') return oid;
        const text = o.data.toString('utf8');
        const m = o.type === 'commit' ? /^tree ([0-9a-f]+)$/m.exec(text) : o.type === 'tag' ? /^object ([0-9a-f]+)$/m.exec(text) : null;
        if (!m) throw new GateError('object', engineMsg.notCommitOrTree(oid, o.type), msg.objectMissingHint);
        oid = m[1]!;
      }
      throw new GateError('object', engineMsg.noTree(rev), msg.objectMissingHint);
    })());

  const walk = async (treeOid: string, prefix: string, match: Match | undefined, out: TreeEntry[], memo: boolean) => {
    const entries = await trees.read(treeOid);
    const subtrees: Promise<void>[] = [];
    for (const e of entries) {
      const path = prefix + e.name;
      if (e.mode === '040000') subtrees.push(match && memo ? selectUnder(e.oid, path + '/', match, out) : walk(e.oid, path + '/', match, out, false));
      else if (!match || match(path, e.mode)) out.push({ path, mode: e.mode, oid: e.oid });
    }
    await Promise.all(subtrees);
  };
  // A subtree's selection, memoised: `match` sees only (path, mode), which the tree id and the
  // prefix fix, so the same subtree at the same place selects the same entries.
  const selectUnder = async (treeOid: string, prefix: string, match: Match, out: TreeEntry[]) => {
    const memo = trees.memoOf(match);
    const key = `${treeOid}\0${prefix}`;
    let p = memo.get(key);
    if (!p) {
      const got: TreeEntry[] = [];
      p = walk(treeOid, prefix, match, got, true).then(() => got);
      memo.set(key, p);
      p.then((g) => trees.charge(g.length)).catch(() => memo.delete(key));
    }
    for (const e of await p) out.push(e);
  };

  return {
    id: rev,
    async list(match, opts) {
      const whole = async () => {
        const out: TreeEntry[] = [];
        await walk(await rootTree(), '', match, out, opts?.memo === true);
        return out.sort(byPath);
      };
      if (!match || opts?.memo !== true) return whole();
      const walkOf = (r: string) => (r === rev ? whole() : commitSnapshot(objects, trees, git, r, knownTree).list(match));
      return [...(await trees.listing(rev, match, walkOf))];
    },
    async entry(path) {
      let tree = await rootTree();
      const parts = path.split('/');
      for (let i = 0; i < parts.length; i++) {
        const e = (await trees.read(tree)).find((x) => x.name === parts[i]);
        if (!e) return null;
        if (i === parts.length - 1) return { path, mode: e.mode, oid: e.oid };
        if (e.mode !== '040000') return null;
        tree = e.oid;
      }
      return null;
    },
  };
}

export function indexSnapshot(git: GitRunner): Snapshot {
  let entries: Promise<Map<string, TreeEntry>> | null = null;
  const load = () =>
    (entries ??= git.run(['ls-files', '-s', '-z']).then((r) => {
      const map = new Map<string, TreeEntry>();
      for (const rec of splitZ(r.stdout)) {
        // <mode> SP <oid> SP <stage> TAB <path>; during a conflicted merge the last stage wins.
        const tab = rec.indexOf('\t');
        const [mode, oid] = rec.slice(0, tab).split(' ');
        const path = rec.slice(tab + 1);
        map.set(path, { path, mode: mode!, oid: oid! });
      }
      return map;
    }));
  return {
    id: 'index',
    async list(match) {
      const all = [...(await load()).values()];
      return match ? all.filter((e) => match(e.path, e.mode)) : all;
    },
    async entry(path) {
      return (await load()).get(path) ?? null;
    },
  };
}
