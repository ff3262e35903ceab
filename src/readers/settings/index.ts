// Settings readers: pick the reader by file name (and shebang), run it once per blob, and fall
// back to the line reader when the file does not parse. Every reader returns `Assignment`s
// (key, value as the runtime reads it, position of the value); rules filter by key.
//
//   format      files                                                        reader
//   yaml        *.yaml, *.yml (and Kustomize `patch: |` strings)             tree.ts over ../yaml.ts
//   json        *.json, *.jsonc (JSONC tolerated), *.tf.json, *.json5 (JSON5) tree.ts over json.ts
//   dotenv      .env, .env.*, *.env                                          dotenv.ts
//   dockerfile  Dockerfile, Dockerfile.*, *.dockerfile, Containerfile*       dockerfile.ts
//   shell       *.sh, *.bash, *.zsh, *.ksh, .envrc, .bashrc, .profile…, sh shebang   shell.ts
//   hcl         *.tf, *.tfvars, *.hcl                                        hcl.ts
//   python      *.py, *.pyw, *.pyi, python shebang                          python.ts
//   javascript  *.js, *.mjs, *.cjs, *.jsx, *.ts, *.mts, *.cts, *.tsx, node shebang  javascript.ts
//   properties  *.properties                                                 properties.ts
//   toml        *.toml                                                       toml.ts
//   xml         *.xml, *.config, *.plist                                     xml.ts
//   ini         *.ini, *.cfg (configparser: setup.cfg, tox.ini, pytest.ini)  ini.ts
//   lines       anything else (.conf, systemd, Makefile…)                      lines.ts
//
// A YAML or JSON file with a syntax error is read with the line reader (so a broken file or a
// Helm template still gets `AGENT_MODE: EXECUTE` caught); reporting the parse error itself is
// the import-hygiene rule's job.
import type { Blob } from '../../changeset/blob.js';
import { pythonSource } from '../python-source.js';
import { loadYamlDocuments, loadYamlModule, parseYamlText, walkYaml, type YamlNode, type YamlScalar } from '../yaml.js';
import { readDockerfile } from './dockerfile.js';
import { readDotenv } from './dotenv.js';
import { readHcl } from './hcl.js';
import { readIni } from './ini.js';
import { parseJsonTree } from './json.js';
import { readJavaScript } from './javascript.js';
import { readLines } from './lines.js';
import { readProperties } from './properties.js';
import { readPython } from './python.js';
import { readShell } from './shell.js';
import { readToml } from './toml.js';
import { readXml } from './xml.js';
import { JSONISH, dedupe, readTree, scalarMapper } from './tree.js';
import type { Assignment, Keep, SettingsFormat } from './types.js';
import { evaluateDefaults, lineStarts, normalizeKey, normalizedKeep, positionsOf } from './values.js';

export type { Assignment, SettingsFormat } from './types.js';
export { normalizeValue, normalizeKey, evaluateDefaults } from './values.js';
export { outcomes, type Resolve } from './expr.js';
export { readDotenv, readDockerfile, readHcl, readJavaScript, readLines, readPython, readShell };

const EXT: Record<string, SettingsFormat> = {
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'json',
  json5: 'json',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  ksh: 'shell',
  tf: 'hcl',
  tfvars: 'hcl',
  hcl: 'hcl',
  py: 'python',
  pyw: 'python',
  pyi: 'python',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'javascript',
  mts: 'javascript',
  cts: 'javascript',
  tsx: 'javascript',
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  env: 'dotenv',
  properties: 'properties',
  toml: 'toml',
  ini: 'ini',
  cfg: 'ini',
  xml: 'xml',
  config: 'xml',
  plist: 'xml',
};

const SHELL_FILES = new Set(['.envrc', '.bashrc', '.bash_profile', '.profile', '.zshrc', '.zshenv', '.zprofile', '.kshrc']);

/** The reader for a path; `text` is consulted for a shebang on files without a known extension. */
export function detectFormat(path: string, text = ''): SettingsFormat {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  if (SHELL_FILES.has(lower)) return 'shell';
  if (/^(dockerfile|containerfile)([._-].*)?$/.test(lower)) return 'dockerfile';
  if (lower === '.env' || lower.startsWith('.env.')) return 'dotenv';
  const dot = lower.lastIndexOf('.');
  const f = dot >= 0 ? EXT[lower.slice(dot + 1)] : undefined;
  if (f) return f;
  if (/\.env(\.|$)/.test(lower)) return 'dotenv'; // prod.env.example, app.env.local
  if (text.startsWith('#!')) {
    const first = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length);
    if (/\b(python[0-9.]*|pypy[0-9.]*)\b/.test(first)) return 'python';
    if (/\b(node|deno|bun|tsx|ts-node)\b/.test(first)) return 'javascript';
    if (/\b(sh|bash|zsh|ksh|dash|ash)\b/.test(first)) return 'shell';
  }
  return 'lines';
}

