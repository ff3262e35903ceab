// The CI integrations, their steps run locally as the CI would run them: the composite GitHub
// Action (action.yml; each `run:` step with its `env:` expressions filled in from a pull
// request or push event, under `bash --noprofile --norc -eo pipefail`) and the GitLab CI
// template (before_script + script in one shell, with GitLab's variables). The SARIF the
// action writes is validated against the official 2.1.0 schema (what upload-sarif ingests);
// the Code Quality report against the fields GitLab reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT, Repo, sandbox, type Sandbox } from '../helpers/repo.js';

let sb: Sandbox;
let actionPath: string;
const ZERO = '0'.repeat(40);

beforeAll(() => {
  sb = sandbox();
  // What `uses: <org>/safety-gate@<commit>` checks out, already built (the install step then
  // has nothing to do); its dependencies are this repository's.
  actionPath = join(sb.dir, 'action');
  mkdirSync(actionPath);
  for (const e of ['action.yml', 'ci', 'presets', 'hooks', 'README.md', '.pre-commit-hooks.yaml']) cpSync(join(ROOT, e), join(actionPath, e), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(actionPath, 'dist'), { recursive: true, filter: (s) => !s.endsWith('.map') && !s.endsWith('safety-gate-server.cjs') && !s.endsWith('.wasm') });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  delete pkg.scripts;
  delete pkg.devDependencies;
  writeFileSync(join(actionPath, 'package.json'), JSON.stringify(pkg, null, 2));
  symlinkSync(join(ROOT, 'node_modules'), join(actionPath, 'node_modules'));
});
afterAll(() => sb?.cleanup());

/** A repository with a clean base and a branch on top: bad (AGENT_MODE=EXECUTE) or good. */
function prRepo(name: string, bad: boolean): { repo: Repo; base: string; head: string } {
  const repo = Repo.init(sb, name);
  repo.write('README.md', 'hello\n');
  const base = repo.commitAll('base');
  if (bad) repo.write('config/app.env', 'AGENT_MODE=EXECUTE\n');
  else repo.write('docs/notes.txt', 'fine\n');
  const head = repo.commitAll('change');
  return { repo, base, head };
}

type Ctx = Record<string, unknown>;

function lookup(ctx: Ctx, path: string): string {
  let v: unknown = ctx;
  for (const k of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v === undefined || v === null ? '' : String(v);
}

/** `${{ a.b.c }}` → its value in the context (the action only uses plain property paths in env). */
function fill(value: string, ctx: Ctx): string {
  return value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, p: string) => lookup(ctx, p));
}

interface StepRun {
  name: string;
  status: number | null;
  out: string;
}

/** Runs the action's `run:` steps in order, as the runner does; returns each step's result. */
function runAction(repo: Repo, github: Ctx, inputs: Record<string, string> = {}): { steps: StepRun[]; outputs: Record<string, string> } {
  const action = parse(readFileSync(join(actionPath, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: { name: string; id?: string; run?: string; uses?: string; shell?: string; env?: Record<string, string> }[] };
  };
  expect(action.runs.using).toBe('composite');
  const ins = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, inputs[k] ?? v.default ?? '']));
  const steps: StepRun[] = [];
  const stepOutputs: Record<string, { outputs: Record<string, string> }> = {};
  for (const step of action.runs.steps) {
    if (step.uses) {
      expect(step.uses).toMatch(/^github\/codeql-action\/upload-sarif@v3$/);
      continue;
    }
    expect(step.shell).toBe('bash');
    // Values reach scripts only through env: no expression inside the script text.
    expect(step.run!).not.toMatch(/\$\{\{/);
    const ctx = { github: { action_path: actionPath, ...github }, inputs: ins, steps: stepOutputs };
    const env: NodeJS.ProcessEnv = { ...sb.env };
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = fill(v, ctx);
    const outFile = join(sb.dir, `gh-output-${Math.random().toString(36).slice(2)}`);
    writeFileSync(outFile, '');
    env.GITHUB_OUTPUT = outFile;
    const script = join(sb.dir, 'step.sh');
    writeFileSync(script, step.run!);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: repo.path, env, encoding: 'utf8' });
    steps.push({ name: step.name, status: r.status, out: `${r.stdout}${r.stderr}` });
    if (step.id) {
      const outputs = Object.fromEntries(
        readFileSync(outFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      stepOutputs[step.id] = { outputs };
    }
    if (r.status !== 0) break;
  }
  return { steps, outputs: stepOutputs.scan?.outputs ?? {} };
}

async function sarifValidator(): Promise<(d: unknown) => { ok: boolean; errors: unknown }> {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/package.json').replace(/package\.json$/, 'lib/schemas/sarif-2.1.0-rtm.5.json');
  const Ajv = (await import('ajv')).default as unknown as new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } };
  const addFormats = (await import('ajv-formats')).default as unknown as (a: unknown) => void;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  if (typeof schema.id === 'string') {
    schema.$id = schema.id;
    delete schema.id;
  }
  const validate = ajv.compile(schema);
  return (d) => ({ ok: validate(d), errors: validate.errors ?? null });
}

