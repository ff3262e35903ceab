// Configuration discovery, `extends`, presets and validation → Policy.
// The cold path: loads zod, yaml and (client only) cosmiconfig. Hooks go through cache.ts.
import { readFile, realpath, stat } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { ConfigError, GateError } from '../errors.js';
import { rules as registeredRules } from '../rules/registry.js';
import { ruleOptionSchemas, ruleAliases } from '../rules/options-registry.js';
import { ConfigSchema, type Policy } from './schema.js';
import { codeSource, parseConfigText, type ConfigSource, type KeyPath, type Origin } from './source.js';
import { problemError, problemsFromIssues, throwProblems } from './issues.js';
import { assertMapping, mergeLayers, type RuleCatalog } from './merge.js';
import { resolvePolicy, withHash, type RuleInfo } from './resolve.js';
import { isCodeConfig, isPackageJson, MODULE_NAME, PACKAGE_PROP, SEARCH_PLACES } from './search-places.js';
import { packageInfo, presetPath, presetsDir } from './package-root.js';
import { topLevelOrSelf } from '../git/exec.js';
import { embedded } from '../embedded.js';
import { configMsg } from '../messages.js';

export type Mode = 'client' | 'server';

export interface LoadOptions {
  cwd: string;
  /** An explicit config file (relative to cwd); skips discovery. */
  configFile?: string;
  mode: Mode;
  /** Repository root, when the caller knows it (saves a `git rev-parse`). */
  root?: string;
}

interface ContributingFile {
  path: string;
  content: string;
}

export interface TracedPolicy {
  policy: Policy;
  root: string;
  /** Every file read to build the policy (config, extended files, presets) with its content. */
  files: ContributingFile[];
  /** False when configuration code ran (it may read anything, so its result cannot be cached). */
  cacheable: boolean;
}

/** Reads files of one git tree (the server's trusted branch tip). */
export interface TreeReader {
  /** Commit id the tree belongs to. */
  rev: string;
  /** Human name ('refs/heads/main'). */
  label: string;
  /** Content of a blob at a repository path; null when absent. */
  read(path: string): Promise<string | null>;
}

interface Ctx {
  mode: Mode;
  displayBase: string | null;
  files: Map<string, string>;
  cacheable: boolean;
  tree: TreeReader | null;
}

export async function loadPolicy(opts: LoadOptions): Promise<Policy> {
  return (await loadPolicyTraced(opts)).policy;
}

export async function loadPolicyTraced(opts: LoadOptions): Promise<TracedPolicy> {
  const root = opts.root ?? (await gitTopLevel(opts.cwd));
  const ctx: Ctx = { mode: opts.mode, displayBase: opts.cwd, files: new Map(), cacheable: true, tree: null };
  let top: ConfigSource;
  if (opts.configFile) {
    const path = resolve(opts.cwd, opts.configFile);
    const src = await readDiskConfig(path, { kind: 'file', path }, ctx);
    if (!src) throw new ConfigError(configMsg.fileNotFound, displayPath(path, ctx), null, null, null, configMsg.fileNotFoundHint);
    top = src;
  } else {
    const found = (await discover(root, ctx)) ?? (await presetSource('recommended', ctx));
    if (!found) throw new GateError('internal', configMsg.noRecommendedPreset, configMsg.noRecommendedPresetHint);
    top = found;
  }
  const policy = await buildPolicy(top, ctx);
  return { policy, root, files: [...ctx.files].map(([path, content]) => ({ path, content })), cacheable: ctx.cacheable };
}

/** The built-in preset on its own (no config found anywhere). */
export async function loadPresetPolicy(name: string): Promise<Policy> {
  const ctx: Ctx = { mode: 'server', displayBase: null, files: new Map(), cacheable: true, tree: null };
  const src = await presetSource(name, ctx);
  if (!src) throw new ConfigError(configMsg.unknownPreset(name, listPresets().join(', ')));
  return buildPolicy(src, ctx);
}

/** A YAML/JSON policy file outside any repository tree (the server's installed policy). Never code. */
export async function loadPolicyFile(path: string, mode: Mode = 'server'): Promise<Policy | null> {
  const ctx: Ctx = { mode, displayBase: null, files: new Map(), cacheable: true, tree: null };
  const src = await readDiskConfig(path, { kind: 'file', path }, ctx);
  return src ? buildPolicy(src, ctx) : null;
}

/** A policy file read from a git tree; relative `extends` read from the same tree. Null when absent. */
export async function loadPolicyFromTree(tree: TreeReader, path: string): Promise<Policy | null> {
  const ctx: Ctx = { mode: 'server', displayBase: null, files: new Map(), cacheable: false, tree };
  const src = await readTreeConfig(path, ctx);
  return src ? buildPolicy(src, ctx) : null;
}

