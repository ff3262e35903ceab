// Gate C analysis of CI files: which jobs run tests or builds, and whether TRADING_MODE=paper
// is in effect for them. Pure functions over the shared YAML tree; the rule only reports.
//
// GitHub Actions: env precedence step > values written to $GITHUB_ENV by an earlier step >
//   job > job container > workflow; an `export`/`K=V cmd` of the variable inside the step's
//   own `run:` counts for that step. `${{ matrix.X }}` resolves through the job's
//   strategy.matrix (every value, include entries too, must be paper); any other expression
//   is not an explicit paper. Jobs that call a reusable workflow (`jobs.<id>.uses`) are not
//   judged here: env does not flow into called workflows, so the called file is judged on
//   its own (it is a workflow file too).
// GitLab CI: job variables (with `extends` templates, nearest wins) > global variables; an
//   `export` in before_script/script counts. Hidden jobs (`.name`) are templates, not jobs;
//   `trigger:` jobs run no script. `include:`d files are not followed.
// Anywhere in the file, a literal non-paper value in an env/variables map or a run/script
// assignment is reported at the value.
import { normalizeValue, evaluateDefaults, type Assignment } from '../../readers/settings/index.js';
import { shellAssignmentsIn } from '../../readers/settings/tree.js';
import { getIn, isYamlMap, isYamlScalar, mapGet, mapPair, walkYaml, type YamlMap, type YamlNode, type YamlPos, type YamlScalar } from '../../readers/yaml.js';
import { ciText } from './messages.js';

export interface CiCheck {
  variable: string;
  required: string;
  /** The first test/build command in a script, or null. */
  testCommand(script: string): string | null;
  isTestAction(uses: string): boolean;
}

export interface CiIssue {
  kind: 'missing' | 'dynamic' | 'bad';
  line: number;
  column: number;
  message: string;
  remediation: string;
}

type Mode =
  { state: 'ok'; where: string } | { state: 'bad'; value: string; pos: { line: number; column: number }; where: string } | { state: 'dynamic'; expr: string; where: string };

interface Ctx {
  text: string;
  check: CiCheck;
  cache: { starts?: number[]; posOf?: (o: number) => { line: number; column: number } };
  issues: CiIssue[];
  badSeen: Set<string>;
}

