import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Repo, type Sandbox, tempRepo } from '../../test/helpers/repo.js';
import { loadPolicy, loadPolicyFile, loadPresetPolicy, listPresets } from './load.js';
import { policyHash } from './resolve.js';
import { ROOT } from '../../test/helpers/repo.js';
import { configError } from '../../test/helpers/errors.js';
import { SPEC_260_RECORD } from '../../test/helpers/spec-260.js';

let sb: Sandbox;
let repo: Repo;

beforeEach(() => ({ sb, repo } = tempRepo()));
afterEach(() => sb.cleanup());

const load = (extra: { cwd?: string; configFile?: string; mode?: 'client' | 'server' } = {}) =>
  loadPolicy({ cwd: extra.cwd ?? repo.path, mode: extra.mode ?? 'client', ...(extra.configFile ? { configFile: extra.configFile } : {}) });
/** Writes the files (path → text), in order. */
const writeAll = (files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) repo.write(path, text);
};
/** The id of the policy the files make. */
const policyIdOf = async (files: Record<string, string>) => {
  writeAll(files);
  return (await load()).policyId;
};

// The automation policy record exactly as SPEC-260 prints it, kept as a fixture so the tests do
// not depend on the spec being checked out beside the repository (it is checked against the
// spec when it is there).
const RECORD = readFileSync(join(ROOT, 'test/fixtures/spec-260-automation-policy-record.json'), 'utf8');
const SEED = join(ROOT, '../shared/seeds/004_7e7af972923f30a4.txt');
function specRecordJson(): string {
  return RECORD;
}
test.runIf(existsSync(SEED))('the fixture is the record SPEC-260 prints', () => {
  const m = /Automation policy record[^\n]*\n\n```json\n([\s\S]*?)```/.exec(readFileSync(SEED, 'utf8'));
  expect(m?.[1]).toBe(RECORD);
});

describe('discovery', () => {
  test('no config anywhere: the built-in recommended preset', async () => {
    const p = await load();
    expect(p.sources).toEqual(['preset:recommended']);
    expect(Object.keys(p.protectedTargets)).toEqual(['safety-gate-policy', 'hook-installs', 'ci-workflows']);
    expect(p.limits).toEqual({
      maxBlobBytes: 8 * 1024 * 1024,
      onOversized: 'block',
      deadlineMs: { default: 30000, 'pre-receive': 4000, 'pre-push': 30000, 'pre-commit': 30000, 'commit-msg': 30000, scan: 30000 },
    });
    expect(p.audit).toEqual({ enabled: true, path: 'safety-gate/audit.jsonl', retentionClass: null });
    expect(p.client).toEqual({ allowSkip: true });
    expect(p.server).toEqual({ policySource: 'file', policyBranch: 'refs/heads/main', policyPath: 'safety-gate.config.yaml', protectedBranches: ['refs/heads/main'] });
    // defaults come from the rule's own schema
    expect(p.rules['protected-target']).toEqual({ severity: 'block', options: expect.objectContaining({ extra_groups: {} }) });
  });

  test('safety-gate.config.yaml at the repository root, found from a subdirectory', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: root\n');
    mkdirSync(join(repo.path, 'a/b'), { recursive: true });
    repo.write('a/b/safety-gate.config.yaml', 'policy_id: nested\n');
    const p = await load({ cwd: join(repo.path, 'a/b') });
    expect(p.policyId).toBe('root');
    expect(p.sources).toEqual(['preset:recommended', join(repo.path, 'safety-gate.config.yaml')]);
  });

  test.each([
    ['.safety-gaterc', 'policy_id: rc\n'],
    ['.safety-gaterc.json', '{"policy_id": "rc"}'],
    ['.safety-gaterc.yml', 'policy_id: rc\n'],
    ['.config/safety-gaterc.yaml', 'policy_id: rc\n'],
    ['package.json', '{"name": "x", "safety-gate": {"policy_id": "rc"}}'],
    ['.safety-gaterc.cjs', 'module.exports = { policy_id: "rc" };'],
    ['safety-gate.config.mjs', 'export default { policy_id: "rc" };'],
  ])('cosmiconfig place %s', async (file, content) => {
    repo.write(file, content);
    expect((await load()).policyId).toBe('rc');
  });

  test('package.json without a safety-gate key is not a config', async () => {
    expect(await policyIdOf({ 'package.json': '{"name": "x"}', '.safety-gaterc.yaml': 'policy_id: rc\n' })).toBe('rc');
  });

  test('safety-gate.config.yaml wins over other places', async () => {
    expect(await policyIdOf({ '.safety-gaterc.json': '{"policy_id": "rc"}', 'safety-gate.config.yaml': 'policy_id: main\n' })).toBe('main');
  });

  test('an empty config file means the recommended preset', async () => {
    repo.write('safety-gate.config.yaml', '# nothing yet\n');
    const p = await load();
    expect(p.sources).toEqual(['preset:recommended', join(repo.path, 'safety-gate.config.yaml')]);
    expect(p.hash).toBe((await loadPresetPolicy('recommended')).hash);
  });

  test('an explicit --config file skips discovery', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: discovered\n');
    repo.write('policies/ci.yaml', 'policy_id: explicit\n');
    expect((await load({ configFile: 'policies/ci.yaml' })).policyId).toBe('explicit');
  });

  test('a missing --config file is a config error', async () => {
    const e = await configError(load({ configFile: 'nope.yaml' }));
    expect(e.message).toBe('nope.yaml: config file not found');
  });
});

