import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Repo, ROOT, sandbox, type Sandbox } from '../../test/helpers/repo.js';
import { ConfigError, GateError } from '../errors.js';
import { loadServerPolicy, SERVER_POLICY_FILE, SERVER_POLICY_FILE_JSON, type RunGit } from './server.js';
import { loadPresetPolicy } from './load.js';

let sb: Sandbox;
let bare: string;
let work: Repo;
let calls: string[][];

const runGit: RunGit = async (args) => {
  calls.push([...args]);
  const r = spawnSync('git', args, { cwd: bare, env: sb.env });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
};

function install(content: string, file = SERVER_POLICY_FILE): void {
  mkdirSync(join(bare, 'safety-gate'), { recursive: true });
  writeFileSync(join(bare, file), content);
}

/** Commit files on main in the working clone and push them to the bare repository. */
function pushMain(files: Record<string, string>, message = 'update'): string {
  for (const [p, c] of Object.entries(files)) work.write(p, c);
  const oid = work.commitAll(message);
  work.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
  return oid;
}

const BRANCH_MODE = 'server:\n  policy_source: branch\n  policy_branch: main\n  policy_path: safety-gate.config.yaml\n';

beforeEach(() => {
  sb = sandbox();
  calls = [];
  bare = Repo.init(sb, 'server.git', ['--bare']).path;
  work = Repo.init(sb, 'work');
  work.git('remote', 'add', 'origin', bare);
});
afterEach(() => sb.cleanup());

describe('server policy: installed file', () => {
  test('no installed file: exit 2, never the recommended preset', async () => {
    const e = await loadServerPolicy({ gitDir: bare, runGit }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateError);
    expect((e as GateError).message).toBe(`no server policy: ${join(bare, SERVER_POLICY_FILE)} does not exist`);
    expect(calls).toEqual([]);
  });

  test.each([
    ['zero bytes', ''],
    ['blank lines', '\n  \n'],
    ['only comments', '# policy\n# (truncated)\n'],
    ['a null document', '---\n~\n'],
    // Spellings a line check does not know: emptiness is decided on the parsed document.
    ['an empty flow mapping', '{ }\n'],
    ['a tagged empty mapping', '!!map {}\n'],
    ['a tagged null', '!!null\n'],
    ['null with a comment', 'null # x\n'],
    ['a YAML directive and nothing', '%YAML 1.2\n---\n'],
    ['a document end marker with a comment', '--- # x\n...\n'],
    ['a BOM and an empty mapping', '\uFEFF{ }\n'],
    ['keys that all say nothing', 'rules: {}\nextends: []\nlimits: ~\n'],
    ['an empty mapping after the document marker', '--- {}\n'],
    ['an anchored empty mapping', '&a {}\n'],
    ['only a $schema', '{"$schema": "https://example.com/safety-gate.schema.json"}\n'],
  ])('an empty installed file (%s) is refused, never read as the recommended preset', async (_label, content) => {
    install(content);
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow(`the server policy ${join(bare, SERVER_POLICY_FILE)} is empty`);
  });

  test('extends: [recommended] written down is the recommended preset', async () => {
    install('extends: [recommended]\n');
    expect((await loadServerPolicy({ gitDir: bare, runGit })).rules).toEqual((await loadPresetPolicy('recommended')).rules);
  });

  test('the installed YAML file, with presets', async () => {
    install('extends: [agenttrader-v2]\nmax_cost_usd: 10\n');
    const p = await loadServerPolicy({ gitDir: bare, runGit });
    expect(p.policyId).toBe('agenttrader-v2');
    expect(p.record.max_cost_usd).toBe(10);
    expect(p.sources).toEqual(['preset:recommended', 'preset:agenttrader-v2', join(bare, SERVER_POLICY_FILE)]);
  });

  test('the installed JSON file', async () => {
    install('{"policy_id": "json"}', SERVER_POLICY_FILE_JSON);
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('json');
  });

  test('two installed files are ambiguous: refused', async () => {
    install('policy_id: a\n');
    install('{"policy_id": "b"}', SERVER_POLICY_FILE_JSON);
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow(/both safety-gate\/policy\.yaml and safety-gate\/policy\.json exist/);
  });

  test('an invalid installed file names its place', async () => {
    install('policy_id: a\nlimits:\n  max_blob_bytes: lots\n');
    const e = await loadServerPolicy({ gitDir: bare, runGit }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as Error).message).toBe(`${join(bare, SERVER_POLICY_FILE)}:3:19: limits.max_blob_bytes: expected number, received string`);
  });

  test('the repository content is never read in file mode', async () => {
    install('policy_id: installed\n');
    pushMain({ 'safety-gate.config.yaml': 'policy_id: pushed\n' });
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('installed');
    expect(calls).toEqual([]);
  });
});

