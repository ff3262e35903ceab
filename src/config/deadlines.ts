// Deadlines in milliseconds when the policy names none (limits.deadline_ms), one table for the
// policy resolver and for the door's hard timer that runs before the policy is known.
// No imports: the hook's hot path reads it.

/** Every door but pre-receive. */
export const DEFAULT_DEADLINE_MS = 30_000;
/** GitHub Enterprise gives all pre-receive hooks together 5 seconds. */
export const PRE_RECEIVE_DEADLINE_MS = 4_000;
