// No import runs back up a layer. The pipeline reads bottom-up: changeset/git/config → readers
// (src/readers) → rules → engine; sources (src/sources) beside it; the doors (src/doors: policy,
// task, actor, change set resolved) over both; the CLI (src/cli) on top. Checked over every
// static and dynamic import of every non-test module under src/ (tests drive the real engine and
// CLI on purpose):
// - readers never import a rule (nor the rule registries), the engine, a source or a door;
// - rules never import cli/, doors/, sources/ or engine/, but for the engine modules that are
//   part of the rule API (engine/paths.ts: the PathMatcher of RuleContext; engine/spellings.ts:
//   the spellings and link targets a path has in a checkout; engine/run-cache.ts: perRun, the
//   cache a rule family shares for one run);
// - the engine never imports sources/, doors/ or cli/: it gets the change set, the policy, the
//   task and the actor resolved; sources never import the engine, the doors or the CLI; the
//   doors never import the CLI.
// And the engine never reads the environment for identity: no engine module names process.env
// or an identity variable (the doors' src/doors/identity.ts is where the actor comes from).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_IDENTITY, PLATFORM_IDENTITY } from './doors/identity.js';

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
const isDoor = (p: string) => p.startsWith('doors/') || p.startsWith('cli/');
const isRule = (p: string) => p.startsWith('rules/');
const RULE_API_IN_ENGINE = new Set(['engine/paths.ts', 'engine/spellings.ts', 'engine/run-cache.ts']);

/** Names of the environment an engine module must not read: process.env, the platforms' identity variables, the local login. */
const IDENTITY_VARIABLES = [...PLATFORM_IDENTITY.map(([, variable]) => variable), ...LOCAL_IDENTITY];

/** Where a module's code (comments left out) reads the environment for identity. */
function identityReads(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  if (/\bprocess\s*\.\s*env\b/.test(code)) out.push('process.env');
  for (const v of IDENTITY_VARIABLES) if (new RegExp(`(?:\\.\\s*|['"\`])${v}\\b`).test(code)) out.push(v);
  return out;
}

function violation(from: string, to: string): string | null {
  if (isReader(from) && (isRule(to) || to.startsWith('engine/') || to.startsWith('sources/') || to.startsWith('cli/')))
    return 'a reader imports a rule, the engine, a source or a door';
  if (isRule(from)) {
    if (isDoor(to) || to.startsWith('sources/')) return 'a rule imports a door or a source';
    if (to.startsWith('engine/') && !RULE_API_IN_ENGINE.has(to)) return 'a rule imports the engine';
  }
  if (from.startsWith('engine/') && (isDoor(to) || to.startsWith('sources/'))) return 'the engine imports a door or a source';
  if (from.startsWith('sources/') && (isDoor(to) || to.startsWith('engine/'))) return 'a source imports the engine or a door';
  if (from.startsWith('doors/') && to.startsWith('cli/')) return 'a door imports the CLI';
  return null;
}

describe('layers', () => {
  const files = modules(SRC).map((f) => relative(SRC, f));

  it('finds the imports it judges', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(importsOf(join(SRC, 'doors/check.ts'))).toContain('rules/registry.ts');
    expect(importsOf(join(SRC, 'doors/change-set.ts'))).toContain('sources/index.ts');
  });

  it('judges an upward import as one', () => {
    expect(violation('readers/yaml.ts', 'rules/agent-mode/rule.ts')).not.toBeNull();
    expect(violation('rules/agent-mode/rule.ts', 'engine/check.ts')).not.toBeNull();
    expect(violation('rules/agent-mode/rule.ts', 'cli/app.ts')).not.toBeNull();
    expect(violation('engine/run.ts', 'cli/run-door.ts')).not.toBeNull();
    expect(violation('engine/check.ts', 'sources/index.ts')).not.toBeNull();
    expect(violation('engine/check.ts', 'doors/policy.ts')).not.toBeNull();
    expect(violation('sources/push.ts', 'engine/run.ts')).not.toBeNull();
    expect(violation('doors/check.ts', 'cli/run-door.ts')).not.toBeNull();
    expect(violation('doors/check.ts', 'engine/check.ts')).toBeNull();
    expect(violation('engine/check.ts', 'doors.ts')).toBeNull();
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

  it('judges a read of the environment for identity as one', () => {
    expect(identityReads('const who = process.env.GITHUB_USER_LOGIN;')).toEqual(['process.env', 'GITHUB_USER_LOGIN']);
    expect(identityReads('const who = env.GL_USERNAME ?? env["REMOTE_USER"];')).toEqual(['GL_USERNAME', 'REMOTE_USER']);
    expect(identityReads("return { name: opts.env.USER ?? opts.env['LOGNAME'] };")).toEqual(['USER', 'LOGNAME']);
    expect(identityReads('// the pusher the platform names (GITHUB_USER_LOGIN)\nconst actor = changeSet.actor;')).toEqual([]);
    expect(identityReads('const USERS = 1; /* env.USER */')).toEqual([]);
  });

  it('the engine never reads the environment for identity', () => {
    const found: string[] = [];
    for (const from of files.filter((f) => f.startsWith('engine/'))) {
      for (const what of identityReads(readFileSync(join(SRC, from), 'utf8'))) found.push(`${from}: ${what}`);
    }
    expect(files.filter((f) => f.startsWith('engine/')).length).toBeGreaterThan(10);
    expect(found).toEqual([]);
  });
});