describe('server policy: the protected branch tip', () => {
  test('reads policy_path at the current tip of policy_branch', async () => {
    install(BRANCH_MODE);
    const tip = pushMain({ 'safety-gate.config.yaml': 'extends: [agenttrader-v2]\nmax_retries_per_task: 5\n' });
    const p = await loadServerPolicy({ gitDir: bare, runGit });
    expect(p.policyId).toBe('agenttrader-v2');
    expect(p.record.max_retries_per_task).toBe(5);
    expect(p.sources).toEqual([join(bare, SERVER_POLICY_FILE), 'preset:recommended', 'preset:agenttrader-v2', `refs/heads/main@${tip}:safety-gate.config.yaml`]);
    // the branch's config cannot move where the server reads from
    expect(p.server).toEqual({ policySource: 'branch', policyBranch: 'refs/heads/main', policyPath: 'safety-gate.config.yaml', protectedBranches: ['refs/heads/main'] });
  });

  test('pushed objects that no ref points to yet are never read (the pre-push value counts)', async () => {
    install(BRANCH_MODE);
    const old = pushMain({ 'safety-gate.config.yaml': 'policy_id: old\n' });
    // The pushed commit's objects are in the repository (as in pre-receive's quarantine), main is not moved.
    work.write('safety-gate.config.yaml', 'policy_id: pushed\nrules:\n  protected-target: off\n');
    const pushed = work.commitAll('weaken the policy');
    work.git('push', '-q', 'origin', `${pushed}:refs/incoming/x`);
    const p = await loadServerPolicy({ gitDir: bare, runGit });
    expect(p.policyId).toBe('old');
    expect(p.rules['protected-target']!.severity).toBe('block');
    expect(p.sources).toContain(`refs/heads/main@${old}:safety-gate.config.yaml`);
    expect(calls.flat().join(' ')).not.toContain(pushed);
  });

  test('relative extends are read from the same tree, never from disk', async () => {
    install(BRANCH_MODE);
    mkdirSync(join(bare, 'policies'), { recursive: true });
    writeFileSync(join(bare, 'policies/base.yaml'), 'policy_id: from-disk\n');
    pushMain({
      'safety-gate.config.yaml': 'extends: [recommended, ./policies/base.yaml]\n',
      'policies/base.yaml': 'policy_id: from-tree\n',
    });
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('from-tree');
  });

  test('an extends that leaves the tree is refused', async () => {
    install(BRANCH_MODE);
    pushMain({ 'safety-gate.config.yaml': 'extends: [../outside.yaml]\n' });
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow(
      'refs/heads/main:safety-gate.config.yaml:1:11: extends[0]: "../outside.yaml" points outside the repository',
    );
  });

  test('errors in the branch config name ref:path:line:column', async () => {
    install(BRANCH_MODE);
    pushMain({ 'safety-gate.config.yaml': 'policy_id: x\nrulez: {}\n' });
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow('refs/heads/main:safety-gate.config.yaml:2:1: rulez: unknown key (did you mean "rules"?)');
  });

  test('a missing branch (first push) falls back to the installed file', async () => {
    install(`policy_id: installed\n${BRANCH_MODE}`);
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('installed');
  });

  test('a branch that never held the policy (it predates the gate) is judged by the installed file', async () => {
    install(`policy_id: installed\n${BRANCH_MODE}`);
    pushMain({ 'README.md': 'hello\n' });
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('installed');
  });

  test('a tip that lost the policy file (deleted) is exit 2, never a fallback to the installed file', async () => {
    install(`policy_id: installed\n${BRANCH_MODE}`);
    pushMain({ 'README.md': 'hello\n', 'safety-gate.config.yaml': 'policy_id: branch\n' });
    work.rm('safety-gate.config.yaml');
    pushMain({}, 'drop the policy');
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow('no server policy: refs/heads/main has no safety-gate.config.yaml (policy_source: branch)');
  });

  test('an emptied policy file on the branch is refused', async () => {
    install(`policy_id: installed\n${BRANCH_MODE}`);
    pushMain({ 'safety-gate.config.yaml': '# nothing here\n' });
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow('the server policy refs/heads/main:safety-gate.config.yaml is empty');
  });

  test('a JSON policy in the branch', async () => {
    install('server:\n  policy_source: branch\n  policy_path: config/gate.json\n');
    pushMain({ 'config/gate.json': '{"policy_id": "json-branch"}' });
    expect((await loadServerPolicy({ gitDir: bare, runGit })).policyId).toBe('json-branch');
  });

  test('a symlink in place of the policy is refused', async () => {
    install(BRANCH_MODE);
    pushMain({ 'real.yaml': 'policy_id: x\n' });
    spawnSync('ln', ['-s', 'real.yaml', 'safety-gate.config.yaml'], { cwd: work.path });
    work.commitAll('link');
    work.git('push', '-q', 'origin', 'HEAD:refs/heads/main');
    await expect(loadServerPolicy({ gitDir: bare, runGit })).rejects.toThrow(/must be a regular file/);
  });

  test('git failing is an error, never a silent fallback', async () => {
    install(BRANCH_MODE);
    pushMain({ 'safety-gate.config.yaml': 'policy_id: x\n' });
    const broken: RunGit = async () => ({ stdout: Buffer.alloc(0), stderr: Buffer.from('fatal: bad object'), code: 128 });
    const e = await loadServerPolicy({ gitDir: bare, runGit: broken }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GateError);
    expect((e as GateError).code).toBe('git');
  });
});