describe('GitHub Action (action.yml)', () => {
  it('a pull request with a violation: SARIF 2.1.0 for upload-sarif, the check fails with exit 1', async () => {
    const { repo, base, head } = prRepo('gh-bad', true);
    const { steps, outputs } = runAction(repo, { event_name: 'pull_request', event: { pull_request: { base: { sha: base }, head: { sha: head } } }, sha: head });
    expect(steps.map((s) => s.name)).toEqual(['Install safety-gate', 'Scan', 'Result']);
    expect(steps[0]!.status, steps[0]!.out).toBe(0);
    expect(steps[1]!.status, steps[1]!.out).toBe(0);
    expect(steps[1]!.out).toContain('config/app.env:1:12  agent-mode');
    expect(outputs['exit-code']).toBe('1');
    expect(steps[2]!.status).toBe(1);
    expect(steps[2]!.out).toContain('::error title=safety-gate::blocked by policy');
    const sarif = JSON.parse(readFileSync(join(repo.path, 'safety-gate.sarif'), 'utf8'));
    const v = (await sarifValidator())(sarif);
    expect(v.errors).toBeNull();
    expect(v.ok).toBe(true);
    expect(sarif.runs[0].results[0]).toMatchObject({ ruleId: 'agent-mode', level: 'error' });
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('config/app.env');
  });

  it('a clean pull request passes; a push scans before..after; a new branch scans its tree', async () => {
    const good = prRepo('gh-good', false);
    const pr = runAction(good.repo, { event_name: 'pull_request', event: { pull_request: { base: { sha: good.base }, head: { sha: good.head } } }, sha: good.head });
    expect(pr.outputs['exit-code']).toBe('0');
    expect(pr.steps.at(-1)!.status).toBe(0);
    const validate = await sarifValidator();
    expect(validate(JSON.parse(readFileSync(join(good.repo.path, 'safety-gate.sarif'), 'utf8'))).ok).toBe(true);

    const bad = prRepo('gh-push', true);
    const push = runAction(bad.repo, { event_name: 'push', event: { before: bad.base }, sha: bad.head });
    expect(push.outputs['exit-code']).toBe('1');
    expect(push.steps.at(-1)!.status).toBe(1);
    // A new branch: before is all zeros; the pushed commit's tree is scanned.
    rmSync(join(bad.repo.path, 'safety-gate.sarif'));
    const fresh = runAction(bad.repo, { event_name: 'push', event: { before: ZERO }, sha: bad.head });
    expect(fresh.outputs['exit-code']).toBe('1');
    expect(existsSync(join(bad.repo.path, 'safety-gate.sarif'))).toBe(true);
    // An explicit range input wins.
    const ranged = runAction(bad.repo, { event_name: 'push', event: { before: bad.base }, sha: bad.head }, { range: `${bad.base}..${bad.base}` });
    expect(ranged.outputs['exit-code']).toBe('0');
  });
});

describe('GitLab CI template (ci/safety-gate.gitlab-ci.yml)', () => {
  it('include-able job: Code Quality report of the merge request, exit code as the job result', { timeout: 240_000 }, () => {
    const template = parse(readFileSync(join(ROOT, 'ci/safety-gate.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      {
        variables: Record<string, string>;
        before_script: string[];
        script: string[];
        artifacts: { when: string; reports: { codequality: string } };
      }
    >;
    const job = template['safety-gate']!;
    expect(job.artifacts).toEqual({ when: 'always', reports: { codequality: 'gl-code-quality-report.json' } });
    // The package as the user would point at it: a tarball made with npm pack.
    const pack = spawnSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', sb.dir], { cwd: actionPath, env: sb.env, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(sb.dir, pack.stdout.trim().split('\n').at(-1)!);
    const npmEnv = { npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_loglevel: 'error' };
    const shell = [...job.before_script, ...job.script].join('\n');
    const runJob = (repo: Repo, ci: Record<string, string>) =>
      spawnSync('bash', ['-e', '-c', shell], {
        cwd: repo.path,
        env: { ...sb.env, ...npmEnv, ...job.variables, SAFETY_GATE_PACKAGE: tarball, SAFETY_GATE_HOME: join(sb.dir, 'gl-home'), ...ci },
        encoding: 'utf8',
      });

    const bad = prRepo('gl-bad', true);
    const r = runJob(bad.repo, { CI_MERGE_REQUEST_DIFF_BASE_SHA: bad.base, CI_COMMIT_SHA: bad.head, CI_PIPELINE_SOURCE: 'merge_request_event' });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('config/app.env:1:12  agent-mode');
    const report = JSON.parse(readFileSync(join(bad.repo.path, 'gl-code-quality-report.json'), 'utf8')) as Record<string, unknown>[];
    expect(Array.isArray(report)).toBe(true);
    expect(report).toHaveLength(1);
    expect(report[0]).toEqual({
      description: expect.stringContaining('AGENT_MODE is set to "EXECUTE"'),
      check_name: 'agent-mode',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      severity: 'critical',
      location: { path: 'config/app.env', lines: { begin: 1 } },
    });

    const good = prRepo('gl-good', false);
    const ok = runJob(good.repo, { CI_COMMIT_BEFORE_SHA: good.base, CI_COMMIT_SHA: good.head, CI_PIPELINE_SOURCE: 'push' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(good.repo.path, 'gl-code-quality-report.json'), 'utf8'))).toEqual([]);

    const missing = spawnSync('bash', ['-e', '-c', shell], { cwd: good.repo.path, env: { ...sb.env, ...job.variables }, encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('set SAFETY_GATE_PACKAGE');
  });
});
