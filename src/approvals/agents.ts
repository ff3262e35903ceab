// Who is an agent. One answer for every rule (task-scope, policy-record, retry budgets,
// approvals):
//
//   on the server (pre-receive)  the pusher the platform names (GITHUB_USER_LOGIN, GL_USERNAME,
//                                GITEA_PUSHER_NAME, GL_USER, REMOTE_USER), when that name, or a
//                                principal `approvals.identities` maps it to, matches
//                                `agents.identities`. Commit metadata never counts there: an
//                                agent pushing commits authored under a person's email is an
//                                agent, a person pushing an agent's commits is a person.
//   elsewhere (client, scans)    the same test on whoever runs the door, or a commit's author
//                                email (the only word a client or a CI scan has).
//
// A signer or approver is an agent when one of its principals matches `agents.identities`, or a
// platform name that matches maps to it: agents never approve, reset lanes or sign tasks for
// themselves.
import picomatch from 'picomatch';
import type { Actor, ChangeSet, CommitInfo } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import { normalisePrincipal, pusherIdentity } from './identity.js';

export interface AgentMatcher {
  /** Any agent identities configured at all. */
  readonly configured: boolean;
  /** The pusher (or local user) as an agent: its name, or null. */
  actor(actor: Actor): string | null;
  /** The agent behind one commit of the change set, or null. */
  ofCommit(cs: ChangeSet, info: CommitInfo): string | null;
  /** The agent behind a change set as a whole (its pusher, or on the client any commit's author), or null. */
  ofChange(cs: ChangeSet): string | null;
  /** Whether a signer with these allowed_signers principals is an agent identity. */
  isAgentPrincipal(names: readonly string[]): boolean;
}

const cache = new WeakMap<Policy, AgentMatcher>();

export function agentMatcher(policy: Policy): AgentMatcher {
  let m = cache.get(policy);
  if (!m) cache.set(policy, (m = build(policy)));
  return m;
}

function build(policy: Policy): AgentMatcher {
  const globs = policy.changeControl.agents?.identities ?? [];
  const match = globs.length > 0 ? picomatch(globs, { nocase: true, dot: true }) : () => false;
  const identities = policy.approvals?.identities ?? {};
  // Principals that an agent's platform name maps to are agent principals too.
  const mapped = new Set<string>();
  for (const [user, value] of Object.entries(identities)) {
    if (!match(user.trim())) continue;
    for (const p of Array.isArray(value) ? value : [value]) mapped.add(normalisePrincipal(p));
  }
  const actor = (a: Actor): string | null => {
    if (!a.name || a.name.trim() === '') return null;
    if (match(a.name.trim())) return a.name.trim();
    const who = pusherIdentity(identities, a);
    return who.principals.some((p) => match(p)) ? a.name.trim() : null;
  };
  const server = (cs: ChangeSet) => cs.origin === 'receive';
  const author = (info: CommitInfo): string | null => (info.author?.email && match(info.author.email) ? info.author.email : null);
  return {
    configured: globs.length > 0,
    actor,
    ofCommit(cs, info) {
      const who = actor(cs.actor);
      if (who !== null || server(cs)) return who;
      return author(info);
    },
    ofChange(cs) {
      const who = actor(cs.actor);
      if (who !== null || server(cs)) return who;
      for (const c of cs.commits) {
        if (c.transition) continue;
        const a = author(c);
        if (a) return a;
      }
      return null;
    },
    isAgentPrincipal(names) {
      return names.some((n) => match(n) || mapped.has(normalisePrincipal(n)));
    },
  };
}
