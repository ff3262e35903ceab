import { describe, expect, it } from 'vitest';
import { Blob } from '../../changeset/blob.js';
import type { FileChange } from '../../changeset/types.js';
import { createPathMatcher } from '../../engine/paths.js';
import type { FindingInput } from '../../findings/types.js';
import { loadYamlDocuments } from '../../readers/yaml.js';
import type { FileView, RuleContext } from '../types.js';
import { actionMatcher, analyzeGithub, analyzeGitlab, commandMatcher, type CiCheck } from './ci.js';
import { DEFAULT_TEST_ACTIONS, DEFAULT_TEST_COMMANDS, optionsSchema, type TradingModeOptions } from './options.js';
import { tradingMode } from './rule.js';

const check: CiCheck = {
  variable: 'TRADING_MODE',
  required: 'paper',
  testCommand: commandMatcher(DEFAULT_TEST_COMMANDS),
  isTestAction: actionMatcher(DEFAULT_TEST_ACTIONS),
};

async function gh(text: string) {
  const r = await loadYamlDocuments(new Blob('0'.repeat(40), Buffer.from(text)));
  expect(r.errors).toEqual([]);
  return analyzeGithub(
    r.docs.map((d) => d.contents),
    text,
    check,
  ).map((i) => `${i.kind}@${i.line}:${i.column}`);
}
async function gl(text: string) {
  const r = await loadYamlDocuments(new Blob('0'.repeat(40), Buffer.from(text)));
  expect(r.errors).toEqual([]);
  return analyzeGitlab(
    r.docs.map((d) => d.contents),
    text,
    check,
  ).map((i) => `${i.kind}@${i.line}:${i.column}`);
}

describe('test/build command detection', () => {
  it.each([
    ['pytest -q', 'pytest'],
    ['python -m pytest tests', 'python -m pytest'],
    ['python3 -m compileall .', 'python3 -m compileall'],
    ['cd ui && npm run build', 'npm run build'],
    ['npm test', 'npm test'],
    ['npm run ci', 'npm run ci'],
    ['tox -e py312', 'tox'],
    ['make -C backend test', 'make -C backend test'],
    ['go test ./...', 'go test'],
    ['docker build -t x .', 'docker build'],
    ['docker buildx build .', 'docker buildx build'],
    // Lint counts (Gate C: the Lint & Format check runs with TRADING_MODE=paper)
    ['ruff check .', 'ruff'],
    ['python -m mypy backend', 'python -m mypy'],
    ['npm run lint', 'npm run lint'],
  ])('%s', (script, cmd) => expect(check.testCommand(script)).toBe(cmd));
  it.each([
    'echo hello',
    'pip install -r requirements.txt',
    'python -m pip install flake8 pytest',
    'pip install tox && echo ok',
    'sudo apt-get install -y make build-essential',
    'npm ci',
    'npm install --save-dev jest',
    'echo "running pytest next"',
    '# pytest',
    'pip install ruff mypy',
  ])('not %s', (script) => expect(check.testCommand(script)).toBeNull());
  it('matches actions by prefix before @', () => {
    expect(check.isTestAction('docker/build-push-action@v6')).toBe(true);
    expect(check.isTestAction('actions/checkout@v4')).toBe(false);
  });
});

