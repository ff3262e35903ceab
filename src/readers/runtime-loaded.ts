// The reference index: which files the runtime files of a tree make the runtime read (loader
// path → loaded path(s), with the reader the loading implies). Compose and Kustomize manifests
// are read here (referencedFiles); Python, JS/TS, shell, Makefiles and Dockerfiles in
// loader-refs.ts. A loaded file is runtime content wherever it lives (docs/dev1.env loaded by
// docker-compose.yml is the container's environment; backend/tests/flags.py imported by
// backend/app.py runs with it), so rules judge it (visitLoaded):
//   - when a loader changes or starts loading it (forward: the changed loader's references,
//     resolved in the commit's tree, followed through loaded loaders 4 deep), and
//   - when it changes ON ITS OWN while an unchanged loader loads it (reverse: the index).
//
// `RuntimeLoadedIndex` answers "which loader in this commit's tree loads path P?". Built once
// per push from one tree listing (the first commit that needs it: one that changes a file
// outside the runtime scope), then carried from parent to child through the commits' own
// changes, so a push of 2,000 commits walks one tree, not 2,000. A loader's references are
// computed once per blob (blob.parseAsync) and only for live loaders (in runtime scope, or
// loaded by one). Nothing here depends on a rule: the result cache keeps checkFile verdicts
// per blob, and these judgements run in checkRun, which is never cached, so a new loader can
// never be hidden by a verdict cached for the loaded blob alone.
import { Blob } from '../changeset/blob.js';
import picomatch from 'picomatch';
import type { FileChange, Snapshot } from '../changeset/types.js';
import { loadYamlDocuments, type YamlNode } from './yaml.js';
import { codeLoaderKind, codeRefs, insideRepo, joinInside, literalPath, type LoaderKind, type ReadAs } from './loader-refs.js';

export interface LoadedRef {
  /** The loaded path (the first candidate). */
  path: string;
  /** Every candidate path (module resolution: x.py, x/__init__.py …); absent: `[path]`. */
  paths?: string[];
  /** Read as an env file (compose env_file, Kustomize envs) whatever its name. */
  dotenv: boolean;
  /** The reader the loading implies (absent: dotenv ? 'dotenv' : 'by-name'). */
  readAs?: ReadAs;
  /**
   * A Kustomize `resources:` entry (a manifest, or a directory holding a kustomization), with
   * the kustomization's namePrefix / nameSuffix: the names it is deployed under.
   */
  resource?: { prefix: string; suffix: string };
  /** 1-based line of the reference in the loader. */
  line?: number;
  /** A glob (COPY docs/*.env) or a directory (COPY docs/ /app/) matched against the tree. */
  glob?: boolean;
  dir?: boolean;
  /** A module import (read only when its file is outside the runtime scope). */
  module?: boolean;
  /** Content held in the loader itself (compose build.dockerfile_inline, configs.content). */
  inline?: { text: string; name: string };
  /** The project `.env` compose interpolates `${VAR}` from (the loader is re-read with it). */
  interp?: boolean;
}

const YAML_LOADER = /(^|\/)((docker-)?compose([.-][^/]*)?\.ya?ml|kustomization\.ya?ml|Kustomization)$/i;

/** A compose or Kustomize file by name, or a code loader (Python, JS/TS, shell, Makefile, Dockerfile): the files the index reads. */
function isRuntimeLoader(path: string): boolean {
  return YAML_LOADER.test(path) || codeLoaderKind(path) !== null;
}

const scalarText = (n: YamlNode | null | undefined): string | null => (n?.kind === 'scalar' && typeof n.value === 'string' ? n.value : null);
const field = (n: YamlNode | null | undefined, k: string): YamlNode | null | undefined => (n?.kind === 'map' ? n.pairs.find((p) => p.key === k)?.value : undefined);

/** A compose path value: `${X:-d}` defaults substituted; null when the runtime computes it. */
function composePath(dir: string, p: string | null): string | null {
  const lit = p === null ? null : literalPath(p);
  return lit === null ? null : joinInside(dir, lit);
}

/**
 * What a compose file makes Compose read besides env_file: `extends.file`, `include:` (string
 * or long form, with its env_file), `build.dockerfile` (relative to build.context; default
 * `Dockerfile` of the context), `build.dockerfile_inline`, top-level `configs`/`secrets` with
 * `file:` or `content:` (read under the target name a service mounts them at), and the project
 * `.env` it interpolates `${VAR}` from.
 */
