// Closing findings with signed approvals, once every rule has run, whatever the door.
//
// A blocking finding closes when statements in refs/notes/safety-gate (the pushed value of the
// notes ref on the server, the local one elsewhere) for its commit (or, for a staged change and
// the commit made from it, its tree) verify with `ssh-keygen -Y verify` against the policy's
// allowed signers, are bound to this repository, commit/tree, ref and time, come from principals
// who are neither the commit's author, committer nor the pusher, and hold the roles the finding
// needs. Each protected group of a path is satisfied on its own: a broader group never widens a
// narrower group's approvers. A closed finding stays in the report at warn level, as
// "approved by …" or "bypassed under break-glass …"; an open one says why each statement did not
// count.
//
// Loaded only when the policy has `approvals:` and a finding blocks: the hot path pays nothing.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ChangeSet, CommitInfo, RefTransition } from '../changeset/types.js';
import type { ApprovalsPolicy, Policy } from '../config/schema.js';
import { createPathMatcher } from '../engine/paths.js';
import type { Finding } from '../findings/types.js';
import type { GitAccess } from '../rules/types.js';
import { NAMESPACE, NOTES_REF, parseDuration, parseNote, type Entry, type Statement } from './statement.js';
import { mayBePusher, normalisePrincipal, pusherIdentity, type Pusher } from './identity.js';
import { agentMatcher, type AgentMatcher } from './agents.js';
import { parseAllowedSigners, removeVerifyFiles, sigInfo, sshVerify, verifyFiles, type SignerLine, type VerifyFiles } from './ssh.js';

export interface ApprovalsInput {
  findings: Finding[];
  changeSet: ChangeSet;
  policy: Policy;
  git: GitAccess;
  /** pre-receive: trust only the server's files, read the pushed notes ref. */
  server: boolean;
  now: number;
}

interface OverrideRecord {
  incident: string;
  approvers: { name: string; source: string; time: string | null }[];
  checks_bypassed: string[];
  reason: string;
  rollback: string;
}

export interface ApprovalsOutcome {
  findings: Finding[];
  overrides: OverrideRecord[];
}

interface Requirement {
  /** Group or rule the requirement is for. */
  label: string;
  roles: string[];
  threshold: number;
}

interface Verified {
  entry: Entry;
  statement: Statement;
  /** The principal the signature verified for (the person, counted once), normalised (identity.ts). */
  principal: string;
  /** Every principal name of the signer's allowed_signers lines (for roles and identity checks), normalised. */
  names: string[];
}

type EntryResult = { ok: true; v: Verified } | { ok: false; why: string };

interface Subject {
  key: string;
  commit: string | null;
  info: CommitInfo | null;
  refs: string[];
}

type Req = ApprovalsPolicy['default'];

function requirement(label: string, r: Req): Requirement {
  return Array.isArray(r) ? { label, roles: [...r], threshold: 1 } : { label, roles: [...r.roles], threshold: r.threshold };
}

const short = (oid: string | null) => (oid ? oid.slice(0, 12) : 'the staged change');

/** Default repository id: `approvals.repo_id`, else the policy id, else "default". */
export function repoIdOf(policy: Policy): string {
  return policy.approvals?.repo_id ?? policy.policyId ?? 'default';
}

/** `main` means refs/heads/main; `*` and globs match the full ref name. */
export function refMatches(pattern: string, ref: string): boolean {
  if (pattern === '*' || pattern === '') return true;
  const full = pattern.startsWith('refs/') || pattern.startsWith('**') ? pattern : `refs/heads/${pattern}`;
  const m = createPathMatcher({ include: [], exclude: [] }, false).glob([full]);
  return m(ref);
}