describe('GitHub Actions', () => {
  it('accepts paper at workflow, job or step level', async () => {
    expect(await gh('env:\n  TRADING_MODE: paper\njobs:\n  t:\n    steps:\n      - run: pytest\n')).toEqual([]);
    expect(await gh('jobs:\n  t:\n    env: {TRADING_MODE: Paper}\n    steps:\n      - run: pytest\n')).toEqual([]);
    expect(await gh('jobs:\n  t:\n    steps:\n      - run: pytest\n        env:\n          TRADING_MODE: "paper"\n')).toEqual([]);
  });
  it('reports the first test step of a job without it', async () => {
    const t = 'jobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n      - name: Test\n        run: pytest\n      - run: npm test\n';
    expect(await gh(t)).toEqual(['missing@5:9']);
  });
  it('a step-level env covers only that step', async () => {
    const t = 'jobs:\n  t:\n    steps:\n      - run: pytest\n        env: {TRADING_MODE: paper}\n      - run: npm run build\n';
    expect(await gh(t)).toEqual(['missing@6:9']);
  });
  it('reports live anywhere at the value', async () => {
    const t = 'env:\n  TRADING_MODE: live\njobs:\n  t:\n    steps:\n      - run: echo hi\n';
    expect(await gh(t)).toEqual(['bad@2:17']);
  });
  it('honours GITHUB_ENV writes and inline exports', async () => {
    const t = [
      'jobs:',
      '  t:',
      '    steps:',
      '      - run: echo "TRADING_MODE=paper" >> "$GITHUB_ENV"',
      '      - run: pytest',
      '  u:',
      '    steps:',
      '      - run: |',
      '          export TRADING_MODE=paper',
      '          pytest',
      '',
    ].join('\n');
    expect(await gh(t)).toEqual([]);
  });
  it('resolves matrix values and rejects other expressions', async () => {
    const ok = 'jobs:\n  t:\n    strategy:\n      matrix:\n        mode: [paper]\n    env:\n      TRADING_MODE: ${{ matrix.mode }}\n    steps:\n      - run: pytest\n';
    expect(await gh(ok)).toEqual([]);
    const bad = 'jobs:\n  t:\n    strategy:\n      matrix:\n        mode: [paper, live]\n    env:\n      TRADING_MODE: ${{ matrix.mode }}\n    steps:\n      - run: pytest\n';
    expect(await gh(bad)).toEqual(['bad@5:23']);
    const dyn = 'jobs:\n  t:\n    env:\n      TRADING_MODE: ${{ vars.MODE }}\n    steps:\n      - run: pytest\n';
    expect(await gh(dyn)).toEqual(['dynamic@6:9']);
  });
  it('does not judge reusable workflow calls', async () => {
    expect(await gh('jobs:\n  call:\n    uses: ./.github/workflows/test.yml\n')).toEqual([]);
  });
});

describe('GitLab CI', () => {
  it('reads global and job variables, extends and scripts', async () => {
    expect(await gl('variables:\n  TRADING_MODE: paper\ntest:\n  script:\n    - pytest\n')).toEqual([]);
    expect(await gl('.base:\n  variables:\n    TRADING_MODE: paper\ntest:\n  extends: .base\n  script:\n    - pytest\n')).toEqual([]);
    expect(await gl('test:\n  script:\n    - pip install -r r.txt\n    - pytest\n')).toEqual(['missing@4:7']);
    expect(await gl('variables:\n  TRADING_MODE:\n    value: live\n    description: x\n')).toEqual(['bad@3:12']);
    expect(await gl('.tpl:\n  script:\n    - pytest\n')).toEqual([]);
    // !reference pulls the test command in from a template
    expect(await gl('.tests:\n  script:\n    - pytest\nunit:\n  script:\n    - !reference [.tests, script]\n')).toEqual(['missing@6:18']);
  });
});

describe('rule', () => {
  it('reads changed workflow files only and reports with remediation', async () => {
    const options = optionsSchema.parse({}) as TradingModeOptions;
    const ctx = {
      options,
      severity: 'block',
      paths: createPathMatcher({ include: ['**'], exclude: [] }, false),
    } as unknown as RuleContext<TradingModeOptions>;
    const checker = await tradingMode.create(ctx);
    const change = (path: string): FileChange => ({ status: 'A', path, oldPath: null, oldMode: null, newMode: '100644', oldOid: null, newOid: '1'.repeat(40), commit: null });
    expect(checker.keywords).toBeUndefined();
    expect(checker.files!(change('.github/workflows/ci.yml'))).toBe(true);
    expect(checker.files!(change('.gitlab-ci.yml'))).toBe(true);
    expect(checker.files!(change('docs/ci.yml'))).toBe(false);
    const text = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python -m pytest\n';
    const found: FindingInput[] = [];
    const view = {
      change: change('.github/workflows/ci.yml'),
      path: '.github/workflows/ci.yml',
      commit: null,
      newBlob: async () => new Blob('1'.repeat(40), Buffer.from(text)),
      oldBlob: async () => null,
      hits: new Set<string>(),
    } satisfies FileView;
    await checker.checkFile!(view, (f) => found.push(f));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ line: 6, column: 9, path: '.github/workflows/ci.yml' });
    expect(found[0]!.remediation).toContain('TRADING_MODE: paper');
  });
});
