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
  // Lint and type checks (Gate C: "tests and builds"; the spec's Lint & Format check runs with paper)
  String.raw`(^|[\s;&|(/])(ruff|flake8|pylint|mypy|pyright|black|isort|eslint|prettier|yamllint|shellcheck|pre-commit|hadolint|actionlint)(\s|$)`,
  String.raw`\bpython[0-9.]*\s+(-[A-Za-z]+\s+)*-m\s+(ruff|flake8|pylint|mypy|black|isort|py_compile)\b`,
  String.raw`\b(npm|pnpm|yarn|bun)\s+(run\s+|run-script\s+)?(lint|typecheck|type-check|check|format:check)(:[\w:-]+)?\b`,
  String.raw`\bnpx\s+(eslint|prettier)\b`,
  String.raw`\bgcloud\s+builds\s+submit\b`,
];

const DEFAULT_TEST_CONFIGS = ['**/pytest.ini', '**/pyproject.toml', '**/setup.cfg', '**/tox.ini', '**/conftest.py', '**/.pytest.ini'];

/** `uses:` actions (owner/repo[/path], before `@`) that run tests or builds. */
export const DEFAULT_TEST_ACTIONS = ['docker/build-push-action', 'docker/bake-action', 'cypress-io/github-action', 'gradle/gradle-build-action', 'pavelzw/pytest-action'];

const DEFAULT_GITLAB = ['.gitlab-ci.yml', '.gitlab-ci.yaml', '.gitlab/**/*.yml', '.gitlab/**/*.yaml', '**/*.gitlab-ci.yml', '**/*.gitlab-ci.yaml'];
const DEFAULT_ACTIONS = ['.github/actions/**/action.yml', '.github/actions/**/action.yaml'];
const DEFAULT_CLOUDBUILD = ['**/cloudbuild*.yaml', '**/cloudbuild*.yml', '**/cloudbuild*.json'];

export const optionsSchema = z
  .object({
    /** GitHub Actions workflow files. */
    workflows: Globs.default(['.github/workflows/*.yml', '.github/workflows/*.yaml']),
    /** GitLab CI files; files the main file includes (include: local) are judged too. */
    gitlab: Globs.default(DEFAULT_GITLAB),
    /** GitHub composite actions (runs.using: composite). */
    actions: Globs.default(DEFAULT_ACTIONS),
    /** Google Cloud Build pipelines. */
    cloudbuild: Globs.default(DEFAULT_CLOUDBUILD),
    /** Test runner configuration that can set the variable for tests. */
    test_configs: Globs.default(DEFAULT_TEST_CONFIGS),
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
    gitlab: DEFAULT_GITLAB,
    actions: DEFAULT_ACTIONS,
    cloudbuild: DEFAULT_CLOUDBUILD,
    test_configs: DEFAULT_TEST_CONFIGS,
    variable: 'TRADING_MODE',
    required_value: 'paper',
    test_commands: DEFAULT_TEST_COMMANDS,
    test_actions: DEFAULT_TEST_ACTIONS,
  });

export type TradingModeOptions = z.output<typeof optionsSchema>;