export async function applyApprovals(input: ApprovalsInput): Promise<ApprovalsOutcome> {
  const { policy, changeSet, git } = input;
  const ap = policy.approvals!;
  const findings = input.findings.map((f) => ({ ...f }));
  const overrides: OverrideRecord[] = [];
  const staged = changeSet.commits.length === 1 && changeSet.commits[0]!.oid === null;
  const commitOf = new Map<string | null, CommitInfo>();
  for (const c of changeSet.commits) commitOf.set(c.oid, c);

  const bypassable = ap.break_glass.length > 0;
  const needs = requirementsFor(policy, changeSet);
  const candidates = findings.filter((f) => f.severity === 'block' && (f.commit !== null || staged) && (bypassable || needs(f) !== null));
  if (candidates.length === 0) return { findings, overrides };

  // --- the statements ---
  const notesCommits = await notesSources(input);
  const signersText = readSigners(ap, input);
  const signers = signersText.text === null ? [] : parseAllowedSigners(signersText.text);
  let files: VerifyFiles | null = null;
  const verified = new Map<string, Promise<EntryResult>>();
  const verifyEntry = (entry: Entry): Promise<EntryResult> => {
    let p = verified.get(entry.line);
    if (!p) {
      p = (async (): Promise<EntryResult> => {
        if (entry.problem || !entry.statement) return { ok: false, why: `an entry ${entry.problem ?? 'cannot be read'}` };
        const info = sigInfo(entry.signature);
        if (!info) return { ok: false, why: 'an entry carries no SSH signature' };
        if (info.namespace !== NAMESPACE) return { ok: false, why: `a statement is signed for namespace "${info.namespace}", not "${NAMESPACE}"` };
        if (signersText.text === null) return { ok: false, why: signersText.problem! };
        const lines = signers.filter((l) => l.key === info.key && l.keyType === info.keyType);
        const revoked = lines.find((l) => l.revoked);
        if (revoked) return { ok: false, why: `a statement is signed by a revoked key of ${revoked.principals[0]} (${info.fingerprint})` };
        if (lines.length === 0) return { ok: false, why: `a statement is signed by a key that is not in the allowed signers (${info.fingerprint})` };
        const principal = pickPrincipal(lines);
        if (!principal) return { ok: false, why: `a statement is signed by a key whose allowed_signers line names only patterns (${info.fingerprint})` };
        files ??= verifyFiles(signers);
        const good = await sshVerify(files, principal, NAMESPACE, entry.data, entry.signature);
        if (!good) return { ok: false, why: `the signature of ${principal}'s statement does not verify (statement altered or signature forged)` };
        const names = [...new Set(lines.flatMap((l) => l.principals))];
        return { ok: true, v: { entry, statement: entry.statement, principal, names } };
      })();
      verified.set(entry.line, p);
    }
    return p;
  };

  // --- per commit (or the staged change) and the refs it lands on ---
  // A statement's ref binding is checked against every ref of this push that the finding's commit
  // lands on: the ref the finding names, the refs that make the commit new, and every updated ref
  // whose new tip reaches it (new commit or not), so a release-only approval never carries to
  // main through another tip of the same push or a ref moved onto an existing commit.
  const landsOn = refsReaching(changeSet, git);
  const subjects = new Map<string, Subject>();
  const subjectOf = new Map<Finding, string>();
  for (const f of candidates) {
    const found = commitOf.get(f.commit) ?? null;
    // A ref move (pre-receive) is approved as its new tip on that ref: `approve <tip> --ref <ref>`,
    // never by the author or committer of the tip.
    const move = found?.transition;
    const info = move ? { ...found!, author: move.author, committer: move.committer } : found;
    const commit = move ? move.newOid : f.commit;
    // A commit outside the change set (the tip a deletion removes) is bound to the refs its
    // findings name, so an approval for another ref never counts.
    const refs = [...new Set([...(f.ref ? [f.ref] : []), ...(info?.refs ?? []), ...(f.commit && !move ? await landsOn(f.commit) : [])])].sort();
    const key = `${commit ?? 'staged'} ${refs.join(' ')}`;
    subjectOf.set(f, key);
    if (!subjects.has(key)) subjects.set(key, { key, commit, info, refs });
  }

  const repoId = repoIdOf(policy);
  const pusherNames = pusherIdentity(ap.identities, changeSet.actor);
  const agents = agentMatcher(policy);
  // What every approval is checked against: this repository, now, not by the pusher or an agent.
  const binding = { repoId, now: input.now, pusher: pusherNames, server: input.server, changeSet, window: parseDuration(ap.break_glass_window) ?? 4 * 3_600_000, agents };
  try {
    for (const subject of subjects.values()) {
      const trees = await subjectTrees(git, subject);
      const entries = await notesFor(
        git,
        notesCommits,
        [subject.commit, trees.tree].filter((x): x is string => x !== null),
      );
      const rejections: string[] = [];
      const valid: Verified[] = [];
      for (const entry of entries) {
        const r = await verifyEntry(entry);
        if (!r.ok) {
          rejections.push(r.why);
          continue;
        }
        const why = await bindingProblem(r.v, subject, trees, binding);
        if (why) rejections.push(`${r.v.principal}: ${why}`);
        else valid.push(r.v);
      }
      const mine = candidates.filter((f) => f.severity === 'block' && subjectOf.get(f) === subject.key);

      // Break-glass: two distinct people, one from each break_glass role.
      const glass = breakGlass(
        ap,
        valid.filter((v) => v.statement.kind === 'break-glass'),
      );
      if (glass.ok) {
        const bypassed = new Set<string>();
        for (const f of mine) {
          if (!glass.bypass.some((b) => f.rule === b || f.rule.startsWith(`${b}/`))) continue;
          f.severity = 'warn';
          f.message = `bypassed under break-glass ${glass.incident} (approved by ${glass.by.map((v) => v.principal).join(' and ')}): ${f.message}`;
          f.approval = `break-glass ${glass.incident} by ${glass.by.map((v) => v.principal).join(', ')}`;
          bypassed.add(f.rule);
        }
        const same = overrides.find((x) => x.incident === glass.incident);
        if (bypassed.size > 0 && same) {
          // One override per incident, however many commits of the range it let through.
          same.checks_bypassed = [...new Set([...same.checks_bypassed, ...bypassed])].sort();
          for (const v of glass.by)
            if (!same.approvers.some((a) => a.name === v.principal)) same.approvers.push({ name: v.principal, source: 'ssh-signature', time: v.statement.issued_at });
        } else if (bypassed.size > 0) {
          overrides.push({
            incident: glass.incident,
            approvers: glass.by.map((v) => ({ name: v.principal, source: 'ssh-signature', time: v.statement.issued_at })),
            checks_bypassed: [...bypassed].sort(),
            reason: glass.by[0]!.statement.reason,
            rollback: glass.by[0]!.statement.rollback ?? '',
          });
        }
      } else if (glass.problem) rejections.push(glass.problem);

      const approvals = valid.filter((v) => v.statement.kind === 'approval');
      for (const f of mine) {
        if (f.severity !== 'block') continue;
        const reqs = needs(f);
        if (reqs === null) {
          if (rejections.length > 0 && bypassable) f.message += `; ${rejections.join('; ')}`;
          continue;
        }
        const meets = (pool: Verified[]) => {
          const why: string[] = [];
          const by = new Map<string, Verified>();
          for (const req of reqs) {
            const ok = satisfied(ap, req, f.rule, pool);
            if (ok.ok) for (const v of ok.by) by.set(v.principal, v);
            else why.push(ok.why);
          }
          return { why, by };
        };
        let { why, by } = meets(approvals);
        let carriedFrom: string | null = null;
        const move = subject.info?.transition;
        if (why.length > 0 && move && f.path !== null) {
          // A ref move carries the approval of the commit that made the version landing at this
          // path, when that approval holds for this ref (binding, author, pusher, expiry).
          for (const c of await carriers(git, move, f.path)) {
            const sub: Subject = { key: c.oid!, commit: c.oid, info: c, refs: [move.ref] };
            const t = await subjectTrees(git, sub);
            const pool: Verified[] = [];
            for (const entry of await notesFor(
              git,
              notesCommits,
              [c.oid!, t.tree].filter((x): x is string => x !== null),
            )) {
              const r = await verifyEntry(entry);
              if (!r.ok || r.v.statement.kind !== 'approval') continue;
              const problem = await bindingProblem(r.v, sub, t, binding);
              if (!problem) pool.push(r.v);
              else rejections.push(`${r.v.principal} (for commit ${short(c.oid)}): ${problem}`);
            }
            const got = meets(pool);
            if (got.why.length === 0) {
              ({ why, by } = got);
              carriedFrom = c.oid;
              break;
            }
          }
        }
        if (why.length === 0) {
          const list = [...by.values()];
          const text =
            list.map((v) => (v.statement.reason ? `${v.principal} (${v.statement.reason})` : v.principal)).join(', ') + (carriedFrom ? ` for commit ${short(carriedFrom)}` : '');
          f.severity = 'warn';
          f.message = `approved by ${text}: ${f.message}`;
          f.approval = text;
          f.remediation = null;
          continue;
        }
        const parts = [...rejections, ...(approvals.length > 0 || rejections.length > 0 || entries.length > 0 ? why : [])];
        if (entries.length === 0)
          parts.push(`no signed approval for ${subject.commit ? `commit ${short(subject.commit)}` : `the staged tree ${trees.tree?.slice(0, 12) ?? ''}`} in ${NOTES_REF}`);
        f.message += `; ${[...new Set(parts)].join('; ')}`;
        f.remediation = `an approver holding ${reqs.map((r) => r.roles.join('/')).join(' and ')} runs \`safety-gate approve ${subject.commit ? short(subject.commit) : '--staged'}${subject.info?.transition ? ` --ref ${subject.info.transition.ref.replace(/^refs\/heads\//, '')}` : ''} --key KEY\`; push with \`git push origin <branch> ${NOTES_REF}\``;
      }
    }
  } finally {
    if (files) removeVerifyFiles(files);
  }
  return { findings, overrides };
}

/**
 * The refs of this push whose new tip is, or descends from, a commit. New commits are looked up
 * in the change set's own graph (a path from a tip to a new commit runs through new commits
 * only); a commit already in the repository costs one `merge-base --is-ancestor` per tip.
 */
export function refsReaching(cs: ChangeSet, git: GitAccess): (commit: string) => Promise<string[]> {
  const tips = new Map<string, string[]>();
  for (const r of cs.refs) {
    if (r.kind === 'delete' || r.peeled?.type !== 'commit') continue;
    tips.set(r.peeled.oid, [...(tips.get(r.peeled.oid) ?? []), r.ref]);
  }
  const parents = new Map<string, string[]>();
  for (const c of cs.commits) if (c.oid) parents.set(c.oid, c.parents);
  const reach = new Map<string, Set<string>>();
  const reachOf = (tip: string): Set<string> => {
    let set = reach.get(tip);
    if (set) return set;
    set = new Set<string>();
    const stack = parents.has(tip) ? [tip] : [];
    while (stack.length > 0) {
      const oid = stack.pop()!;
      if (set.has(oid)) continue;
      set.add(oid);
      for (const p of parents.get(oid) ?? []) if (parents.has(p) && !set.has(p)) stack.push(p);
    }
    reach.set(tip, set);
    return set;
  };
  const memo = new Map<string, Promise<string[]>>();
  return (commit) => {
    let p = memo.get(commit);
    if (!p) {
      p = (async () => {
        const out: string[] = [];
        for (const [tip, refs] of tips) {
          let yes = tip === commit;
          if (!yes && parents.has(commit)) yes = reachOf(tip).has(commit);
          else if (!yes) yes = (await git.run(['merge-base', '--is-ancestor', commit, tip])).code === 0;
          if (yes) out.push(...refs);
        }
        return out;
      })();
      memo.set(commit, p);
    }
    return p;
  };
}

/**
 * Commits between a move's base and its tip that last set `path` to the version the tip has
 * (newest first, at most 20). None for a deletion or a rewind: the tip's approval is needed then.
 */
async function carriers(git: GitAccess, move: RefTransition, path: string): Promise<CommitInfo[]> {
  const tipEntry = await git.snapshot(move.newOid).entry(path);
  if (!tipEntry) return [];
  const r = await git.run(['log', '-z', '--no-show-signature', '--format=%H%x01%T%x01%P%x01%ae%x01%ce', '-n', '20', `^${move.base}`, move.newOid, '--', `:(literal)${path}`]);
  if (r.code !== 0) return [];
  const out: CommitInfo[] = [];
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const [oid, tree, parents, ae, ce] = rec.replace(/^\n/, '').split('\x01');
    if (!oid || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid)) continue;
    const e = await git.snapshot(oid).entry(path);
    if (!e || e.oid !== tipEntry.oid || e.mode !== tipEntry.mode) continue;
    const who = (email: string | undefined) => (email ? { name: '', email, time: 0 } : null);
    out.push({ oid, parents: parents ? parents.split(' ') : [], tree: tree ?? null, author: who(ae), committer: who(ce), message: null, trailers: [], refs: [move.ref] });
  }
  return out;
}