function composeRefs(manifest: string, dir: string, root: YamlNode | null): LoadedRef[] {
  if (root?.kind !== 'map') return [];
  const services = field(root, 'services');
  const include = field(root, 'include');
  if (services?.kind !== 'map' && !include) return [];
  const refs: LoadedRef[] = [];
  const push = (path: string | null, readAs: ReadAs, line: number | undefined) => {
    if (path && path !== manifest) refs.push({ path, dotenv: readAs === 'dotenv', readAs, line });
  };
  for (const item of include?.kind === 'seq' ? include.items : include ? [include] : []) {
    const line = item?.pos.line;
    if (item?.kind === 'scalar') push(composePath(dir, scalarText(item)), 'compose', line);
    else if (item?.kind === 'map') {
      const p = field(item, 'path');
      for (const x of p?.kind === 'seq' ? p.items : [p]) push(composePath(dir, scalarText(x)), 'compose', line);
      const e = field(item, 'env_file');
      for (const x of e?.kind === 'seq' ? e.items : [e]) push(composePath(dir, scalarText(x)), 'dotenv', line);
    }
  }
  const targets = new Map<string, string>();
  if (services?.kind === 'map') {
    for (const s of services.pairs) {
      const svc = s.value;
      const ext = field(svc, 'extends');
      if (ext?.kind === 'map') push(composePath(dir, scalarText(field(ext, 'file'))), 'compose', ext.pos.line);
      const build = field(svc, 'build');
      if (build) {
        const ctx = composePath(dir, build.kind === 'scalar' ? scalarText(build) : (scalarText(field(build, 'context')) ?? '.')) ?? (dir || null);
        const inline = scalarText(field(build, 'dockerfile_inline'));
        if (inline !== null)
          refs.push({ path: manifest, dotenv: false, readAs: 'dockerfile', line: field(build, 'dockerfile_inline')!.pos.line, inline: { text: inline, name: 'Dockerfile' } });
        else if (ctx !== null || dir === '') {
          const df = scalarText(field(build, 'dockerfile')) ?? 'Dockerfile';
          const lit = literalPath(df);
          if (lit && !/^[a-z][a-z0-9+.-]*:\/\//i.test(ctx ?? '')) push(joinInside(ctx ?? '', lit), 'dockerfile', build.pos.line);
        }
      }
      for (const k of ['configs', 'secrets']) {
        const list = field(svc, k);
        if (list?.kind !== 'seq') continue;
        for (const i of list.items) {
          const src = scalarText(field(i, 'source'));
          const target = scalarText(field(i, 'target'));
          if (src && target) targets.set(`${k}\0${src}`, target.slice(target.lastIndexOf('/') + 1));
        }
      }
    }
  }
  for (const k of ['configs', 'secrets']) {
    const top = field(root, k);
    if (top?.kind !== 'map') continue;
    for (const c of top.pairs) {
      if (c.key === null) continue;
      const name = targets.get(`${k}\0${c.key}`) ?? c.key;
      const content = field(c.value, 'content');
      const text = scalarText(content);
      if (text !== null) refs.push({ path: manifest, dotenv: false, readAs: `name:${name}`, line: content!.pos.line, inline: { text, name } });
      const file = composePath(dir, scalarText(field(c.value, 'file')));
      if (file) push(file, `name:${name}`, c.keyPos.line);
    }
  }
  // Compose interpolates ${VAR} in every value from the project .env beside the file.
  if (services?.kind === 'map') refs.push({ path: dir ? `${dir}/.env` : '.env', dotenv: true, readAs: 'dotenv', interp: true });
  return refs;
}

/**
 * Files a YAML manifest makes the runtime read as config: compose `env_file:` (a string, a
 * list of strings or of {path}; `${X:-d}` defaults resolved), the compose loaders of
 * composeRefs, Kustomize configMapGenerator / secretGenerator `envs:` (env files) and `files:`
 * (`[key=]path`), resources, components and patches. Paths are resolved against the manifest's
 * directory.
 */
export function referencedFiles(manifest: string, roots: readonly (YamlNode | null)[]): LoadedRef[] {
  const dir = manifest.includes('/') ? manifest.slice(0, manifest.lastIndexOf('/') + 1) : '';
  const out = new Map<string, { dotenv: boolean; line: number | undefined }>();
  const add = (p: string, dotenv: boolean, line: number | undefined) => {
    const lit = literalPath(p);
    if (!lit || /^[a-z]+:\/\//i.test(lit) || lit.startsWith('/')) return;
    const n = insideRepo(dir + lit);
    if (n) out.set(n, { dotenv: (out.get(n)?.dotenv ?? false) || dotenv, line: out.get(n)?.line ?? line });
  };
  const strings = (n: YamlNode | null | undefined, field?: string): { text: string; line: number }[] => {
    if (!n) return [];
    if (n.kind === 'scalar') return typeof n.value === 'string' ? [{ text: n.value, line: n.pos.line }] : [];
    if (n.kind === 'seq') return n.items.flatMap((i) => (i?.kind === 'map' && field ? strings(i.pairs.find((p) => p.key === field)?.value) : strings(i)));
    return [];
  };
  const visit = (n: YamlNode | null, depth: number): void => {
    if (!n || depth > 8) return;
    if (n.kind === 'seq') for (const i of n.items) visit(i, depth + 1);
    if (n.kind !== 'map') return;
    for (const p of n.pairs) {
      if (p.key === 'env_file') for (const f of strings(p.value, 'path')) add(f.text, true, f.line);
      else if ((p.key === 'envs' || p.key === 'env') && depth > 0) for (const f of strings(p.value)) add(f.text, true, f.line);
      else if (p.key === 'files' && depth > 0) for (const f of strings(p.value)) add(f.text.includes('=') ? f.text.slice(f.text.indexOf('=') + 1) : f.text, false, f.line);
      else visit(p.value, depth + 1);
    }
  };
  for (const r of roots) visit(r, 0);
  const refs: LoadedRef[] = [...out].map(([path, { dotenv, line }]) => ({ path, dotenv, line }));
  for (const r of roots) refs.push(...composeRefs(manifest, dir.replace(/\/$/, ''), r));
  // Kustomize resources and the name transforms applied to them.
  if (/(^|\/)(kustomization\.ya?ml|Kustomization)$/i.test(manifest)) {
    for (const r of roots) {
      if (r?.kind !== 'map') continue;
      const text = (k: string) => {
        const v = r.pairs.find((p) => p.key === k)?.value;
        return v?.kind === 'scalar' && typeof v.value === 'string' ? v.value : '';
      };
      const resource = { prefix: text('namePrefix'), suffix: text('nameSuffix') };
      for (const k of ['resources', 'bases', 'components']) {
        for (const f of strings(r.pairs.find((p) => p.key === k)?.value)) {
          const n = insideRepo(dir + f.text);
          if (n && !/^[a-z]+:\/\//i.test(f.text)) refs.push({ path: n, dotenv: false, resource, line: f.line });
        }
      }
      // Patch files: manifests kustomize merges into the output.
      for (const k of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
        for (const f of strings(r.pairs.find((p) => p.key === k)?.value, 'path')) {
          const n = f.text.includes('\n') || f.text.includes(':') ? null : insideRepo(dir + f.text);
          if (n) refs.push({ path: n, dotenv: false, line: f.line });
        }
      }
    }
  }
  return refs;
}

/** `a/./b/../c` → `a/c`; null when it climbs above the repository root. */

/** How a loader is read: a YAML manifest, or a code loader of a kind. */
export type LoaderAs = 'yaml' | LoaderKind;

/** The reader kind of a loader path by name (null: not a loader). */
function loaderAs(path: string): LoaderAs | null {
  if (/\.ya?ml$/i.test(path) || YAML_LOADER.test(path)) return 'yaml';
  return codeLoaderKind(path);
}

/** The loader kind a loaded file is read as, when it can itself load files (a chain: compose include, a Dockerfile, a Python module). */
function loaderAsForRef(ref: LoadedRef, path: string): LoaderAs | null {
  switch (ref.readAs) {
    case 'compose':
      return 'yaml';
    case 'dockerfile':
      return 'dockerfile';
    case 'python':
      return 'python';
    case 'js':
      return 'js';
    case 'shell':
      return 'shell';
    case 'dotenv':
      return null;
    default:
      return ref.resource || !ref.readAs ? (/\.ya?ml$|(^|\/)Kustomization$/i.test(path) ? 'yaml' : null) : loaderAs(path);
  }
}

// Text that can hold a reference: a kustomization (by name), compose keys, or generators.
const YAML_GATE = /env_file|configmapgenerator|secretgenerator/i;
const COMPOSE_GATE = /(^|\n)(services|include):/;
const COMPOSE_KEYS = /extends|include|build|configs|secrets|\$\{|\$[A-Za-z_]/;

/** The references of one loader blob read as `as` (memoised per blob: several rules and commits share it). */
async function loaderRefs(path: string, blob: Blob, as: LoaderAs | null = loaderAs(path)): Promise<LoadedRef[]> {
  if (!as || !blob.isText) return [];
  return blob.parseAsync(`runtime-loaded:${as}:${path}`, async (b) => {
    if (as !== 'yaml') {
      return codeRefs(path, b.text, as).map((r) => ({
        path: r.paths[0]!,
        paths: r.paths,
        dotenv: r.readAs === 'dotenv',
        readAs: r.readAs,
        line: r.line,
        ...(r.glob ? { glob: true } : {}),
        ...(r.dir ? { dir: true } : {}),
        ...(r.module ? { module: true } : {}),
      }));
    }
    if (!/(^|\/)(kustomization\.ya?ml|Kustomization)$/i.test(path) && !YAML_GATE.test(b.text) && !(COMPOSE_GATE.test(b.text) && COMPOSE_KEYS.test(b.text))) return [];
    const loaded = await loadYamlDocuments(b);
    if (loaded.errors.length > 0 && loaded.docs.length === 0) return [];
    return referencedFiles(
      path,
      loaded.docs.map((d) => d.contents),
    );
  });
}

interface CommitLike {
  info: { oid: string | null; parents: string[]; transition?: { newOid: string } };
  changes: readonly FileChange[];
  snapshot: Snapshot;
}

/** loader path → its blob id, for one tree state. */
type LoaderMap = Map<string, string>;

/** Who loads a path: the loader and the reference. */
interface LoadedBy {
  loader: string;
  ref: LoadedRef;
}

/** What one loader blob adds to the reverse index (for one runtime scope). */
interface Contribution {
  exact: [string, LoadedBy][];
  wide: { test: (p: string) => boolean; by: LoadedBy }[];
  chained: [string, LoaderAs | null][];
}

/** The reverse index of one tree: loaded path → its first loader, plus the glob and directory references. */
export interface LoadedLookup {
  get(path: string): LoadedBy | undefined;
}

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * The reference index of a run: for each tree state (carried from parent to child through the
 * commits' own changes, so a push of 2,000 commits lists one tree), the loaders it holds —
 * compose and Kustomize files by name, Python/JS/TS, shell, Makefiles and Dockerfiles — and,
 * asked with a runtime scope, which loaded path is loaded by which live loader. The references
 * of a loader are computed once per blob (blob.parseAsync) and only for loaders that are live:
 * in runtime scope, or loaded by a live loader (a Kustomize base, an included compose file, a
 * Dockerfile named by compose, a module a runtime module imports), 4 deep.
 */
export class RuntimeLoadedIndex {
  private readonly byCommit = new Map<string, LoaderMap>();
  private readonly byPath = new WeakMap<LoaderMap, { scope: (path: string) => boolean; map: LoadedLookup; named: Set<string> }>();
  /** How a tree state's loaders came from its parent's: the loader paths a commit touched. */
  private readonly steps = new WeakMap<LoaderMap, { parent: LoaderMap; touched: string[] }>();
  private readonly scopes = new WeakMap<(path: string) => boolean, { scoped: Map<string, boolean>; contrib: Map<string, Contribution> }>();

  private static readonly shared = new WeakMap<object, RuntimeLoadedIndex>();

  /** The index of one run, shared by every rule that reads through `git` (one tree walk per push). */
  static of(git: { readBlob(oid: string): Promise<Blob | null> }): RuntimeLoadedIndex {
    const key: unknown = git;
    if (typeof key !== 'object' || key === null) return new RuntimeLoadedIndex((oid) => git.readBlob(oid));
    let i = RuntimeLoadedIndex.shared.get(git);
    if (!i) RuntimeLoadedIndex.shared.set(git, (i = new RuntimeLoadedIndex((oid) => git.readBlob(oid))));
    return i;
  }

  constructor(private readonly readBlob: (oid: string) => Promise<Blob | null>) {}

  /** References by loader (kind, path, blob id): a tree state that differs from its parent by a few files re-reads only those. */
  private readonly refsMemo = new Map<string, Promise<LoadedRef[]>>();

  /** The references of the loader at `path` with blob `oid`, read as `as`. */
  refsOf(path: string, oid: string, as: LoaderAs | null = loaderAs(path)): Promise<LoadedRef[]> {
    const key = `${as}\0${path}\0${oid}`;
    let p = this.refsMemo.get(key);
    if (!p) {
      p = this.readBlob(oid).then((blob) => (blob ? loaderRefs(path, blob, as) : []));
      this.refsMemo.set(key, p);
    }
    return p;
  }

  /**
   * Which live loader of `commit`'s tree loads each path (first loader by path order wins).
   * Live: loaders in runtime scope (`inScope`), and loaders that a live loader loads (4 deep).
   * A module import counts only for a module outside the scope (inside, it is read on its own).
   */
  async loadedIn(commit: CommitLike, inScope0: (path: string) => boolean): Promise<LoadedLookup> {
    const map = await this.loaders(commit);
    const memo = this.byPath.get(map);
    if (memo?.scope === inScope0) return memo.map;
    // A tree that differs from its parent's only in loaders that load nothing (before and after)
    // and that no live loader names: the parent's answer stands.
    const step = this.steps.get(map);
    const before = step ? this.byPath.get(step.parent) : undefined;
    if (step && before?.scope === inScope0) {
      const same = await (async () => {
        for (const t of step.touched) {
          if (before.named.has(t)) return false;
          if (!inScope0(t)) continue;
          for (const oid of [step.parent.get(t), map.get(t)]) {
            if (oid === undefined) continue;
            const r = await this.refsOf(t, oid, loaderAs(t));
            if (r.some((x) => !x.module || (x.paths ?? [x.path]).some((p) => !inScope0(p)))) return false;
          }
        }
        return true;
      })();
      if (same) {
        this.byPath.set(map, before);
        return before.map;
      }
    }
    // Per scope: whether a path is in it, and what each loader blob contributes (a commit that
    // changes a few loaders recomputes only theirs; the merge below is one pass over the rest).
    let perScope = this.scopes.get(inScope0);
    if (!perScope) this.scopes.set(inScope0, (perScope = { scoped: new Map(), contrib: new Map() }));
    const { scoped, contrib } = perScope;
    const inScope = (p: string) => {
      let v = scoped.get(p);
      if (v === undefined) scoped.set(p, (v = inScope0(p)));
      return v;
    };
    const contributionOf = async (loader: string, oid: string, as: LoaderAs | null): Promise<Contribution> => {
      const key = `${as}\0${loader}\0${oid}`;
      let c = contrib.get(key);
      if (!c) {
        const exact: [string, LoadedBy][] = [];
        const wide: { test: (p: string) => boolean; by: LoadedBy }[] = [];
        const chained: [string, LoaderAs | null][] = [];
        for (const ref of await this.refsOf(loader, oid, as)) {
          const by = { loader, ref };
          if (ref.inline) continue;
          if (ref.interp) {
            exact.push([ref.path, by]);
            continue;
          }
          if (ref.glob || ref.dir) {
            const prefix = ref.path.replace(/\/$/, '') + '/';
            wide.push({ test: ref.glob ? globTest(ref.path) : (p: string) => p.startsWith(prefix), by });
            continue;
          }
          for (const p of ref.paths ?? [ref.path]) {
            if (ref.module && inScope(p)) continue;
            exact.push([p, by]);
            // A loaded file that loads files in turn (and a Kustomize directory's kustomization).
            chained.push([p, loaderAsForRef(ref, p)]);
            if (ref.resource) for (const n of KUSTOMIZATION_NAMES) chained.push([`${p}/${n}`, 'yaml']);
          }
        }
        contrib.set(key, (c = { exact, wide, chained }));
      }
      return c;
    };
    const exact = new Map<string, LoadedBy>();
    const wide: { test: (p: string) => boolean; by: LoadedBy }[] = [];
    const live = new Map<string, LoaderAs | null>();
    for (const p of [...map.keys()].sort()) if (inScope(p)) live.set(p, loaderAs(p));
    let frontier = [...live.keys()];
    for (let depth = 0; depth <= 4 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const loader of frontier) {
        const c = await contributionOf(loader, map.get(loader)!, live.get(loader) ?? null);
        for (const [p, by] of c.exact) if (!exact.has(p)) exact.set(p, by);
        wide.push(...c.wide);
        for (const [p, as] of c.chained) {
          if (!map.has(p) || live.has(p)) continue;
          live.set(p, as);
          next.push(p);
        }
      }
      frontier = next;
    }
    // A directory reference (COPY docs/ /app/, a Kustomize resource directory) also covers the files under it.
    const lookup: LoadedLookup = {
      get(path) {
        const hit = exact.get(path);
        if (hit) return hit;
        for (const w of wide) if (w.test(path)) return w.by;
        for (let d = path.lastIndexOf('/'); d > 0; d = path.lastIndexOf('/', d - 1)) {
          const up = exact.get(path.slice(0, d));
          if (up && (up.ref.readAs?.startsWith('name:') || up.ref.readAs === 'by-name')) return up;
        }
        return undefined;
      },
    };
    const named = new Set<string>();
    for (const loader of live.keys()) for (const [p] of (await contributionOf(loader, map.get(loader)!, live.get(loader) ?? null)).chained) named.add(p);
    this.byPath.set(map, { scope: inScope0, map: lookup, named });
    return lookup;
  }

  /**
   * The name transforms Kustomize applies to the manifest at `path` in `commit`'s tree: one
   * entry per kustomization chain that renders it (prefixes of overlays over bases compose:
   * overlay prefix + base prefix + name + base suffix + overlay suffix).
   */
  async renames(commit: CommitLike, path: string): Promise<{ prefix: string; suffix: string; via: string }[]> {
    const map = await this.loaders(commit);
    const kustomizations: [string, LoadedRef[]][] = [];
    for (const [loader, oid] of map) if (/(^|\/)(kustomization\.ya?ml|Kustomization)$/i.test(loader)) kustomizations.push([loader, await this.refsOf(loader, oid, 'yaml')]);
    const out: { prefix: string; suffix: string; via: string }[] = [];
    const up = (target: string, prefix: string, suffix: string, depth: number) => {
      for (const [loader, refs] of kustomizations) {
        for (const r of refs) {
          if (!r.resource || r.path !== target) continue;
          const p = r.resource.prefix + prefix;
          const s = suffix + r.resource.suffix;
          if (p !== '' || s !== '') out.push({ prefix: p, suffix: s, via: loader });
          const dir = loader.includes('/') ? loader.slice(0, loader.lastIndexOf('/')) : '';
          if (depth < 4 && dir !== '') up(dir, p, s, depth + 1);
        }
      }
    };
    up(path, '', '', 0);
    return out;
  }

  private async loaders(commit: CommitLike): Promise<LoaderMap> {
    const oid = commit.info.transition?.newOid ?? commit.info.oid ?? 'index';
    const known = this.byCommit.get(oid);
    if (known) return known;
    const parent = commit.info.parents.length === 1 && !commit.info.transition ? this.byCommit.get(commit.info.parents[0]!) : undefined;
    let map: LoaderMap;
    if (parent) {
      // The parent's loaders, with this commit's changed loader files replaced.
      map = parent;
      const touched = commit.changes.filter((c) => isRuntimeLoader(c.path) || (c.oldPath !== null && isRuntimeLoader(c.oldPath)));
      if (touched.length > 0) {
        map = new Map(parent);
        this.steps.set(map, { parent, touched: touched.flatMap((c) => (c.oldPath !== null ? [c.oldPath, c.path] : [c.path])) });
        for (const c of touched) {
          if (c.oldPath !== null) map.delete(c.oldPath);
          map.delete(c.path);
          if (c.status !== 'D' && c.newOid && isRuntimeLoader(c.path) && (c.newMode === '100644' || c.newMode === '100755')) map.set(c.path, c.newOid);
        }
      }
    } else {
      // isRuntimeLoader reads the path only: the listing is memoised per subtree (a merge walks only its new trees).
      map = new Map();
      for (const e of await commit.snapshot.list(isRuntimeLoader, { memo: true })) if (e.mode === '100644' || e.mode === '100755') map.set(e.path, e.oid);
    }
    this.byCommit.set(oid, map);
    return map;
  }
}

function globTest(pattern: string): (path: string) => boolean {
  const re = picomatch.makeRe(pattern, { dot: true });
  return (p) => re.test(p);
}

/** A file some runtime file loads, handed to a rule to judge with the reader the loading implies. */
export interface LoadedFile {
  /** Where findings go: the loaded file (or the loader, for content it holds itself). */
  path: string;
  blob: Blob;
  /** The name whose format picks the reader (`docs/prod.env` loaded by load_dotenv: read as an env file). */
  readPath: string;
  /** Appended to a finding's message: how the runtime comes to read it. */
  via: string;
  /** The commit to attribute findings to. */
  commit: string | null;
  /** Line in `path` of line `n` of `blob` (inline content sits inside its loader). */
  line?: (n: number) => number;
  /** Report only what this blob (the loader as written) does not already say: compose interpolation. */
  unlessIn?: Blob;
}

interface GitLike {
  readBlob(oid: string): Promise<Blob | null>;
}

interface RunLike {
  commits: readonly CommitLike[];
  changeSet: { changes: readonly FileChange[] };
}

/** A tree scan has no commits: its changes are every file of the tree, which is then its own snapshot. */
function treeAsCommit(changes: readonly FileChange[]): CommitLike {
  const byPath = new Map(changes.filter((c) => c.newOid && c.newMode).map((c) => [c.path, { path: c.path, mode: c.newMode!, oid: c.newOid! }]));
  const snapshot: Snapshot = {
    id: 'tree',
    list: async (match) => [...byPath.values()].filter((e) => !match || match(e.path, e.mode)),
    entry: async (path) => byPath.get(path) ?? null,
  };
  return { info: { oid: null, parents: [] }, changes, snapshot };
}

const REGULAR = new Set(['100644', '100755']);

/** How a loaded path is read: the name handed to the settings readers. */
function readPathFor(ref: LoadedRef, path: string): string {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  const as = ref.readAs ?? (ref.dotenv ? 'dotenv' : 'by-name');
  if (as === 'dotenv') return /(^|\/)\.env([.-]|$)|\.env$/i.test(path) ? path : `${path}.env`;
  if (as === 'shell') return /\.(sh|bash|env)$/i.test(path) ? path : `${path}.sh`;
  if (as === 'python') return /\.pyw?$/i.test(path) ? path : `${path}.py`;
  if (as === 'js') return /\.([cm]?[jt]s|[jt]sx|json)$/i.test(path) ? path : `${path}.js`;
  if (as === 'dockerfile') return `${dir}Dockerfile`;
  if (as === 'compose') return /\.ya?ml$/i.test(path) ? path : `${path}.yaml`;
  if (as.startsWith('name:') && ref.path === path) return `${dir}${as.slice(5)}`;
  return path;
}

/** K=V lines of a project .env as Compose reads them for interpolation (quotes removed). */
function envValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(raw);
    if (!m) continue;
    let v = m[2]!.trim();
    if (/^"(.*)"$/.test(v) || /^'(.*)'$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '');
    out.set(m[1]!, v);
  }
  return out;
}

/** The compose text with ${VAR} / $VAR / ${VAR:-d} taken from the project .env (null: nothing substituted). */
function interpolate(text: string, env: Map<string, string>): string | null {
  let changed = false;
  const out = text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?=+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, a: string | undefined, op: string | undefined, d: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      const v = env.get(name);
      if (v === undefined) return m;
      if (op?.includes('+')) return m;
      if (op?.startsWith(':') && v === '') return d ?? '';
      changed = true;
      return v;
    },
  );
  return changed ? out : null;
}

