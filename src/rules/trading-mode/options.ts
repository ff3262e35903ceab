import { z } from 'zod';

const Globs = z.array(z.string().min(1));

/** Commands that run tests or builds (JavaScript regular expressions, multi-line mode, case-sensitive). */
export const DEFAULT_TEST_COMMANDS = [
  String.raw`(^|[\s;&|(])(py\.test|pytest)\b`,
  String.raw`\bpython[0-9.]*\s+(-[A-Za-z]+\s+)*-m\s+(pytest|unittest|compileall|build|nose2?|tox|nox)\b`,
  String.raw`(^|[\s;&|(])(tox|nox)(\s|$)`,
  String.raw`\b(npm|pnpm|yarn|bun)\s+(run\s+|run-script\s+)?(test|build)(:[\w:-]+)?\b`,
  String.raw`\b(npm|pnpm|yarn|bun)\s+(run|run-script)\s+ci\b`,
  String.raw`\bnpm\s+(t|it|cit|install-test)(\s|$)`,
  String.raw`\bnpx\s+(vitest|jest|mocha|ava|tsc|playwright\s+test|cypress\s+run)\b`,
  String.raw`(^|[\s;&|(])(vitest|jest|mocha)(\s|$)`,
  String.raw`\bmake\b[^\n;&|#]*\s(test|tests|check|build|ci)\b`,
  String.raw`\bgo\s+(test|build|vet)\b`,
  String.raw`\bcargo\s+(test|build|nextest)\b`,
  String.raw`(^|[\s;&|(/])(mvn|mvnw)\b[^\n;&|]*\b(test|verify|package|install)\b`,
  String.raw`(^|[\s;&|(/])(gradle|gradlew)\b[^\n;&|]*\b(test|build|check)\b`,
  String.raw`\bdocker\s+(buildx\s+)?(build|bake)\b`,
  String.raw`\bdocker[\s-]compose\b[^\n;&|]*\sbuild\b`,
  String.raw`\b(bazel|bazelisk)\s+(test|build)\b`,
  String.raw`\bdotnet\s+(test|build)\b`,
];

/** `uses:` actions (owner/repo[/path], before `@`) that run tests or builds. */
export const DEFAULT_TEST_ACTIONS = [
  'docker/build-push-action',
  'docker/bake-action',
  'cypress-io/github-action',
  'gradle/gradle-build-action',
  'pavelzw/pytest-action',
];

export const optionsSchema = z
  .object({
    /** GitHub Actions workflow files. */
    workflows: Globs.default(['.github/workflows/*.yml', '.github/workflows/*.yaml']),
    /** GitLab CI files (included files are judged only when listed here). */
    gitlab: Globs.default(['.gitlab-ci.yml', '.gitlab-ci.yaml']),
    /** The variable and the value every test/build step must have in effect. */
    variable: z.string().min(1).default('TRADING_MODE'),
    required_value: z.string().min(1).default('paper'),
    /** Regular expressions (multi-line) that mark a `run:` / `script:` as running tests or builds. */
    test_commands: z.array(z.string().min(1)).default(DEFAULT_TEST_COMMANDS),
    /** Actions whose `uses:` runs tests or builds (prefix of owner/repo/path, before `@`). */
    test_actions: z.array(z.string().min(1)).default(DEFAULT_TEST_ACTIONS),
  })
  .strict()
  .default({
    workflows: ['.github/workflows/*.yml', '.github/workflows/*.yaml'],
    gitlab: ['.gitlab-ci.yml', '.gitlab-ci.yaml'],
    variable: 'TRADING_MODE',
    required_value: 'paper',
    test_commands: DEFAULT_TEST_COMMANDS,
    test_actions: DEFAULT_TEST_ACTIONS,
  });

export type TradingModeOptions = z.output<typeof optionsSchema>;
