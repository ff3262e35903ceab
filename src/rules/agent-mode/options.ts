import { z } from 'zod';

const Globs = z.array(z.string().min(1));

export const Setting = z
  .object({
    /** The setting's name, compared case-sensitively (Linux environments are case-sensitive). */
    name: z.string().min(1),
    /** Other spellings the runtime reads for the same setting (e.g. `agent_mode` in app config). */
    aliases: z.array(z.string().min(1)).default([]),
    /** Values that must never be committed (normalised: trimmed, unquoted, case-folded). */
    forbidden: z.array(z.string()).default([]),
    /** When given, any committed literal value outside this list is a finding. */
    allowed: z.array(z.string()).optional(),
    /** Compare values case-sensitively (default: case-folded, as the runtime guard does). */
    case_sensitive: z.boolean().default(false),
    /** One-line fix shown with each finding. */
    remediation: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.forbidden.length > 0 || s.allowed !== undefined, {
    message: 'a setting needs `forbidden` values, `allowed` values or both',
  });

const DEFAULT_SETTINGS: z.output<typeof Setting>[] = [
  {
    name: 'AGENT_MODE',
    aliases: [],
    forbidden: ['EXECUTE'],
    case_sensitive: false,
    remediation: 'set AGENT_MODE to OBSERVE/OFF; EXECUTE authority must never be committed (Gate B)',
  },
  {
    name: 'TRADING_MODE',
    aliases: [],
    forbidden: [],
    allowed: ['paper'],
    case_sensitive: false,
    remediation: 'set TRADING_MODE to paper; committed config must stay paper-only (Gate C)',
  },
];

export const optionsSchema = z
  .object({
    settings: z.array(Setting).min(1).default(DEFAULT_SETTINGS),
    /** Narrow or widen the policy's runtime scope for this rule (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ settings: DEFAULT_SETTINGS, scope: {} });

export type AgentModeOptions = z.output<typeof optionsSchema>;
export type AgentModeSetting = z.output<typeof Setting>;