describe('server mode never runs configuration code', () => {
  test.each(['.safety-gaterc.js', '.safety-gaterc.cjs', 'safety-gate.config.mjs', '.config/safety-gaterc.js'])('discovered %s is refused', async (file) => {
    repo.write(file, 'throw new Error("executed!")');
    const e = await configError(load({ mode: 'server' }));
    expect(e.message).toBe(`${file}: server mode reads YAML or JSON only; it never runs configuration code`);
    expect(e.hint).toMatch(/YAML or JSON/);
  });

  test('an explicit JS config file is refused', async () => {
    repo.write('gate.config.cjs', 'throw new Error("executed!")');
    const e = await configError(load({ mode: 'server', configFile: 'gate.config.cjs' }));
    expect(e.message).toMatch(/^gate\.config\.cjs: server mode reads YAML or JSON only/);
  });

  test('YAML that wins the search order is read as usual', async () => {
    repo.write('.safety-gaterc.yaml', 'policy_id: yaml\n');
    repo.write('safety-gate.config.js', 'throw new Error("executed!")');
    expect((await load({ mode: 'server' })).policyId).toBe('yaml');
  });

  test('the client does run it', async () => {
    repo.write('.safety-gaterc.cjs', 'module.exports = { policy_id: "js", limits: { max_blob_bytes: 10 } };');
    const p = await load();
    expect(p.policyId).toBe('js');
    expect(p.limits.maxBlobBytes).toBe(10);
  });

  test('extends never loads code, even on the client', async () => {
    repo.write('base.cjs', 'module.exports = {}');
    repo.write('safety-gate.config.yaml', 'extends: [./base.cjs]\n');
    const e = await configError(load());
    expect(e.message).toBe('safety-gate.config.yaml:1:11: extends[0]: "./base.cjs" is code; extends takes YAML or JSON files only');
  });
});