export function listPresets(): string[] {
  if (embedded) return Object.keys(embedded.presets).sort();
  try {
    return readdirSync(presetsDir())
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

export async function gitTopLevel(cwd: string): Promise<string> {
  return topLevelOrSelf(cwd);
}

// ---------------------------------------------------------------------------------------------

function ruleCatalog(): { catalog: RuleCatalog; infos: RuleInfo[] } {
  const infos: RuleInfo[] = registeredRules.map((r) => ({
    id: r.meta.id,
    defaultSeverity: r.meta.defaultSeverity,
    schema: ruleOptionSchemas[r.meta.id] ?? null,
  }));
  // A schema without a registered rule yet: validate its options; fail closed on severity.
  for (const [id, schema] of Object.entries(ruleOptionSchemas)) {
    if (!infos.some((i) => i.id === id)) infos.push({ id, defaultSeverity: 'block', schema });
  }
  return { catalog: { known: new Set(infos.map((i) => i.id)), aliases: ruleAliases }, infos };
}

async function buildPolicy(top: ConfigSource, ctx: Ctx): Promise<Policy> {
  const { catalog, infos } = ruleCatalog();
  const layers = await collect(top, ctx, [top], true);
  const merged = mergeLayers(layers, catalog);
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throwProblems(problemsFromIssues(parsed.error.issues, ConfigSchema), layers);
  const sources = [...new Set(layers.map((l) => l.id))];
  return loadRuleFiles(resolvePolicy(parsed.data, layers, infos, sources), layers, ctx);
}

const GITLEAKS_KEY = ['rules', 'secrets', 'options', 'gitleaks_config'] as const;

/**
 * Files a rule's options name (rules.secrets.options.gitleaks_config), read relative to the
 * layer that names them — the same place that layer came from: a file on disk (the server's own
 * policy file on the server), or the trusted tree a policy was read from; never pushed content —
 * and compiled into the policy, so hooks never read or parse them. The file joins the policy's
 * sources (and the client cache's files), so editing it invalidates the cached policy.
 */
async function loadRuleFiles(policy: Policy, layers: ConfigSource[], ctx: Ctx): Promise<Policy> {
  const options = policy.rules.secrets?.options as { gitleaks_config?: string } | undefined;
  const ref = options?.gitleaks_config;
  if (!ref) return policy;
  const layer = [...layers].reverse().find((l) => l.depth(GITLEAKS_KEY) === GITLEAKS_KEY.length) ?? layers[layers.length - 1]!;
  const fail = (message: string): never => {
    throw problemError({ path: GITLEAKS_KEY, message }, layer, 0, 'fix rules.secrets.options.gitleaks_config (a path relative to this file)');
  };
  let text: string | null;
  let display: string;
  let id: string;
  if (layer.origin.kind === 'tree') {
    if (isAbsolute(ref) || /^[A-Za-z]:/.test(ref)) return fail(`"${ref}" is absolute; use a path relative to this file`);
    const path = posix.normalize(posix.join(posix.dirname(layer.origin.path), ref.replace(/\\/g, '/')));
    if (path.startsWith('../') || path === '..') return fail(`"${ref}" points outside the repository`);
    text = await ctx.tree!.read(path);
    display = `${layer.origin.revLabel}:${path}`;
    id = `${layer.origin.revLabel}@${layer.origin.rev}:${path}`;
  } else {
    const path = isAbsolute(ref) ? ref : resolve(dirname(layer.origin.path), ref);
    text = await readText(path);
    if (text !== null) ctx.files.set(path, text);
    display = displayPath(path, ctx);
    id = path;
  }
  if (text === null) return fail(`cannot read gitleaks config "${ref}": file not found`);
  const { compileGitleaks, GitleaksConfigError } = await import('../rules/secrets/gitleaks.js');
  let compiled;
  try {
    compiled = compileGitleaks(text, display);
  } catch (e) {
    if (e instanceof GitleaksConfigError) throw new ConfigError(e.message, e.file, e.line, null, null, configMsg.gitleaksHint);
    throw e;
  }
  const { hash: _h, sources, ...body } = policy;
  const secrets = body.rules.secrets!;
  const rules = { ...body.rules, secrets: { ...secrets, options: { ...secrets.options, gitleaks: compiled } } };
  return withHash(JSON.parse(JSON.stringify({ ...body, rules })) as typeof body, [...sources, id]);
}

const ExtendsSchema = ConfigSchema.shape.extends;

/** Layers in merge order: what a file extends (in order, recursively), then the file itself. */
const MAX_EXTENDS_DEPTH = 32;

async function collect(src: ConfigSource, ctx: Ctx, stack: ConfigSource[], isTop: boolean): Promise<ConfigSource[]> {
  assertMapping(src);
  if (stack.length > MAX_EXTENDS_DEPTH) {
    throw problemError({ path: ['extends'], message: `extends chain deeper than ${MAX_EXTENDS_DEPTH} files` }, src);
  }
  const data = src.data as Record<string, unknown>;
  let entries: { ref: string; at: KeyPath }[] = [];
  if (data.extends !== undefined && data.extends !== null) {
    const parsed = ExtendsSchema.safeParse(data.extends);
    if (!parsed.success) throwProblems(problemsFromIssues(parsed.error.issues, ExtendsSchema, ['extends']), [src]);
    const value = parsed.data!;
    entries = typeof value === 'string' ? [{ ref: value, at: ['extends'] }] : value.map((ref, i) => ({ ref, at: ['extends', i] }));
  } else if (isTop && src.id !== 'preset:recommended') {
    // A top-level config without `extends` builds on `recommended`; `extends: []` starts from nothing.
    entries = [{ ref: 'recommended', at: [] }];
  }
  const layers: ConfigSource[] = [];
  for (const { ref, at } of entries) {
    const child = await resolveExtends(src, ref, at, ctx);
    if (stack.some((s) => s.id === child.id)) {
      const chain = [...stack.slice(stack.findIndex((s) => s.id === child.id)), child].map((s) => s.display).join(' → ');
      throw problemError({ path: at, message: `extends cycle: ${chain}` }, src, 0, 'remove one of the extends entries that form the cycle');
    }
    layers.push(...(await collect(child, ctx, [...stack, child], false)));
  }
  layers.push(src);
  return layers;
}

async function resolveExtends(from: ConfigSource, ref: string, at: KeyPath, ctx: Ctx): Promise<ConfigSource> {
  const fail = (message: string, hint?: string): never => {
    throw problemError({ path: at, message }, from, 0, hint);
  };
  const isPath = ref.startsWith('.') || /[\\/]/.test(ref) || /\.(?:ya?ml|json)$/i.test(ref);
  if (!isPath) {
    const src = await presetSource(ref, ctx);
    return src ?? fail(`unknown preset "${ref}" (available: ${listPresets().join(', ')})`, 'use a preset name or a relative path such as ./base.yaml');
  }
  if (isAbsolute(ref) || /^[A-Za-z]:/.test(ref)) return fail(`"${ref}" is absolute; use a path relative to this file`);
  if (isCodeConfig(ref)) return fail(`"${ref}" is code; extends takes YAML or JSON files only`);
  if (from.origin.kind === 'tree') {
    const path = posix.normalize(posix.join(posix.dirname(from.origin.path), ref.replace(/\\/g, '/')));
    if (path.startsWith('../') || path === '..') return fail(`"${ref}" points outside the repository`);
    const src = await readTreeConfig(path, ctx);
    return src ?? fail(`cannot read "${ref}": not found in ${from.origin.revLabel}`);
  }
  const path = resolve(dirname(from.origin.path), ref);
  const src = await readDiskConfig(path, { kind: 'file', path }, ctx);
  return src ?? fail(`cannot read "${ref}": file not found`);
}

async function presetSource(name: string, ctx: Ctx): Promise<ConfigSource | null> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) return null;
  const path = presetPath(name);
  const text = embedded ? (embedded.presets[name] ?? null) : await readText(path);
  if (text === null) return null;
  ctx.files.set(path, text);
  const display = relative(packageInfo().root, path).split(sep).join('/');
  return parseConfigText(text, { kind: 'preset', name, path }, `preset:${name}`, display);
}

