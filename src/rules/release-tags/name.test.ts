import { describe, expect, it } from 'vitest';
import { compareVersions, compileTemplate, matchTemplate, nameRules, parseTagName, releaseTagName, shadowedReleaseName, type Template } from './name.js';

const t = (text: string) => compileTemplate(text) as Template;

describe('release tag name templates', () => {
  it('compiles the agenttrader-v2 templates and reads their versions', () => {
    const rel = t('agenttrader-v2/vMAJOR.MINOR.PATCH');
    const rc = t('agenttrader-v2/vMAJOR.MINOR.PATCH-rc.N');
    expect(rel.prerelease).toBe(false);
    expect(rc.prerelease).toBe(true);
    expect(matchTemplate(rel, 'agenttrader-v2/v2.4.1')).toEqual({ major: 2, minor: 4, patch: 1, rc: null, version: '2.4.1' });
    expect(matchTemplate(rc, 'agenttrader-v2/v2.4.1-rc.3')).toEqual({ major: 2, minor: 4, patch: 1, rc: 3, version: '2.4.1-rc.3' });
    expect(matchTemplate(rel, 'agenttrader-v2/v0.0.0')?.version).toBe('0.0.0');
  });

  it('refuses names that only look alike', () => {
    const rel = t('agenttrader-v2/vMAJOR.MINOR.PATCH');
    const rc = t('agenttrader-v2/vMAJOR.MINOR.PATCH-rc.N');
    for (const name of [
      'agenttrader-v2/v1.0',
      'agenttrader-v2/v1.0.0.0',
      'agenttrader-v2/v01.0.0',
      'agenttrader-v2/v1.0.0-rc.1',
      'agenttrader-v2/1.0.0',
      'agenttrader-v2/v1.0.0 ',
      'agenttrader-v2/v1x0x0',
      'Agenttrader-v2/v1.0.0',
      'xagenttrader-v2/v1.0.0',
      'agenttrader-v2/v1.0.0/extra',
      'agenttrader-v2/v-1.0.0',
    ])
      expect(matchTemplate(rel, name), name).toBeNull();
    for (const name of ['agenttrader-v2/v1.0.0', 'agenttrader-v2/v1.0.0-rc.', 'agenttrader-v2/v1.0.0-rc.01', 'agenttrader-v2/v1.0.0-rc1', 'agenttrader-v2/v1.0.0-RC.1'])
      expect(matchTemplate(rc, name), name).toBeNull();
  });

  it('rejects templates that cannot name a version', () => {
    expect(compileTemplate('vMAJOR.MINOR')).toBe('must name PATCH exactly once (found 0)');
    expect(compileTemplate('vMAJOR.MAJOR.MINOR.PATCH')).toBe('must name MAJOR exactly once (found 2)');
    expect(compileTemplate('vMAJOR.MINOR.PATCH-rc.N.N')).toBe('must name N at most once (found 2)');
    expect(compileTemplate('vMAJORMINOR.PATCH')).toBe('needs literal text between placeholders');
    expect(compileTemplate('v MAJOR.MINOR.PATCH')).toMatch(/valid git ref name/);
    expect(compileTemplate('release..MAJOR.MINOR.PATCH')).toMatch(/valid git ref name/);
    expect(compileTemplate('')).toBe('must not be empty');
  });

  it('keeps N literal beside capital letters', () => {
    const x = t('NEXT/vMAJOR.MINOR.PATCH');
    expect(x.prerelease).toBe(false);
    expect(matchTemplate(x, 'NEXT/v1.2.3')?.version).toBe('1.2.3');
    expect(matchTemplate(x, '5EXT/v1.2.3')).toBeNull();
  });

  it('knows release tags by prefix (any case) and parses either template', () => {
    const r = nameRules({ prefix: 'agenttrader-v2/', release: 'agenttrader-v2/vMAJOR.MINOR.PATCH', prerelease: 'agenttrader-v2/vMAJOR.MINOR.PATCH-rc.N' });
    expect(releaseTagName(r, 'refs/tags/agenttrader-v2/v1.0')).toBe('agenttrader-v2/v1.0');
    expect(releaseTagName(r, 'refs/tags/AgentTrader-V2/v1.0.0')).toBe('AgentTrader-V2/v1.0.0');
    expect(releaseTagName(r, 'refs/tags/v1.0')).toBeNull();
    expect(releaseTagName(r, 'refs/heads/agenttrader-v2/v1.0.0')).toBeNull();
    expect(parseTagName(r, 'agenttrader-v2/v1.2.3-rc.4')?.rc).toBe(4);
    expect(parseTagName(r, 'AgentTrader-V2/v1.0.0')).toBeNull();
    // prefix "": every tag is a release tag, so a bare v1.0 is judged (and refused).
    const all = nameRules({ prefix: '', release: 'vMAJOR.MINOR.PATCH', prerelease: null });
    expect(releaseTagName(all, 'refs/tags/v1.0')).toBe('v1.0');
    expect(parseTagName(all, 'v1.0')).toBeNull();
    expect(parseTagName(all, 'v1.0.0-rc.1')).toBeNull();
  });

  it('orders versions by semver precedence (a pre-release before its release)', () => {
    const r = nameRules({ prefix: '', release: 'vMAJOR.MINOR.PATCH', prerelease: 'vMAJOR.MINOR.PATCH-rc.N' });
    const names = ['v1.10.0', 'v1.2.0', 'v1.2.0-rc.10', 'v1.2.0-rc.2', 'v0.9.9', 'v1.2.0'];
    const sorted = names
      .map((n) => ({ n, v: parseTagName(r, n)! }))
      .sort((a, b) => compareVersions(a.v, b.v))
      .map((x) => x.n);
    expect(sorted).toEqual(['v0.9.9', 'v1.2.0-rc.2', 'v1.2.0-rc.10', 'v1.2.0', 'v1.2.0', 'v1.10.0']);
  });
});

describe('shadowedReleaseName', () => {
  const r = nameRules({ prefix: 'agenttrader-v2/', release: 'agenttrader-v2/vMAJOR.MINOR.PATCH', prerelease: null });
  it('names refs outside refs/tags/ that a release name would resolve to', () => {
    expect(shadowedReleaseName(r, 'refs/agenttrader-v2/v1.1.0')).toBe('agenttrader-v2/v1.1.0');
    expect(shadowedReleaseName(r, 'refs/heads/agenttrader-v2/v1.1.0')).toBe('agenttrader-v2/v1.1.0');
    expect(shadowedReleaseName(r, 'refs/remotes/AgentTrader-V2/v1.1.0')).toBe('AgentTrader-V2/v1.1.0');
  });
  it('leaves release tags and other refs alone', () => {
    expect(shadowedReleaseName(r, 'refs/tags/agenttrader-v2/v1.1.0')).toBeNull();
    expect(shadowedReleaseName(r, 'refs/heads/main')).toBeNull();
    expect(shadowedReleaseName(r, 'refs/heads/feature/agenttrader-v2/v1')).toBeNull();
  });
});
