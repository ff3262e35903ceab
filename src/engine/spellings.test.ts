import { describe, expect, it } from 'vitest';
import { aliasesOf, normalizeInside, pathKey, resolveLinkTarget, resolveThroughLinks, spellings, type LinkInfo } from './spellings.js';

const links = (pairs: [string, string | null][], ci = false) => new Map<string, LinkInfo>(pairs.map(([path, target]) => [pathKey(path, ci), { path, target }]));

describe('normalizeInside', () => {
  it('drops ./ and empty segments and applies ..', () => {
    expect(normalizeInside('./a//b/./c')).toBe('a/b/c');
    expect(normalizeInside('a/x/../b')).toBe('a/b');
    expect(normalizeInside('a\\b')).toBe('a/b');
  });
  it('returns null when .. leaves the repository', () => {
    expect(normalizeInside('../a')).toBeNull();
    expect(normalizeInside('a/../../b')).toBeNull();
  });
});

describe('pathKey and spellings', () => {
  it('folds case, composes Unicode and drops ignorable code points only when case-insensitive', () => {
    expect(pathKey('Config/Policy.YAML', false)).toBe('Config/Policy.YAML');
    expect(pathKey('Config/Policy.YAML', true)).toBe('config/policy.yaml');
    expect(pathKey('cafe\u0301/x', true)).toBe(pathKey('caf\u00e9/x', true));
    expect(pathKey('.g\u200cit/x', true)).toBe('.git/x');
  });
  it('lists the raw, normal and folded spellings', () => {
    expect(spellings('./A/../B', true)).toEqual(['./A/../B', 'B', 'b']);
  });
});

describe('resolveLinkTarget', () => {
  it('resolves relative targets against the link directory', () => {
    expect(resolveLinkTarget('a/b/link', '../../protected/x', null)).toBe('protected/x');
    expect(resolveLinkTarget('link', './protected', null)).toBe('protected');
  });
  it('refuses targets leaving the repository', () => {
    expect(resolveLinkTarget('link', '../outside', null)).toBeNull();
    expect(resolveLinkTarget('link', '/etc/passwd', '/repo')).toBeNull();
  });
  it('maps absolute targets inside the work tree', () => {
    expect(resolveLinkTarget('link', '/repo/protected/x', '/repo')).toBe('protected/x');
  });
});

describe('resolveThroughLinks', () => {
  it('follows symlinked directories in the path, not the last segment', () => {
    const l = links([['alias', 'protected']]);
    expect(resolveThroughLinks('alias/x', l, false)).toEqual({ path: 'protected/x', via: ['alias'] });
    expect(resolveThroughLinks('alias', l, false)).toEqual({ path: 'alias', via: [] });
  });
  it('follows chains and detects loops and escapes', () => {
    expect(
      resolveThroughLinks(
        'a/x',
        links([
          ['a', 'b'],
          ['b', 'protected'],
        ]),
        false,
      ),
    ).toEqual({ path: 'protected/x', via: ['a', 'b'] });
    expect(
      resolveThroughLinks(
        'a/x',
        links([
          ['a', 'b'],
          ['b', 'a'],
        ]),
        false,
      ),
    ).toBeNull();
    expect(resolveThroughLinks('out/x', links([['out', null]]), false)).toBeNull();
  });
  it('matches link names case-insensitively when asked', () => {
    expect(resolveThroughLinks('ALIAS/x', links([['alias', 'protected']], true), true)?.path).toBe('protected/x');
  });
});

describe('aliasesOf', () => {
  const names = (path: string, l: Map<string, LinkInfo>, ci = false) => aliasesOf(path, l, ci).names.map((n) => n.alias);
  it('names the paths under which a link makes a file visible', () => {
    const l = links([
      ['generated/data', 'src/data'],
      ['root-link', ''],
    ]);
    const n = names('src/data/x.json', l);
    expect(n.slice(0, 2).sort()).toEqual(['generated/data/x.json', 'root-link/src/data/x.json']);
    expect(n).toContain('root-link/generated/data/x.json');
    expect(names('y', l)).toContain('root-link/y');
  });
  it('a file link names its target: the target is read under the link path', () => {
    const l = links([['.pre-commit-config.yaml', 'conf/pc.yaml']]);
    expect(aliasesOf('conf/pc.yaml', l, false).names).toEqual([{ alias: '.pre-commit-config.yaml', link: '.pre-commit-config.yaml', via: ['.pre-commit-config.yaml'] }]);
    expect(names('conf/pc.yaml.bak', l)).toEqual([]);
  });
  it('follows chains of file and directory links', () => {
    const l = links([
      ['.pre-commit-config.yaml', 'a.yaml'],
      ['a.yaml', 'c/pc.yaml'],
      ['c', 'conf'],
      ['.github', 'x'],
      ['x', 'y'],
    ]);
    expect(names('conf/pc.yaml', l)).toEqual(['c/pc.yaml', 'a.yaml', '.pre-commit-config.yaml']);
    expect(aliasesOf('conf/pc.yaml', l, false).names.at(-1)!.via).toEqual(['.pre-commit-config.yaml', 'a.yaml', 'c']);
    expect(names('y/workflows/ci.yml', l)).toEqual(['x/workflows/ci.yml', '.github/workflows/ci.yml']);
  });
  it('stops at loops and says when the names are too many to know', () => {
    expect(
      names(
        'a',
        links([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ),
    ).toEqual(['b']);
    const r = aliasesOf(
      'x',
      links([
        ['l1', ''],
        ['l2', ''],
      ]),
      false,
      100,
    );
    expect(r.complete).toBe(false);
  });
  it('matches targets case-insensitively when asked', () => {
    expect(names('Conf/PC.yaml', links([['.pre-commit-config.yaml', 'conf/pc.yaml']], true), true)).toEqual(['.pre-commit-config.yaml']);
  });
});
