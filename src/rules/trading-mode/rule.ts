// trading-mode (Gate C): every CI job that runs tests or builds has TRADING_MODE=paper in
// effect (GitHub Actions workflows, GitLab CI). The analysis is in ci.ts; this file wires it.
// It needs the whole workflow, so it reads every changed CI file (no keyword prefilter: a new
// workflow that never mentions TRADING_MODE is exactly what it must catch).
import type { FileChange } from '../../changeset/types.js';
import { loadYamlDocuments } from '../_shared/yaml.js';
import { defineRule, type FileView, type Report, type RuleContext } from '../types.js';
import { actionMatcher, analyzeGithub, analyzeGitlab, commandMatcher, type CiCheck } from './ci.js';
import type { TradingModeOptions } from './options.js';

const DOCS = `Gate C: "CI must explicitly set TRADING_MODE=paper for tests and builds". Every CI job
that runs tests or builds must have TRADING_MODE=paper in effect.

GitHub Actions (.github/workflows/*.yml|yaml): env at workflow, job, job container or step
level; a value written to $GITHUB_ENV by an earlier step; an export or TRADING_MODE=paper
prefix in the step's own run script. A step runs tests/builds when its run: matches one of
test_commands (pytest, python -m pytest/unittest/compileall, tox, nox, npm/yarn/pnpm test or
build, vitest/jest, make test/check/build, go test/build, cargo, mvn, gradle, docker build,
bazel, dotnet …) or its uses: is one of test_actions (docker/build-push-action …).
  - ` + '`${{ matrix.X }}`' + ` resolves through strategy.matrix: every value (include entries too)
    must be paper. Any other expression (vars, secrets, inputs) is not an explicit paper.
  - A job that calls a reusable workflow (jobs.<id>.uses) is not judged: env does not flow
    into called workflows, so the called workflow file is judged on its own.
GitLab CI (.gitlab-ci.yml): global and job variables (extends templates followed, hidden
.jobs are templates), export in before_script/script; include: files are not followed.

Findings:
  - a job where a test/build step lacks it: one finding at the first such step
  - TRADING_MODE set to anything but paper in env/variables or a run/script: at the value
A file that does not parse reports nothing here (import-hygiene reports the parse error).

Options: workflows, gitlab (globs), variable, required_value, test_commands (regexes),
test_actions (action prefixes).

Fix: add \`TRADING_MODE: paper\` to the job's env (or the workflow's env / global variables).`;

export const tradingMode = defineRule<TradingModeOptions>({
  meta: {
    id: 'trading-mode',
    family: 'CI posture',
    description: 'Blocks CI jobs that run tests or builds without TRADING_MODE=paper in effect.',
    defaultSeverity: 'block',
    docs: DOCS,
  },
  create(ctx: RuleContext<TradingModeOptions>) {
    const o = ctx.options;
    const isWorkflow = ctx.paths.glob(o.workflows);
    const isGitlab = ctx.paths.glob(o.gitlab);
    const check: CiCheck = {
      variable: o.variable,
      required: o.required_value,
      testCommand: commandMatcher(o.test_commands),
      isTestAction: actionMatcher(o.test_actions),
    };
    return {
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        return isWorkflow(change.path) || isGitlab(change.path);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || blob.isBinary) return;
        const result = await loadYamlDocuments(blob);
        if (result.errors.length > 0) return;
        const roots = result.docs.map((d) => d.contents);
        const issues = isWorkflow(file.path) ? analyzeGithub(roots, blob.text, check) : analyzeGitlab(roots, blob.text, check);
        for (const i of issues) {
          report({ message: i.message, path: file.path, line: i.line, column: i.column, remediation: i.remediation });
        }
      },
    };
  },
});
