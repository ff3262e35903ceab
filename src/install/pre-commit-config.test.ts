import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addSafetyGate } from './pre-commit-config.js';

const REPO = { url: 'https://example.com/org/safety-gate', rev: 'v0.1.0' };

describe('addSafetyGate', () => {
  it('creates a config from nothing', () => {
    const { text, changes } = addSafetyGate(null, REPO);
    expect(parse(text)).toEqual({
      default_install_hook_types: ['pre-commit', 'commit-msg', 'pre-push'],
      repos: [
        {
          repo: REPO.url,
          rev: 'v0.1.0',
          hooks: [{ id: 'safety-gate' }, { id: 'safety-gate-commit-msg' }, { id: 'safety-gate-pre-push' }, { id: 'safety-gate-scan' }],
        },
      ],
    });
    expect(changes).toHaveLength(2);
  });

  it('keeps comments, order and other repos, and is idempotent', () => {
    const before = [
      '# team hooks: ask #infra before changing',
      'fail_fast: true  # stop at the first failure',
      'repos:',
      '  # formatting',
      '  - repo: https://github.com/pre-commit/pre-commit-hooks',
      "    rev: 'v4.5.0'",
      '    hooks:',
      '      - id: trailing-whitespace',
      '',
    ].join('\n');
    const first = addSafetyGate(before, REPO);
    expect(first.text).toContain('# team hooks: ask #infra before changing');
    expect(first.text).toMatch(/fail_fast: true +# stop at the first failure/);
    expect(first.text).toContain('  # formatting');
    expect(first.text).toContain("rev: 'v4.5.0'");
    expect(first.text.indexOf('default_install_hook_types')).toBeLessThan(first.text.indexOf('repos:'));
    const doc = parse(first.text);
    expect(doc.repos).toHaveLength(2);
    expect(doc.repos[0].hooks).toEqual([{ id: 'trailing-whitespace' }]);
    expect(doc.repos[1].repo).toBe(REPO.url);

    const second = addSafetyGate(first.text, REPO);
    expect(second.changes).toEqual([]);
    expect(second.text).toBe(first.text);
  });

  it('completes an existing entry without touching its pinned rev, even under another URL', () => {
    const before = 'repos:\n  - repo: https://mirror.example/safety-gate.git\n    rev: v0.0.9\n    hooks:\n      - id: safety-gate\n';
    const { text, changes } = addSafetyGate(before, null);
    const doc = parse(text);
    expect(doc.repos).toHaveLength(1);
    expect(doc.repos[0].rev).toBe('v0.0.9');
    expect(doc.repos[0].hooks.map((h: { id: string }) => h.id)).toEqual(['safety-gate', 'safety-gate-commit-msg', 'safety-gate-pre-push', 'safety-gate-scan']);
    expect(changes).toContain('added hook safety-gate-commit-msg to the existing safety-gate entry');
  });

  it('adds missing hook types to an existing default_install_hook_types', () => {
    const { text } = addSafetyGate('default_install_hook_types: [pre-commit]\nrepos: []\n', REPO);
    const doc = parse(text);
    expect(doc.default_install_hook_types).toEqual(['pre-commit', 'commit-msg', 'pre-push']);
    expect(doc.repos).toHaveLength(1);
    expect(text).not.toMatch(/repos: \[/);
  });

  it('needs a repository URL only when it must add the entry', () => {
    expect(() => addSafetyGate('repos: []\n', null)).toThrow(/no git URL/);
  });

  it('rejects YAML it cannot edit safely, naming the place', () => {
    expect(() => addSafetyGate('repos: [\n', REPO)).toThrow(/\.pre-commit-config\.yaml:\d+:\d+/);
    expect(() => addSafetyGate('repos: 3\n', REPO)).toThrow(/`repos:` must be a list/);
    expect(() => addSafetyGate('- a\n', REPO)).toThrow(/top level must be a mapping/);
  });
});
