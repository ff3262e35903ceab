// Files that runtime configuration in the tree makes the runtime read: compose `env_file:` and
// Kustomize configMapGenerator / secretGenerator `envs:` / `files:`. Such a file is runtime
// content wherever it lives (docs/dev1.env loaded by docker-compose.yml is the container's
// environment), so a change to it ON ITS OWN, the loading file unchanged, must be judged.
//
// `RuntimeLoadedIndex` answers "which loader in this commit's tree loads path P?". Built once
// per push from one tree listing (the first commit that needs it), then carried from parent to
// child through the commits' own changes (only changed loader files are re-read), so a push of
// 2,000 commits walks one tree, not 2,000. Loaders are recognised by name (compose files:
// docker-compose*.y(a)ml, compose*.y(a)ml; kustomization.y(a)ml, Kustomization).
import type { Blob } from '../changeset/blob.js';
import type { FileChange, Snapshot } from '../changeset/types.js';
import { loadYamlDocuments, type YamlNode } from './yaml.js';

export interface LoadedRef {
  path: string;
  /** Read as an env file (compose env_file, Kustomize envs) whatever its name. */
  dotenv: boolean;
  /**
   * A Kustomize `resources:` entry (a manifest, or a directory holding a kustomization), with
   * the kustomization's namePrefix / nameSuffix: the names it is deployed under.
   */
  resource?: { prefix: string; suffix: string };
}

const LOADER = /(^|\/)((docker-)?compose([.-][^/]*)?\.ya?ml|kustomization\.ya?ml|Kustomization)$/i;

/** A compose or Kustomize file by name: the files the index reads. */
function isRuntimeLoader(path: string): boolean {
  return LOADER.test(path);
}

/**
 * Files a YAML manifest makes the runtime read as config: compose `env_file:` (a string, a
 * list of strings or of {path}), Kustomize configMapGenerator / secretGenerator `envs:` (env
 * files) and `files:` (`[key=]path`). Paths are resolved against the manifest's directory.
 */
export function referencedFiles(manifest: string, roots: readonly (YamlNode | null)[]): LoadedRef[] {
  const dir = manifest.includes('/') ? manifest.slice(0, manifest.lastIndexOf('/') + 1) : '';
  const out = new Map<string, boolean>();
  const add = (p: string, dotenv: boolean) => {
    if (!p || p.includes('${') || /^[a-z]+:\/\//i.test(p) || p.startsWith('/')) return;
    const n = insideRepo(dir + p);
    if (n) out.set(n, (out.get(n) ?? false) || dotenv);
  };
  const strings = (n: YamlNode | null | undefined, field?: string): string[] => {
    if (!n) return [];
    if (n.kind === 'scalar') return typeof n.value === 'string' ? [n.value] : [];
    if (n.kind === 'seq') return n.items.flatMap((i) => (i?.kind === 'map' && field ? strings(i.pairs.find((p) => p.key === field)?.value) : strings(i)));
    return [];
  };
  const visit = (n: YamlNode | null, depth: number): void => {
    if (!n || depth > 8) return;
    if (n.kind === 'seq') for (const i of n.items) visit(i, depth + 1);
    if (n.kind !== 'map') return;
    for (const p of n.pairs) {
      if (p.key === 'env_file') for (const f of strings(p.value, 'path')) add(f, true);
      else if ((p.key === 'envs' || p.key === 'env') && depth > 0) for (const f of strings(p.value)) add(f, true);
      else if (p.key === 'files' && depth > 0) for (const f of strings(p.value)) add(f.includes('=') ? f.slice(f.indexOf('=') + 1) : f, false);
      else visit(p.value, depth + 1);
    }
  };
  for (const r of roots) visit(r, 0);
  const refs: LoadedRef[] = [...out].map(([path, dotenv]) => ({ path, dotenv }));
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
          const n = insideRepo(dir + f);
          if (n && !/^[a-z]+:\/\//i.test(f)) refs.push({ path: n, dotenv: false, resource });
        }
      }
      // Patch files: manifests kustomize merges into the output.
      for (const k of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
        for (const f of strings(r.pairs.find((p) => p.key === k)?.value, 'path')) {
          const n = f.includes('\n') || f.includes(':') ? null : insideRepo(dir + f);
          if (n) refs.push({ path: n, dotenv: false });
        }
      }
    }
  }
  return refs;
}

