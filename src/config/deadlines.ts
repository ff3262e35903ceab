// Deadlines in milliseconds when the policy names none (limits.deadline_ms), one table for the
// policy resolver and for the door's hard timer that runs before the policy is known.
// No imports but a type: the hook's hot path reads it.
import type { Door } from '../doors.js';

/** Every door but pre-receive. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** GitHub Enterprise gives all pre-receive hooks together 5 seconds. */
export const PRE_RECEIVE_DEADLINE_MS = 4_000;

/**
 * The hard timer of a door before its policy is known (then the policy's deadline takes over):
 * the policy defaults, and the doors the policy has no entry for.
 */
export const PRE_POLICY_DEADLINE_MS: Record<Door, number> = {
  'pre-receive': PRE_RECEIVE_DEADLINE_MS,
  'pre-push': DEFAULT_DEADLINE_MS,
  'pre-commit': DEFAULT_DEADLINE_MS,
  'commit-msg': DEFAULT_DEADLINE_MS,
  // An agent waits on every edit: the hook answers in well under a second.
  'pre-tool-use': 10_000,
  // Until the policy's scan deadline applies.
  scan: 600_000,
};