describe('errors name file:line:column and the key path', () => {
  // A configuration file (or several) and the one message its error must have.
  const cases: [name: string, files: Record<string, string>, message: string | RegExp][] = [
    ['YAML syntax error', { 'safety-gate.config.yaml': 'policy_id: x\nrules:\n  protected-target: [block\n' }, /^safety-gate\.config\.yaml:4:1: YAML syntax error: /],
    ['duplicate key', { 'safety-gate.config.yaml': 'policy_id: a\npolicy_id: b\n' }, 'safety-gate.config.yaml:2:1: YAML syntax error: duplicate key'],
    ['JSON syntax error', { '.safety-gaterc.json': '{\n  "policy_id": "x",\n  "limits": {\n}' }, /^\.safety-gaterc\.json:\d+:\d+: YAML syntax error: /],
    [
      'unknown nested key',
      { 'safety-gate.config.yaml': 'limits:\n  deadline_ms:\n    pre_receive: 100\n' },
      'safety-gate.config.yaml:3:5: limits.deadline_ms.pre_receive: unknown key (did you mean "pre-receive"?)',
    ],
    [
      'wrong type',
      { 'safety-gate.config.yaml': 'policy_id: x\nlimits:\n  max_blob_bytes: big\n' },
      'safety-gate.config.yaml:3:19: limits.max_blob_bytes: expected number, received string',
    ],
    [
      'a misspelt required key: the unknown key is reported first',
      { 'safety-gate.config.yaml': 'protected_groups:\n  notes:\n    pathz: [CHANGELOG.md]\n' },
      'safety-gate.config.yaml:3:5: protected_groups.notes.pathz: unknown key (did you mean "paths"?) (and 1 more problem)',
    ],
    [
      'unknown key inside rule options',
      { 'safety-gate.config.yaml': 'rules:\n  protected-target:\n    options:\n      extra_group: {}\n' },
      'safety-gate.config.yaml:4:7: rules.protected-target.options.extra_group: unknown key (did you mean "extra_groups"?)',
    ],
    [
      'bad severity',
      { 'safety-gate.config.yaml': 'rules:\n  protected-target: loud\n' },
      'safety-gate.config.yaml:2:21: rules.protected-target.severity: expected one of "block"|"warn"|"off"',
    ],
    [
      'extends cycle',
      {
        'safety-gate.config.yaml': 'extends: ./policies/a.yaml\n',
        'policies/a.yaml': 'extends:\n  - recommended\n  - ./b.yaml\n',
        'policies/b.yaml': 'policy_id: b\nextends: [./a.yaml]\n',
      },
      'policies/b.yaml:2:11: extends[0]: extends cycle: policies/a.yaml → policies/b.yaml → policies/a.yaml',
    ],
    [
      'a file extending itself',
      { 'safety-gate.config.yaml': 'extends: ./safety-gate.config.yaml\n' },
      'safety-gate.config.yaml:1:10: extends: extends cycle: safety-gate.config.yaml → safety-gate.config.yaml',
    ],
    [
      'missing preset',
      { 'safety-gate.config.yaml': 'extends:\n  - recommended\n  - agenttrader-v3\n' },
      `safety-gate.config.yaml:3:5: extends[1]: unknown preset "agenttrader-v3" (available: ${listPresets().join(', ')})`,
    ],
    ['missing relative extends', { 'safety-gate.config.yaml': 'extends: ./base.yaml\n' }, 'safety-gate.config.yaml:1:10: extends: cannot read "./base.yaml": file not found'],
    [
      'absolute extends',
      { 'safety-gate.config.yaml': 'extends: [/etc/gate.yaml]\n' },
      'safety-gate.config.yaml:1:11: extends[0]: "/etc/gate.yaml" is absolute; use a path relative to this file',
    ],
    [
      'an error in an extended file names that file',
      { 'safety-gate.config.yaml': 'extends: [recommended, ./team.yaml]\npolicy_id: x\n', 'team.yaml': 'limits:\n  on_oversized: ignore\n' },
      'team.yaml:2:17: limits.on_oversized: expected one of "block"|"warn"',
    ],
    ['top level must be a mapping', { 'safety-gate.config.yaml': '- a\n- b\n' }, 'safety-gate.config.yaml:1:1: configuration must be a mapping of keys to values'],
    [
      '$import (a cosmiconfig feature) is refused in favour of extends',
      { 'safety-gate.config.yaml': 'policy_id: x\n$import: ./other.yaml\n', 'other.yaml': 'policy_id: y\n' },
      'safety-gate.config.yaml:2:1: $import: not supported; use `extends`',
    ],
    [
      'audit.path must stay inside $GIT_DIR',
      { 'safety-gate.config.yaml': 'audit:\n  path: ../../outside.jsonl\n' },
      /^safety-gate\.config\.yaml:2:9: audit\.path: must be a relative path inside \$GIT_DIR/,
    ],
    [
      'server.policy_path cannot name code',
      { 'safety-gate.config.yaml': 'server:\n  policy_source: branch\n  policy_path: gate.config.js\n' },
      /^safety-gate\.config\.yaml:3:16: server\.policy_path: must be a relative \.yaml, \.yml or \.json path/,
    ],
    [
      'errors in package.json point into package.json',
      { 'package.json': '{\n  "name": "x",\n  "safety-gate": {\n    "limits": {"max_blob_bytes": -1}\n  }\n}\n' },
      /^package\.json:4:34: limits\.max_blob_bytes: too small/,
    ],
  ];
  test.each(cases)('%s', async (_name, files, message) => {
    writeAll(files);
    const e = await configError(load());
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });

  test('unknown top-level key, with a suggestion', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: x\nruntime_scop:\n  include: ["**"]\n');
    const e = await configError(load());
    expect(e.message).toBe('safety-gate.config.yaml:2:1: runtime_scop: unknown key (did you mean "runtime_scope"?)');
    expect(e.code).toBe('config');
  });

  test('wrong type deep inside rules.<id>.options', async () => {
    repo.write('safety-gate.config.yaml', ['rules:', '  protected-target:', '    severity: warn', '    options:', '      extra_groups:', '        secrets: 5', ''].join('\n'));
    const e = await configError(load());
    expect(e.message).toBe('safety-gate.config.yaml:6:18: rules.protected-target.options.extra_groups.secrets: expected list, received number');
  });

  test('types are named as YAML names them', async () => {
    repo.write('safety-gate.config.yaml', 'run_windows: weekday\nlimits: 5\n');
    const e = await configError(load());
    expect(e.message).toBe('safety-gate.config.yaml:1:14: run_windows: expected list, received string (and 1 more problem)');
    repo.write('safety-gate.config.yaml', 'protected_targets: 5\n');
    expect((await configError(load())).message).toBe('safety-gate.config.yaml:1:20: protected_targets: expected list or map');
  });

  test('unknown rule id', async () => {
    repo.write('safety-gate.config.yaml', 'policy_id: x\nrules:\n  protected-targets: warn\n');
    const e = await configError(load());
    expect(e.message).toBe('safety-gate.config.yaml:3:3: rules.protected-targets: unknown rule "protected-targets"');
    expect(e.hint).toMatch(/known rules: .*protected-target/);
  });

  test('unknown protected group', async () => {
    repo.write('safety-gate.config.yaml', 'protected_targets:\n  - manifest-hashes\n  - secret-files\n');
    const e = await configError(load());
    expect(e.message).toMatch(/^safety-gate\.config\.yaml:3:5: protected_targets\[1\]: unknown protected group "secret-files" \(defined: /);
    expect(e.hint).toMatch(/protected_groups/);
  });
});

