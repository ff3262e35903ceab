// "The state before the change": the commit a change is built on, and what a client door reads
// from it — the policy that judges protected targets and the baseline in force. Trust comes
// from before the change: a commit cannot loosen the protection of the files it edits, or
// baseline its own findings.
//
//   staged change (pre-commit, commit-msg, scan --staged)  HEAD (none on the first commit)
//   pre-push                                              the remote's old tip of the pushed ref, or the parent
//                                                         of the oldest pushed commit (none for a new root);
//                                                         the baseline: each pushed commit's parent (baselinesFor)
//   scan --range A..B                                     A
//   scan [--rev REV]                                      REV (nothing is changing)
//   pre-receive                                           the server policy's branch tip, before any ref moves
import { isAbsolute, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { ChangeSet } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import { GateError } from '../errors.js';
import type { RepoInfo } from '../git/repo.js';
import { parseRange } from '../sources/range.js';
import type { SourceRequest } from '../sources/index.js';
import type { Baseline } from '../findings/baseline.js';
import type { Baselines } from '../engine/check.js';
import type { ReadAt } from './door.js';
import { engineMsg } from '../messages.js';

const ZERO = /^0+$/;

async function commitOf(repo: RepoInfo, rev: string): Promise<string | null> {
  const r = await repo.git.run(['rev-parse', '-q', '--verify', `${rev}^{commit}`], { okCodes: [0, 1, 128] });
  return r.code === 0 ? r.stdout.toString('utf8').trim() || null : null;
}

/** The commit the change is built on (see the table above); null when there is none. */
export async function changeBase(repo: RepoInfo, request: SourceRequest, cs: ChangeSet, policy: Policy): Promise<string | null> {
  switch (request.kind) {
    case 'staged':
    case 'message':
      return repo.head;
    case 'range':
      return commitOf(repo, parseRange(request.range).from);
    case 'tree':
      return commitOf(repo, request.rev);
    case 'history':
      // Every commit from the roots, judged by today's baseline (the one at the scanned tip).
      return commitOf(repo, request.rev);
    case 'receive':
      return commitOf(repo, policy.server.policyBranch);
    case 'push': {
      for (const ref of cs.refs) {
        if (ref.kind === 'delete' || ZERO.test(ref.oldOid)) continue;
        const known = await commitOf(repo, ref.oldOid);
        if (known) return known;
      }
      const pushed = new Set(cs.commits.map((c) => c.oid));
      // Oldest first: the first commit whose first parent is not pushed sits on the base.
      for (const c of cs.commits) {
        const p = c.parents[0];
        if (p && !pushed.has(p)) return p;
      }
      return null;
    }
  }
}

/**
 * The policy in force at `base`, for the client doors' protected-target rule: the committed
 * YAML/JSON policy there, or null when `base` has none (the first commit of a policy: nothing
 * was protected before it). `undefined` means "cannot be read from git objects" (configuration
 * code, or an unreadable policy): the caller keeps the current policy, which is never looser
 * for the files it protects.
 */
export async function policyAt(
  base: string | null,
  readAt: ReadAt,
  current?: { policy: Policy; root: string | null },
  /** Where to look at `base` (default: every place discovery looks; `--config FILE` names one). */
  only?: readonly string[],
): Promise<Policy | null | undefined> {
  if (base === null) return null;
  const places = await import('../config/search-places.js');
  for (const place of only ?? places.SEARCH_PLACES) {
    const text = await readAt(base, place);
    if (text === null) continue;
    if (places.isPackageJson(place) && !hasPackageProp(text, places.PACKAGE_PROP)) continue;
    if (places.isCodeConfig(place)) return undefined;
    // Hot path: the policy in force is the one already loaded when the files it came from are
    // byte-identical at `base` (the usual commit, which does not touch the policy).
    if (current && (await sameAsCurrent(base, place, text, current.policy, current.root, readAt))) return current.policy;
    try {
      const load = await import('../config/load.js');
      const p = await load.loadPolicyFromTree({ rev: base, label: base, read: (path: string) => readAt(base, path) }, place);
      if (p) return p;
    } catch {
      return undefined;
    }
  }
  return null;
}

function hasPackageProp(text: string, prop: string): boolean {
  try {
    const data = JSON.parse(text) as Record<string, unknown> | null;
    return typeof data === 'object' && data !== null && prop in data;
  } catch {
    return true; // let the loader report it
  }
}

async function sameAsCurrent(base: string, place: string, text: string, policy: Policy, root: string | null, readAt: ReadAt): Promise<boolean> {
  if (root === null) return false;
  const files = policy.sources.filter((s) => !s.startsWith('preset:'));
  if (!files.includes(resolve(root, place))) return false;
  for (const file of files) {
    if (!file.startsWith(root + '/')) return false;
    const rel = file.slice(root.length + 1);
    const at = rel === place ? text : await readAt(base, rel);
    if (at === null) return false;
    let disk: string;
    try {
      disk = await readFile(file, 'utf8');
    } catch {
      return false;
    }
    if (disk !== at) return false;
  }
  return true;
}

/**
 * `current` with nothing protected by configuration: what protected-target applies when the
 * state before the change has no policy. Generated files (markers and attributes of the old
 * version) stay protected: they are not configuration.
 */
export function withoutConfiguredProtection(current: Policy): Policy {
  const setting = current.rules['protected-target'];
  const options = { ...(setting?.options ?? {}), extra_groups: {} };
  return {
    ...current,
    hash: `${current.hash}:none-before`,
    // No policy before the change: none of the files the current one is read from was the policy.
    sources: [],
    protectedTargets: {},
    changeControl: { ...current.changeControl, generators: {}, sentinels: [] } as Policy['changeControl'],
    rules: { ...current.rules, ...(setting ? { 'protected-target': { ...setting, options } } : {}) },
  };
}

interface BaselineRequest {
  /** `scan --baseline FILE`: a file on disk, relative to the working directory. */
  explicit?: string;
  cwd: string;
  policy: Policy;
  base: string | null;
  readAt: ReadAt;
}

/** The baseline in force, or null. A baseline that exists but is not valid fails closed (exit 2). */
async function loadBaseline(req: BaselineRequest): Promise<Baseline | null> {
  const { DEFAULT_BASELINE_PATH, parseBaseline, BaselineError } = await import('../findings/baseline.js');
  const parse = async (text: string, label: string) => {
    try {
      return await parseBaseline(text, label);
    } catch (e) {
      if (e instanceof BaselineError) throw new GateError('config', engineMsg.baselineInvalid(e.message), engineMsg.baselineInvalidHint);
      throw e;
    }
  };
  const fromDisk = async (path: string, label: string, required: boolean): Promise<Baseline | null> => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      if (!required) return null;
      throw new GateError('config', engineMsg.baselineUnreadable(label), engineMsg.baselineUnreadableHint);
    }
    return parse(text, label);
  };
  if (req.explicit) return fromDisk(resolve(req.cwd, req.explicit), req.explicit, true);
  const configured = req.policy.baseline ?? null;
  // A file of the machine's own (the server's), named by the policy it trusts.
  if (configured && isAbsolute(configured)) return fromDisk(configured, configured, true);
  const path = (configured ?? DEFAULT_BASELINE_PATH).replace(/^\.\/+/, '');
  if (req.base === null) return null;
  const text = await req.readAt(req.base, path);
  if (text === null) return null;
  return parse(text, `${req.base.slice(0, 12)}:${path}`);
}

