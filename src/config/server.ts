// The policy pre-receive trusts. It comes from outside the push: the file `install --server`
// put in the bare repository, or (when that file says so) the config at the current tip of a
// protected branch, read before any ref moves. Never from pushed commits; never code.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { readOr } from './cache-files.js';
import { ConfigError, GateError } from '../errors.js';
import type { Policy } from './schema.js';
import { configMsg } from '../messages.js';

/** Where `install --server --config FILE` keeps the trusted policy, relative to $GIT_DIR. */
export const SERVER_POLICY_FILE = 'safety-gate/policy.yaml';
/** The same, for a JSON policy. */
export const SERVER_POLICY_FILE_JSON = 'safety-gate/policy.json';

interface GitRunResult {
  stdout: Buffer | string;
  code: number;
  stderr?: Buffer | string;
}

/** Runs git in the bare repository with the hook's (quarantine-aware) environment. */
export type RunGit = (args: readonly string[]) => Promise<GitRunResult>;

export interface ServerPolicyOptions {
  gitDir: string;
  runGit: RunGit;
}

export async function loadServerPolicy(opts: ServerPolicyOptions): Promise<Policy> {
  const load = await import('./load.js');
  const { withHash } = await import('./resolve.js');
  const yamlPath = join(opts.gitDir, SERVER_POLICY_FILE);
  const jsonPath = join(opts.gitDir, SERVER_POLICY_FILE_JSON);
  const hasYaml = existsSync(yamlPath);
  const hasJson = existsSync(jsonPath);
  if (hasYaml && hasJson) {
    throw new ConfigError(configMsg.bothServerPolicies(SERVER_POLICY_FILE, SERVER_POLICY_FILE_JSON), opts.gitDir, null, null, null, configMsg.bothServerPoliciesHint);
  }
  // No installed policy is not "the recommended preset": a deleted or never-installed file must
  // not quietly judge pushes by a weaker policy than the one meant for this repository.
  if (!hasYaml && !hasJson) {
    throw new GateError('config', configMsg.noServerPolicy(yamlPath), configMsg.noServerPolicyHint);
  }
  const file = hasYaml ? yamlPath : jsonPath;
  assertPolicyText(readOr(file), file);
  const base = await load.loadPolicyFile(file, 'server');
  if (base === null) throw new GateError('config', configMsg.noServerPolicy(file), configMsg.noServerPolicyHint);
  if (base.server.policySource !== 'branch') return base;

  const { policyBranch, policyPath } = base.server;
  const rev = await resolveRef(opts.runGit, policyBranch);
  // The branch does not exist yet (first push): the installed file is all there is.
  if (rev === null) return base;
  const tree = {
    rev,
    label: policyBranch,
    read: async (path: string) => {
      const text = await readBlobAt(opts.runGit, rev, path, policyBranch);
      if (path === policyPath && text !== null) assertPolicyText(text, `${policyBranch}:${path}`);
      return text;
    },
  };
  const fromBranch = await load.loadPolicyFromTree(tree, policyPath);
  // The branch exists but has never held the policy (it predates the gate): the installed file
  // is all there is, as before the branch existed; the push that adds the policy is judged by
  // it. A policy the branch once held and lost (deleted, moved) never falls back to another one.
  if (fromBranch === null && !(await everHeld(opts.runGit, rev, policyPath))) return base;
  if (fromBranch === null) {
    throw new GateError('config', configMsg.branchLacksPolicy(policyBranch, policyPath), configMsg.branchLacksPolicyHint(policyPath, policyBranch, file));
  }
  // The branch's config cannot redirect where the server reads its policy.
  const { hash: _h, sources, ...body } = fromBranch;
  // Nor which keys it trusts: the allowed signers (the root of every approval) stay the
  // installed file's, so a policy merged into the branch cannot name its own signers.
  const approvals = body.approvals ? { ...body.approvals, allowed_signers: base.approvals?.allowed_signers } : (base.approvals ?? null);
  return withHash({ ...body, approvals, server: base.server }, [...base.sources.filter((s) => !s.startsWith('preset:')), ...sources]);
}