describe('SPEC-260 automation policy record is valid configuration as it stands', () => {
  const expectRecord = (p: Awaited<ReturnType<typeof load>>) => {
    expect(p.policyId).toBe('string');
    expect(p.record).toEqual(SPEC_260_RECORD);
    expect(Object.keys(p.protectedTargets)).toEqual(['manifest-hashes', 'generated-files']);
    expect(p.protectedTargets['manifest-hashes']).toContain('**/*.sha256');
    expect(p.protectedTargets['generated-files']).toContain('**/__generated__/**');
  };

  test('as JSON', async () => {
    repo.write('safety-gate.config.json', specRecordJson());
    expectRecord(await load());
  });

  test('as JSON in .safety-gaterc, in server mode', async () => {
    repo.write('.safety-gaterc', specRecordJson());
    expectRecord(await load({ mode: 'server' }));
  });

  test('as YAML', async () => {
    const record = JSON.parse(specRecordJson()) as Record<string, unknown>;
    const { stringify } = await import('yaml');
    repo.write('safety-gate.config.yaml', stringify(record));
    expectRecord(await load());
  });

  test('with extends: [] the groups must be defined by the file itself', async () => {
    const record = JSON.parse(specRecordJson()) as Record<string, unknown>;
    repo.write('safety-gate.config.json', JSON.stringify({ extends: [], ...record }, null, 2));
    const e = await configError(load());
    expect(e.message).toMatch(/protected_targets\[0\]: unknown protected group "manifest-hashes" \(defined: none\)/);
  });
});