/** `a/./b/../c` → `a/c`; null when it climbs above the repository root. */
function insideRepo(path: string): string | null {
  const segs: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segs.length === 0) return null;
      segs.pop();
    } else segs.push(s);
  }
  return segs.length > 0 ? segs.join('/') : null;
}

/** The references of one loader blob (memoised per blob: several rules and commits share it). */
async function refsOfBlob(path: string, blob: Blob): Promise<LoadedRef[]> {
  if (!/env_file|envs:|files:|resources:|bases:/.test(blob.text)) return [];
  const docs = (await loadYamlDocuments(blob)).docs.map((d) => d.contents);
  return referencedFiles(path, docs);
}

interface CommitLike {
  info: { oid: string | null; parents: string[]; transition?: { newOid: string } };
  changes: readonly FileChange[];
  snapshot: Snapshot;
}

/** loader path → its references, for one tree state. */
type LoaderMap = Map<string, LoadedRef[]>;

export class RuntimeLoadedIndex {
  private readonly byCommit = new Map<string, LoaderMap>();
  private readonly byPath = new WeakMap<LoaderMap, { scope: (path: string) => boolean; map: Map<string, { loader: string; ref: LoadedRef }> }>();

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

  /**
   * Which loader of `commit`'s tree loads each path (first loader by path order wins). Only
   * loaders that are deployed count: those in runtime scope (`inScope`), and the kustomizations
   * of directories they list as resources or components (bases outside the scope, 4 deep).
   */
  async loadedIn(commit: CommitLike, inScope: (path: string) => boolean): Promise<Map<string, { loader: string; ref: LoadedRef }>> {
    const map = await this.loaders(commit);
    const memo = this.byPath.get(map);
    let byPath = memo?.scope === inScope ? memo.map : undefined;
    if (!byPath) {
      byPath = new Map();
      const live = new Set([...map.keys()].filter(inScope));
      let frontier = [...live];
      for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
        const next: string[] = [];
        for (const loader of frontier) {
          for (const ref of map.get(loader)!) {
            if (!ref.resource) continue;
            for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
              const k = `${ref.path}/${name}`;
              if (map.has(k) && !live.has(k)) {
                live.add(k);
                next.push(k);
              }
            }
          }
        }
        frontier = next;
      }
      for (const loader of [...live].sort()) for (const ref of map.get(loader)!) if (!byPath.has(ref.path)) byPath.set(ref.path, { loader, ref });
      this.byPath.set(map, { scope: inScope, map: byPath });
    }
    return byPath;
  }

  /**
   * The name transforms Kustomize applies to the manifest at `path` in `commit`'s tree: one
   * entry per kustomization chain that renders it (prefixes of overlays over bases compose:
   * overlay prefix + base prefix + name + base suffix + overlay suffix).
   */
  async renames(commit: CommitLike, path: string): Promise<{ prefix: string; suffix: string; via: string }[]> {
    const map = await this.loaders(commit);
    const out: { prefix: string; suffix: string; via: string }[] = [];
    const up = (target: string, prefix: string, suffix: string, depth: number) => {
      for (const [loader, refs] of map) {
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
      // The parent's loaders, with this commit's changed loader files re-read.
      map = parent;
      const touched = commit.changes.filter((c) => isRuntimeLoader(c.path) || (c.oldPath !== null && isRuntimeLoader(c.oldPath)));
      if (touched.length > 0) {
        map = new Map(parent);
        for (const c of touched) {
          if (c.oldPath !== null) map.delete(c.oldPath);
          map.delete(c.path);
          if (c.status !== 'D' && c.newOid && isRuntimeLoader(c.path) && (c.newMode === '100644' || c.newMode === '100755')) await this.add(map, c.path, c.newOid);
        }
      }
    } else {
      map = new Map();
      for (const e of await commit.snapshot.list(isRuntimeLoader)) if (e.mode === '100644' || e.mode === '100755') await this.add(map, e.path, e.oid);
    }
    this.byCommit.set(oid, map);
    return map;
  }

  private async add(map: LoaderMap, path: string, oid: string): Promise<void> {
    const blob = await this.readBlob(oid);
    if (!blob || !blob.isText) return;
    const refs = await blob.parseAsync(`runtime-loaded:${path}`, (b) => refsOfBlob(path, b));
    if (refs.length > 0) map.set(path, refs);
  }
}