function displayPath(path: string, ctx: Ctx): string {
  if (ctx.displayBase) {
    const rel = relative(ctx.displayBase, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return path;
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    if (code === 'EISDIR') throw new ConfigError(configMsg.isDirectory, path);
    throw new GateError('io', configMsg.unreadable(path, (e as Error).message), configMsg.unreadableHint);
  }
}

/** A config file on disk; null when it does not exist. Code runs only on the client. */
async function readDiskConfig(path: string, origin: Origin, ctx: Ctx): Promise<ConfigSource | null> {
  const display = displayPath(path, ctx);
  if (isCodeConfig(path)) {
    if (!(await exists(path))) return null;
    if (ctx.mode === 'server') throw new ConfigError(configMsg.serverNoCode, display, null, null, null, configMsg.serverNoCodeHint);
    ctx.cacheable = false;
    const { cosmiconfig } = await import('cosmiconfig');
    let result;
    try {
      result = await cosmiconfig(MODULE_NAME, { searchStrategy: 'none', cache: false }).load(path);
    } catch (e) {
      throw new ConfigError(configMsg.cannotLoad(firstLine(e)), display);
    }
    return codeSource(origin, path, display, result?.config ?? {});
  }
  const text = await readText(path);
  if (text === null) return null;
  ctx.files.set(path, text);
  // The real path identifies the file, so a cycle through a symlink is still a cycle.
  const id = await realpath(path).catch(() => path);
  return parseDisk(path, text, origin, display, id);
}

function parseDisk(path: string, text: string, origin: Origin, display: string, id = path): ConfigSource {
  const pkg = isPackageJson(path);
  const src = parseConfigText(text, origin, id, display, pkg ? [PACKAGE_PROP] : []);
  rejectImport(src);
  return src;
}

async function readTreeConfig(path: string, ctx: Ctx): Promise<ConfigSource | null> {
  const tree = ctx.tree!;
  const display = `${tree.label}:${path}`;
  if (isCodeConfig(path)) throw new ConfigError(configMsg.serverNoCode, display, null, null, null, configMsg.serverNoCodeHint);
  const text = await tree.read(path);
  if (text === null) return null;
  const origin: Origin = { kind: 'tree', rev: tree.rev, revLabel: tree.label, path };
  const src = parseConfigText(text, origin, `${tree.label}@${tree.rev}:${path}`, display, isPackageJson(path) ? [PACKAGE_PROP] : []);
  rejectImport(src);
  return src;
}

// cosmiconfig would merge `$import` files on its own, behind `extends`' back.
function rejectImport(src: ConfigSource): void {
  const d = src.data;
  if (d !== null && typeof d === 'object' && Object.prototype.hasOwnProperty.call(d, '$import')) {
    throw problemError({ path: ['$import'], message: 'not supported; use `extends`', atKey: true }, src);
  }
}

/** The repository's own config: cosmiconfig on the client; a fixed walk (no code) on the server. */
async function discover(root: string, ctx: Ctx): Promise<ConfigSource | null> {
  if (ctx.mode === 'server') {
    for (const place of SEARCH_PLACES) {
      const path = join(root, place);
      if (!(await isFile(path))) continue;
      if (isCodeConfig(path)) {
        throw new ConfigError(configMsg.serverNoCode, displayPath(path, ctx), null, null, null, configMsg.serverNoCodeHint);
      }
      const src = await readDiskConfig(path, { kind: 'file', path }, ctx);
      if (!src) continue;
      if (isPackageJson(path) && src.data === undefined) {
        ctx.files.delete(path);
        continue;
      }
      return src;
    }
    return null;
  }

  const parsed = new Map<string, ConfigSource>();
  const loader = (filepath: string, content: string): unknown => {
    ctx.files.set(filepath, content);
    const src = parseDisk(filepath, content, { kind: 'file', path: filepath }, displayPath(filepath, ctx));
    parsed.set(filepath, src);
    // cosmiconfig reads the `safety-gate` property of package.json itself.
    // A file of comments only is still this repository's config (null would make cosmiconfig skip it).
    return isPackageJson(filepath) ? { [PACKAGE_PROP]: src.data } : (src.data ?? {});
  };
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig(MODULE_NAME, {
    searchStrategy: 'none',
    searchPlaces: [...SEARCH_PLACES],
    ignoreEmptySearchPlaces: false,
    cache: false,
    loaders: { '.yaml': loader, '.yml': loader, '.json': loader, noExt: loader },
  });
  let result;
  try {
    result = await explorer.search(root);
  } catch (e) {
    if (e instanceof GateError) throw e;
    const file = (e as { filepath?: string }).filepath;
    throw new ConfigError(configMsg.cannotLoad(firstLine(e)), file ? displayPath(file, ctx) : null);
  }
  // package.json files without our key were read but do not count.
  for (const [p, src] of parsed) if (isPackageJson(p) && src.data === undefined) ctx.files.delete(p);
  if (!result) return null;
  const path = result.filepath;
  const known = parsed.get(path);
  if (known) {
    known.id = await realpath(path).catch(() => path);
    return known;
  }
  if (result.isEmpty) {
    const text = (await readText(path)) ?? '';
    ctx.files.set(path, text);
    return parseDisk(path, text, { kind: 'file', path }, displayPath(path, ctx));
  }
  ctx.cacheable = false;
  return codeSource({ kind: 'file', path }, path, displayPath(path, ctx), result.config);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