describe('extends and merging', () => {
  test('later entries override earlier ones, the file overrides its extends', async () => {
    repo.write('policies/one.yaml', 'policy_id: one\nmax_cost_usd: 1\nlimits:\n  max_blob_bytes: 100\n');
    repo.write('policies/two.yaml', 'policy_id: two\nlimits:\n  on_oversized: warn\n');
    repo.write('safety-gate.config.yaml', 'extends: [recommended, ./policies/one.yaml, ./policies/two.yaml]\npolicy_id: mine\n');
    const p = await load();
    expect(p.policyId).toBe('mine');
    expect(p.record.max_cost_usd).toBe(1);
    // objects deep-merge
    expect(p.limits.maxBlobBytes).toBe(100);
    expect(p.limits.onOversized).toBe('warn');
    expect(p.sources).toEqual(['preset:recommended', join(repo.path, 'policies/one.yaml'), join(repo.path, 'policies/two.yaml'), join(repo.path, 'safety-gate.config.yaml')]);
  });

  test('arrays replace', async () => {
    repo.write('safety-gate.config.yaml', 'runtime_scope:\n  include: ["src/**"]\n');
    const p = await load();
    expect(p.runtimeScope.include).toEqual(['src/**']);
    // the sibling key still comes from the preset
    expect(p.runtimeScope.exclude).toContain('**/*.md');
  });

  test('relative extends resolve from the extending file', async () => {
    const files = {
      'safety-gate.config.yaml': 'extends: [./policies/team.yaml]\n',
      'policies/team.yaml': 'extends: [recommended, ../shared/base.json]\n',
      'shared/base.json': '{"policy_id": "base"}',
    };
    expect(await policyIdOf(files)).toBe('base');
  });

  test('rules.<id> merges severity and options field by field', async () => {
    repo.write('base.yaml', 'rules:\n  protected-target:\n    severity: warn\n    options:\n      extra_groups:\n        a: ["a/**"]\n');
    repo.write('safety-gate.config.yaml', 'extends: [recommended, ./base.yaml]\nrules:\n  protected-target:\n    options:\n      extra_groups:\n        b: ["b/**"]\n');
    const p = await load();
    expect(p.rules['protected-target']).toEqual({ severity: 'warn', options: expect.objectContaining({ extra_groups: { a: ['a/**'], b: ['b/**'] } }) });
  });

  test('a bare severity string keeps options from earlier layers', async () => {
    repo.write('base.yaml', 'rules:\n  protected-target:\n    options:\n      extra_groups:\n        a: ["a/**"]\n');
    repo.write('safety-gate.config.yaml', 'extends: [./base.yaml]\nrules:\n  protected-target: off\n');
    const p = await load();
    expect(p.rules['protected-target']).toEqual({ severity: 'off', options: expect.objectContaining({ extra_groups: { a: ['a/**'] } }) });
  });

  test('protected_targets as a map of name → globs', async () => {
    repo.write('safety-gate.config.yaml', 'protected_targets:\n  secrets: ["secrets/**"]\n  lock:\n    paths: [package-lock.json]\n    description: lockfile\n');
    const p = await load();
    expect(p.protectedTargets).toEqual({ secrets: ['secrets/**'], lock: ['package-lock.json'] });
  });

  test('protected_targets naming a group defined in the same file', async () => {
    repo.write('safety-gate.config.yaml', 'protected_groups:\n  notes: [CHANGELOG.md]\nprotected_targets: [notes, ci-workflows]\n');
    const p = await load();
    expect(p.protectedTargets).toEqual({ notes: ['CHANGELOG.md'], 'ci-workflows': expect.arrayContaining(['.github/workflows/**']) });
  });

  test('an empty value means "not set"', async () => {
    repo.write('safety-gate.config.yaml', 'rules:\n  # protected-target: warn\nlimits:\n  max_blob_bytes:\n');
    const p = await load();
    expect(p.limits.maxBlobBytes).toBe(8 * 1024 * 1024);
    expect(p.rules['protected-target']!.severity).toBe('block');
  });

  test('YAML anchors and merge keys', async () => {
    repo.write('safety-gate.config.yaml', 'x-globs: &g ["a/**"]\n'.replace('x-globs', 'protected_groups:\n  a') + 'protected_targets:\n  mine: *g\n');
    const p = await load();
    expect(p.protectedTargets).toEqual({ mine: ['a/**'] });
  });

  test('deadlines: pre-receive keeps 4 s unless set; other doors follow default', async () => {
    repo.write('safety-gate.config.yaml', 'limits:\n  deadline_ms:\n    default: 10000\n    pre-commit: 2000\n');
    const p = await load();
    expect(p.limits.deadlineMs).toEqual({ default: 10000, 'pre-receive': 4000, 'pre-push': 10000, 'pre-commit': 2000, 'commit-msg': 10000, scan: 10000 });
  });

  test('server.policy_branch accepts a short branch name', async () => {
    repo.write('safety-gate.config.yaml', 'server:\n  policy_source: branch\n  policy_branch: release\n');
    expect((await load()).server).toEqual({
      policySource: 'branch',
      policyBranch: 'refs/heads/release',
      policyPath: 'safety-gate.config.yaml',
      protectedBranches: ['refs/heads/release', 'refs/heads/main'],
    });
  });

  test('change-control sections are validated and carried', async () => {
    repo.write('safety-gate.config.yaml', 'generators:\n  manifest:\n    command: [make, manifest]\n    outputs: [MANIFEST.sha256]\n');
    const p = await load();
    expect(p.changeControl).toEqual({
      generators: { manifest: { command: ['make', 'manifest'], inputs: [], outputs: ['MANIFEST.sha256'], verify: 'receipt', server: true, timeout_ms: 60000 } },
    });
  });
});

describe('policy hash', () => {
  test('sha256 of the policy without hash and sources; stable; changes with the policy', async () => {
    const a = await load();
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(policyHash(a)).toBe(a.hash);
    repo.write('safety-gate.config.yaml', '{}\n');
    const b = await load();
    expect(b.sources).not.toEqual(a.sources);
    expect(b.hash).toBe(a.hash);
    repo.write('safety-gate.config.yaml', 'max_retries_per_task: 3\n');
    expect((await load()).hash).not.toBe(a.hash);
  });

  test('the policy is plain JSON', async () => {
    const p = await load();
    expect(JSON.parse(JSON.stringify(p))).toStrictEqual(p);
  });
});

describe('loadPolicyFile (the server installer uses it)', () => {
  test('null when absent; YAML loaded with presets', async () => {
    expect(await loadPolicyFile(join(sb.dir, 'none.yaml'))).toBeNull();
    repo.write('p.yaml', 'extends: [agenttrader-v2]\n');
    const p = await loadPolicyFile(join(repo.path, 'p.yaml'));
    expect(p?.policyId).toBe('agenttrader-v2');
  });
});
