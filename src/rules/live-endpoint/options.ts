import { z } from 'zod';
import { BUILTIN_BROKERS } from './brokers.js';

const Host = z.string().min(1);

const Broker = z
  .object({
    name: z.string().min(1),
    /** Hosts that reach a live account: exact hosts, or `*.domain`. */
    live: z.array(Host).default([]),
    /** Paper / sandbox / demo hosts. */
    paper: z.array(Host).default([]),
    /** Public market-data-only hosts (never flagged). */
    market_data: z.array(Host).optional(),
    /** live host → paper host named in the remediation. */
    suggest: z.record(z.string(), z.string()).optional(),
    docs: z.array(z.string()).optional(),
  })
  .strict();

const ReviewedHost = z
  .object({
    /** The allow_hosts entry, exactly as written there. */
    host: Host,
    /** Who reviewed it (security reviewer). */
    reviewed_by: z.string().min(1),
    /** Ticket, incident or review record. */
    reference: z.string().min(1),
  })
  .strict();

export const optionsSchema = z
  .object({
    /**
     * Broker table. The built-in table always applies (configuration can add brokers and hosts,
     * never remove a built-in live host); entries here with a built-in name add to that broker.
     */
    brokers: z.array(Broker).default(BUILTIN_BROKERS.map((b) => ({ ...b }))),
    /** More live hosts (exact, or `*.domain`). */
    extra_live_hosts: z.array(Host).default([]),
    /**
     * Hosts never reported. Paper / sandbox hosts need no entry. An entry that exempts a live
     * host is a security exception: reported as live-endpoint/new-exception on every run until
     * `security_reviewed_allow_hosts` records its review.
     */
    allow_hosts: z.array(Host).default([]),
    /** Review records for live hosts in allow_hosts. */
    security_reviewed_allow_hosts: z.array(ReviewedHost).default([]),
    /** Severity of live-endpoint/new-exception (new inline exceptions, live hosts in allow_hosts). */
    new_exception_severity: z.enum(['block', 'warn']).default('block'),
    /** Narrow or widen the policy's runtime scope for this rule (replaces the list given). */
    scope: z
      .object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() })
      .strict()
      .default({}),
  })
  .strict()
  .default({
    brokers: BUILTIN_BROKERS.map((b) => ({ ...b })),
    extra_live_hosts: [],
    allow_hosts: [],
    security_reviewed_allow_hosts: [],
    new_exception_severity: 'block',
    scope: {},
  });

export type LiveEndpointOptions = z.output<typeof optionsSchema>;
