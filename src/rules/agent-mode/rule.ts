// agent-mode (Gates B and C): forbidden values for named settings, read the way the runtime
// reads them. The readers in ../../readers/settings turn each file into assignments (key, value,
// position); this rule keeps those of the configured settings and judges their values.
// No zod, no static yaml: readers load parsers only when a file's prefilter hits.
import type { FileChange, Snapshot } from '../../changeset/types.js';
import { normalizeKey, normalizeValue, outcomes, readSettings, type Assignment, type Resolve } from '../../readers/settings/index.js';
import { visitLoaded } from '../../readers/runtime-loaded.js';
import { committedValues, needsTreeValues, type TreeFiles } from '../../readers/settings/references.js';
import { createRule, type FileView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { agentModeMessages, agentModeText } from './messages.js';

type Report = RuleReport<typeof agentModeMessages>;
import type { AgentModeOptions, AgentModeSetting } from './options.js';

const SYNTAX_LABEL: [RegExp, string][] = [
  [/^dockerfile-env/, 'Dockerfile ENV'],
  [/^dockerfile-arg/, 'Dockerfile ARG default'],
  [/^dockerfile-run/, 'Dockerfile RUN'],
  [/name-value$/, 'env list entry'],
  [/env-string$/, 'env list entry'],
  [/-variable$/, 'CI variable'],
  [/shell-default$|^shell-default|python-default|js-default|line-default/, 'default value'],
  [/shell-assign-default/, 'default assignment'],
  [/shell|heredoc|env-file-write/, 'shell'],
  [/cli-env|kubectl|helm-set/, 'deploy command'],
  [/^yaml/, 'YAML'],
  [/^json/, 'JSON'],
  [/^dotenv/, 'env file'],
  [/^hcl/, 'Terraform/HCL'],
  [/^python/, 'Python'],
  [/^js/, 'JS/TS'],
  [/^line/, 'config line'],
];

function label(syntax: string): string {
  for (const [re, l] of SYNTAX_LABEL) if (re.test(syntax)) return l;
  return syntax;
}

function describeValue(value: string): string {
  const v = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(v);
}

export interface Verdict {
  setting: AgentModeSetting;
  normalized: string;
  kind: 'forbidden' | 'not-allowed' | 'unverifiable';
  /** For `unverifiable`: what the value is and why it is not "unset". */
  why?: string;
}

/**
 * A value the reader could not resolve that is computed when the file runs (`$(cmd)`, a
 * backtick command) rather than taken whole from the deployer's environment (`$X`, `${X}`,
 * `${{ vars.X }}`, `{{ .Values.x }}`, `var.x`): the gate cannot know what it will be.
 */
function computedValue(value: string): boolean {
  return /\$\(|`/.test(value);
}

const WHY_EMPTY = 'empty is not unset (an env file, compose, ENV or k8s env sets "", masking the value set elsewhere)';
const WHY_NULL = 'null is not unset (app config loaders read None)';
const WHY_LIST = 'a list is not one value';
const WHY_COMPUTED = 'computed when the file runs ($(…) or a backtick command)';

/** Judge one assignment against the settings (keys by normalizeKey); null when it is fine or not judged. */
function judge(a: Assignment, byKey: ReadonlyMap<string, AgentModeSetting>, resolve?: Resolve): Verdict | null {
  const setting = byKey.get(normalizeKey(a.key));
  if (!setting) return null;
  const norm = (x: string) => normalizeValue(x, setting.case_sensitive);
  const isForbidden = (v: string) => setting.forbidden.some((f) => norm(f) === v);
  if (a.shape === 'list') {
    const items = a.value.split(',').map(norm);
    const bad = items.find(isForbidden);
    if (bad !== undefined) return { setting, normalized: bad, kind: 'forbidden' };
    return { setting, normalized: a.value, kind: 'unverifiable', why: WHY_LIST };
  }
  if (a.unverifiable) return { setting, normalized: a.value, kind: 'unverifiable', why: a.unverifiable };
  if (a.shape === 'null') return setting.allowed ? { setting, normalized: '', kind: 'unverifiable', why: WHY_NULL } : null;
  if (a.expr) {
    // What the consumer reads without an override (readers/settings/expr.ts): a fallback, the
    // committed value of a reference, unset references empty. Any forbidden outcome is forbidden;
    // a value that is partly the deployer's is judged no further.
    const o = outcomes(a.expr, resolve);
    const values = o.values.map(norm);
    const bad = values.find((v) => v !== '' && isForbidden(v));
    if (bad !== undefined) return { setting, normalized: bad, kind: 'forbidden' };
    if (o.computed) return { setting, normalized: a.value, kind: 'unverifiable', why: WHY_COMPUTED };
    if (o.open) return null;
    const other = setting.allowed ? values.find((v) => v !== '' && !setting.allowed!.some((x) => norm(x) === v)) : undefined;
    if (other !== undefined) return { setting, normalized: other, kind: 'not-allowed' };
    if (values.includes('') && setting.allowed && !/default/.test(a.syntax)) return { setting, normalized: '', kind: 'unverifiable', why: WHY_EMPTY };
    return null;
  }
  if (a.dynamic) {
    if (computedValue(a.value)) return { setting, normalized: a.value, kind: 'unverifiable', why: WHY_COMPUTED };
    // The literal text around the references, each reference empty (a variable that is unset
    // expands to nothing): EXECUTE${SUFFIX} is EXECUTE unless the deployer sets SUFFIX. A
    // forbidden literal part is forbidden; nothing else is judged (the references are the
    // deployer's: judged where they are committed).
    const literal = norm(a.value.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{\{[^}]*\}\}|\$\{\{[^}]*\}\}/g, ''));
    return literal !== '' && isForbidden(literal) ? { setting, normalized: literal, kind: 'forbidden' } : null;
  }
  const v = norm(a.value);
  // Empty: fails closed where the setting must hold a permitted value; an empty value is never
  // one of a setting's forbidden values.
  // A default ("" in os.getenv("K", ""), ${K:-}) is what code reads when K is unset, not a value
  // the file sets: an empty one is no finding.
  if (v === '') return setting.allowed && !/default/.test(a.syntax) ? { setting, normalized: '', kind: 'unverifiable', why: WHY_EMPTY } : null;
  if (isForbidden(v)) return { setting, normalized: v, kind: 'forbidden' };
  if (setting.allowed && !setting.allowed.some((x) => norm(x) === v)) return { setting, normalized: v, kind: 'not-allowed' };
  return null;
}

const DOCS = `Blocks committed configuration that sets a named setting to a forbidden value, in any
syntax the runtime would read. Preset agenttrader-v2: AGENT_MODE must never be EXECUTE
(Gate B: no execute authority); TRADING_MODE, wherever committed config sets it, must be
paper (Gate C).

Where it looks: changed files in the runtime scope (docs, Markdown and tests are out of it in
the preset, so the runtime guard's own tests may set AGENT_MODE=EXECUTE on purpose) whose
text contains a setting name (case-insensitive prefilter). Each file is read by type:
  YAML        maps at any depth, anchors/aliases and merge keys (<<) resolved, every document;
              Kubernetes/compose/ECS env lists ({name, value}; valueFrom carries no value);
              compose environment lists of K=V; GitLab {value: …} variables; shell in
              run/script/command/args strings; Kustomize patch strings (YAML in YAML);
              ConfigMap/Secret data/stringData entries named *.env, *.json, *.yaml,
              *.properties, *.toml, *.xml… read with that file's reader (Secret data and
              binaryData are base64); Kustomize configMapGenerator/secretGenerator literals;
              Argo CD Application/ApplicationSet spec.source(s).helm.parameters
              {name: a.b.K, value} (a value path: its last segments are the key) and
              helm.values strings (read as YAML; valuesObject is a map, read like any map);
              !!binary scalars decoded; CloudFormation !Ref P / {Ref: P} / !Sub "…\${P}…"
              (the parameter's Default); string values holding JSON (pydantic-settings
              complex fields, ECS container_definitions) read as settings, their keys joined
              to the enclosing key (AGENT='{"mode": …}' is agent.mode)
  Templates   Helm/Go and Jinja {{ … }} in YAML values and template lines: .Values.a.b is the
              chart's values.yaml (a parent chart's values under the subchart's name first),
              default "V" X / X | default "V" / default('V', true) / coalesce / or / ||
              (the fallback unless a committed value answers), ternary (either value);
              Spring/Quarkus \${name:fallback} (nested) in .properties and YAML
  Loaded      files other runtime files load are runtime content wherever they live (docs/,
              tests/, a *.test.* or test_*.py name, node_modules: the scope's excludes are
              path filters, not what the runtime reads), read with the reader the loading
              implies, through one reference index of the tree (readers/runtime-loaded.ts):
                compose     env_file (string, list, {path}), extends.file, include (string
                            and long form, its env_file), build.dockerfile (relative to
                            build.context; default Dockerfile of the context),
                            build.dockerfile_inline, configs/secrets file: and content: (read
                            under the target name a service mounts them at), and \${VAR} in
                            values interpolated from the project .env beside the file
                Kustomize   configMapGenerator/secretGenerator envs, env, files; resources and
                            components (files, and directories followed to their
                            kustomization); patches, patchesStrategicMerge, patchesJson6902
                Dockerfile  COPY/ADD sources (--chmod/--chown ok; --from, URLs and heredocs
                            skipped; globs matched in the tree; a directory: its settings
                            files), read under the name they get in the image (/app/.env)
                Python      load_dotenv(path | dotenv_path=), dotenv_values(...), pydantic
                            env_file= (string or tuple), runpy.run_path, exec(open(F).read()),
                            import / from … import / importlib.import_module of modules whose
                            files the scope excludes (resolved from the file's directory and
                            the repository root, packages' __init__.py included)
                JS/TS       require("dotenv").config({path}), require/import/export … from of
                            relative files and of node_modules packages (index files)
                shell       source F, . F (set -a), export $(cat|grep … F | xargs), docker
                            --env-file F, direnv dotenv / source_env, Makefile include F
              Paths as the runtime resolves them: ./ and .., trailing slashes, \${X:-default}
              (the default), $(dirname "$0"); a path relative to the working directory is tried
              from the repository root and from the loader's directory. Judged when the loader
              changes (every file it loads outside the scope; inside it, a file the loader
              starts loading: its old inline exceptions and baseline entries were not made for
              this loader) and when a loaded file changes on its own while an unchanged loader
              in runtime scope (or one it loads, 4 deep) loads it.
  JSON        keys at any depth, {name, value} lists, K=V strings in env lists, package.json
              scripts as shell (JSONC ok); \\u escapes in keys and values decoded; *.json5
              read as JSON5 (unquoted keys, 'single quotes', \\x escapes, line continuations)
  .env        KEY=value, export, quotes, inline comments, \${X:-default}, escapes in "…";
              blanks as python-dotenv strips them (also \\x1c-\\x1f and NEL)
  Dockerfile  ENV K=V (several pairs), ENV K V, ARG K=default, RUN shell, continuations (joined
              without a space, # escape=\` honoured), ARG defaults (global ARGs inherited by a
              stage's bare ARG) and earlier ENVs substituted into later values
  shell       export/declare -x/typeset/readonly/local, K=V, K=V cmd, env K=V, \${K:=V},
              \${K:-V}, $'…' (\\x, octal, \\u escapes), backslash-newline anywhere (also inside
              K), printf -v K FMT ARGS (text, %s, %b), read K <<< word (split on the IFS
              in effect: IFS== read -r K V <<< "x=EXECUTE"), arguments of export/declare/
              typeset/readonly/local/env taken after quote removal (export "K=V",
              declare 'K'=V, export $'K=…', env "K=V" cmd), docker -e/--env,
              gcloud --set-env-vars, kubectl set env, helm --set a.K=V,
              echo K=V >> $GITHUB_ENV (or >> /etc/environment), eval and sh/bash -c of
              literal text (read as a script), heredocs written to a file or a pipe (read as .env
              lines; a heredoc only printed to the terminal is a message)
  Terraform   K = "V" at any depth, {name = "K", value = "V"} objects and blocks,
              variable "K" { default = "V" }, JSON heredocs, K = <<EOT heredocs,
              other heredoc bodies (env files, user_data) read as shell/env lines,
              "\${"literal"}" interpolation of literals, HCL escapes (\\u, \\U) in keys and
              values; var.x (its default, overridden by terraform.tfvars / *.auto.tfvars of
              the module; another *.tfvars there counts beside the default), local.x,
              coalesce, lookup, try, upper/lower/trimspace, join of literals, a ? b : c
              (either value)
  Python      os.environ["K"] = "V", __setitem__, setdefault, putenv, environ.update({…} /
              K="V" / [("K", "V")]), environ |= {…}, getenv/environ.get defaults, env dicts
              ({**os.environ, …}, env={…}), K = "V" statements, K="V" kwargs; one alias table
              for os.environ: from os import environ as E, E = os.environ, getattr(os,
              "environ"), vars(os)["environ"], os.__dict__["environ"], and its copies
              (os.environ.copy(), dict(os.environ), copy.copy(…)) that code hands a child
              process as env=; a module constant the file sets once to a literal (MODE =
              "EXECUTE" … os.environ["AGENT_MODE"] = MODE); string escapes decoded;
              the source decoded as CPython does (PEP 263 coding cookie: utf-7 and the
              codecs Node decodes; a cookie naming another codec fails closed), identifiers
              NFKC-normalised (os.ｅｎｖｉｒｏｎ), \\N{NAME} escapes (Latin letters, digits,
              punctuation; another name fails closed); assignment targets read from the
              statement (annotated, tuple, chained, walrus-bound names), os.environb,
              exec/eval/compile of a literal read as Python, update(**{…}) / update(NAME),
              loops over a literal dict's items(); subprocess / os.system / os.popen /
              os.exec* command lines read as shell and argv lists (["env", "K=V", …]) as
              its words; lists of "K=V" bound to an env-ish name (gunicorn raw_env)
  JS/TS       process.env.K = "V", process.env["K"] = "V", ??= / ||=, ?? / || defaults,
              Object.assign(process.env, {…}), Object.defineProperty(process.env, "K",
              {value: "V"}), Reflect.set(process.env, "K", "V"), destructuring defaults
              const { K = "V" } = process.env, env objects, const K = "V"; one alias table
              for process.env: process["env"], globalThis/global/window.process.env,
              require("process").env, const e = process.env, const { env: E } = process,
              import { env } from "node:process", const p = process (p.env),
              TS-only syntax and sequences around it ((process.env as any), process.env!,
              (<any>process.env), (0, process.env)); a const bound once to a literal
              (const M = "EXECUTE" … process.env.K = M); escaped
              identifiers (\\u0041GENT_MODE), template literals whose fields are string
              literals (\`EXE\${''}CUTE\`); U+2028/U+2029 end // comments; what
              process.env stores for a non-string (String(value): arrays joined, numbers,
              booleans, a literal toString; an object it cannot follow fails closed);
              JSON.parse of a literal; child_process exec/execSync command lines and
              spawn/execFile argv read as shell
  Constants   keys and values (Python and JS/TS alike) that are pure expressions of literals
              are computed first, by one evaluator (readers/settings/constants.ts): + and *,
              Python % and str.format of literals, f-strings whose fields are literals,
              str.join of a literal list, slices ([::-1]), chr, str, bytes([…]),
              bytes.fromhex, base64/b32/b16 decoding, binascii.unhexlify, codecs.decode
              (rot13, hex, base64), .decode/.encode, .upper/.lower/.strip/.replace/…;
              JS [..].join, .concat, .repeat, .split/.reverse, String.fromCharCode, atob,
              Buffer.from(…, "hex"|"base64").toString(), decodeURIComponent
  .properties Java Properties.load: continuations, \\u escapes, = : or whitespace separators;
              Quarkus profile keys (%prod.agent.mode is agent.mode)
  INI         *.ini, *.cfg as Python's configparser reads them: = or :, case-folded keys,
              continuation lines, %(x)s interpolation, [DEFAULT], [section] key also
              section.key, K=V lines of multi-line values (pytest-env env, tox setenv)
  TOML        tables, dotted and quoted keys, inline tables, basic/literal/multi-line strings
              unescaped the TOML way, "K=V" strings in arrays (pytest-env)
  XML         <K>V</K>, <add key="K" value="V"/>, <env name="K" value="V"/>, K="V"
              attributes, plist <key>K</key><string>V</string>; comments never match;
              character references and the DOCTYPE's internal entities expanded (in key=
              attributes too)
  other       a conservative line reader (K=V, K: V, K = "V", name:/value: pairs), also used
              when a YAML or JSON file does not parse (a Helm template); a call with a
              quoted name and a string literal, the shape of every setenv API (Go
              os.Setenv, Rust env::set_var, Java environment().put, C#
              SetEnvironmentVariable, Ruby ENV.store), both unescaped; fish set -gx K V /
              set -x, csh setenv K V
Encodings: UTF-16/UTF-32 (BOM or NUL pattern), a UTF-8 BOM, NUL bytes in text and lone CR line
ends are read like the file's consumer reads them (see readable-content for what is not text).
Comments never match. Values are normalised like the runtime guard: trimmed, quotes removed,
case-folded (execute is EXECUTE). Keys are compared the way settings loaders compare them, in
every reader: case-folded (pydantic-settings is case-insensitive by default), camelCase split,
every run of _ . - one separator (pydantic's nested delimiter __, Spring relaxed binding), and a
nested YAML/JSON key joined with up to three enclosing map keys (agent: {mode: X} is agent.mode).
So Trading_Mode, LiveTradingEnabled, AGENT__MODE, agent.mode and agent: {mode: …} are the
settings TRADING_MODE, LIVE_TRADING_ENABLED and AGENT_MODE. (The line reader, used for unknown
file types and unparseable YAML/JSON, still looks for the spellings listed.) Decisions:
  - A default counts as the value in effect: \${K:-V}, \${K-V}, Spring \${k:V}, Helm/Jinja
    default, coalesce/lookup/try: V is what the consumer reads when K is unset, like
    os.getenv("K", "V") and process.env.K ?? "V". A reference whose committed value the tree
    holds (Helm values.yaml, tfvars, a variable's default, a local, a CloudFormation
    parameter's Default) is judged by that value. \${K:?err} is K or an error (err is no value).
  - Values taken whole from the deployer's environment with no committed value or fallback
    ($X, \${X}, \${{ vars.X }}, {{ .Values.x }} with no values.yaml entry, var.x with no default
    or tfvars, !Ref P without Default, a compose environment entry with no value) are not judged
    here: that value is judged where it is committed, if it is. A value whose literal part alone is forbidden
    (EXECUTE\${SUFFIX}, {{ .x }}EXECUTE: an unset variable expands to nothing) is forbidden.
  - A value computed when the file runs ($(cmd), \`cmd\`) fails closed: the file cannot show it
    stays permitted.
  - A list value fails closed (a runtime reads one value; a list holding a forbidden value is
    forbidden).
  - A setting with an allowed list (TRADING_MODE: paper) fails closed when its value is empty
    or null, which is not "unset": an env file, compose environment, Dockerfile ENV or
    Kubernetes env sets the variable to "" and so masks a paper value set elsewhere (image ENV,
    CI env), pydantic-settings then validates "" (not paper), and a YAML/JSON app config hands
    the loader None. A default the code uses when the variable is unset (os.getenv("K", ""),
    \${K:-}) is not a value the file sets. An empty or null AGENT_MODE (forbidden values only) is
    never EXECUTE and is no finding.
  - A plain shell K=V counts even without export (sourced env scripts, set -a).
  - Python dicts and JS objects count only when they become an environment (env=…, env: {…},
    {**os.environ, …}, {...process.env, …}, environ.update, Object.assign(process.env, …));
    a module constant named exactly like the setting (AGENT_MODE = "EXECUTE") counts too.
  - Out of reach (values computed at run time, so a reviewer must watch for them): keys or
    values with any operand that is not a literal in Python and JS/TS (a variable other than
    a module constant set once, a parameter, a call of anything but the decoders listed
    above, a float, os.environ[prefix + "MODE"], process.env[key], f"{mode}", template
    literals with \${x}, a loop or comprehension: the Python and JS readers skip such a value
    instead of failing closed); a key spelled only in an encoded form (hex, base64, char
    codes) with no plain part of the setting name in the file: the prefilter looks for the
    name's words and does not decode; an environment reached through a name rebound
    later in the file (aliases are per file, not per line), setattr/exec/eval of
    non-literal text, os.environ passed through a function; values read from other
    files at run time (json.load, fs.readFileSync, Path(F).read_text(), read K < F) other
    than the loaders listed above, Python exec/eval and shell eval of non-literal text,
    base64 outside Secret manifests, printf formats other than %s/%b, shell arrays and
    indirect expansion (\${!name}); a loaded path the runtime computes (a variable without a
    default, os.path.join(BASE, …), path.resolve(__dirname, …), find_dotenv(), a Makefile
    or shell path built from variables, compose paths from the deployer's environment), a
    package's main field other than index.*, the Python path beyond the loader's directory
    and the repository root, a Dockerfile's build context other than its own directory, a
    COPY of the whole context (.), envFrom prefixes joined
    with ConfigMap keys; a Helm values.yaml, tfvars file or variable declaration changed on its
    own (it is read when the template or .tf file that uses it changes), values passed with helm
    --set / terraform -var / stack parameters at deploy time, Helm templates beyond the functions
    listed (include, tpl, index, range).
  - A YAML/JSON map entry AGENT_MODE: EXECUTE is a setting wherever it is, including a data
    file that lists forbidden pairs: write such lists as {name, forbidden} or keep them out of
    the runtime scope.

Options:
  settings: [{name, aliases?, forbidden?, allowed?, case_sensitive?, remediation?}]
  scope: {include?, exclude?}   narrow or widen the runtime scope for this rule

Fix: set the value to a permitted one (AGENT_MODE=OBSERVE or OFF; TRADING_MODE=paper), or take
the line out of committed config.`;

export const agentMode = createRule({
  meta: {
    id: 'agent-mode',
    family: 'forbidden modes',
    description: 'Blocks committed config that sets a forbidden mode (AGENT_MODE=EXECUTE, TRADING_MODE other than paper).',
    defaultSeverity: 'block',
    messages: agentModeMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<AgentModeOptions>) {
    const inScope = ctx.paths.runtimeScope(ctx.options.scope);
    const byKey = settingsByKey(ctx.options.settings);
    const names: ReadonlySet<string> = new Set(ctx.options.settings.flatMap((s) => [s.name, ...s.aliases]));
    // Base64 payloads hide the names (Secret `data`, `binaryData`: decoded by the readers): those
    // pass the prefilter by shape. (Loaded files are read in checkRun, whatever their text.)
    const keywords = [...keyKeywords(byKey.keys()), 'kind: secret', 'kind: "secret"', "kind: 'secret'", 'binarydata:'];
    return {
      keywords,
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        return inScope(change.path);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || !blob.isText) return;
        const assignments = await readSettings(file.path, blob, names);
        // References with committed values elsewhere in the tree (Helm values.yaml, tfvars,
        // variable defaults and locals of the module): read only when a watched value makes one.
        const resolve = needsTreeValues(assignments) ? await committedValues(file.path, assignments, treeFiles(ctx.git.snapshot(file.commit?.oid ?? 'index'))) : undefined;
        await judgeFile(file.path, assignments, report, '', resolve);
      },
      // Files runtime files load (compose, Kustomize, Dockerfile COPY/ADD, dotenv loaders,
      // imports, source, make include: readers/runtime-loaded.ts), in runtime scope whatever
      // their directory: when a loader changes or starts loading them, and when they change on
      // their own while a loader in the tree loads them.
      async checkRun(run: RunView, report: Report) {
        await visitLoaded(run, ctx.git, inScope, async (f) => {
          const as = await readSettings(f.readPath, f.blob, names);
          let skip: Set<string> | null = null;
          if (f.unlessIn) {
            skip = new Set();
            for (const a of await readSettings(f.path, f.unlessIn, names)) if (judge(a, byKey)) skip.add(`${a.line}\0${normalizeKey(a.key)}`);
          }
          const kept = skip ? as.filter((a) => !skip.has(`${a.line}\0${normalizeKey(a.key)}`)) : as;
          const at = f.line;
          await judgeFile(f.path, at ? kept.map((a) => ({ ...a, line: at(a.line) })) : kept, (x) => report({ ...x, commit: f.commit }), f.via);
        });
      },
    };

    function treeFiles(snap: Snapshot): TreeFiles {
      return {
        async read(path) {
          const e = await snap.entry(path);
          if (!e || (e.mode !== '100644' && e.mode !== '100755')) return null;
          const b = await ctx.git.readBlob(e.oid);
          return b?.isText ? b.readerText : null;
        },
        async list(dir) {
          const prefix = dir === '' ? '' : `${dir}/`;
          const entries = await snap.list((p, mode) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && (mode === '100644' || mode === '100755'));
          return entries.map((e) => e.path);
        },
      };
    }

    async function judgeFile(path: string, assignments: Assignment[], report: Report, via = '', resolve?: Resolve): Promise<void> {
      const seen = new Set<string>();
      for (const a of assignments) {
        const v = judge(a, byKey, resolve);
        if (!v) continue;
        const key = `${v.setting.name}\0${a.line}\0${a.column}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const s = v.setting;
        const shown = a.key === s.name ? s.name : `${a.key} (${s.name})`;
        const shownValue =
          (a.shape === 'null' ? 'null' : a.shape === 'list' ? `[${a.value}]` : describeValue(a.value.trim())) +
          // a reference or default: the value the consumer reads from it
          (a.expr && v.kind !== 'unverifiable' && normalizeValue(a.value, true).toLowerCase() !== v.normalized.toLowerCase()
            ? agentModeText.resolvesTo(describeValue(v.normalized))
            : '');
        const data = { setting: shown, value: shownValue, syntax: label(a.syntax), via };
        const remediation = s.remediation ?? (v.kind === 'forbidden' || !s.allowed ? agentModeText.fixForbidden(s.name, s.forbidden) : agentModeText.fixAllowed(s.name, s.allowed));
        const where = { path, line: a.line, column: a.column, remediation };
        if (v.kind === 'forbidden') report({ messageId: 'forbiddenValue', data, ...where });
        else if (v.kind === 'not-allowed') report({ messageId: 'notAllowed', data: { ...data, allowed: s.allowed!.join(', ') }, ...where });
        else report({ messageId: 'unverifiable', data: { ...data, expected: agentModeText.expected(s.allowed, s.forbidden), why: String(v.why) }, ...where });
      }
    }
  },
});

/** Settings by normalised key (name and aliases; the first setting claiming a key keeps it). */
function settingsByKey(settings: readonly AgentModeSetting[]): Map<string, AgentModeSetting> {
  const byKey = new Map<string, AgentModeSetting>();
  for (const s of settings) {
    const k = normalizeKey(s.name);
    if (!byKey.has(k)) byKey.set(k, s);
  }
  for (const s of settings) for (const a of s.aliases) if (!byKey.has(normalizeKey(a))) byKey.set(normalizeKey(a), s);
  return byKey;
}

/**
 * Literal prefilter words for normalised keys: every way the words can be joined (`agent_mode`,
 * `agentmode`, `agent.mode`, `agent-mode`, `agent__mode`) and the first word as an enclosing
 * YAML/JSON map key (`agent:`, `"agent"`) for nested config.
 */
function keyKeywords(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    const words = k.split('_').filter((w) => w !== '');
    for (const sep of ['_', '', '.', '-', '__']) out.add(words.join(sep));
    // The separator written as an escape the format decodes (HCL/JSON/YAML \u005F, XML &#95;
    // and &#x5F;, JSON5/Python \x5F): the reader decodes it, the prefilter must let it through.
    if (words.length > 1) for (const sep of ['\\u005f', '&#95;', '&#x5f;', '\\x5f']) out.add(words.join(sep));
    if (words.length > 1) {
      out.add(`${words[0]}:`);
      out.add(`"${words[0]}"`);
      // A key computed from quoted parts ("_".join(['AGENT', 'MODE']), "AGENT_%s" % "MODE",
      // ['AGENT_', 'MODE'].join('')): the constant evaluator computes it, the prefilter must let it through.
      const last = words[words.length - 1]!;
      for (const q of ['"', "'"]) for (const k of [`${q}${words[0]}${q}`, `${q}${words[0]}_`, `_${last}${q}`, `${q}${last}${q}`]) out.add(k);
    }
  }
  return [...out];
}
