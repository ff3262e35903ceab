// agent-mode (Gates B and C): forbidden values for named settings, read the way the runtime
// reads them. The readers in ../../readers/settings turn each file into assignments (key, value,
// position); this rule keeps those of the configured settings and judges their values.
// No zod, no static yaml: readers load parsers only when a file's prefilter hits.
import type { FileChange } from '../../changeset/types.js';
import { normalizeKey, normalizeValue, readSettings, type Assignment } from '../../readers/settings/index.js';
import { loadYamlDocuments, type YamlNode } from '../../readers/yaml.js';
import { RuntimeLoadedIndex, referencedFiles } from '../../readers/runtime-loaded.js';
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
function judge(a: Assignment, byKey: ReadonlyMap<string, AgentModeSetting>): Verdict | null {
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
  if (a.shape === 'null') return setting.allowed ? { setting, normalized: '', kind: 'unverifiable', why: WHY_NULL } : null;
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
              helm.values strings (read as YAML; valuesObject is a map, read like any map)
  Referenced  compose env_file: and Kustomize envs:/env:/files: are resolved in the same tree
              and read as env files (or by name), and what a Kustomization renders
              (resources and components: files, and directories followed to their
              kustomization; patch files), in scope whatever their directory: when the
              loading file changes, and when the loaded file changes on its own (an index of
              the files that compose files, docker-compose*.y(a)ml / compose*.y(a)ml, and
              kustomization.y(a)ml in the pushed tree load, counting only loaders in
              runtime scope and the bases they render; a compose file of another name is
              indexed only when it is itself in the change)
  JSON        keys at any depth, {name, value} lists, K=V strings in env lists, package.json
              scripts as shell (JSONC ok); \\u escapes in keys and values decoded
  .env        KEY=value, export, quotes, inline comments, \${X:-default}, escapes in "…"
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
              "\${"literal"}" interpolation of literals
  Python      os.environ["K"] = "V", __setitem__, setdefault, putenv, environ.update({…} /
              K="V" / [("K", "V")]), environ |= {…}, getenv/environ.get defaults, env dicts
              ({**os.environ, …}, env={…}), K = "V" statements, K="V" kwargs; one alias table
              for os.environ: from os import environ as E, E = os.environ, getattr(os,
              "environ"), vars(os)["environ"], os.__dict__["environ"], and its copies
              (os.environ.copy(), dict(os.environ), copy.copy(…)) that code hands a child
              process as env=; a module constant the file sets once to a literal (MODE =
              "EXECUTE" … os.environ["AGENT_MODE"] = MODE); string escapes decoded
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
              literals (\`EXE\${''}CUTE\`)
  Constants   keys and values (Python and JS/TS alike) that are pure expressions of literals
              are computed first, by one evaluator (readers/settings/constants.ts): + and *,
              Python % and str.format of literals, f-strings whose fields are literals,
              str.join of a literal list, slices ([::-1]), chr, str, bytes([…]),
              bytes.fromhex, base64/b32/b16 decoding, binascii.unhexlify, codecs.decode
              (rot13, hex, base64), .decode/.encode, .upper/.lower/.strip/.replace/…;
              JS [..].join, .concat, .repeat, .split/.reverse, String.fromCharCode, atob,
              Buffer.from(…, "hex"|"base64").toString(), decodeURIComponent
  .properties Java Properties.load: continuations, \\u escapes, = : or whitespace separators
  TOML        tables, dotted and quoted keys, inline tables, basic/literal/multi-line strings
              unescaped the TOML way, "K=V" strings in arrays (pytest-env)
  XML         <K>V</K>, <add key="K" value="V"/>, <env name="K" value="V"/>, K="V"
              attributes, plist <key>K</key><string>V</string>; comments never match
  other       a conservative line reader (K=V, K: V, K = "V", name:/value: pairs), also used
              when a YAML or JSON file does not parse (a Helm template)
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
  - \${K:-V} only substitutes, but V is what the runtime reads when K is unset: it counts as the
    value in effect, like os.getenv("K", "V") and process.env.K ?? "V".
  - Values taken whole from the deployer's environment ($X, \${X}, \${{ … }}, {{ … }}, var.x, a
    compose environment entry with no value) are not judged here: that value is judged where
    it is committed, if it is. A value whose literal part alone is forbidden
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
    files at run time (json.load, fs.readFileSync) other than compose env_file / Kustomize
    envs, Python exec/eval and shell eval of non-literal text, base64 outside Secret
    manifests, printf formats other than
    %s/%b, shell arrays and indirect expansion (\${!name}).
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
    // Base64 payloads hide the names (Secret `data`, `binaryData`: decoded by the readers), and
    // compose / Kustomize files point at env files elsewhere: those pass the prefilter by shape.
    const loadedIndex = RuntimeLoadedIndex.of(ctx.git);
    const keywords = [
      ...keyKeywords(byKey.keys()),
      'kind: secret',
      'kind: "secret"',
      "kind: 'secret'",
      'binarydata:',
      'env_file',
      'configmapgenerator',
      'secretgenerator',
      'resources:',
      'components:',
      'patches',
    ];
    return {
      keywords,
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        return inScope(change.path);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob || !blob.isText) return;
        await judgeFile(file.path, await readSettings(file.path, blob, names), report);
        // Files a compose or Kustomize file makes the runtime read, wherever they are
        // (Kustomize resource and component directories followed to their kustomization).
        if (/\.ya?ml$/i.test(file.path) && /env_file|envs?:|files:|resources:|components:|bases:|patches/.test(blob.text)) {
          const roots = (await loadYamlDocuments(blob)).docs.map((d) => d.contents);
          if (referencedFiles(file.path, roots).length === 0) return;
          const snap = ctx.git.snapshot(file.commit?.oid ?? 'index');
          const seen = new Set<string>([file.path]);
          const follow = async (loader: string, roots: readonly (YamlNode | null)[], depth: number): Promise<void> => {
            for (const ref of referencedFiles(loader, roots)) {
              if (seen.has(ref.path)) continue;
              seen.add(ref.path);
              const e = await snap.entry(ref.path);
              if (ref.resource && depth < 4 && (!e || e.mode === '040000')) {
                for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
                  const k = await snap.entry(`${ref.path}/${name}`);
                  const kb = k && (k.mode === '100644' || k.mode === '100755') ? await ctx.git.readBlob(k.oid) : null;
                  if (kb?.isText)
                    await follow(
                      `${ref.path}/${name}`,
                      (await loadYamlDocuments(kb)).docs.map((d) => d.contents),
                      depth + 1,
                    );
                }
                continue;
              }
              if (inScope(ref.path)) continue; // read on its own when it changes
              if (!e || (e.mode !== '100644' && e.mode !== '100755')) continue;
              const b = await ctx.git.readBlob(e.oid);
              if (!b || !b.isText) continue;
              const as = await readSettings(ref.dotenv ? `${ref.path}.env` : ref.path, b, names);
              await judgeFile(ref.path, as, report, ` (read through ${loader === file.path ? file.path : `${file.path} → ${loader}`})`);
            }
          };
          await follow(file.path, roots, 0);
        }
      },
      // Files a compose or Kustomize file in the tree loads, changed on their own (the loader
      // unchanged): in runtime scope whatever their directory (readers/runtime-loaded.ts).
      async checkRun(run: RunView, report: Report) {
        let live = false;
        for (const commit of run.commits) {
          const candidates = commit.changes.filter((c) => c.status !== 'D' && c.newOid && (c.newMode === '100644' || c.newMode === '100755') && !inScope(c.path));
          if (!live && candidates.length === 0) continue;
          live = true; // from here on the index is carried commit to commit
          const loaded = await loadedIndex.loadedIn(commit, inScope);
          for (const c of candidates) {
            const by = loaded.get(c.path);
            // A loader changed in this commit already read its files (checkFile above).
            if (!by || commit.changes.some((x) => x.path === by.loader && inScope(by.loader))) continue;
            const b = await ctx.git.readBlob(c.newOid!);
            if (!b || !b.isText) continue;
            const as = await readSettings(by.ref.dotenv ? `${c.path}.env` : c.path, b, names);
            await judgeFile(c.path, as, (f) => report({ ...f, commit: c.commit }), agentModeText.loadedBy(by.loader));
          }
        }
      },
    };

    async function judgeFile(path: string, assignments: Assignment[], report: Report, via = ''): Promise<void> {
      const seen = new Set<string>();
      for (const a of assignments) {
        const v = judge(a, byKey);
        if (!v) continue;
        const key = `${v.setting.name}\0${a.line}\0${a.column}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const s = v.setting;
        const shown = a.key === s.name ? s.name : `${a.key} (${s.name})`;
        const shownValue = a.shape === 'null' ? 'null' : a.shape === 'list' ? `[${a.value}]` : describeValue(a.value.trim());
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
