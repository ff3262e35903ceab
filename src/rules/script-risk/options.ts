import { z } from 'zod';

const Globs = z.array(z.string().min(1));

const DEFAULT_SCRIPT_EXTENSIONS = [
  'sh',
  'bash',
  'zsh',
  'ksh',
  'dash',
  'fish',
  'py',
  'pyw',
  'js',
  'mjs',
  'cjs',
  'ts',
  'mts',
  'cts',
  'rb',
  'pl',
  'php',
  'ps1',
  'psm1',
  'bat',
  'cmd',
  'command',
  'r',
  'lua',
  'tcl',
  'awk',
  'groovy',
  'kts',
];

export const optionsSchema = z
  .object({
    /** Runnable scripts that must be inventoried (globs). */
    roots: Globs.default(['scripts/**/*.{sh,py}']),
    /** Paths under the roots that are not runnable scripts (e.g. `**\/__init__.py`). */
    exclude: Globs.default([]),
    /** The script-risk manifest (JSON, or YAML when the name ends in .yaml/.yml). */
    manifest: z.string().min(1).default('scripts/ci/script_risk_policy_manifest.json'),
    /** Allowed categories. Empty: the manifest's own `categories` list (which must then exist). */
    categories: z.array(z.string().min(1)).default([]),
    /**
     * Exec-guard invocations a script marked `requires_exec_guard: true` must contain in code
     * (comments, and in Python also strings, do not count). Literal text; an end that is a
     * letter, digit or `_` must stand at a word boundary (`EXECUTION_HALTED` does not match
     * `EXECUTION_HALTED_X`).
     */
    guard_patterns: z.array(z.string().min(1)).min(1).default(['require_exec_guard(', 'exec_guard.']),
    /** Categories whose scripts must be marked `requires_exec_guard: true`. */
    require_guard_for_categories: z.array(z.string().min(1)).default([]),
    /**
     * Beyond the globs: every file under a root's directory (the part of the glob before its
     * first wildcard) is a script when its extension is one of these (case-insensitive), when
     * it is executable (mode 100755), or when it starts with a shebang (`#!`).
     */
    script_extensions: z.array(z.string().min(1)).default(DEFAULT_SCRIPT_EXTENSIONS),
    detect_scripts: z.boolean().default(true),
  })
  .strict()
  .default({
    roots: ['scripts/**/*.{sh,py}'],
    exclude: [],
    manifest: 'scripts/ci/script_risk_policy_manifest.json',
    categories: [],
    guard_patterns: ['require_exec_guard(', 'exec_guard.'],
    require_guard_for_categories: [],
    script_extensions: DEFAULT_SCRIPT_EXTENSIONS,
    detect_scripts: true,
  });

export type ScriptRiskOptions = z.output<typeof optionsSchema>;
