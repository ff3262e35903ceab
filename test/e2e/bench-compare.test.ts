// bench/compare.sh is how a speed change proves it changed no verdict: both builds run on the
// same generated repositories and their JSON reports must be identical (timings aside). Here on
// a small fixture: the same build twice is identical (exit 0); a build whose report differs is
// caught (exit 1, the difference shown).
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../helpers/repo.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function compare(oldCli: string) {
  return spawnSync('bash', ['bench/compare.sh', oldCli, CLI], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...sb.env,
      COMPARE_ONLY: 'precommit',
      COMPARE_NO_TIME: '1',
      COMPARE_COMMITS: '4',
      COMPARE_FILES: '20',
      BENCH_WORK: join(sb.dir, 'work'),
      COMPARE_OUT: join(sb.dir, 'out'),
    },
  });
}

describe('bench/compare.sh', () => {
  it('the same build twice: findings identical, exit 0', { timeout: 120_000 }, () => {
    const r = compare(CLI);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/== precommit: findings identical \(\d+\)/);
    expect(r.status).toBe(0);
    const report = JSON.parse(readFileSync(join(sb.dir, 'out/compare-precommit-new.json'), 'utf8'));
    // The hook really ran on the fixture's 10 staged files, and the timing was taken out.
    expect(report.stats.files).toBe(10);
    expect(report.stats.durationMs).toBeUndefined();
  });

  it('a build whose report differs: exit 1, the difference shown', { timeout: 120_000 }, () => {
    const fake = join(sb.dir, 'fake-cli.mjs');
    writeFileSync(fake, `#!/usr/bin/env node\nprocess.stdout.write(JSON.stringify({ schema: 'safety-gate/report@1', decision: 'pass', findings: [] }));\n`);
    chmodSync(fake, 0o755);
    const r = compare(fake);
    expect(r.stdout).toContain('== precommit: findings DIFFERENT');
    expect(r.stderr).toContain('<  "findings": []');
    expect(r.status).toBe(1);
  });
});
