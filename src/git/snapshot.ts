// Tree states as Snapshots: a commit's tree (`git ls-tree -r`) or the index (`git ls-files -s`).
// Listed once on first use and kept for the run; rules that never ask cost nothing.
import type { Snapshot, TreeEntry } from '../changeset/types.js';
import { splitZ, type GitRunner } from './exec.js';

export function commitSnapshot(git: GitRunner, rev: string): Snapshot {
  let entries: Promise<Map<string, TreeEntry>> | null = null;
  const load = () =>
    (entries ??= git.run(['ls-tree', '-r', '-z', '--full-tree', rev]).then((r) => {
      const map = new Map<string, TreeEntry>();
      for (const rec of splitZ(r.stdout)) {
        // <mode> SP <type> SP <oid> TAB <path>
        const tab = rec.indexOf('\t');
        const [mode, , oid] = rec.slice(0, tab).split(' ');
        const path = rec.slice(tab + 1);
        map.set(path, { path, mode: mode!, oid: oid! });
      }
      return map;
    }));
  return makeSnapshot(rev, load);
}

export function indexSnapshot(git: GitRunner): Snapshot {
  let entries: Promise<Map<string, TreeEntry>> | null = null;
  const load = () =>
    (entries ??= git.run(['ls-files', '-s', '-z']).then((r) => {
      const map = new Map<string, TreeEntry>();
      for (const rec of splitZ(r.stdout)) {
        // <mode> SP <oid> SP <stage> TAB <path>; during a conflicted merge keep stage 0 or the highest.
        const tab = rec.indexOf('\t');
        const [mode, oid] = rec.slice(0, tab).split(' ');
        const path = rec.slice(tab + 1);
        map.set(path, { path, mode: mode!, oid: oid! });
      }
      return map;
    }));
  return makeSnapshot('index', load);
}

function makeSnapshot(id: string, load: () => Promise<Map<string, TreeEntry>>): Snapshot {
  return {
    id,
    async list(match) {
      const all = [...(await load()).values()];
      return match ? all.filter((e) => match(e.path)) : all;
    },
    async entry(path) {
      return (await load()).get(path) ?? null;
    },
  };
}