describe('in a real pre-receive hook', () => {
  // Bundle a tiny hook around loadServerPolicy and let git run it during a push: the policy
  // must be the one at main's tip before the push, even though the push edits it.
  test('a push that edits the policy is judged by the policy in force before it', async () => {
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    const outdir = mkdtempSync(join(ROOT, '.tmp', 'server-hook-'));
    try {
      writeFileSync(
        join(outdir, 'hook.ts'),
        `import { spawnSync } from 'node:child_process';
import { loadServerPolicy } from ${JSON.stringify(join(ROOT, 'src/config/server.ts'))};
const runGit = async (args: readonly string[]) => {
  const r = spawnSync('git', args, { env: process.env });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 128 };
};
const p = await loadServerPolicy({ gitDir: process.cwd(), runGit });
process.stderr.write('policy=' + p.policyId + ' protected-target=' + p.rules['protected-target'].severity + '\\n');
process.exit(1);
`,
      );
      await build({
        entryPoints: [join(outdir, 'hook.ts')],
        outfile: join(outdir, 'hook.mjs'),
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        external: ['cosmiconfig'],
        banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
        logLevel: 'silent',
      });
      install(BRANCH_MODE);
      pushMain({ 'safety-gate.config.yaml': 'policy_id: before\n' });
      const hook = join(bare, 'hooks/pre-receive');
      writeFileSync(hook, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(outdir, 'hook.mjs'))}\n`);
      chmodSync(hook, 0o755);

      work.write('safety-gate.config.yaml', 'policy_id: after\nrules:\n  protected-target: off\n');
      work.commitAll('weaken');
      const r = work.gitResult(['push', 'origin', 'HEAD:refs/heads/main']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('remote: policy=before protected-target=block');
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
