// No import runs back up a layer. The pipeline reads bottom-up: changeset/git/config → readers
// (src/readers) → rules → engine → sources and the doors (src/cli). Checked over every
// static and dynamic import of every non-test module under src/ (tests drive the real engine and
// CLI on purpose):
// - readers never import a rule (nor the rule registries), the engine, a source or a door;
// - rules never import cli/, sources/ or engine/, but for the engine modules that are part of the
//   rule API (engine/paths.ts: the PathMatcher of RuleContext; engine/spellings.ts: the spellings
//   and link targets a path has in a checkout; engine/run-cache.ts: perRun, the cache a rule
//   family shares for one run);
// - the engine never imports cli/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = import.meta.dirname;

function modules(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...modules(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.includes('.test-helper.')) out.push(p);
  }
  return out;
}

/** src-relative targets of a module's relative imports (`from '…'`, `import('…')`, `export … from '…'`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    out.push(relative(SRC, resolve(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return out;
}

const isReader = (p: string) => p.startsWith('readers/');
const isRule = (p: string) => p.startsWith('rules/');
const RULE_API_IN_ENGINE = new Set(['engine/paths.ts', 'engine/spellings.ts', 'engine/run-cache.ts']);

function violation(from: string, to: string): string | null {
  if (isReader(from) && (isRule(to) || to.startsWith('engine/') || to.startsWith('sources/') || to.startsWith('cli/')))
    return 'a reader imports a rule, the engine, a source or a door';
  if (isRule(from)) {
    if (to.startsWith('cli/') || to.startsWith('sources/')) return 'a rule imports a door or a source';
    if (to.startsWith('engine/') && !RULE_API_IN_ENGINE.has(to)) return 'a rule imports the engine';
  }
  if (from.startsWith('engine/') && to.startsWith('cli/')) return 'the engine imports the CLI';
  return null;
}

describe('layers', () => {
  const files = modules(SRC).map((f) => relative(SRC, f));

  it('finds the imports it judges', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf(join(SRC, 'engine/check.ts'))).toContain('rules/registry.ts');
  });

  it('judges an upward import as one', () => {
    expect(violation('readers/yaml.ts', 'rules/agent-mode/rule.ts')).not.toBeNull();
    expect(violation('rules/agent-mode/rule.ts', 'engine/check.ts')).not.toBeNull();
    expect(violation('rules/agent-mode/rule.ts', 'cli/app.ts')).not.toBeNull();
    expect(violation('engine/run.ts', 'cli/run-door.ts')).not.toBeNull();
    expect(violation('rules/agent-mode/rule.ts', 'readers/yaml.ts')).toBeNull();
  });

  it('no import runs back up a layer', () => {
    const found: string[] = [];
    for (const from of files) {
      for (const to of importsOf(join(SRC, from))) {
        const why = violation(from, to);
        if (why) found.push(`${from} → ${to}: ${why}`);
      }
    }
    expect(found).toEqual([]);
  });
});
