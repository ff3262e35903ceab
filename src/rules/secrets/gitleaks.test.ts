// gitleaks configs of the shapes teams keep in .gitleaks.toml, through the compiler and the
// scanner the rule uses.
import { describe, expect, it } from 'vitest';
import { compileGitleaks, GitleaksConfigError } from './gitleaks.js';
import { compileAllowlist, compileRule, scan } from './scan.js';
import { fake } from './detectors/types.js';

const CONFIG = String.raw`
title = "acme gitleaks config"

[extend]
useDefault = true

[allowlist]
description = "global allow lists"
paths = [
  '''(?i)\.(?:png|jpe?g)$''',
  '''^fixtures/''',
]
stopwords = ["dummy"]

# Internal service tokens: acme_<env>_<32 alphanumerics>
[[rules]]
id = "acme-service-token"
description = "ACME internal service token"
regex = '''(?i)\b(acme)_(?:live|test)_(?P<tok>[a-z0-9]{32})\b'''
secretGroup = 2
entropy = 3.5
keywords = ["acme_"]

  [[rules.allowlists]]
  description = "the documented sample"
  regexTarget = "line"
  regexes = ['''sample-token-line''']

[[rules]]
id = "acme-db-url"
regex = '''postgres://[^:\s]+:([^@\s]+)@db\.acme\.internal'''
keywords = ["db.acme.internal"]
  [rules.allowlist]
  stopwords = ["localpass"]
  commits = ["deadbeefcafe"]
`;

function run(text: string, path = 'config/app.env', commit: string | null = null) {
  const c = compileGitleaks(CONFIG, '.gitleaks.toml');
  const rules = c.rules.map((r) => compileRule(r));
  const lower = text.toLowerCase();
  const hits = new Set(c.rules.flatMap((r) => r.keywords).filter((k) => lower.includes(k)));
  return scan({ text, path, commit, hits }, rules, c.allowlists.map(compileAllowlist));
}

const TOKEN = fake('acme_live_', 'Zq8fAkE3Lm0Np7Rs2Tu5Vw9Xy1Ab4Cd6');

describe('gitleaks config', () => {
  it('compiles rules, allowlists and useDefault, with origins at the rule header', () => {
    const c = compileGitleaks(CONFIG, '.gitleaks.toml');
    expect(c.useDefault).toBe(true);
    expect(c.rules.map((r) => [r.id, r.origin, r.secretGroup, r.entropy])).toEqual([
      ['acme-service-token', '.gitleaks.toml:16', 2, 3.5],
      ['acme-db-url', '.gitleaks.toml:29', 0, 0],
    ]);
    expect(c.rules[0]!.regex!.flags).toBe('i');
    expect(c.allowlists[0]!.paths).toHaveLength(2);
  });

  it('a custom rule reports its secretGroup, and only above its entropy', () => {
    const hits = run(`TOKEN=${TOKEN}\n`);
    expect(hits.map((h) => [h.ruleId, h.secret, h.offset])).toEqual([['acme-service-token', TOKEN.slice('acme_live_'.length), 16]]);
    expect(run(fake('TOKEN=acme_test_', 'a'.repeat(32)))).toEqual([]);
  });

  it('global path allowlist, stopwords, rule allowlists on the line, commits', () => {
    expect(run(`TOKEN=${TOKEN}`, 'fixtures/tokens.txt')).toEqual([]);
    expect(run(`TOKEN=${TOKEN}`, 'img/logo.PNG')).toEqual([]);
    expect(run(fake('TOKEN=acme_live_dummy', 'Zq8fAkE3Lm0Np7Rs2Tu5Vw9Xy1A'))).toEqual([]);
    expect(run(`TOKEN=${TOKEN} # sample-token-line`)).toEqual([]);
    const url = 'DATABASE_URL=postgres://app:s3cr3tPw@db.acme.internal/app';
    expect(run(url).map((h) => h.secret)).toEqual(['s3cr3tPw']);
    expect(run(url.replace('s3cr3tPw', 'localpass'))).toEqual([]);
    expect(run(url, 'config/app.env', 'deadbeefcafe0123')).toEqual([]);
  });

  it('[[allowlists]] with targetRules and condition AND', () => {
    const text = [
      '[[rules]]',
      'id = "a"',
      "regex = '''key_([a-z0-9]{12})'''",
      '',
      '[[rules]]',
      'id = "b"',
      "regex = '''tok_([a-z0-9]{12})'''",
      '',
      '[[allowlists]]',
      'targetRules = ["a"]',
      'condition = "AND"',
      "paths = ['''^fixtures/''']",
      'stopwords = ["fake"]',
      '',
    ].join('\n');
    const c = compileGitleaks(text, 'g.toml');
    const rules = c.rules.map((r) => compileRule(r));
    const global = c.allowlists.map(compileAllowlist);
    const ids = (t: string, path: string) => scan({ text: t, path, commit: null, hits: new Set() }, rules, global).map((h) => h.ruleId);
    // AND: both the path and the stopword must hold; and only for rule a.
    expect(ids('key_fake12345678 tok_fake12345678', 'fixtures/x')).toEqual(['b']);
    expect(ids('key_fake12345678', 'src/x')).toEqual(['a']);
    expect(ids('key_real12345678', 'fixtures/x')).toEqual(['a']);
  });

  it('an RE2 construct with no JavaScript equivalent is refused with file:line naming the rule', () => {
    const bad = `[[rules]]\nid = "ok"\nregex = '''abc'''\n\n[[rules]]\nid = "ungreedy"\ndescription = "x"\nregex = '''(?U)key=(.+)'''\n`;
    try {
      compileGitleaks(bad, 'ci/.gitleaks.toml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GitleaksConfigError);
      const g = e as GitleaksConfigError;
      expect([g.file, g.line]).toEqual(['ci/.gitleaks.toml', 8]);
      expect(g.message).toMatch(/^rule "ungreedy": regex: the ungreedy flag/);
    }
  });

  it('refuses what it would otherwise drop: unknown keys, extend.path, a bad secretGroup, TOML errors', () => {
    const cases: [string, RegExp, number | null][] = [
      ['[[rules]]\nid = "a"\nregex = "x"\nvalidate = "y"\n', /unknown key "validate"/, 4],
      ['[extend]\npath = "base.toml"\n', /extend\] path/, 2],
      ['[[rules]]\nid = "a"\nregex = "(x)"\nsecretGroup = 2\n', /secretGroup 2 but the regex has 1 group/, 4],
      ['[[rules]]\nid = "a"\nregex = "x\n', /TOML syntax error/, 3],
      ['[[rules]]\nid = "a"\n', /neither regex nor path/, 1],
      ['[[rules]]\nid = "a"\nregex = "x"\n[[rules.allowlists]]\ndescription = "empty"\n', /no commits, paths, regexes or stopwords/, 4],
    ];
    for (const [text, msg, line] of cases) {
      let caught: GitleaksConfigError | null = null;
      try {
        compileGitleaks(text, 'g.toml');
      } catch (e) {
        caught = e as GitleaksConfigError;
      }
      expect(caught, text).toBeInstanceOf(GitleaksConfigError);
      expect(caught!.message, text).toMatch(msg);
      expect(caught!.line, text).toBe(line);
    }
  });
});
