import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedServerPolicy, repoIdentity, SERVER_POLICY_CACHE_FILE } from './server-cache.js';
import type { Policy } from './schema.js';

let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'sg-server-cache-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const fakePolicy = (hash: string, file: string) => ({ hash, sources: [file], server: { policySource: 'file' } }) as unknown as Policy;

function repo(name: string, content: string): { gitDir: string; file: string } {
  const gitDir = join(dir, name);
  mkdirSync(join(gitDir, 'safety-gate'), { recursive: true });
  const file = join(gitDir, 'safety-gate/policy.yaml');
  writeFileSync(file, content);
  return { gitDir, file };
}

describe('cachedServerPolicy', () => {
  it('hits while the files hash the same, misses on an edit that keeps size', async () => {
    const { gitDir, file } = repo('a.git', 'x: 1\n');
    let loads = 0;
    const load = async () => fakePolicy(`h${++loads}:${readFileSync(file, 'utf8')}`, file);
    expect((await cachedServerPolicy(gitDir, 'installed', [file], load)).hash).toBe('h1:x: 1\n');
    expect((await cachedServerPolicy(gitDir, 'installed', [file], load)).hash).toBe('h1:x: 1\n');
    writeFileSync(file, 'x: 2\n');
    expect((await cachedServerPolicy(gitDir, 'installed', [file], load)).hash).toBe('h2:x: 2\n');
    const entry = JSON.parse(readFileSync(join(gitDir, SERVER_POLICY_CACHE_FILE), 'utf8'));
    // Files of the repository are recorded relative to it, with a hash rather than content.
    expect(entry.files[0]).toMatchObject({ path: 'safety-gate/policy.yaml', inRepo: true });
    expect(entry.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a copy of the repository never uses the entry written for the original', async () => {
    const a = repo('a.git', 'x: 1\n');
    await cachedServerPolicy(a.gitDir, 'installed', [a.file], async () => fakePolicy('original', a.file));
    const copy = join(dir, 'b.git');
    cpSync(a.gitDir, copy, { recursive: true });
    const copyFile = join(copy, 'safety-gate/policy.yaml');
    // Same content even: identity alone must keep the entries apart.
    expect(repoIdentity(copy)).not.toBe(repoIdentity(a.gitDir));
    const got = await cachedServerPolicy(copy, 'installed', [copyFile], async () => fakePolicy('copy', copyFile));
    expect(got.hash).toBe('copy');
    // The original's entry is intact in the original.
    expect((await cachedServerPolicy(a.gitDir, 'installed', [a.file], async () => fakePolicy('reloaded', a.file))).hash).toBe('original');
  });
});
