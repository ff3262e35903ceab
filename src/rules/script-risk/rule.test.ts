import { describe, expect, it } from 'vitest';
import { checkChange } from '../../../test/helpers/rule-harness.js';
import { Blob } from '../../changeset/blob.js';
import { findGuard, findPattern, shellCode } from './guard.js';
import { validateManifest } from './manifest-schema.js';

const blob = (t: string) => new Blob('2'.repeat(40), Buffer.from(t));
const PATTERNS = ['require_exec_guard(', 'exec_guard.', 'EXECUTION_HALTED'];

describe('guard detection', () => {
  it('word boundaries at word ends', () => {
    expect(findPattern('x = EXECUTION_HALTED', 'EXECUTION_HALTED')).toBe(4);
    expect(findPattern('x = EXECUTION_HALTED_X', 'EXECUTION_HALTED')).toBe(-1);
    expect(findPattern('my_require_exec_guard(', 'require_exec_guard(')).toBe(-1);
    expect(findPattern('lib.exec_guard.require()', 'exec_guard.')).toBe(4);
  });
  it('shell: comments blanked, strings, $# and heredocs kept', () => {
    const t = [
      '#!/bin/bash',
      '# require_exec_guard( in a comment',
      'echo "not # a comment" # but this is require_exec_guard(',
      'n=$# ; x=${#arr[@]}',
      "python3 - <<'PY'",
      "# a python comment inside a heredoc stays: don't",
      'PY',
      'echo ok',
    ].join('\n');
    const code = shellCode(t);
    expect(code.length).toBe(t.length);
    expect(code).not.toContain('require_exec_guard(');
    expect(code).toContain('"not # a comment"');
    expect(code).toContain('n=$# ; x=${#arr[@]}');
    expect(code).toContain("don't");
    expect(code).toContain('echo ok');
  });
  it('python: comments and strings (docstrings) do not count', async () => {
    expect(await findGuard(blob('"""Calls require_exec_guard( later."""\n# require_exec_guard(\nx = "exec_guard."\n'), 'scripts/a.py', PATTERNS)).toBeNull();
    expect(await findGuard(blob('from scripts.lib.exec_guard import require_exec_guard\nrequire_exec_guard("MUST_LOCK")\n'), 'scripts/a.py', PATTERNS)).toMatchObject({
      pattern: 'require_exec_guard(',
    });
    expect(await findGuard(blob('#!/usr/bin/env bash\nsource scripts/lib/exec_guard.sh\nrequire_exec_guard( "x" )\n'), 'scripts/a.sh', PATTERNS)).not.toBeNull();
    expect(await findGuard(blob('#!/usr/bin/env bash\n# require_exec_guard(\n'), 'scripts/a.sh', PATTERNS)).toBeNull();
  });
});

describe('manifest schema', () => {
  it('accepts the documented shape and extra keys; defaults requires_exec_guard', () => {
    const v = validateManifest({ version: 1, scripts: [{ path: 'scripts/a.sh', category: 'ci', owner: 'x' }] });
    expect(v.issues).toEqual([]);
    expect(v.entries[0]!.entry.requires_exec_guard).toBe(false);
  });
  it('clear messages with paths', () => {
    expect(validateManifest([]).issues[0]!.message).toMatch(/manifest|object/);
    expect(validateManifest({}).issues).toEqual([{ path: ['scripts'], message: 'missing "scripts" (array)' }]);
    const v = validateManifest({ scripts: [{ path: 'scripts/a.sh' }, { path: 'scripts/b.sh', category: 'ci', requires_exec_guard: 'yes' }, 'x'] });
    expect(v.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['scripts.0.category', 'missing "category" (string)'],
      ['scripts.1.requires_exec_guard', '"requires_exec_guard" must be a boolean, not string "yes"'],
      ['scripts.2', expect.stringMatching(/object/)],
    ]);
    expect(v.invalidPaths.map((p) => p.path)).toEqual(['scripts/a.sh', 'scripts/b.sh']);
  });
});

const MANIFEST = 'scripts/ci/script_risk_policy_manifest.json';
const manifest = (scripts: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ version: 1, ...extra, scripts }, null, 2) + '\n';
const mine = (findings: { rule: string; path: string | null; line: number | null }[]) =>
  findings.filter((f) => f.rule.startsWith('script-risk')).map((f) => [f.rule, f.path, f.line]);

describe('script-risk through the engine', () => {
  it('missing, stale, duplicate, category and guard problems', async () => {
    const { findings } = await checkChange({
      old: {
        'scripts/ci/lint.sh': 'echo lint\n',
      },
      files: {
        [MANIFEST]: manifest([
          { path: 'scripts/ci/lint.sh', category: 'ci' },
          { path: 'scripts/deploy.sh', category: 'deploy', requires_exec_guard: true },
          { path: 'scripts/gone.py', category: 'ops' },
          { path: 'scripts/ci/lint.sh', category: 'ci' },
          { path: 'scripts/trade.py', category: 'yolo', requires_exec_guard: true },
        ]),
        'scripts/deploy.sh': '#!/bin/bash\n# require_exec_guard( is only mentioned\ngcloud deploy\n',
        'scripts/trade.py': 'from scripts.lib.exec_guard import require_exec_guard\nrequire_exec_guard("MUST_LOCK")\n',
        'scripts/new_tool.py': 'print("x")\n',
      },
    });
    expect(mine(findings)).toEqual(
      expect.arrayContaining([
        ['script-risk/stale', MANIFEST, 14],
        ['script-risk/duplicate', MANIFEST, 18],
        ['script-risk/category', MANIFEST, 23],
        ['script-risk/missing', 'scripts/new_tool.py', null],
        ['script-risk/guard', 'scripts/deploy.sh', null],
      ]),
    );
    expect(mine(findings)).toHaveLength(5);
  });

  it('a clean change passes; untouched scripts mean no work', async () => {
    const good = manifest([{ path: 'scripts/a.sh', category: 'ops', requires_exec_guard: true }]);
    const a = await checkChange({ files: { [MANIFEST]: good, 'scripts/a.sh': 'source lib.sh\nrequire_exec_guard(x)\n' } });
    expect(mine(a.findings)).toEqual([]);
    const b = await checkChange({ old: { 'scripts/orphan.sh': 'echo\n' }, files: { 'backend/app.py': 'x = 1\n' } });
    expect(mine(b.findings)).toEqual([]);
  });

  it('manifest errors are findings with positions, never crashes', async () => {
    const bad = await checkChange({ files: { [MANIFEST]: '{\n  "scripts": [\n    {"path": "scripts/a.sh",}\n  ]\n}\n', 'scripts/a.sh': 'echo\n' } });
    expect(mine(bad.findings)).toEqual([['script-risk/manifest', MANIFEST, 3]]);
    const schema = await checkChange({
      files: { [MANIFEST]: '{\n  "scripts": [\n    {"path": "scripts/a.sh", "category": 3}\n  ]\n}\n', 'scripts/a.sh': 'echo\n' },
    });
    expect(mine(schema.findings)).toEqual([['script-risk/manifest', MANIFEST, 3]]);
    const missing = await checkChange({ files: { 'scripts/a.sh': 'echo\n' } });
    expect(mine(missing.findings)).toEqual([['script-risk/manifest', MANIFEST, null]]);
  });
});
