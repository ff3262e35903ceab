// The sentinel rule over real staged changes and ranges of commits.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { check } from '../../doors/check.js';
import type { Finding } from '../../findings/types.js';
import { Repo, type Sandbox, committedRepo } from '../../../test/helpers/repo.js';

const boxes: Sandbox[] = [];
afterEach(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

const repoWith = (config: Record<string, unknown>, old: Record<string, string>) => committedRepo(boxes, config, old);

const only = (fs: Finding[]) => fs.filter((f) => f.rule === 'sentinel');
const brief = (fs: Finding[]) => only(fs).map((f) => `${f.path}:${f.line ?? '-'} ${f.message}`);

async function staged(repo: Repo): Promise<Finding[]> {
  return (await check({ cwd: repo.path, env: repo.env, door: 'pre-commit', request: { kind: 'staged' } })).report.findings;
}

async function range(repo: Repo, r: string): Promise<Finding[]> {
  return (await check({ cwd: repo.path, env: repo.env, door: 'scan', request: { kind: 'range', range: r } })).report.findings;
}

const SUMS = (files: Record<string, string>) =>
  Object.keys(files)
    .sort()
    .map((p) => `${sha(files[p]!)}  ${p}\n`)
    .join('');

describe('sentinel', () => {
  const config = { extends: [], sentinels: [{ path: 'SHA256SUMS', covers: ['dist/**'] }] };
  const dist = { 'dist/a.bin': 'a\n', 'dist/b.bin': 'b\n' };

  it('names each stale, missing, extra and duplicate entry at its line', async () => {
    const repo = repoWith(config, { ...dist, SHA256SUMS: SUMS(dist) });
    repo.write('dist/a.bin', 'changed\n').write('dist/c.bin', 'c\n');
    repo.write('SHA256SUMS', SUMS(dist) + `${sha('x')}  dist/gone.bin\n${sha('b\n')}  dist/b.bin\nnonsense\n`);
    repo.git('add', '-A');
    expect(brief(await staged(repo))).toEqual([
      'SHA256SUMS:- SHA256SUMS does not list dist/c.bin',
      expect.stringMatching(/^SHA256SUMS:1 SHA256SUMS is stale for dist\/a.bin/),
      'SHA256SUMS:3 SHA256SUMS lists dist/gone.bin, which is not a covered file here (deleted, renamed, or outside `covers`)',
      'SHA256SUMS:4 dist/b.bin is listed twice in SHA256SUMS',
      'SHA256SUMS:5 sentinel SHA256SUMS: not a sha256sum line (`<64 hex>  <path>`)',
    ]);
  });

  it('passes when exact, and does no work when nothing it depends on changed', async () => {
    const repo = repoWith(config, { ...dist, SHA256SUMS: 'stale\n', 'src/x.ts': '1\n' });
    repo.write('src/x.ts', '2\n');
    repo.git('add', '-A');
    expect(only(await staged(repo))).toEqual([]);
    repo.write('SHA256SUMS', SUMS(dist));
    repo.git('add', '-A');
    expect(only(await staged(repo))).toEqual([]);
  });

  it('a deleted or missing sentinel blocks', async () => {
    const repo = repoWith(config, { ...dist, SHA256SUMS: SUMS(dist) });
    repo.rm('SHA256SUMS');
    repo.git('add', '-A');
    expect(brief(await staged(repo))).toEqual(['SHA256SUMS:- sentinel SHA256SUMS is missing']);
  });

  it('json format, paths relative to the sentinel directory', async () => {
    const cfg = { extends: [], sentinels: [{ path: 'dist/manifest.json', covers: ['dist/**'], format: 'json', relative_to: 'sentinel' }] };
    const doc = (a: string) => JSON.stringify({ version: 1, files: { 'a.bin': sha(a), 'b.bin': sha('b\n') } }, null, 2) + '\n';
    const repo = repoWith(cfg, { ...dist, 'dist/manifest.json': doc('a\n') });
    repo.write('dist/a.bin', 'z\n');
    repo.git('add', '-A');
    expect(brief(await staged(repo))).toEqual([expect.stringMatching(/^dist\/manifest.json:4 dist\/manifest.json is stale for dist\/a.bin/)]);
    repo.write('dist/manifest.json', doc('z\n'));
    repo.git('add', '-A');
    expect(only(await staged(repo))).toEqual([]);
  });

  it('every commit of a range is checked: a later commit restoring the sentinel does not excuse an earlier one', async () => {
    const repo = repoWith(config, { ...dist, SHA256SUMS: SUMS(dist) });
    const base = repo.head();
    repo.write('dist/a.bin', 'evil\n');
    repo.commitAll('edit a covered file');
    const first = repo.head();
    repo.write('SHA256SUMS', SUMS({ ...dist, 'dist/a.bin': 'evil\n' }));
    repo.commitAll('restore the sentinel by hand');
    const fs = only(await range(repo, `${base}..HEAD`));
    expect(fs).toHaveLength(1);
    expect(fs[0]!.commit).toBe(first);
    expect(fs[0]!.message).toMatch(/stale for dist\/a.bin/);
  });

  it('case-insensitive policies match entries whatever their case', async () => {
    const cfg = { ...config, case_insensitive_paths: true };
    const repo = repoWith(cfg, { ...dist, SHA256SUMS: SUMS(dist).replace('dist/a.bin', 'DIST/A.BIN') });
    repo.write('dist/b.bin', 'b\n');
    repo.write('SHA256SUMS', SUMS(dist).replace('dist/a.bin', 'DIST/A.BIN') + '\n');
    repo.git('add', '-A');
    expect(only(await staged(repo))).toEqual([]);
  });
});