function pickPrincipal(lines: SignerLine[]): string | null {
  for (const l of lines) if (!l.revoked) for (const p of l.principals) if (!/[*?!]/.test(p)) return p;
  return null;
}

function readSigners(ap: ApprovalsPolicy, input: ApprovalsInput): { text: string | null; problem: string | null } {
  if (!ap.allowed_signers) return { text: null, problem: 'the policy names no approvals.allowed_signers, so no signature can be verified' };
  const base = input.server ? input.git.gitDir : (input.git.workTree ?? input.git.gitDir);
  const path = isAbsolute(ap.allowed_signers) ? ap.allowed_signers : join(base, ap.allowed_signers);
  try {
    return { text: readFileSync(path, 'utf8'), problem: null };
  } catch (e) {
    return { text: null, problem: `the allowed signers file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** Notes commits to read: on the server the pushed value of the notes ref and its current value; elsewhere the local ref. */
async function notesSources(input: ApprovalsInput): Promise<string[]> {
  const out: string[] = [];
  if (input.server) {
    for (const r of input.changeSet.refs) if (r.ref === NOTES_REF && r.kind !== 'delete') out.push(r.newOid);
  }
  const cur = await input.git.run(['rev-parse', '--verify', '-q', `${NOTES_REF}^{commit}`]);
  if (cur.code === 0) out.push(cur.stdout.toString('utf8').trim());
  return [...new Set(out)];
}

/** Note entries attached to any of `objects` in any of the notes commits (fan-out paths included). */
async function notesFor(git: GitAccess, notesCommits: string[], objects: string[]): Promise<Entry[]> {
  const out = new Map<string, Entry>();
  for (const n of notesCommits) {
    const snap = git.snapshot(n);
    for (const oid of objects) {
      for (const path of [oid, `${oid.slice(0, 2)}/${oid.slice(2)}`, `${oid.slice(0, 2)}/${oid.slice(2, 4)}/${oid.slice(4)}`]) {
        const e = await snap.entry(path);
        if (!e) continue;
        const blob = await git.readBlob(e.oid);
        if (blob) for (const entry of parseNote(blob.text)) out.set(entry.line, entry);
      }
    }
  }
  return [...out.values()];
}

interface Trees {
  tree: string | null;
  parentTree: string | null;
  /** Staged change: who `git commit` will name as author and committer. */
  staged?: { author: string | null; committer: string | null };
}

async function identEmail(git: GitAccess, v: string): Promise<string | null> {
  const r = await git.run(['var', v]);
  const m = r.code === 0 ? /<([^>]*)>/.exec(r.stdout.toString('utf8')) : null;
  return m ? m[1]! : null;
}

async function revParse(git: GitAccess, rev: string): Promise<string | null> {
  if (git.peel && /^[0-9a-f]+\^\{tree\}$/.test(rev)) return git.peel(rev);
  const r = await git.run(['rev-parse', '--verify', '-q', rev]);
  return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
}

async function subjectTrees(git: GitAccess, s: Subject): Promise<Trees> {
  if (s.commit === null) {
    // The staged change: the tree `git commit` will record, on top of HEAD's.
    const w = await git.run(['write-tree']);
    const tree = w.code === 0 ? w.stdout.toString('utf8').trim() : null;
    const staged = { author: await identEmail(git, 'GIT_AUTHOR_IDENT'), committer: await identEmail(git, 'GIT_COMMITTER_IDENT') };
    return { tree, parentTree: await revParse(git, 'HEAD^{tree}'), staged };
  }
  const tree = s.info?.tree ?? (await revParse(git, `${s.commit}^{tree}`));
  const parent = s.info?.parents[0];
  return { tree, parentTree: parent ? await revParse(git, `${parent}^{tree}`) : null };
}

async function bindingProblem(
  v: Verified,
  s: Subject,
  trees: Trees,
  ctx: { repoId: string; now: number; pusher: Pusher; server: boolean; changeSet: ChangeSet; window: number; agents: AgentMatcher },
): Promise<string | null> {
  const st = v.statement;
  if (st.repo !== ctx.repoId) return `the statement is for repository "${st.repo}", not "${ctx.repoId}"`;
  if (st.commit !== null) {
    if (s.commit === null) return `the statement is for commit ${short(st.commit)}, not the staged tree (use approve --staged)`;
    if (st.commit !== s.commit) return `the statement is for commit ${short(st.commit)}, not ${short(s.commit)}`;
    if (st.tree !== trees.tree) return `the statement names tree ${short(st.tree)}, but commit ${short(s.commit)} has ${short(trees.tree)}`;
  } else {
    if (st.tree !== trees.tree) return `the statement is for tree ${short(st.tree)}, not ${short(trees.tree)}`;
    if (st.parent_tree !== trees.parentTree) return `the statement approves tree ${short(st.tree)} on top of another parent tree`;
  }
  for (const ref of s.refs) if (!refMatches(st.ref, ref)) return `the statement is for refs matching ${st.ref}, not ${ref}`;
  const issued = Date.parse(st.issued_at);
  const expires = Date.parse(st.expires_at);
  if (ctx.now > expires) return `the statement expired at ${st.expires_at}`;
  if (issued > ctx.now + 5 * 60_000) return `the statement is issued in the future (${st.issued_at})`;
  if (st.kind === 'break-glass' && expires - issued > ctx.window) return `the break-glass statement is valid for longer than approvals.break_glass_window`;
  const names = v.names.map(normalisePrincipal);
  // Agents never approve (their own work or anyone's): requires_approval means a person.
  if (ctx.agents.isAgentPrincipal(names)) return `${v.principal} is an agent identity (agents.identities); only a person approves`;
  const c = s.info;
  const author = c?.author?.email ?? trees.staged?.author ?? null;
  const committer = c?.committer?.email ?? trees.staged?.committer ?? null;
  if (author && names.includes(normalisePrincipal(author))) return `${v.principal} is the commit's author; an approver is never the author, committer or pusher`;
  if (committer && names.includes(normalisePrincipal(committer))) return `${v.principal} is the commit's committer; an approver is never the author, committer or pusher`;
  // The pusher under any spelling of a mapped name, or named by the principal or its local part.
  if (mayBePusher(ctx.pusher, names)) return `${v.principal} is the pusher (${ctx.pusher.label}); an approver is never the author, committer or pusher`;
  // Fail closed: on the server a pusher nobody named could be any approver.
  if (ctx.server && ctx.pusher.name === null)
    return 'the platform did not name the pusher (GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER), so no approval can be checked against it';
  return null;
}

/** Role members in the one form principals are compared in, read once per policy. */
const roleMembers = new WeakMap<ApprovalsPolicy, Map<string, Set<string>>>();

function holds(ap: ApprovalsPolicy, v: Verified, role: string): boolean {
  let roles = roleMembers.get(ap);
  if (!roles) {
    roles = new Map(Object.entries(ap.roles).map(([r, members]) => [r, new Set(members.map(normalisePrincipal))]));
    roleMembers.set(ap, roles);
  }
  const members = roles.get(role);
  return members !== undefined && v.names.some((n) => members.has(n));
}

/** Findings an approval closes only when it names them in `covers` (an approval of a commit's content is not one to delete a branch). */
const NAMED_ONLY = new Set(['ref-integrity/protected-branch-deleted']);

function coversFinding(st: Statement, rule: string, label: string): boolean {
  if (NAMED_ONLY.has(rule)) return st.covers.includes(rule);
  if (st.covers.length === 0) return true;
  const parent = rule.split('/')[0]!;
  return st.covers.some((c) => c === rule || c === parent || c === label);
}

function satisfied(ap: ApprovalsPolicy, req: Requirement, rule: string, approvals: Verified[]): { ok: true; by: Verified[] } | { ok: false; why: string } {
  const by = new Map<string, Verified>();
  const outside: string[] = [];
  const uncovered: string[] = [];
  for (const v of approvals) {
    if (!coversFinding(v.statement, rule, req.label)) {
      uncovered.push(`${v.principal}'s approval covers ${v.statement.covers.length > 0 ? v.statement.covers.join(', ') : 'no rule by name'}, not ${req.label}`);
      continue;
    }
    if (req.roles.some((r) => holds(ap, v, r))) by.set(v.principal, v);
    else outside.push(v.principal);
  }
  if (by.size >= req.threshold) return { ok: true, by: [...by.values()] };
  const roles = req.roles.join(' or ');
  if (req.threshold > 1 && by.size > 0) {
    return { ok: false, why: `${req.label} needs ${req.threshold} distinct approvers holding ${roles}; only ${[...by.keys()].join(', ')} approved (one person counts once)` };
  }
  if (outside.length > 0)
    return { ok: false, why: `${[...new Set(outside)].join(', ')} holds no role that may approve ${req.label} (${roles}; roles come from the server policy)` };
  if (uncovered.length > 0) return { ok: false, why: uncovered[0]! };
  return { ok: false, why: `${req.label} needs an approval from ${roles}` };
}

function breakGlass(ap: ApprovalsPolicy, statements: Verified[]): { ok: true; incident: string; bypass: string[]; by: Verified[] } | { ok: false; problem: string | null } {
  if (statements.length === 0) return { ok: false, problem: null };
  const roles = ap.break_glass;
  if (roles.length === 0) return { ok: false, problem: 'the policy has no approvals.break_glass roles, so break-glass is not available' };
  const byIncident = new Map<string, Verified[]>();
  for (const v of statements) byIncident.set(v.statement.incident!, [...(byIncident.get(v.statement.incident!) ?? []), v]);
  let problem = '';
  for (const [incident, list] of byIncident) {
    // One person counts once, with everything they signed to bypass for this incident.
    const people = new Map<string, Verified>();
    const signed = new Map<string, Set<string>>();
    for (const v of list) {
      if (!people.has(v.principal)) people.set(v.principal, v);
      const set = signed.get(v.principal) ?? new Set<string>();
      for (const b of v.statement.bypass ?? []) set.add(b);
      signed.set(v.principal, set);
    }
    const chosen = assign(roles, [...people.values()], ap);
    if (chosen) {
      // Exactly what every one of them agreed to bypass.
      let bypass = [...signed.get(chosen[0]!.principal)!];
      for (const v of chosen.slice(1)) bypass = bypass.filter((b) => signed.get(v.principal)!.has(b));
      return { ok: true, incident, bypass: bypass.sort(), by: chosen };
    }
    problem = `break-glass ${incident} needs ${roles.length} distinct people, one from each of the roles ${roles.join(', ')}; signed by ${[...people.keys()].join(', ')} only (one person counts once)`;
  }
  return { ok: false, problem };
}

/** One distinct person per role (a tiny bipartite matching). */
function assign(roles: string[], people: Verified[], ap: ApprovalsPolicy, used = new Set<string>()): Verified[] | null {
  if (roles.length === 0) return [];
  const [role, ...rest] = roles;
  for (const p of people) {
    if (used.has(p.principal) || !holds(ap, p, role!)) continue;
    used.add(p.principal);
    const tail = assign(rest, people, ap, used);
    if (tail) return [p, ...tail];
    used.delete(p.principal);
  }
  return null;
}

/** What closes a finding with an ordinary approval; null: only break-glass does. */
function requirementsFor(policy: Policy, cs: ChangeSet): (f: Finding) => Requirement[] | null {
  const ap = policy.approvals!;
  const matcher = createPathMatcher(policy.runtimeScope, policy.caseInsensitivePaths);
  const extra = (policy.rules['protected-target']?.options?.extra_groups ?? {}) as Record<string, string[]>;
  const groups = Object.entries({ ...policy.protectedTargets, ...extra }).map(([name, globs]) => ({ name, match: matcher.glob(globs) }));
  return (f) => {
    if (f.rule === 'protected-target') {
      // Both sides of a rename; paths raw, as git gives them with -z.
      const paths = new Set<string>(f.path ? [f.path] : []);
      for (const c of cs.changes) {
        if (c.commit !== f.commit || (c.path !== f.path && c.oldPath !== f.path)) continue;
        paths.add(c.path);
        if (c.oldPath) paths.add(c.oldPath);
      }
      // Groups the rule found through symlinks (a protected link's target), by name.
      const names = new Set<string>((f.groups ?? []).filter((n) => groups.some((g) => g.name === n)));
      for (const p of paths) for (const g of groups) if (g.match(p)) names.add(g.name);
      const reqs = [...names].sort().map((n) => requirement(n, ap.protected[n] ?? ap.default));
      return reqs.length > 0 ? reqs : [requirement('protected-target', ap.default)];
    }
    // New inline exceptions of every rule (src/findings/suppress.ts) and live allow_hosts entries.
    if (f.rule.endsWith('/new-exception')) return [requirement(f.rule, ap.exceptions)];
    if (f.rule === 'task-scope') return [requirement(f.rule, ap.task_scope)];
    // requires_approval: a person's approval of an agent's commit (SPEC-260 policy record).
    if (f.rule === 'policy-record/approval') return [requirement(f.rule, ap.rules[f.rule] ?? ap.default)];
    if (f.rule === 'ref-integrity/protected-branch-deleted') return [requirement(f.rule, ap.rules[f.rule] ?? ap.rules['ref-integrity'] ?? ap.default)];
    const own = ap.rules[f.rule] ?? ap.rules[f.rule.split('/')[0]!];
    return own ? [requirement(f.rule, own)] : null;
  };
}