export interface BaselinesRequest {
  request: SourceRequest;
  cwd: string;
  policy: Policy;
  base: string | null;
  readAt: ReadAt;
  /** `scan --baseline FILE`. */
  explicit?: string;
}

/**
 * The baselines the engine applies. pre-push: each pushed commit is judged by the baseline of
 * its parent (the adoption commit and the work after it can go out in one push); the server and
 * range scans by one trusted state (the branch tip, A).
 */
export async function baselinesFor(changeSet: ChangeSet, req: BaselinesRequest): Promise<Baselines> {
  const baseline = await loadBaseline({ explicit: req.explicit, cwd: req.cwd, policy: req.policy, base: req.base, readAt: req.readAt });
  const perCommit =
    req.request.kind === 'push' && !req.explicit
      ? await baselinesOfParents(changeSet, (rev) => loadBaseline({ cwd: req.cwd, policy: req.policy, base: rev, readAt: req.readAt }))
      : null;
  return {
    of: perCommit ? (commit) => (commit !== null && perCommit.has(commit) ? perCommit.get(commit)! : baseline) : baseline,
    source: baseline ?? (perCommit ? ([...perCommit.values()].find((b) => b !== null) ?? null) : null),
  };
}

/** The baseline at each pushed commit's first parent (null: none there), read once per parent. */
async function baselinesOfParents(cs: ChangeSet, load: (rev: string) => Promise<Baseline | null>): Promise<Map<string, Baseline | null>> {
  const byParent = new Map<string, Promise<Baseline | null>>();
  const out = new Map<string, Baseline | null>();
  for (const c of cs.commits) {
    const parent = c.parents[0];
    if (!c.oid || !parent) continue;
    let p = byParent.get(parent);
    if (!p) byParent.set(parent, (p = load(parent)));
    out.set(c.oid, await p);
  }
  return out;
}
