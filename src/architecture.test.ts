// docs/ARCHITECTURE.md is true file by file: every file and folder it names exists, and every
// folder of src/ is described in its layout table (a rule folder by its id in the rules row).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');

/** Files and folders below a folder, repository-relative. */
function below(dir: string): string[] {
  if (!existsSync(join(ROOT, dir)) || !statSync(join(ROOT, dir)).isDirectory()) return [];
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name.startsWith('.') ? [] : e.isDirectory() ? [`${dir}${e.name}/`, ...below(`${dir}${e.name}/`)] : [`${dir}${e.name}`],
  );
}

interface Row {
  /** The folder the row's bare names are relative to (repository-relative, ends with `/`). */
  base: string;
  /** Repository-relative paths the first column names. */
  paths: string[];
  /** Backticked words of the second column. */
  words: string[];
  /** Folders a placeholder names (`src/rules/<id>/` → `src/rules/`). */
  placeholders: string[];
}

const ticks = (s: string) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The layout table: `| path, path | what lives there |`. A row naming a placeholder (`src/rules/<id>/`) is left out. */
function layoutRows(doc: string): Row[] {
  const start = doc.indexOf('## Layout, file by file');
  const section = doc.slice(start, doc.indexOf('\n## ', start + 3));
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    const cells = /^\|\s*(.+?)\s*\|\s*(.+?)\s*\|$/.exec(line);
    if (!cells || cells[1] === 'path' || /^-+$/.test(cells[1]!)) continue;
    const all = ticks(cells[1]!);
    const placeholders = all.filter((t) => t.includes('<')).map((t) => t.slice(0, t.lastIndexOf('/', t.indexOf('<')) + 1));
    const named = all.filter((t) => !t.includes('<'));
    const first = named[0];
    if (!first) {
      rows.push({ base: placeholders[0] ?? '', paths: [], words: ticks(cells[2]!), placeholders });
      continue;
    }
    // Names after the first sit beside it: in its folder (a file) or its parent (a folder).
    const beside = first.endsWith('/') ? first.slice(0, -1) : first;
    const base = dirname(beside) === '.' ? '' : `${dirname(beside)}/`;
    const paths = named.map((p, i) => (i === 0 || /^(src|test|bench|docs)\//.test(p) ? p : base + p));
    rows.push({ base: first.endsWith('/') ? first : base, paths, words: ticks(cells[2]!), placeholders });
  }
  return rows;
}

function folders(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== '__test__')
    .flatMap((e) => {
      const d = `${dir}${e.name}/`;
      return [d, ...folders(d)];
    });
}

const rows = layoutRows(DOC);

describe('docs/ARCHITECTURE.md', () => {
  it('reads its layout table', () => {
    expect(rows.length).toBeGreaterThan(30);
    expect(rows.find((r) => r.paths.includes('src/cli/usage.ts'))?.base).toBe('src/cli/');
  });

  it('names only files and folders that exist', () => {
    const missing: string[] = [];
    for (const r of rows) {
      for (const p of r.paths) if (!existsSync(join(ROOT, p))) missing.push(p);
      // Bare file names and sub-folders in the description sit in the row's folder or below it.
      const there = below(r.base);
      for (const w of r.words) {
        if (!/^[\w.-]+\.(ts|mjs|md)$|^[\w.-]+\/$/.test(w) || w.startsWith('.')) continue;
        if (!there.some((p) => p === r.base + w || p.endsWith(`/${w}`))) missing.push(`${w} (described in the row of ${r.paths[0]}, not in ${r.base || 'the root'})`);
      }
    }
    // Paths anywhere in the text: `engine/run.ts` (under src/), `test/helpers/repo.ts`.
    for (const t of ticks(DOC)) {
      if (!/^[\w.-]+(\/[\w.-]+)+\.(ts|mjs)$/.test(t)) continue;
      const p = /^(src|test|bench)\//.test(t) ? t : `src/${t}`;
      if (!existsSync(join(ROOT, p))) missing.push(`${p} (named in the text)`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it('names every module of src/ outside the rule folders (a rule folder is described by the rules row)', () => {
    const modules = below('src/').filter((p) => p.endsWith('.ts') && !/\.test(-helper)?\.ts$|\.test-helper\.ts$|\/__test__\//.test(p) && !/^src\/rules\/[a-z-]+\//.test(p));
    const named = (file: string) =>
      rows.some(
        (r) =>
          r.paths.includes(file) ||
          (file.startsWith(r.base) &&
            (r.words.includes(file.slice(file.lastIndexOf('/') + 1)) ||
              r.paths.some((p) => p.endsWith(`/${file.slice(file.lastIndexOf('/') + 1)}`) && dirname(p) === dirname(file)))),
      );
    expect(modules.filter((f) => !named(f))).toEqual([]);
  });

  it('describes every folder of src/', () => {
    const described = new Set<string>();
    for (const r of rows) {
      for (const p of r.paths) {
        const full = join(ROOT, p);
        if (!existsSync(full)) continue;
        described.add(statSync(full).isDirectory() ? (p.endsWith('/') ? p : p + '/') : dirname(p) + '/');
      }
      for (const w of r.words) if (/^[\w.-]+\/$/.test(w)) described.add(r.base + w);
      for (const p of r.placeholders) described.add(p);
    }
    // The rules row: `Rules: agent-mode, generated-file, …`.
    const ruleIds = DOC.slice(DOC.indexOf('Rules: ')).split('. |')[0]!.split('|')[0]!;
    const undescribed = folders('src/').filter((d) => {
      if (described.has(d)) return false;
      const rule = /^src\/rules\/([a-z-]+)\/$/.exec(d);
      return !(rule && new RegExp(`\\b${rule[1]}\\b`).test(ruleIds));
    });
    expect(undescribed).toEqual([]);
  });
});
