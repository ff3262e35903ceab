// One rule = one folder: the rule list (registry.ts) and the option schemas (options-registry.ts)
// are held equal to the folders under src/rules/ (helpers' folders start with '_' or are named
// 'shared'), and each rule's folder carries what a newcomer expects: rule.ts with its metadata,
// options.ts exactly when the options registry names the rule, the sub-rules it reports listed
// in its metadata (derived from its messages), every message it declares reported somewhere in its
// code and every messageId it reports declared (typescript-eslint's unused-message-ids check),
// and a test. docs/rules.md is generated from the same metadata and checked by
// test/e2e/docs.test.ts.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ruleOptionSchemas } from './options-registry.js';
import { rules } from './registry.js';

const RULES_DIR = import.meta.dirname;
const ROOT = join(RULES_DIR, '../..');

const isHelperFolder = (name: string) => name.startsWith('_') || name === 'shared';
const folders = readdirSync(RULES_DIR)
  .filter((name) => statSync(join(RULES_DIR, name)).isDirectory() && !isHelperFolder(name))
  .sort();

/** The non-test TypeScript of a folder, recursively. */
function sourcesOf(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourcesOf(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** The ids a module reports: every string literal a `messageId:` property's value may be. */
function reportedIds(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  // The value's possible results: a literal, or either branch of a choice (never its condition).
  const literals = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isConditionalExpression(n)) [n.whenTrue, n.whenFalse].forEach(literals);
    else ts.forEachChild(n, literals);
  };
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'messageId') literals(n.initializer);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** What reports for rule `id`: its folder, and the helper folders' modules that import its messages. */
function reportersOf(id: string): string[] {
  const helpers = readdirSync(RULES_DIR).filter((n) => isHelperFolder(n) && statSync(join(RULES_DIR, n)).isDirectory());
  const theirs = helpers.flatMap((h) => sourcesOf(join(RULES_DIR, h))).filter((f) => readFileSync(f, 'utf8').includes(`'../${id}/messages.js'`));
  return [...sourcesOf(join(RULES_DIR, id)).filter((f) => !f.endsWith('/messages.ts')), ...theirs];
}

describe('rule registry', () => {
  it('lists exactly the rule folders, each rule under its own id', () => {
    expect(rules.map((r) => r.meta.id).sort()).toEqual(folders);
    expect(new Set(rules.map((r) => r.meta.id)).size).toBe(rules.length);
  });

  it('registers an option schema exactly for the folders with an options.ts', () => {
    const withOptions = folders.filter((id) => existsSync(join(RULES_DIR, id, 'options.ts')));
    expect(Object.keys(ruleOptionSchemas).sort()).toEqual(withOptions);
    for (const id of withOptions) expect(typeof ruleOptionSchemas[id]!.parse, id).toBe('function');
  });

  for (const id of folders) {
    describe(id, () => {
      const rule = rules.find((r) => r.meta.id === id);

      it('has rule.ts with its metadata', () => {
        expect(existsSync(join(RULES_DIR, id, 'rule.ts'))).toBe(true);
        expect(rule, `${id} is not in registry.ts`).toBeDefined();
        const { meta } = rule!;
        expect(meta.family.trim()).not.toBe('');
        expect(meta.description.trim()).not.toBe('');
        expect(meta.description).not.toContain('\n');
        expect(meta.docs.trim().length).toBeGreaterThan(meta.description.length);
        expect(['block', 'warn']).toContain(meta.defaultSeverity);
      });

      it('lists in its metadata every sub-rule its folder reports', () => {
        const listed = new Set(rule?.meta.subRules ?? []);
        const reported = new Set<string>();
        for (const file of sourcesOf(join(RULES_DIR, id))) {
          for (const m of readFileSync(file, 'utf8').matchAll(/\bsubRule: '([^']+)'/g)) reported.add(m[1]!);
        }
        for (const sub of reported) expect(listed, `${id}/${sub} is reported but not in meta.subRules`).toContain(sub);
        expect(new Set(listed).size).toBe((rule?.meta.subRules ?? []).length);
      });

      it('reports every message it declares, and declares every messageId it reports', () => {
        const declared = Object.keys(rule?.meta.messages ?? {});
        const reported = new Set(reportersOf(id).flatMap(reportedIds));
        expect(
          declared.filter((m) => !reported.has(m)),
          `${id}: declared, never reported`,
        ).toEqual([]);
        expect(
          [...reported].filter((m) => !declared.includes(m)),
          `${id}: reported, not declared`,
        ).toEqual([]);
      });

      it('has a test: beside it, or end to end under test/e2e/', () => {
        const beside = readdirSync(join(RULES_DIR, id), { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.test.ts'));
        expect(beside || existsSync(join(ROOT, 'test/e2e', `${id}.test.ts`)), `no test for ${id}`).toBe(true);
      });
    });
  }
});
