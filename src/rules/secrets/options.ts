import { z } from 'zod';
import { DETECTORS } from './detectors/index.js';

const ids = DETECTORS.map((d) => d.id) as [string, ...string[]];

export const optionsSchema = z
  .object({
    /**
     * A gitleaks TOML config, relative to the policy file that names it (on the server: the
     * server's policy file, or the trusted branch tip it is read from; never the pushed tree).
     * Compiled when the policy is loaded.
     */
    gitleaks_config: z.string().min(1).optional(),
    /** Built-in detectors to turn off. */
    disable: z.array(z.enum(ids)).default([]),
    /** Globs of files never scanned (the rule reads every file otherwise, in or out of runtime scope). */
    exclude: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .default({ disable: [], exclude: [] });

export type SecretsOptions = z.output<typeof optionsSchema> & {
  /** Filled in by the config loader from gitleaks_config (src/rules/secrets/load-config.ts). */
  gitleaks?: import('./model.js').CompiledGitleaks;
};
