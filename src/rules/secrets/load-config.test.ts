// Where a gitleaks config is read from: relative to the policy file that names it (the server's
// own file on the server), or from the trusted tree a policy is read from; never elsewhere. It
// joins the policy's sources and the client cache's inputs, so editing it refreshes the policy.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import { sandbox, type Sandbox } from '../../../test/helpers/repo.js';
import { loadPolicyFile, loadPolicyFromTree, loadPolicyTraced } from '../../config/load.js';
import type { SecretsOptions } from './options.js';

let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

const RULE = "[[rules]]\nid = \"acme\"\nregex = '''acme_[a-z0-9]{8}'''\nkeywords = [\"acme_\"]\n";
const POLICY = 'extends: [recommended]\nrules:\n  secrets:\n    severity: block\n    options:\n      gitleaks_config: rules/gitleaks.toml\n';
const secretsOf = (p: { rules: Record<string, { options: unknown }> }) => p.rules.secrets!.options as SecretsOptions;

describe('gitleaks_config loading', () => {
  it('a server policy file reads it next to itself; it joins the sources and the hash', async () => {
    const dir = join(sb.dir, 'srv', 'safety-gate');
    mkdirSync(join(dir, 'rules'), { recursive: true });
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    writeFileSync(join(dir, 'rules/gitleaks.toml'), RULE);
    const p = (await loadPolicyFile(join(dir, 'policy.yaml'), 'server'))!;
    expect(secretsOf(p).gitleaks!.rules.map((r) => r.id)).toEqual(['acme']);
    expect(p.sources).toContain(join(dir, 'rules/gitleaks.toml'));
    writeFileSync(join(dir, 'rules/gitleaks.toml'), RULE.replace('{8}', '{9}'));
    const q = (await loadPolicyFile(join(dir, 'policy.yaml'), 'server'))!;
    expect(q.hash).not.toBe(p.hash);
  });

  it('client discovery: read relative to the config, listed among the files the cache compares', async () => {
    const root = join(sb.dir, 'repo');
    mkdirSync(join(root, 'rules'), { recursive: true });
    writeFileSync(join(root, 'safety-gate.config.yaml'), POLICY);
    writeFileSync(join(root, 'rules/gitleaks.toml'), RULE);
    const t = await loadPolicyTraced({ cwd: root, root, mode: 'client' });
    expect(t.files.map((f) => f.path)).toContain(join(root, 'rules/gitleaks.toml'));
    expect(secretsOf(t.policy).gitleaks!.file).toBe('rules/gitleaks.toml');
  });

  it('a policy read from a trusted tree reads it from that tree; outside the tree is refused', async () => {
    const files: Record<string, string> = { 'safety-gate.config.yaml': POLICY, 'rules/gitleaks.toml': RULE };
    const tree = { rev: 'f'.repeat(40), label: 'refs/heads/main', read: async (p: string) => files[p] ?? null };
    const p = (await loadPolicyFromTree(tree, 'safety-gate.config.yaml'))!;
    expect(secretsOf(p).gitleaks!.file).toBe('refs/heads/main:rules/gitleaks.toml');
    files['safety-gate.config.yaml'] = POLICY.replace('rules/gitleaks.toml', '../../etc/gitleaks.toml');
    const e = await loadPolicyFromTree(tree, 'safety-gate.config.yaml').catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/points outside the repository/);
    expect([e.file, e.line]).toEqual(['refs/heads/main:safety-gate.config.yaml', 6]);
  });

  it('a missing file is a config error at the key that names it', async () => {
    const dir = join(sb.dir, 'srv');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    const e = await loadPolicyFile(join(dir, 'policy.yaml'), 'server').catch((x) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toMatch(/cannot read gitleaks config "rules\/gitleaks.toml": file not found/);
    expect(e.line).toBe(6);
  });
});