/**
 * A server policy that says nothing is a truncated or emptied file, not an instruction to use the
 * recommended preset: refuse it. "Says nothing" is decided on the parsed document, the way the
 * loader will read it (zero bytes, comments, `{ }`, `!!map {}`, `~`, `%YAML` directives, a BOM,
 * keys whose values are all null or empty), not on how its lines are spelt. A document that does
 * not parse is left to the loader, which names the file and line.
 */
export function assertPolicyText(text: string | null, where: string): void {
  if (text === null) throw new GateError('config', configMsg.serverPolicyUnreadable(where), configMsg.noServerPolicyHint);
  const docs = parseAllDocuments(text.replace(/^\uFEFF/, ''));
  const list = Array.isArray(docs) ? docs : [];
  if (list.some((d) => d.errors.length > 0)) return;
  if (list.every((d) => saysNothing(d.toJS({ maxAliasCount: 100 })))) {
    throw new GateError('config', configMsg.serverPolicyEmpty(where), configMsg.serverPolicyEmptyHint);
  }
}

/** null, '', an empty list or mapping, or a mapping/list of only such values. */
function saysNothing(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.every(saysNothing);
  if (value instanceof Map) return [...value.entries()].every(([k, v]) => k === '$schema' || saysNothing(v));
  // `$schema` names the file's JSON schema for editors; it says nothing about the policy.
  if (typeof value === 'object') return Object.entries(value).every(([k, v]) => k === '$schema' || saysNothing(v));
  return false;
}

async function git(runGit: RunGit, args: readonly string[]): Promise<GitRunResult & { out: string; err: string }> {
  let r: GitRunResult;
  try {
    r = await runGit(args);
  } catch (e) {
    throw new GateError('git', configMsg.serverGitFailed(args[0], (e as Error).message), configMsg.serverGitFailedHint);
  }
  return { ...r, out: r.stdout.toString(), err: (r.stderr ?? '').toString() };
}

/** The ref's current value (pre-receive runs before refs move); null when it does not exist. */
/** Whether any commit reachable from `rev` touched `path` (a policy once there, now gone). */
async function everHeld(runGit: RunGit, rev: string, path: string): Promise<boolean> {
  const r = await git(runGit, ['log', '-1', '--format=%H', '--full-history', rev, '--', path]);
  if (r.code !== 0) throw new GateError('git', configMsg.policyHistoryUnreadable(path, r.err.trim() || configMsg.gitExited(r.code)), configMsg.policyHistoryUnreadableHint);
  return r.out.trim() !== '';
}

async function resolveRef(runGit: RunGit, ref: string): Promise<string | null> {
  const r = await git(runGit, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (r.code === 0) return r.out.trim();
  if (r.code === 1 && r.err.trim() === '') return null;
  throw new GateError('git', configMsg.policyBranchUnresolved(ref, r.err.trim() || configMsg.gitExited(r.code)), configMsg.policyBranchUnresolvedHint);
}

async function readBlobAt(runGit: RunGit, rev: string, path: string, label: string): Promise<string | null> {
  const ls = await git(runGit, ['ls-tree', '-z', '--full-tree', rev, '--', path]);
  if (ls.code !== 0) throw new GateError('git', configMsg.policyUnlisted(label, path, ls.err.trim() || configMsg.gitExited(ls.code)), configMsg.policyUnlistedHint);
  const entry = ls.out.split('\0').find((e) => e.endsWith(`\t${path}`));
  if (!entry) return null;
  const [meta] = entry.split('\t');
  const [mode, type, oid] = meta!.split(' ');
  if (type !== 'blob' || mode === '120000') {
    throw new ConfigError(configMsg.policyNotAFile, `${label}:${path}`);
  }
  const cat = await git(runGit, ['cat-file', 'blob', oid!]);
  if (cat.code !== 0)
    throw new GateError('object', configMsg.policyBlobUnreadable(label, path, cat.err.trim() || configMsg.gitExited(cat.code)), configMsg.policyBlobUnreadableHint);
  return cat.out;
}
