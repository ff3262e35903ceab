// Retention classes from the audit-retention policy (seed 000, "Retention windows"): how long
// the evidence for a decision must be kept. The class is written into every record so an
// export can be filed into the right WORM bucket without re-deriving it.
import type { AuditDecision, AuditRef } from './record.js';

const RETENTION_DAYS = {
  /** PR / feature branches, local commits. */
  'pr-30d': 30,
  /** CI on main. */
  'main-180d': 180,
  /** Release tags and release branches: 7 years. */
  'release-7y': 2557,
  /** Emergency override artifacts: 7 years minimum. */
  'override-7y': 2557,
} as const;

type RetentionClass = keyof typeof RETENTION_DAYS;

export interface RetentionContext {
  decision: AuditDecision;
  refs?: readonly AuditRef[];
  /** Protected branches besides main (default ['refs/heads/main']). */
  mainRefs?: readonly string[];
  /** Release tag/branch ref prefixes (default tags and release/ branches). */
  releasePrefixes?: readonly string[];
}

/** The longest retention any part of the decision needs. */
function retentionClassFor(ctx: RetentionContext): RetentionClass {
  if (ctx.decision === 'override') return 'override-7y';
  const refs = ctx.refs ?? [];
  const release = ctx.releasePrefixes ?? ['refs/tags/', 'refs/heads/release/'];
  const main = ctx.mainRefs ?? ['refs/heads/main'];
  if (refs.some((r) => release.some((p) => r.ref.startsWith(p)))) return 'release-7y';
  if (refs.some((r) => main.includes(r.ref))) return 'main-180d';
  return 'pr-30d';
}

/** Whether a decision is about a tag: it creates, moves or deletes a ref under refs/tags/. */
function isTagDecision(refs: readonly AuditRef[] | undefined): boolean {
  return (refs ?? []).some((r) => r.ref.startsWith('refs/tags/'));
}

/**
 * The class a record is written with: a decision about a tag is release evidence and is kept
 * `release-7y` whatever the requested class (audit.retention_class, or override-7y for a
 * break-glass use, which keeps its 7 years); otherwise the requested class, else the derived one.
 */
export function recordRetentionClass(requested: string | null | undefined, ctx: RetentionContext): string {
  if (isTagDecision(ctx.refs)) return 'release-7y';
  return requested ?? retentionClassFor(ctx);
}

/** Retention in days for a class; null for a class this version does not know. */
export function retentionDays(cls: string): number | null {
  return Object.prototype.hasOwnProperty.call(RETENTION_DAYS, cls) ? RETENTION_DAYS[cls as RetentionClass] : null;
}

/** ISO date until which a record must be kept, or null if its class is unknown or its time unreadable. */
export function retainUntil(time: string, cls: string): string | null {
  const days = retentionDays(cls);
  const t = Date.parse(time);
  if (days === null || Number.isNaN(t)) return null;
  return new Date(t + days * 86_400_000).toISOString();
}
