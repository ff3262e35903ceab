// Who is who, compared one way everywhere in approvals: principals (allowed_signers, roles,
// identities values), platform user names (identities keys, the pusher) and commit emails are
// compared trimmed and lower-cased. Mail systems and the platforms treat `Alice@Example.com`,
// `alice@example.com` and the login `Alice-GH` / `alice-gh` as the same person, so the gate
// does too: a spelling never makes one person two, nor hides an approver behind the pusher.
import type { Actor } from '../changeset/types.js';

/** The one form a principal or user name is compared in. */
export function normalisePrincipal(s: string): string {
  return s.trim().toLowerCase();
}

/** `alice` for `alice@example.com`; the whole name when it has no `@`. Normalised. */
export function localPart(s: string): string {
  const n = normalisePrincipal(s);
  const at = n.lastIndexOf('@');
  return at > 0 ? n.slice(0, at) : n;
}

export interface Pusher {
  /** The platform's name for the pusher, normalised; null when the platform named nobody. */
  name: string | null;
  /** Principals `approvals.identities` maps that name to (any spelling of the key), normalised. */
  principals: string[];
  /** For messages: `remote-user user Alice-GH`. */
  label: string | null;
}

/** The pusher as the platform names it, with every principal the identities map gives that name. */
export function pusherIdentity(identities: Record<string, string | string[]>, actor: Actor): Pusher {
  const raw = actor.name?.trim() ?? '';
  if (raw === '') return { name: null, principals: [], label: null };
  const name = normalisePrincipal(raw);
  const principals = new Set<string>();
  // Every key that is this name in another spelling counts (two spellings in the map: both).
  for (const [key, value] of Object.entries(identities)) {
    if (normalisePrincipal(key) !== name) continue;
    for (const p of Array.isArray(value) ? value : [value]) if (normalisePrincipal(p) !== '') principals.add(normalisePrincipal(p));
  }
  return { name, principals: [...principals], label: `${actor.source} user ${raw}` };
}

/**
 * Whether the approver whose allowed_signers principals are `names` may be the pusher: one of
 * the pusher's mapped principals, or the platform name equal to a principal or to its local part
 * (`REMOTE_USER=alice` for alice@example.com, mapped or not). When in doubt, it is the pusher.
 */
export function mayBePusher(pusher: Pusher, names: readonly string[]): boolean {
  if (pusher.name === null) return false;
  const mine = new Set(names.map(normalisePrincipal));
  if (pusher.principals.some((p) => mine.has(p))) return true;
  const who = pusher.name;
  const whoLocal = localPart(who);
  for (const n of mine) {
    if (n === who || localPart(n) === who || localPart(n) === whoLocal) return true;
  }
  return false;
}