/**
 * Every file a runtime file loads that a push changes or starts loading, for a rule to judge:
 *  - forward: a changed loader in runtime scope (and the loaders it loads, 4 deep): each file
 *    it loads, wherever it lives — outside the scope every time the loader changes; inside the
 *    scope when the reference is new (a new loader of an unchanged file re-judges it: its old
 *    inline exceptions and baseline entries do not cover what the new loader does) or the
 *    implied reader differs from the file's own; content the loader holds itself
 *    (dockerfile_inline, configs.content); the loader re-read with the project .env;
 *  - reverse: a file outside the scope (or a project .env) changed while an unchanged live
 *    loader of the same tree loads it (RuntimeLoadedIndex).
 */
export async function visitLoaded(run: RunLike, git: GitLike, inScope: (path: string) => boolean, visit: (f: LoadedFile) => Promise<void>): Promise<void> {
  const index = RuntimeLoadedIndex.of(git);
  let reverseLive = false;
  const commits = run.commits.length > 0 ? run.commits : run.changeSet.changes.length > 0 ? [treeAsCommit(run.changeSet.changes)] : [];
  for (const commit of commits) {
    const changedAt = new Map(commit.changes.filter((c) => c.status !== 'D').map((c) => [c.path, c]));
    const seen = new Set<string>();
    const once = (k: string) => (seen.has(k) ? false : (seen.add(k), true));
    const snap = commit.snapshot;
    const readEntry = async (p: string) => {
      const e = await snap.entry(p);
      return e && REGULAR.has(e.mode) ? e : null;
    };
    const interpVisit = async (loader: string, loaderBlob: Blob, envPath: string, commitOid: string | null, via: string) => {
      const e = await readEntry(envPath);
      const eb = e ? await git.readBlob(e.oid) : null;
      if (!eb || !eb.isText) return;
      const text = interpolate(loaderBlob.text, envValues(eb.text));
      if (text === null) return;
      await visit({ path: loader, blob: new Blob(`interp:${loaderBlob.oid}:${eb.oid}`, Buffer.from(text)), readPath: loader, via, commit: commitOid, unlessIn: loaderBlob });
    };
    // Forward.
    const follow = async (
      loader: string,
      oid: string,
      as: LoaderAs | null,
      isNew: ((path: string) => Promise<boolean>) | null,
      commitOid: string | null,
      chain: string,
      depth: number,
    ): Promise<void> => {
      const refs = await index.refsOf(loader, oid, as);
      if (refs.length === 0) return;
      const lb = await git.readBlob(oid);
      if (!lb || !lb.isText) return;
      for (const ref of refs) {
        const via = ` (read through ${chain})`;
        if (ref.inline) {
          if (!once(`inline\0${loader}\0${ref.line}`)) continue;
          const blob = new Blob(`inline:${oid}:${ref.line}`, Buffer.from(ref.inline.text));
          const start = ref.line ?? 1;
          const block = /[|>][-+0-9]*\s*$/.test(lb.line(start));
          await visit({
            path: loader,
            blob,
            readPath: readPathFor(ref, `${loader.includes('/') ? loader.slice(0, loader.lastIndexOf('/') + 1) : ''}${ref.inline.name}`),
            via,
            commit: commitOid,
            line: (n) => (block ? start + n : start),
          });
          continue;
        }
        if (ref.interp) {
          if (once(`interp\0${loader}`)) await interpVisit(loader, lb, ref.path, commitOid, ` (interpolated from ${ref.path})`);
          continue;
        }
        const targets: { path: string; oid: string; mode: string; under?: boolean }[] = [];
        if (ref.glob) targets.push(...(await snap.list(globTest(ref.path))).filter((e) => REGULAR.has(e.mode)));
        else {
          for (const p of ref.paths ?? [ref.path]) {
            if (ref.module && inScope(p)) continue; // read on its own
            const e = await snap.entry(p);
            // A directory (the index of a staged change holds no tree entries: null there too).
            if (!e || e.mode === '040000') {
              if (ref.resource) {
                for (const n of KUSTOMIZATION_NAMES) {
                  const k = await readEntry(`${p}/${n}`);
                  if (k && depth < 4 && once(`loader\0${k.path}`)) await follow(`${p}/${n}`, k.oid, 'yaml', null, commitOid, `${chain} → ${p}/${n}`, depth + 1);
                }
              } else if (!ref.module && (e || ref.dir || ref.readAs === 'by-name' || ref.readAs?.startsWith('name:'))) {
                const prefix = `${p}/`;
                targets.push(...(await snap.list((q) => q.startsWith(prefix))).filter((x) => REGULAR.has(x.mode)).map((x) => ({ ...x, under: true })));
              }
              continue;
            }
            if (REGULAR.has(e.mode)) targets.push({ path: p, oid: e.oid, mode: e.mode });
          }
        }
        for (const t of targets) {
          // Under a directory: the settings files (code and prose copied along are read on their own).
          if (t.under && (codeLoaderKind(t.path) !== null || /\.(md|markdown|rst|adoc|txt|html?)$/i.test(t.path))) continue;
          const readPath = t.under || ref.glob ? t.path : readPathFor(ref, t.path);
          const scoped = inScope(t.path);
          if (scoped && ref.module) continue;
          if (scoped) {
            const sameReader = readPath === t.path;
            if (sameReader && (changedAt.has(t.path) || ref.glob || ref.dir || t.under || !isNew || !(await isNew(t.path)))) continue;
          }
          if (!once(`file\0${t.path}\0${readPath}`)) continue;
          const b = await git.readBlob(t.oid);
          if (b && b.isText) await visit({ path: t.path, blob: b, readPath, via, commit: commitOid });
          const chained = loaderAsForRef(ref, t.path);
          if (chained && depth < 4 && once(`loader\0${t.path}`)) await follow(t.path, t.oid, chained, null, commitOid, `${chain} → ${t.path}`, depth + 1);
        }
      }
    };
    for (const c of commit.changes) {
      if (c.status === 'D' || !c.newOid || !REGULAR.has(c.newMode ?? '') || !inScope(c.path)) continue;
      const as = loaderAs(c.path);
      if (!as) continue;
      // The references the loader had before (read only when asked: an in-scope file it loads):
      // a reference that is new re-judges what it loads.
      let oldRefs: Promise<Set<string> | null> | undefined;
      const isNew = async (path: string) => {
        oldRefs ??= (async () => {
          const refs = new Set<string>();
          if (!c.oldOid || !REGULAR.has(c.oldMode ?? '')) return refs;
          const oldPath = c.oldPath ?? c.path;
          if (!(await git.readBlob(c.oldOid))) return null;
          for (const r of await index.refsOf(oldPath, c.oldOid, loaderAs(oldPath))) for (const p of r.paths ?? [r.path]) refs.add(p);
          return refs;
        })();
        const refs = await oldRefs;
        return refs !== null && !refs.has(path);
      };
      if (once(`loader\0${c.path}`)) await follow(c.path, c.newOid, as, isNew, c.commit, c.path, 0);
    }
    // Reverse: a loaded file changed on its own.
    const candidates = commit.changes.filter((c) => c.status !== 'D' && c.newOid && REGULAR.has(c.newMode ?? '') && (!inScope(c.path) || /(^|\/)\.env$/.test(c.path)));
    if (!reverseLive && candidates.length === 0) continue;
    reverseLive = true; // from here on the index is carried commit to commit
    const loaded = await index.loadedIn(commit, inScope);
    for (const c of candidates) {
      const by = loaded.get(c.path);
      if (!by || changedAt.has(by.loader)) continue;
      const via = ` (loaded by ${by.loader})`;
      if (by.ref.interp) {
        const le = await readEntry(by.loader);
        const lb = le ? await git.readBlob(le.oid) : null;
        if (lb && lb.isText && once(`interp\0${by.loader}`)) await interpVisit(by.loader, lb, c.path, c.commit, ` (interpolated from ${c.path})`);
        continue;
      }
      if (inScope(c.path)) continue;
      const readPath = (by.ref.paths ?? [by.ref.path]).includes(c.path) && !by.ref.glob ? readPathFor(by.ref, c.path) : c.path;
      if (!once(`file\0${c.path}\0${readPath}`)) continue;
      const b = await git.readBlob(c.newOid!);
      if (b && b.isText) await visit({ path: c.path, blob: b, readPath, via, commit: c.commit });
    }
  }
}