/**
 * Every assignment in a blob, read the way the runtime reads the file. Memoised per blob and
 * reader (the line reader also by the names it looks for), so several rules share one read.
 */
export async function readSettings(path: string, blob: Blob, names: ReadonlySet<string>): Promise<Assignment[]> {
  const format = detectFormat(path, blob.readerText);
  // Keys are compared the way settings loaders compare them (normalizeKey: case, `_ . -`,
  // camelCase, nesting), so `Agent_Mode`, `agentMode` and `agent: {mode: …}` are AGENT_MODE.
  const id = 'n:' + [...names].sort().join(',');
  const keep: Keep = normalizedKeep(names);
  const lineRead = () => blob.parse(`settings:lines:${id}`, (b) => readLines(b.readerText, names));
  switch (format) {
    case 'yaml': {
      const r = await loadYamlDocuments(blob);
      if (r.errors.length > 0) return lineRead();
      const roots = r.docs.map((d) => d.contents);
      return blob.parseAsync(`settings:yaml:${id}`, async (b) =>
        // embedded first: a Secret entry's decoded value stands for its base64 text at the same place
        dedupe([...(await embeddedFiles(roots, b.text, keep, names)), ...readTree(roots, b.text, 'yaml', keep), ...(await embeddedYaml(roots, b.text, keep))]),
      );
    }
    case 'json': {
      const json5 = /\.json5$/i.test(path);
      const tree = blob.parse(json5 ? 'settings:json5-tree' : 'settings:json-tree', (b) => {
        try {
          return { root: parseJsonTree(b.readerText, json5), ok: true as const };
        } catch {
          return { root: null, ok: false as const };
        }
      });
      if (!tree.ok) return lineRead();
      return blob.parse(`settings:json${json5 ? '5' : ''}:${id}`, (b) => readTree([tree.root], b.readerText, 'json', keep));
    }
    case 'lines':
      return lineRead();
    case 'python': {
      // Decoded as CPython decodes it (coding cookie, universal newlines): python-source.ts.
      const src = pythonSource(blob);
      if (src.undecodable) {
        const why = `the coding cookie names ${src.undecodable}, a codec the gate does not decode`;
        const line = src.cookieLine ?? 1;
        return [...names].map((key) => ({ key, value: '', dynamic: false, line, column: 1, keyLine: line, keyColumn: 1, syntax: 'python-coding', unverifiable: why }));
      }
      return (
        blob.parse(`settings:python:${id}`, () => {
          try {
            return readPython(src.text, undefined, keep);
          } catch {
            return null;
          }
        }) ?? lineRead()
      );
    }
    default: {
      // A value holding JSON that its consumer decodes (pydantic-settings complex fields:
      // AGENT={"mode": "EXECUTE"} is agent.mode): keys that begin a watched name are read too.
      const wide = JSON_VALUE_FORMATS.has(format) && /[=:]\s*['"]?\s*[[{]/.test(blob.readerText) ? widen(names, keep) : null;
      return (
        blob.parse(`settings:${format}:${id}`, (b) => {
          try {
            const found = READERS[format](b.readerText, wide ?? keep);
            return wide ? jsonValues(found, keep) : found;
          } catch {
            return null;
          }
        }) ?? lineRead()
      );
    }
  }
}

const JSON_VALUE_FORMATS: ReadonlySet<SettingsFormat> = new Set(['dotenv', 'properties', 'ini', 'toml', 'shell', 'dockerfile']);

/** `keep`, and keys a watched name begins with (`AGENT` of agent.mode): a settings model's field. */
function widen(names: ReadonlySet<string>, keep: Keep): Keep {
  const watched = [...names].map(normalizeKey);
  return (k) => {
    if (keep(k)) return true;
    const n = normalizeKey(k);
    return n !== '' && watched.some((w) => w.startsWith(n + '_'));
  };
}

/** Watched assignments, and the settings inside values that hold JSON (keys joined to the field's). */
function jsonValues(found: Assignment[], keep: Keep): Assignment[] {
  const out: Assignment[] = [];
  for (const a of found) {
    if (keep(a.key)) {
      out.push(a);
      continue;
    }
    if (a.dynamic || !JSONISH.test(a.value)) continue;
    let root;
    try {
      root = parseJsonTree(a.value);
    } catch {
      continue;
    }
    if (!root || root.kind === 'scalar') continue;
    for (const b of readTree([root], a.value, 'json', (k) => keep(k) || keep(`${a.key}.${k}`))) {
      out.push({
        ...b,
        key: keep(b.key) ? b.key : `${a.key}.${b.key}`,
        line: a.line,
        column: a.column,
        keyLine: a.keyLine,
        keyColumn: a.keyColumn,
        syntax: `json-in-string/${a.syntax}`,
      });
    }
  }
  return out;
}

/**
 * YAML held in string scalars that a tool parses as YAML: Kustomize `patch: |` (strategic
 * merge and JSON 6902 patches). Read like the enclosing file, positions mapped back into it.
 */
async function embeddedYaml(roots: readonly (YamlNode | null)[], text: string, keep: Keep): Promise<Assignment[]> {
  const scalars: YamlScalar[] = [];
  for (const root of roots) {
    walkYaml(root, (node) => {
      if (node.kind === 'map') {
        for (const p of node.pairs) {
          const v = p.value;
          if ((p.key === 'patch' || p.key === 'patchesStrategicMerge') && v) {
            const items = v.kind === 'seq' ? v.items : [v];
            for (const it of items) if (it?.kind === 'scalar' && typeof it.value === 'string' && it.value.includes(':')) scalars.push(it);
          }
        }
      }
      return true;
    });
  }
  if (scalars.length === 0) return [];
  const Y = await loadYamlModule();
  const starts = lineStarts(text);
  const posOf = positionsOf(text);
  const out: Assignment[] = [];
  for (const s of scalars) {
    const inner = s.value as string;
    const parsed = parseYamlText(inner, Y);
    if (parsed.errors.length > 0) continue;
    const innerStarts = lineStarts(inner);
    const map = scalarMapper(s, text, starts, posOf);
    const toFile = (line: number, column: number) => map((innerStarts[line - 1] ?? 0) + column - 1);
    for (const a of readTree(
      parsed.docs.map((d) => d.contents),
      inner,
      'yaml',
      keep,
    )) {
      const v = toFile(a.line, a.column);
      const k = toFile(a.keyLine, a.keyColumn);
      out.push({ ...a, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax: `kustomize-patch/${a.syntax}` });
    }
  }
  return out;
}

const CONFIG_KINDS = new Set(['ConfigMap', 'Secret']);
const GENERATORS = new Set(['configMapGenerator', 'secretGenerator']);

/**
 * Config files held in YAML values, read with the reader their name selects:
 *   - ConfigMap / Secret `data` and `stringData` entries named like a config file (`agent.env`,
 *     `settings.json`, `app.properties`, `config.yaml`, …); Secret `data` is base64 (an entry
 *     named like the setting is its decoded value);
 *   - Kustomize configMapGenerator / secretGenerator `literals: [K=V]`.
 * Positions map into the enclosing file (base64 values: the value's own position).
 */
async function embeddedFiles(roots: readonly (YamlNode | null)[], text: string, keep: Keep, names: ReadonlySet<string>): Promise<Assignment[]> {
  const out: Assignment[] = [];
  let starts: number[] | null = null;
  let posOf: ((o: number) => { line: number; column: number }) | null = null;
  const ensure = () => {
    starts ??= lineStarts(text);
    posOf ??= positionsOf(text);
  };
  const get = (m: YamlNode | null, k: string) => (m?.kind === 'map' ? (m.pairs.find((p) => p.key === k)?.value ?? null) : null);
  const readEmbedded = async (name: string, s: YamlScalar, base64: boolean) => {
    const format = detectFormat(name);
    if (format === 'lines' && !/\.conf$/i.test(name)) return;
    let inner = typeof s.value === 'string' ? s.value : s.text;
    if (base64) {
      const b = Buffer.from(inner.replace(/\s+/g, ''), 'base64');
      inner = b.toString('utf8');
    }
    const lowerInner = inner.toLowerCase();
    if (![...names].some((n) => lowerInner.includes(n.toLowerCase()))) return;
    ensure();
    const innerStarts = lineStarts(inner);
    const map = base64 ? () => ({ line: s.pos.line, column: s.pos.column }) : scalarMapper(s, text, starts!, posOf!);
    const toFile = (line: number, column: number) => map((innerStarts[line - 1] ?? 0) + column - 1);
    let found: Assignment[] = [];
    try {
      if (format === 'yaml') {
        const parsed = parseYamlText(inner, await loadYamlModule());
        found =
          parsed.errors.length > 0
            ? readLines(inner, names)
            : readTree(
                parsed.docs.map((d) => d.contents),
                inner,
                'yaml',
                keep,
              );
      } else if (format === 'json') found = readTree([parseJsonTree(inner)], inner, 'json', keep);
      else if (format === 'lines') found = readLines(inner, names);
      else found = READERS[format](inner, keep);
    } catch {
      found = readLines(inner, names);
    }
    for (const a of found) {
      const v = toFile(a.line, a.column);
      const k = toFile(a.keyLine, a.keyColumn);
      out.push({ ...a, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax: `embedded-file/${a.syntax}` });
    }
  };
  for (const root of roots) {
    if (root?.kind !== 'map') continue;
    const kind = get(root, 'kind');
    if (kind?.kind === 'scalar' && CONFIG_KINDS.has(kind.text)) {
      for (const field of ['data', 'stringData', 'binaryData']) {
        const data = get(root, field);
        if (data?.kind !== 'map') continue;
        const base64 = field === 'binaryData' || (field === 'data' && kind.text === 'Secret');
        for (const p of data.pairs) {
          if (!p.key || p.value?.kind !== 'scalar') continue;
          await readEmbedded(p.key, p.value, base64);
          // A base64 entry named like the setting (envFrom secretRef / secretKeyRef): its decoded value.
          if (base64 && keep(p.key) && typeof p.value.value === 'string') {
            const at = p.valuePos ?? p.value.pos;
            const value = Buffer.from(p.value.value.replace(/\s+/g, ''), 'base64').toString('utf8');
            out.push({ key: p.key, value, dynamic: false, line: at.line, column: at.column, keyLine: p.keyPos.line, keyColumn: p.keyPos.column, syntax: 'secret-data-base64' });
          }
        }
      }
    }
    // Argo CD Application / ApplicationSet: Helm parameters {name: a.b.K, value} (a value path,
    // as helm --set reads it: judged by its trailing segments) and a `values: |` string (YAML).
    const apiVersion = get(root, 'apiVersion');
    if (apiVersion?.kind === 'scalar' && /^argoproj\.io\//.test(apiVersion.text) && kind?.kind === 'scalar' && /^Application(Set)?$/.test(kind.text)) {
      const spec = kind.text === 'ApplicationSet' ? get(get(get(root, 'spec'), 'template'), 'spec') : get(root, 'spec');
      const many = get(spec, 'sources');
      const sources = [get(spec, 'source'), ...(many?.kind === 'seq' ? many.items : [])];
      for (const src of sources) {
        const helm = get(src, 'helm');
        const params = get(helm, 'parameters');
        if (params?.kind === 'seq') {
          for (const item of params.items) {
            const name = get(item, 'name');
            const value = get(item, 'value');
            if (name?.kind !== 'scalar' || value?.kind !== 'scalar') continue;
            const segs = name.text.split(/(?<!\\)\./).map((x) => x.replace(/\\\./g, '.'));
            for (let k = segs.length - 1; k >= Math.max(0, segs.length - 4); k--) {
              const key = segs.slice(k).join('.');
              if (!keep(key)) continue;
              const ev = evaluateDefaults(value.text);
              out.push({
                key,
                value: ev.value,
                dynamic: ev.dynamic,
                line: value.pos.line,
                column: value.pos.column,
                keyLine: name.pos.line,
                keyColumn: name.pos.column,
                syntax: 'argocd-helm-parameter',
              });
              break;
            }
          }
        }
        const values = get(helm, 'values');
        if (values?.kind === 'scalar' && typeof values.value === 'string') await readEmbedded('values.yaml', values, false);
      }
    }
    for (const p of root.pairs) {
      if (!p.key || !GENERATORS.has(p.key) || p.value?.kind !== 'seq') continue;
      for (const gen of p.value.items) {
        const lits = get(gen, 'literals');
        if (lits?.kind !== 'seq') continue;
        for (const it of lits.items) {
          if (it?.kind !== 'scalar' || typeof it.value !== 'string') continue;
          const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(it.value);
          if (!m || !keep(m[1]!)) continue;
          ensure();
          const map = scalarMapper(it, text, starts!, posOf!);
          const k = map(0);
          const v = map(m[0].length);
          out.push({
            key: m[1]!,
            value: it.value.slice(m[0].length),
            dynamic: false,
            line: v.line,
            column: v.column,
            keyLine: k.line,
            keyColumn: k.column,
            syntax: 'kustomize-literal',
          });
        }
      }
    }
  }
  return out;
}

const READERS: Record<Exclude<SettingsFormat, 'yaml' | 'json' | 'lines'>, (text: string, keep: Keep) => Assignment[]> = {
  dotenv: (t, k) => readDotenv(t, undefined, 'dotenv', k),
  dockerfile: (t, k) => readDockerfile(t, undefined, k),
  shell: (t, k) => readShell(t, undefined, k),
  hcl: (t, k) => readHcl(t, undefined, k),
  python: (t, k) => readPython(t, undefined, k),
  javascript: (t, k) => readJavaScript(t, undefined, k),
  properties: (t, k) => readProperties(t, undefined, k),
  toml: (t, k) => readToml(t, undefined, k),
  xml: (t, k) => readXml(t, undefined, k),
  ini: (t, k) => readIni(t, undefined, k),
};
