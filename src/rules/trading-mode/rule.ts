// trading-mode (Gate C): every CI job that runs tests or builds has TRADING_MODE=paper in
// effect (GitHub Actions workflows, GitLab CI). The analysis is in ci.ts; this file wires it.
// It needs the whole workflow, so it reads every changed CI file (no keyword prefilter: a new
// workflow that never mentions TRADING_MODE is exactly what it must catch).
import type { Blob } from '../../changeset/blob.js';
import type { FileChange, Snapshot } from '../../changeset/types.js';
import { normalizeValue } from '../../readers/settings/index.js';
import { isTreeScan, snapshotOfChanges } from '../../changeset/changes-snapshot.js';
import { loadYamlDocuments } from '../../readers/yaml.js';
import { createRule, type CommitView, type FileView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { shownValue, tradingModeMessages } from './messages.js';

type Report = RuleReport<typeof tradingModeMessages>;
import {
  actionMatcher,
  analyzeCloudBuild,
  analyzeComposite,
  analyzeGithub,
  analyzeGitlab,
  commandMatcher,
  gitlabGlobalOk,
  gitlabLocalIncludes,
  testConfigValues,
  type CiCheck,
  type CiIssue,
} from './ci.js';
import type { TradingModeOptions } from './options.js';

const DOCS =
  `Gate C: "CI must explicitly set TRADING_MODE=paper for tests and builds". Every CI job
that runs tests, builds or lints must have TRADING_MODE=paper in effect, and test runner
configuration must not set it to anything else.

What is CI (options: workflows, actions, gitlab, cloudbuild):
  GitHub Actions workflows (.github/workflows/*.yml|yaml), reusable ones included (on:
  workflow_call: judged as files of their own, since env does not flow into them; a caller's
  \`with:\` input named like the variable must be paper); composite actions
  (.github/actions/**/action.yml, runs.using: composite: a step that tests/builds must set the
  variable itself — the action cannot rely on its callers' env; protected like workflows in
  the ci-workflows group); GitLab CI (.gitlab-ci.yml, .gitlab/**, *.gitlab-ci.yml, and every
  file the main file includes with include: local / a plain path, wildcards too, whose jobs
  inherit the main file's global variables); Google Cloud Build (cloudbuild*.yaml|yml|json:
  steps' builder + args / entrypoint / script, env lists "K=V" per step and options.env).

GitHub Actions: env at workflow, job, job container or step level; a value written to
$GITHUB_ENV by an earlier step; an export or TRADING_MODE=paper prefix in the step's own run
script. A step runs tests/builds/lint when its run: matches one of test_commands (pytest,
python -m pytest/unittest/compileall, tox, nox, npm/yarn/pnpm test/build/lint, vitest/jest,
make test/check/build, go test/build, cargo, mvn, gradle, docker build, bazel, dotnet, ruff,
flake8, pylint, mypy, black, isort, eslint, prettier, yamllint, shellcheck, pre-commit,
gcloud builds submit …) or its uses: is one of test_actions (docker/build-push-action …).
  - ` +
  '`${{ matrix.X }}`' +
  ` resolves through strategy.matrix: every value (include entries too)
    must be paper. Any other expression (vars, secrets, inputs) is not an explicit paper.
  - \`env -u TRADING_MODE\`, \`env --unset=TRADING_MODE\`, \`unset TRADING_MODE\` or \`env -i\`
    in the script of a step (GitLab: in the job's script lines up to the test) removes it:
    a finding whatever the job's env says.
GitLab CI: global and job variables (extends templates followed, hidden .jobs are
templates), export in before_script/script.
Test runner configuration (test_configs: pytest.ini, pyproject.toml, setup.cfg, tox.ini,
conftest.py): pytest-env \`env = TRADING_MODE=…\` (D:/R: prefixes), tox setenv/set_env, TOML
strings, and in conftest.py os.environ[...] = / setdefault / update / monkeypatch.setenv /
putenv with literals: a value other than paper is a finding (tests would run non-paper).

Findings:
  - a job where a test/build/lint step lacks it: one finding at the first such step
  - TRADING_MODE set to anything but paper in env/variables, a run/script, a Cloud Build env
    list, a reusable workflow input or a test runner configuration: at the value
A file that does not parse reports nothing here (import-hygiene reports the parse error).
Live-trading intent flags (LIVE_TRADING_ENABLED, EXECUTION_ENABLED, ALLOW_LIVE_*) are settings
of the agent-mode rule (agenttrader-v2 preset): see \`safety-gate explain agent-mode\`.

Options: workflows, actions, gitlab, cloudbuild, test_configs (globs), variable,
required_value, test_commands (regexes), test_actions (action prefixes).

Fix: add \`TRADING_MODE: paper\` to the job's env (or the workflow's env / global variables /
Cloud Build options.env), and never unset it in a step.`;

export const tradingMode = createRule({
  meta: {
    id: 'trading-mode',
    family: 'CI posture',
    description: 'Blocks CI jobs that run tests or builds without TRADING_MODE=paper in effect.',
    defaultSeverity: 'block',
    messages: tradingModeMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<TradingModeOptions>) {
    const o = ctx.options;
    const isWorkflow = ctx.paths.glob(o.workflows);
    const isGitlab = ctx.paths.glob(o.gitlab);
    const isAction = ctx.paths.glob(o.actions);
    const isCloudBuild = ctx.paths.glob(o.cloudbuild);
    const isTestConfig = ctx.paths.glob(o.test_configs);
    const check: CiCheck = {
      variable: o.variable,
      required: o.required_value,
      testCommand: commandMatcher(o.test_commands),
      isTestAction: actionMatcher(o.test_actions),
    };
    const isCi = (p: string) => isWorkflow(p) || isGitlab(p) || isAction(p) || isCloudBuild(p);
    const analyzed = new Set<string>();
    const emit = (report: Report, path: string, issues: CiIssue[], commit?: string | null) => {
      for (const i of issues) {
        report({ messageId: 'ciIssue', data: { issue: i.message }, path, line: i.line, column: i.column, remediation: i.remediation, ...(commit !== undefined ? { commit } : {}) });
      }
    };
    const analyzeYaml = async (blob: Blob, _path: string, kind: 'github' | 'gitlab' | 'action' | 'cloudbuild', inheritedOk = false): Promise<CiIssue[]> => {
      const result = await loadYamlDocuments(blob);
      if (result.errors.length > 0) return [];
      const roots = result.docs.map((d) => d.contents);
      switch (kind) {
        case 'github':
          return analyzeGithub(roots, blob.text, check);
        case 'gitlab':
          return analyzeGitlab(roots, blob.text, check, inheritedOk);
        case 'action':
          return analyzeComposite(roots, blob.text, check);
        case 'cloudbuild':
          return analyzeCloudBuild(roots, blob.text, check);
      }
    };

    /** Files a GitLab main file of `snapshot` includes, with whether its globals set paper. */
    const includesOf = async (snapshot: Snapshot): Promise<{ match: (p: string) => boolean; inheritedOk: boolean } | null> => {
      for (const main of ['.gitlab-ci.yml', '.gitlab-ci.yaml']) {
        const e = await snapshot.entry(main);
        if (!e) continue;
        const blob = await ctx.git.readBlob(e.oid);
        if (!blob || blob.isBinary) return null;
        const r = await loadYamlDocuments(blob);
        if (r.errors.length > 0) return null;
        const root = r.docs[0]?.contents ?? null;
        const inc = gitlabLocalIncludes(root);
        if (inc.length === 0) return null;
        return { match: ctx.paths.glob(inc), inheritedOk: gitlabGlobalOk(root, blob.text, check) };
      }
      return null;
    };

    /** Changed YAML files a GitLab main file includes (and no glob names): judged as GitLab CI. */
    const checkIncluded = async (snapshot: Snapshot, changes: readonly FileChange[], report: Report, commit: string | null) => {
      const candidates = changes.filter((c) => c.status !== 'D' && c.newOid && (c.newMode === '100644' || c.newMode === '100755') && /\.ya?ml$/i.test(c.path) && !isCi(c.path));
      if (candidates.length === 0) return;
      const inc = await includesOf(snapshot);
      if (!inc) return;
      for (const c of candidates) {
        if (!inc.match(c.path)) continue;
        const key = `${c.newOid}\0${c.path}`;
        if (analyzed.has(key)) continue;
        analyzed.add(key);
        const blob = await ctx.git.readBlob(c.newOid!);
        if (!blob || blob.isBinary) continue;
        emit(report, c.path, await analyzeYaml(blob, c.path, 'gitlab', inc.inheritedOk), commit);
      }
    };

    return {
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        return isCi(change.path) || isTestConfig(change.path);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || blob.isBinary) return;
        const path = file.path;
        if (isTestConfig(path) && !isCi(path)) {
          for (const t of testConfigValues(path, blob.text, o.variable)) {
            if (normalizeValue(t.value) === normalizeValue(o.required_value)) continue;
            report({
              messageId: 'testConfig',
              data: { variable: o.variable, value: shownValue(t.value), path, syntax: t.syntax, required: o.required_value },
              path,
              line: t.line,
              column: t.column,
            });
          }
          return;
        }
        analyzed.add(`${blob.oid}\0${path}`);
        const kind = isWorkflow(path) ? 'github' : isGitlab(path) ? 'gitlab' : isAction(path) ? 'action' : 'cloudbuild';
        emit(report, path, await analyzeYaml(blob, path, kind));
      },
      async checkCommit(commit: CommitView, report: Report) {
        await checkIncluded(commit.snapshot, commit.changes, report, commit.info.oid);
      },
      async checkRun(run: RunView, report: Report) {
        if (!isTreeScan(run.commits, run.changeSet.changes)) return;
        await checkIncluded(snapshotOfChanges(run.changeSet.changes), run.changeSet.changes, report, null);
      },
    };
  },
});
