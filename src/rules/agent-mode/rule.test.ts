import { describe, expect, it } from 'vitest';
import { Blob } from '../../changeset/blob.js';
import type { FileChange } from '../../changeset/types.js';
import { createPathMatcher } from '../../engine/paths.js';
import type { FindingInput } from '../../findings/types.js';
import type { FileView, RuleContext } from '../types.js';
import { optionsSchema, type AgentModeOptions } from './options.js';
import { agentMode } from './rule.js';

async function run(files: Record<string, string>, config: unknown = {}, scope = { include: ['**'], exclude: ['docs/**', '**/*.md', 'tests/**'] }) {
  const options = optionsSchema.parse(config) as AgentModeOptions;
  const ctx = { options, severity: 'block', paths: createPathMatcher(scope, false) } as unknown as RuleContext<AgentModeOptions>;
  const checker = await agentMode.create(ctx);
  const out: (FindingInput & { path: string })[] = [];
  for (const [path, text] of Object.entries(files)) {
    const change: FileChange = { status: 'A', path, oldPath: null, oldMode: null, newMode: '100644', oldOid: null, newOid: '1'.repeat(40), commit: null };
    if (!checker.files!(change)) continue;
    const blob = new Blob('1'.repeat(40), Buffer.from(text));
    const hits = new Set(checker.keywords!.filter((k) => blob.lower.includes(k)));
    if (hits.size === 0) continue;
    const view: FileView = { change, path, commit: null, newBlob: async () => blob, oldBlob: async () => null, hits };
    await checker.checkFile!(view, (f) => out.push({ ...f, path }));
  }
  return out;
}

describe('agent-mode', () => {
  it('has lower-case keywords for every name and alias', async () => {
    const options = optionsSchema.parse({ settings: [{ name: 'AGENT_MODE', aliases: ['agentMode'], forbidden: ['EXECUTE'] }] }) as AgentModeOptions;
    const checker = await agentMode.create({ options, paths: createPathMatcher({ include: ['**'], exclude: [] }, false) } as unknown as RuleContext<AgentModeOptions>);
    expect(checker.keywords?.slice(0, 2)).toEqual(['agent_mode', 'agentmode']);
    // Manifests whose settings hide in base64 pass by their shape; files other files load are
    // found by the reference index in checkRun, whatever their text (no prefilter word for them).
    expect(checker.keywords).toEqual(expect.arrayContaining(['kind: secret', 'binarydata:']));
    expect(checker.keywords).not.toContain('env_file');
  });

  it('reports forbidden and not-allowed values with position and remediation', async () => {
    const f = await run({ 'k8s/d.yaml': 'env:\n  - name: AGENT_MODE\n    value: execute\n  - name: TRADING_MODE\n    value: live\n' });
    expect(f.map((x) => `${x.line}:${x.column}`)).toEqual(['3:12', '5:12']);
    expect(f[0]!.message).toBe('AGENT_MODE is set to "execute" (env list entry): forbidden value');
    expect(f[0]!.remediation).toContain('OBSERVE/OFF');
    expect(f[1]!.message).toContain('only paper allowed');
  });

  it('keeps comments, other keys, variable references and empty AGENT_MODE, out-of-scope files clean', async () => {
    const f = await run({
      'config/a.yaml': 'AGENT_MODE: "OFF"  # EXECUTE is forbidden\nAGENT_MODE_DESCRIPTION: EXECUTE\n',
      'config/b.env': '# AGENT_MODE=EXECUTE\nNOT_AGENT_MODE=EXECUTE\nAGENT_MODE=$MODE\nAGENT_MODE=\n',
      'docs/guide.md': 'AGENT_MODE=EXECUTE\n',
      'tests/test_guard.py': 'os.environ["AGENT_MODE"] = "EXECUTE"\n',
    });
    expect(f).toEqual([]);
  });

  it('honours a custom setting list and case-sensitive values', async () => {
    const config = { settings: [{ name: 'BROKER', allowed: ['paper'], case_sensitive: true }] };
    const f = await run({ 'config/x.env': 'BROKER=Paper\nAGENT_MODE=EXECUTE\n' }, config);
    expect(f.map((x) => x.line)).toEqual([1]);
  });

  it('rejects a setting without forbidden or allowed values', () => {
    expect(() => optionsSchema.parse({ settings: [{ name: 'X' }] })).toThrow();
  });

  it('matches aliases and names them in the message', async () => {
    const config = { settings: [{ name: 'AGENT_MODE', aliases: ['agent_mode'], forbidden: ['EXECUTE'] }] };
    const f = await run({ 'config/app.yaml': 'agent:\n  agent_mode: Execute\n' }, config);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/^agent_mode \(AGENT_MODE\) is set to "Execute"/);
  });

  it('compares keys normalised (case, separators, camelCase, nesting) and fails closed on values it cannot verify', async () => {
    const f = await run({
      'config/a.env': 'Trading_Mode=live\nAgentMode=execute\nTRADING_MODE=\n',
      'config/b.yaml': 'agent:\n  mode: EXECUTE\nTRADING_MODE: [paper]\nAGENT_MODE: ~\n',
      'ops/run.sh': 'export AGENT_MODE=$(echo EXECUTE)\nexport AGENT_MODE="$1"\n',
    });
    expect(f.map((x) => `${x.path}:${x.line}`)).toEqual(['config/a.env:1', 'config/a.env:2', 'config/a.env:3', 'config/b.yaml:2', 'config/b.yaml:3', 'ops/run.sh:1']);
    expect(f.find((x) => x.path === 'config/b.yaml' && x.line === 2)!.message).toMatch(/^agent\.mode \(AGENT_MODE\) is set to "EXECUTE"/);
    expect(f.find((x) => x.path === 'config/a.env' && x.line === 3)!.message).toMatch(/cannot be verified as paper; empty is not unset/);
    expect(f.find((x) => x.path === 'ops/run.sh')!.message).toMatch(/computed when the file runs/);
  });
});
