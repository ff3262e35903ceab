import { z } from 'zod';

const Globs = z.array(z.string().min(1));

export const LANGUAGES = ['python', 'typescript', 'javascript', 'yaml', 'json'] as const;

export const DEFAULT_PARSE_EXCLUDE = [
  '**/node_modules/**',
  '**/vendor/**',
  '**/third_party/**',
  '**/*.min.js',
  '**/testdata/**',
  '**/fixtures/**',
  '**/__fixtures__/**',
];

/** JSON files that their tools read with comments and trailing commas (JSONC). */
export const DEFAULT_JSONC = [
  '**/*.jsonc',
  '**/tsconfig.json',
  '**/tsconfig.*.json',
  '**/tsconfig-*.json',
  '**/jsconfig.json',
  '**/jsconfig.*.json',
  '**/.vscode/**/*.json',
  '**/.devcontainer/**/*.json',
  '**/devcontainer.json',
  '**/.devcontainer.json',
  '**/.eslintrc.json',
  '**/.babelrc.json',
  '**/babel.config.json',
  '**/tslint.json',
  '**/cspell.json',
  '**/.cspell.json',
  '**/.markdownlint.json',
  '**/turbo.json',
  '**/biome.json',
  '**/deno.json',
  '**/.oxlintrc.json',
  '**/api-extractor.json',
];

const parseCheckDefault = {
  enabled: true,
  languages: [...LANGUAGES],
  exclude: DEFAULT_PARSE_EXCLUDE,
  jsonc: DEFAULT_JSONC,
};

export const optionsSchema = z
  .object({
    /** Report sys.path mutations in runtime-scope Python. */
    sys_path: z.boolean().default(true),
    /** `new`: only mutations the change adds (Gate A: "no new sys.path mutation"); `all`: every one in a changed file. */
    sys_path_report: z.enum(['new', 'all']).default('new'),
    /** Changed files must parse. */
    parse_check: z
      .object({
        enabled: z.boolean().default(true),
        languages: z.array(z.enum(LANGUAGES)).default([...LANGUAGES]),
        /** Paths never parse-checked (vendored code, deliberately broken test fixtures). */
        exclude: Globs.default(DEFAULT_PARSE_EXCLUDE),
        /** JSON files read as JSONC (comments, trailing commas). */
        jsonc: Globs.default(DEFAULT_JSONC),
      })
      .strict()
      .default(parseCheckDefault),
    /** Narrow or widen the policy's runtime scope for the sys.path check (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ sys_path: true, sys_path_report: 'new', parse_check: parseCheckDefault, scope: {} });

export type ImportHygieneOptions = z.output<typeof optionsSchema>;
