import { z } from 'zod';

const Globs = z.array(z.string().min(1));

const LANGUAGES = ['python', 'typescript', 'javascript', 'yaml', 'json', 'shell'] as const;

const DEFAULT_PARSE_EXCLUDE = ['**/node_modules/**', '**/vendor/**', '**/third_party/**', '**/*.min.js', '**/testdata/**', '**/fixtures/**', '**/__fixtures__/**'];

/** JSON files that their tools read with comments and trailing commas (JSONC). */
const DEFAULT_JSONC = [
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
  python_compiler: 'auto' as const,
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
        /**
         * `auto`: CPython's own compiler (python3 on the machine, one process per run) when it
         * is there, else the in-process checker; `builtin`: always the in-process checker.
         */
        python_compiler: z.enum(['auto', 'builtin']).default('auto'),
        /** The Python the project targets ("3.12"): an older interpreter on the machine is not used. */
        python_version: z
          .string()
          .regex(/^3(?:\.\d+){0,2}$/)
          .optional(),
      })
      .strict()
      .default(parseCheckDefault),
    /** Relative imports in entrypoint scripts outside a package (Gate A, flake8 ABS rules). */
    relative_imports: z.boolean().default(true),
    /** Narrow or widen the policy's runtime scope for the sys.path check (replaces the list given). */
    scope: z.object({ include: Globs.optional(), exclude: Globs.optional() }).strict().default({}),
  })
  .strict()
  .default({ sys_path: true, sys_path_report: 'new', parse_check: parseCheckDefault, relative_imports: true, scope: {} });

export type ImportHygieneOptions = z.output<typeof optionsSchema>;