// Package installs and messages name test tools without running them (`pip install pytest`,
// `apt-get install make build-essential`, `echo "running pytest"`): cut them out first.
const NOT_A_RUN =
  /(?:^|(?<=[\s;&|(]))(?:sudo\s+)?(?:(?:(?:python[0-9.]*|py)\s+-m\s+)?pip[0-9.]*|pipx|uv(?:\s+pip)?|poetry|pdm|conda|mamba|micromamba|apt-get|apt|apk|yum|dnf|brew|choco|gem|cargo|go|npm|pnpm|yarn|bun)\s+(?:install|add|i|sync|get)\b[^\n;&|]*|(?:^|(?<=[\s;&|(]))(?:echo|printf)\b[^\n;&|]*/gm;

/** Test/build command finder from regular-expression sources. */
export function commandMatcher(sources: readonly string[]): (script: string) => string | null {
  const res = sources.map((s) => new RegExp(s, 'm'));
  return (script) => {
    const code = script
      .split('\n')
      .filter((l) => !/^\s*#/.test(l))
      .join('\n')
      .replace(NOT_A_RUN, (m) => ' '.repeat(m.length));
    let best: { index: number; text: string } | null = null;
    for (const re of res) {
      const m = re.exec(code);
      if (m && (best === null || m.index < best.index)) best = { index: m.index, text: m[0].trim() };
    }
    return best ? best.text : null;
  };
}

export function actionMatcher(prefixes: readonly string[]): (uses: string) => boolean {
  const ps = prefixes.map((p) => p.toLowerCase().replace(/\/+$/, ''));
  return (uses) => {
    const ref = uses.split('@')[0]!.toLowerCase();
    return ps.some((p) => ref === p || ref.startsWith(p + '/'));
  };
}

function scalarMode(ctx: Ctx, s: YamlScalar, at: YamlPos, where: string, matrix: YamlNode | null): Mode {
  const raw = s.text;
  if (raw.includes('${{')) {
    const m = /^\s*\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}\s*$/.exec(raw);
    if (m) {
      const values = matrixValues(matrix, m[1]!);
      if (values && values.length > 0) {
        for (const v of values) {
          if (normalizeValue(v.text) !== normalizeValue(ctx.check.required)) {
            return { state: 'bad', value: v.text, pos: v.pos, where: `${where} via matrix.${m[1]}` };
          }
        }
        return { state: 'ok', where };
      }
    }
    return { state: 'dynamic', expr: raw.trim(), where };
  }
  const ev = typeof s.value === 'string' ? evaluateDefaults(raw) : { value: raw, dynamic: false };
  if (ev.dynamic) return { state: 'dynamic', expr: raw.trim(), where };
  if (normalizeValue(ev.value) === normalizeValue(ctx.check.required)) return { state: 'ok', where };
  return { state: 'bad', value: ev.value, pos: at, where };
}

/** Literal values of matrix.<key>: the key's list plus `include` entries; null when not literal. */
function matrixValues(matrix: YamlNode | null, key: string): YamlScalar[] | null {
  if (!isYamlMap(matrix)) return null;
  const out: YamlScalar[] = [];
  const direct = mapGet(matrix, key);
  if (direct) {
    if (direct.kind === 'seq') {
      for (const item of direct.items) {
        if (!isYamlScalar(item)) return null;
        out.push(item);
      }
    } else if (isYamlScalar(direct)) {
      if (direct.text.includes('${{')) return null;
      out.push(direct);
    } else return null;
  }
  const include = mapGet(matrix, 'include');
  if (include?.kind === 'seq') {
    for (const entry of include.items) {
      const v = mapGet(entry, key);
      if (v === null) continue;
      if (!isYamlScalar(v)) return null;
      out.push(v);
    }
  }
  return out;
}

/** Mode set by an env/variables map for the variable, or undefined when it does not set it. */
function envMode(ctx: Ctx, env: YamlNode | null, where: string, matrix: YamlNode | null): Mode | undefined {
  if (env === null) return undefined;
  if (isYamlScalar(env)) {
    // env: ${{ fromJSON(…) }} — anything may be in it
    if (env.text.includes('${{')) return { state: 'dynamic', expr: env.text.trim(), where };
    return undefined;
  }
  if (!isYamlMap(env)) return undefined;
  const pair = mapPair(env, ctx.check.variable);
  if (!pair || !pair.value) return undefined;
  let v: YamlNode | null = pair.value;
  let at = pair.valuePos ?? v.pos;
  if (isYamlMap(v)) {
    // GitLab {value: …, description: …}
    const inner = mapPair(v, 'value');
    if (!inner?.value) return undefined;
    v = inner.value;
    at = inner.valuePos ?? v.pos;
  }
  if (!isYamlScalar(v) || v.value === null) return { state: 'bad', value: '', pos: at, where };
  return scalarMode(ctx, v, at, where, matrix);
}

function inlineMode(ctx: Ctx, as: Assignment[], where: string): Mode | undefined {
  let mode: Mode | undefined;
  for (const a of as) {
    if (a.key !== ctx.check.variable) continue;
    if (a.dynamic) mode = { state: 'dynamic', expr: a.value, where };
    else if (normalizeValue(a.value) === normalizeValue(ctx.check.required)) mode = { state: 'ok', where };
    else mode = { state: 'bad', value: a.value, pos: { line: a.line, column: a.column }, where };
  }
  return mode;
}

function reportBad(ctx: Ctx, mode: Mode | undefined): void {
  if (!mode || mode.state !== 'bad') return;
  const key = `${mode.pos.line}:${mode.pos.column}`;
  if (ctx.badSeen.has(key)) return;
  ctx.badSeen.add(key);
  const v = ctx.check.variable;
  const shown = mode.value === '' ? 'empty' : JSON.stringify(mode.value);
  ctx.issues.push({
    kind: 'bad',
    line: mode.pos.line,
    column: mode.pos.column,
    message: ciText.badValue(v, shown, mode.where, ctx.check.required),
    remediation: ciText.fixBadValue(v, ctx.check.required),
  });
}

/** Every literal non-paper value in env/variables maps and run/script assignments, anywhere. */
function scanAnywhere(ctx: Ctx, root: YamlNode | null, envKeys: ReadonlySet<string>, scriptKeys: ReadonlySet<string>): void {
  walkYaml(root, (node) => {
    if (node.kind !== 'map') return true;
    for (const p of node.pairs) {
      if (p.key === null || !p.value) continue;
      if (envKeys.has(p.key) && isYamlMap(p.value)) {
        const m = envMode(ctx, p.value, `${p.key} at line ${p.keyPos.line}`, null);
        if (m?.state === 'bad') reportBad(ctx, m);
      } else if (scriptKeys.has(p.key)) {
        const items = p.value.kind === 'seq' ? flatten(p.value) : [p.value];
        for (const it of items) {
          if (!isYamlScalar(it)) continue;
          const m = inlineMode(ctx, shellAssignmentsIn(it, ctx.text, ctx.cache), `${p.key} script`);
          if (m?.state === 'bad') reportBad(ctx, m);
        }
      }
    }
    return true;
  });
}

function flatten(n: YamlNode | null): YamlNode[] {
  if (!n) return [];
  if (n.kind !== 'seq' || n.tag === '!reference') return [n];
  return n.items.flatMap((i) => flatten(i));
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions

export function analyzeGithub(roots: readonly (YamlNode | null)[], text: string, check: CiCheck): CiIssue[] {
  const ctx: Ctx = { text, check, cache: {}, issues: [], badSeen: new Set() };
  for (const root of roots) {
    if (!isYamlMap(root)) continue;
    githubJobs(ctx, root);
    scanAnywhere(ctx, root, new Set(['env']), new Set(['run']));
  }
  return ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function githubJobs(ctx: Ctx, root: YamlMap): void {
  const v = ctx.check.variable;
  {
    const wfEnv = envMode(ctx, mapGet(root, 'env'), 'workflow env', null);
    reportBad(ctx, wfEnv);
    const jobs = mapGet(root, 'jobs');
    if (!isYamlMap(jobs)) return;
    for (const jp of jobs.pairs) {
      const job = jp.value;
      if (!isYamlMap(job)) continue;
      const jobName = jp.key ?? '?';
      if (mapGet(job, 'uses')) {
        // A call of a reusable workflow: env does not flow into it (the called file is judged
        // on its own), but an input named like the variable is what the callee gets.
        const withMap = mapGet(job, 'with');
        if (isYamlMap(withMap)) {
          for (const p of withMap.pairs) {
            if (p.key === null || p.key.toLowerCase() !== v.toLowerCase() || !isYamlScalar(p.value)) continue;
            reportBad(
              ctx,
              scalarMode(ctx, p.value, p.valuePos ?? p.value.pos, `input ${p.key} of the reusable workflow called by job "${jobName}"`, getIn(job, ['strategy', 'matrix'])),
            );
          }
        }
        continue;
      }
      const matrix = getIn(job, ['strategy', 'matrix']);
      const jobEnv = envMode(ctx, mapGet(job, 'env'), 'job env', matrix);
      reportBad(ctx, jobEnv);
      const container = mapGet(job, 'container');
      const contEnv = isYamlMap(container) ? envMode(ctx, mapGet(container, 'env'), 'job container env', matrix) : undefined;
      reportBad(ctx, contEnv);
      githubSteps(ctx, `job "${jobName}"`, mapGet(job, 'steps'), matrix, jobEnv ?? contEnv ?? wfEnv, `the env of job "${jobName}" (or to the workflow's env)`);
    }
  }
}

/** The variable unset for what follows: `env -u X`, `env --unset=X`, `unset X`, `env -i` (empty environment). */
function unsetIn(script: string, variable: string): string | null {
  const v = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(
    String.raw`(?:^|[\s;&|(])(env\s+(?:-[A-Za-z]+\s+|--\S+\s+)*(?:-u\s*|--unset[=\s])${v}\b|unset\s+(?:-v\s+)?(?:\w+\s+)*${v}\b|env\s+(?:-\S+\s+)*(?:-i|--ignore-environment)\b)`,
    'm',
  );
  const code = script
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n');
  const m = re.exec(code);
  return m ? m[1]!.trim() : null;
}

/**
 * Steps of a GitHub job or composite action: the first step that runs tests/builds/lint
 * without the variable in effect (step env > inline > $GITHUB_ENV of earlier steps > outer).
 */
function githubSteps(ctx: Ctx, owner: string, steps: YamlNode | null, matrix: YamlNode | null, outer: Mode | undefined, where: string): void {
  const { check, text } = ctx;
  const v = check.variable;
  let persisted: Mode | undefined;
  let reported = false;
  if (steps?.kind !== 'seq') return;
  for (const step of steps.items) {
    if (!isYamlMap(step)) continue;
    const stepEnv = envMode(ctx, mapGet(step, 'env'), 'step env', matrix);
    reportBad(ctx, stepEnv);
    const run = mapGet(step, 'run');
    const uses = mapGet(step, 'uses');
    const assignments = isYamlScalar(run) ? shellAssignmentsIn(run, text, ctx.cache) : [];
    const inline = inlineMode(
      ctx,
      assignments.filter((a) => !a.syntax.startsWith('env-file-write')),
      'run script',
    );
    reportBad(ctx, inline);
    let test: string | null = null;
    if (isYamlScalar(run) && typeof run.value === 'string') test = check.testCommand(run.value);
    else if (isYamlScalar(uses) && check.isTestAction(uses.text)) test = `uses: ${uses.text}`;
    const unset = isYamlScalar(run) && typeof run.value === 'string' ? unsetIn(run.value, v) : null;
    const effective = stepEnv ?? inline ?? persisted ?? outer;
    const stepName = () => scalarTextOf(mapGet(step, 'name')) ?? test;
    if (test && !reported && unset) {
      reported = true;
      ctx.issues.push({
        kind: 'missing',
        line: step.pos.line,
        column: step.pos.column,
        message: ciText.unset(owner, v, ciText.step(String(stepName()), ciText.before(unset, String(test)))),
        remediation: ciText.fixUnsetStep(v, check.required),
      });
    }
    if (test && !reported && (effective === undefined || effective.state === 'dynamic')) {
      reported = true;
      ctx.issues.push(
        effective === undefined
          ? {
              kind: 'missing',
              line: step.pos.line,
              column: step.pos.column,
              message: ciText.missing(owner, v, check.required, ciText.step(String(stepName()), String(test))),
              remediation: ciText.fixAdd(v, check.required, where),
            }
          : {
              kind: 'dynamic',
              line: step.pos.line,
              column: step.pos.column,
              message: ciText.dynamic(owner, v, 'expression', ciText.source(effective.expr, effective.where), check.required),
              remediation: ciText.fixLiteral(v, check.required, where),
            },
      );
    }
    // $GITHUB_ENV writes take effect for the following steps.
    const written = inlineMode(
      ctx,
      assignments.filter((a) => a.syntax.startsWith('env-file-write')),
      'GITHUB_ENV',
    );
    reportBad(ctx, written);
    if (written) persisted = written;
  }
}

function scalarTextOf(n: YamlNode | null): string | null {
  return isYamlScalar(n) && n.value !== null ? n.text : null;
}

// ---------------------------------------------------------------------------------------------
// GitLab CI

const GITLAB_RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'types', 'spec']);

interface GitlabJob {
  name: string;
  node: YamlMap;
}

export function analyzeGitlab(roots: readonly (YamlNode | null)[], text: string, check: CiCheck, inheritedOk = false): CiIssue[] {
  const ctx: Ctx = { text, check, cache: {}, issues: [], badSeen: new Set() };
  for (const root of roots) {
    if (!isYamlMap(root)) continue;
    gitlabJobs(ctx, root, inheritedOk);
    scanAnywhere(ctx, root, new Set(['variables']), new Set(['script', 'before_script', 'after_script']));
  }
  return ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

function gitlabJobs(ctx: Ctx, root: YamlMap, inheritedOk: boolean): void {
  const { check, text } = ctx;
  const v = check.variable;
  {
    const globalVars = envMode(ctx, mapGet(root, 'variables'), 'global variables', null);
    reportBad(ctx, globalVars);
    const defaultBefore = getIn(root, ['default', 'before_script']) ?? mapGet(root, 'before_script');
    const byName = new Map<string, YamlMap>();
    const jobs: GitlabJob[] = [];
    for (const p of root.pairs) {
      if (p.key === null || !isYamlMap(p.value)) continue;
      byName.set(p.key, p.value);
      if (GITLAB_RESERVED.has(p.key) || p.key.startsWith('.')) continue;
      jobs.push({ name: p.key, node: p.value });
    }
    /** The first of a job's own answer and its templates' along `extends` (nearest wins; later entries of `extends` override earlier ones). */
    const inherited = <T>(job: YamlMap, own: (job: YamlMap) => T | null | undefined, depth = 0): T | null | undefined => {
      const mine = own(job);
      if ((mine !== null && mine !== undefined) || depth > 10) return mine;
      const ext = mapGet(job, 'extends');
      const parents = ext?.kind === 'seq' ? ext.items : ext ? [ext] : [];
      for (let i = parents.length - 1; i >= 0; i--) {
        const name = scalarTextOf(parents[i] ?? null);
        const parent = name ? byName.get(name) : undefined;
        if (!parent || parent === job) continue;
        const found = inherited(parent, own, depth + 1);
        if (found !== null && found !== undefined) return found;
      }
      return null;
    };
    /** A key of a job, following `extends`. */
    const lookup = (job: YamlMap, key: string): YamlNode | null => inherited(job, (j) => mapGet(j, key)) ?? null;
    /** Variable mode of a job: its own variables, then its templates'. */
    const jobVars = (job: YamlMap): Mode | undefined => inherited(job, (j) => envMode(ctx, mapGet(j, 'variables'), 'job variables', null) || undefined) ?? undefined;
    for (const { name, node } of jobs) {
      if (mapGet(node, 'trigger')) continue;
      const script = lookup(node, 'script');
      if (!script) continue;
      const before = lookup(node, 'before_script') ?? defaultBefore;
      // !reference [.job, script] pulls script lines from another job (nested up to 10 deep).
      // A line pulled in by a reference is reported at the reference in this job.
      const expand = (n: YamlNode | null, at: YamlPos | null = null, depth = 0): { line: YamlNode; at: YamlPos }[] =>
        flatten(n).flatMap((item) => {
          if (item.kind !== 'seq' || item.tag !== '!reference' || depth > 10) return [{ line: item, at: at ?? item.pos }];
          const path = item.items.map((x) => scalarTextOf(x ?? null) ?? '');
          const target = path[0] ? byName.get(path[0]) : undefined;
          return target ? expand(getIn(target, path.slice(1)), at ?? item.pos, depth + 1) : [];
        });
      const lines = [...expand(before), ...expand(script)].filter((l): l is { line: YamlScalar; at: YamlPos } => isYamlScalar(l.line));
      let test: { line: YamlScalar; at: YamlPos; cmd: string } | null = null;
      const inlineAssignments: Assignment[] = [];
      for (const { line: l, at } of lines) {
        if (typeof l.value !== 'string') continue;
        inlineAssignments.push(...shellAssignmentsIn(l, text, ctx.cache));
        const cmd = check.testCommand(l.value);
        if (cmd) {
          test = { line: l, at, cmd };
          break;
        }
      }
      if (!test) continue;
      const jv = jobVars(node);
      reportBad(ctx, jv);
      const inline = inlineMode(ctx, inlineAssignments, 'script');
      const inherited: Mode | undefined = inheritedOk ? { state: 'ok', where: 'global variables of the including file' } : undefined;
      const effective = inline ?? jv ?? globalVars ?? inherited;
      const upTo = lines
        .slice(0, lines.findIndex((l) => l.line === test!.line) + 1)
        .map((l) => String(l.line.value ?? ''))
        .join('\n');
      const unset = unsetIn(upTo, v);
      if (unset) {
        ctx.issues.push({
          kind: 'missing',
          line: test.at.line,
          column: test.at.column,
          message: ciText.unset(ciText.job(name), v, ciText.before(unset, test.cmd)),
          remediation: ciText.fixUnsetJob(v, check.required, name),
        });
      } else if (effective === undefined || effective.state === 'dynamic') {
        ctx.issues.push(
          effective === undefined
            ? {
                kind: 'missing',
                line: test.at.line,
                column: test.at.column,
                message: ciText.missing(ciText.job(name), v, check.required, test.cmd),
                remediation: ciText.fixAdd(v, check.required, ciText.jobVariables(name, true)),
              }
            : {
                kind: 'dynamic',
                line: test.at.line,
                column: test.at.column,
                message: ciText.dynamic(ciText.job(name), v, 'variable', ciText.source(effective.expr, effective.where), check.required),
                remediation: ciText.fixLiteral(v, check.required, ciText.jobVariables(name, false)),
              },
        );
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GitHub composite actions (.github/actions/**/action.yml): `runs.steps` run inside the
// calling job, but the action cannot know its callers, so a step that runs tests/builds must
// have the variable in effect in the action itself (Gate C: "explicitly").

export function analyzeComposite(roots: readonly (YamlNode | null)[], text: string, check: CiCheck): CiIssue[] {
  const ctx: Ctx = { text, check, cache: {}, issues: [], badSeen: new Set() };
  for (const root of roots) {
    if (!isYamlMap(root)) continue;
    const runs = mapGet(root, 'runs');
    if (isYamlMap(runs) && scalarTextOf(mapGet(runs, 'using')) === 'composite') {
      const name = scalarTextOf(mapGet(root, 'name')) ?? 'composite action';
      githubSteps(ctx, `composite action "${name}"`, mapGet(runs, 'steps'), null, undefined, `the env of the step (a composite action cannot rely on its callers' env)`);
    }
    scanAnywhere(ctx, root, new Set(['env']), new Set(['run']));
  }
  return ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

// ---------------------------------------------------------------------------------------------
// Google Cloud Build (cloudbuild*.yaml / .json): steps run builder images with `args`
// (or `entrypoint` + `args`, or `script`); env is a list of "K=V" strings per step and in
// `options.env` for every step.

function envListMode(ctx: Ctx, list: YamlNode | null, where: string): Mode | undefined {
  if (list?.kind !== 'seq') return undefined;
  let mode: Mode | undefined;
  const v = ctx.check.variable;
  for (const item of list.items) {
    if (!isYamlScalar(item) || typeof item.value !== 'string') continue;
    const eq = item.value.indexOf('=');
    if (eq <= 0 || item.value.slice(0, eq).trim() !== v) continue;
    const value = item.value.slice(eq + 1);
    if (/\$\{?_?[A-Z]|\$\$/.test(value)) mode = { state: 'dynamic', expr: item.value, where };
    else if (normalizeValue(value) === normalizeValue(ctx.check.required)) mode = { state: 'ok', where };
    else mode = { state: 'bad', value, pos: item.pos, where };
  }
  return mode;
}

export function analyzeCloudBuild(roots: readonly (YamlNode | null)[], text: string, check: CiCheck): CiIssue[] {
  const ctx: Ctx = { text, check, cache: {}, issues: [], badSeen: new Set() };
  const v = check.variable;
  for (const root of roots) {
    if (!isYamlMap(root)) continue;
    const globalEnv = envListMode(ctx, getIn(root, ['options', 'env']), 'options.env');
    reportBad(ctx, globalEnv);
    const steps = mapGet(root, 'steps');
    if (steps?.kind !== 'seq') continue;
    let reported = false;
    steps.items.forEach((step, i) => {
      if (!isYamlMap(step)) return;
      const stepEnv = envListMode(ctx, mapGet(step, 'env'), 'step env');
      reportBad(ctx, stepEnv);
      const builder = scalarTextOf(mapGet(step, 'name')) ?? '';
      const entry = scalarTextOf(mapGet(step, 'entrypoint'));
      const argsNode = mapGet(step, 'args');
      const args = argsNode?.kind === 'seq' ? argsNode.items.map((a) => scalarTextOf(a) ?? '') : argsNode ? [scalarTextOf(argsNode) ?? ''] : [];
      const script = scalarTextOf(mapGet(step, 'script')) ?? '';
      const program = entry ?? builder.split('@')[0]!.split(':')[0]!.split('/').pop()!;
      const command = `${program} ${args.join(' ')}\n${script}`;
      const test = check.testCommand(command);
      const inline = /(?:^|[\s;&|(])(?:export\s+)?TRADING_MODE=(\S+)/.exec(command.replace(/TRADING_MODE/g, v));
      const inlineMode: Mode | undefined = inline
        ? normalizeValue(inline[1]!.replace(/^['"]|['"]$/g, '')) === normalizeValue(check.required)
          ? { state: 'ok', where: 'step script' }
          : undefined
        : undefined;
      const unset = unsetIn(command, v);
      const effective = stepEnv ?? inlineMode ?? globalEnv;
      if (!test || reported) return;
      const id = scalarTextOf(mapGet(step, 'id')) ?? `#${i}`;
      if (unset || effective === undefined || effective.state === 'dynamic') {
        reported = true;
        ctx.issues.push({
          kind: 'missing',
          line: step.pos.line,
          column: step.pos.column,
          message: unset
            ? ciText.unset(ciText.cloudBuild(id), v, ciText.before(unset, test))
            : effective?.state === 'dynamic'
              ? ciText.dynamic(ciText.cloudBuild(id), v, 'substitution', effective.expr, check.required)
              : ciText.missing(ciText.cloudBuild(id), v, check.required, test),
          remediation: ciText.fixCloudBuild(v, check.required),
        });
      }
    });
  }
  return ctx.issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

// ---------------------------------------------------------------------------------------------
// GitLab includes: `include:` entries of the main file that name files in this repository.

/** Local include paths/globs of a GitLab CI root (leading '/' removed). */
export function gitlabLocalIncludes(root: YamlNode | null): string[] {
  if (!isYamlMap(root)) return [];
  const inc = mapGet(root, 'include');
  const items = inc?.kind === 'seq' ? inc.items : inc ? [inc] : [];
  const out: string[] = [];
  for (const it of items) {
    let p: string | null = null;
    if (isYamlScalar(it)) {
      const t = it.text.trim();
      if (!/^[a-z]+:\/\//i.test(t)) p = t;
    } else if (isYamlMap(it)) {
      if (mapGet(it, 'project') || mapGet(it, 'remote') || mapGet(it, 'template') || mapGet(it, 'component')) continue;
      p = scalarTextOf(mapGet(it, 'local'));
    }
    if (p) out.push(p.replace(/^\/+/, ''));
  }
  return out;
}

/** Whether the main file's global variables put the variable in effect (for included files). */
export function gitlabGlobalOk(root: YamlNode | null, text: string, check: CiCheck): boolean {
  if (!isYamlMap(root)) return false;
  const ctx: Ctx = { text, check, cache: {}, issues: [], badSeen: new Set() };
  return envMode(ctx, mapGet(root, 'variables'), 'global variables', null)?.state === 'ok';
}

// ---------------------------------------------------------------------------------------------
// Test runner configuration (pytest.ini, pyproject.toml, setup.cfg, tox.ini, conftest.py):
// the variable set there is what the tests see, so a non-paper value there is a finding.

export interface TestConfigValue {
  value: string;
  line: number;
  column: number;
  syntax: string;
}

/** Literal values the test runner's configuration gives the variable. */
export function testConfigValues(path: string, text: string, variable: string): TestConfigValue[] {
  const v = variable.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const out: TestConfigValue[] = [];
  const lines = text.split('\n');
  const isPy = /\.py$/i.test(path);
  const patterns: { re: RegExp; syntax: string }[] = isPy
    ? [
        { re: new RegExp(String.raw`environ\s*\[\s*(['"])${v}\1\s*\]\s*=\s*(['"])([^'"]*)\2`), syntax: 'os.environ[...] =' },
        { re: new RegExp(String.raw`environ\.setdefault\(\s*(['"])${v}\1\s*,\s*(['"])([^'"]*)\2`), syntax: 'os.environ.setdefault' },
        { re: new RegExp(String.raw`(?:setenv|putenv)\(\s*(['"])${v}\1\s*,\s*(['"])([^'"]*)\2`), syntax: 'setenv' },
        { re: new RegExp(String.raw`environ\.update\([^)]*(['"])${v}\1\s*:\s*(['"])([^'"]*)\2`), syntax: 'os.environ.update' },
      ]
    : [
        // pytest-env (env = TRADING_MODE=x, D:/R: prefixes), tox setenv/set_env, TOML strings.
        { re: new RegExp(String.raw`(?:^|[\s"',\[=])(?:[DR]:)?${v}\s*=\s*(['"]?)([^'"\s,\]#;]*)\1`), syntax: 'test config' },
      ];
  lines.forEach((line, i) => {
    const trimmed = line.trimStart();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    for (const { re, syntax } of patterns) {
      const m = re.exec(line);
      if (!m) continue;
      const value = isPy ? m[3]! : m[2]!;
      const col = line.indexOf(value, m.index + m[0].length - value.length - 1);
      out.push({ value, line: i + 1, column: (col === -1 ? m.index : col) + 1, syntax });
    }
  });
  return out;
}
