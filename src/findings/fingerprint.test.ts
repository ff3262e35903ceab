// The structural context of a finding's line: what a reader of the file sees around it.
import { describe, expect, it } from 'vitest';
import { findingFingerprint, lineContext } from './fingerprint.js';

function ctx(path: string, text: string, n: number): string {
  const lines = text.split('\n');
  return lineContext(path, (k) => lines[k - 1] ?? '', n);
}
function fp(path: string, text: string, n: number): string {
  const lines = text.split('\n');
  return findingFingerprint({ rule: 'agent-mode', path, message: 'm', content: lines[n - 1]!, context: ctx(path, text, n) });
}

describe('lineContext', () => {
  it('INI/TOML: the [section] the line is under; moving it to another section changes the fingerprint', () => {
    const shadow = '[shadow]\nagent_mode = EXECUTE\n\n[live]\nagent_mode = OBSERVE\n';
    const live = '[shadow]\nagent_mode = OBSERVE\n\n[live]\nagent_mode = EXECUTE\n';
    expect(ctx('config/agent.ini', shadow, 2)).toContain('section:[shadow]');
    expect(fp('config/agent.ini', shadow, 2)).not.toBe(fp('config/agent.ini', live, 5));
    // Lines added within the section, comments, other sections edited: the same.
    const edited = '# agents\n[shadow]\n; replay\nspeed = 4\nagent_mode = EXECUTE\n\n[live]\nx = 1\n';
    expect(fp('config/agent.ini', edited, 5)).toBe(fp('config/agent.ini', shadow, 2));
    expect(ctx('pyproject.toml', '[tool.agent]\n[tool.agent.shadow]\nmode = "EXECUTE"\n', 3)).toContain('section:[tool.agent.shadow]');
  });

  it('YAML: the chain of parent keys; de-indenting a key out of its parent changes the fingerprint', () => {
    const nested = 'shadow:\n  AGENT_MODE: EXECUTE\nlive:\n  AGENT_MODE: OBSERVE\n';
    const top = 'shadow:\n  AGENT_MODE: OBSERVE\nAGENT_MODE: EXECUTE\n';
    expect(ctx('config/app.yaml', nested, 2)).toBe('indent:"  "\u0001in:shadow:');
    expect(fp('config/app.yaml', nested, 2)).not.toBe(fp('config/app.yaml', top, 3));
    // Moved under another parent at the same depth: changes too.
    expect(fp('config/app.yaml', nested, 2)).not.toBe(fp('config/app.yaml', 'live:\n  AGENT_MODE: EXECUTE\n', 2));
    // Comments, blank lines, siblings and other documents above: the same.
    const same = 'other: 1\n---\n# settings\nshadow:  # replay only\n# note\n  SPEED: 4\n\n  AGENT_MODE: EXECUTE\n';
    expect(fp('config/app.yaml', same, 8)).toBe(fp('config/app.yaml', nested, 2));
    // Deeper chains: every enclosing line.
    expect(ctx('k8s/pod.yaml', 'spec:\n  containers:\n    - name: a\n      image: nginx:latest\n', 4)).toBe('indent:"      "\u0001in:- name: a\u0001in:containers:\u0001in:spec:');
  });

  it('code: the enclosing block (Python if/class); env and .properties files have no structure', () => {
    const guarded = 'if False:\n    AGENT_MODE = "EXECUTE"\n';
    expect(fp('backend/settings.py', guarded, 2)).not.toBe(fp('backend/settings.py', 'AGENT_MODE = "EXECUTE"\n', 1));
    expect(ctx('config/app.env', 'A=1\n\n  AGENT_MODE=EXECUTE\n', 3)).toBe('');
    expect(ctx('conf/app.properties', 'a=1\n  agent.mode=EXECUTE\n', 2)).toBe('');
  });
});
