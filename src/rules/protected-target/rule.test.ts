// protected-target over real staged changes: every way of changing a protected path, generated
// files judged by their previous version, and generators vouching through receipts.
import { symlinkSync, chmodSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { check } from '../../doors/check.js';
import type { Finding } from '../../findings/types.js';
import { run as generate } from '../../cli/commands/generate.js';
import { Repo, type Sandbox, committedRepo } from '../../../test/helpers/repo.js';

const AT = '@';
const boxes: Sandbox[] = [];
afterEach(() => {
  for (const b of boxes.splice(0)) b.cleanup();
});

const BASE = { extends: [], protected_targets: { manifests: ['manifest/**'], policy: ['config/policy.yaml'] } };

const repoWith = (config: Record<string, unknown>, old: Record<string, string>) => committedRepo(boxes, config, old);

async function staged(repo: Repo): Promise<Finding[]> {
  const { report } = await check({ cwd: repo.path, env: repo.env, door: 'pre-commit', request: { kind: 'staged' } });
  // Only this family: other rules (syntax checks…) have their own tests.
  return report.findings.filter((f) => /^(protected-target|sentinel|generated-file)\b/.test(f.rule));
}

const rules = (fs: Finding[]) => fs.map((f) => `${f.rule} ${f.path}${f.line ? `:${f.line}` : ''}`);

async function gen(repo: Repo, ...args: string[]): Promise<{ code: number; out: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  err.on('data', (d) => (text += d));
  const code = await generate(args, { cwd: repo.path, env: repo.env, stdin: new PassThrough(), stdout: out, stderr: err });
  return { code, out: text };
}

describe('protected groups: every way of changing a path', () => {
  const old = { 'manifest/a.json': '{"a":1}\n', 'config/policy.yaml': 'x: 1\n', 'src/app.ts': 'export {};\n', 'big/data.txt': 'line\n'.repeat(50) };

  it('modify, add, delete', async () => {
    const repo = repoWith(BASE, old);
    repo.write('manifest/a.json', '{"a":2}\n').write('manifest/new.json', '{}\n').rm('config/policy.yaml').write('src/app.ts', 'export const x = 1;\n');
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target config/policy.yaml', 'protected-target manifest/a.json', 'protected-target manifest/new.json']);
    expect(fs.map((f) => f.message).join('\n')).toMatch(
      /config\/policy.yaml \(group policy\) deleted: no approved generator writes it: needs a signed approval \(safety-gate approve\)/,
    );
  });

  it('rename out of and into a protected group (with rename detection)', async () => {
    const repo = repoWith(BASE, old);
    repo.git('mv', 'manifest/a.json', 'elsewhere.json');
    repo.git('mv', 'big/data.txt', 'manifest/data.txt');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target manifest/a.json', 'protected-target manifest/data.txt']);
    expect(fs[0]!.message).toMatch(/renamed to elsewhere.json/);
    expect(fs[1]!.message).toMatch(/renamed from big\/data.txt/);
  });

  it('rename out with the content rewritten (no rename detected: a delete and an add)', async () => {
    const repo = repoWith(BASE, old);
    repo.rm('manifest/a.json').write('elsewhere.json', 'completely different\n');
    repo.git('add', '-A');
    expect(rules(await staged(repo))).toEqual(['protected-target manifest/a.json']);
  });

  it('mode change', async () => {
    const repo = repoWith(BASE, old);
    chmodSync(join(repo.path, 'config/policy.yaml'), 0o755);
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(fs[0]!.message).toMatch(/mode changed 100644 → 100755/);
  });

  it('a protected file replaced by a symlink (type change)', async () => {
    const repo = repoWith(BASE, old);
    rmSync(join(repo.path, 'config/policy.yaml'));
    symlinkSync('../src/app.ts', join(repo.path, 'config/policy.yaml'));
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target config/policy.yaml']);
    expect(fs[0]!.message).toMatch(/changed type \(file → symlink\)/);
  });

  it('a new symlink into a protected file or directory, but not one pointing elsewhere', async () => {
    const repo = repoWith(BASE, old);
    symlinkSync('config/policy.yaml', join(repo.path, 'shortcut.yaml'));
    symlinkSync('./sub/../manifest', join(repo.path, 'm'));
    symlinkSync('config', join(repo.path, 'cfg'));
    symlinkSync('src/app.ts', join(repo.path, 'app-link.ts'));
    symlinkSync('/etc/passwd', join(repo.path, 'outside'));
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target cfg', 'protected-target m', 'protected-target shortcut.yaml']);
    expect(fs.find((f) => f.path === 'cfg')!.message).toMatch(/symlink to config, which holds config\/policy.yaml/);
    expect(fs.find((f) => f.path === 'm')!.message).toMatch(/symlink to manifest \(group manifests\)/);
  });

  it('a change made visible under a protected name by an existing symlink', async () => {
    const repo = repoWith({ ...BASE, protected_targets: { generated: ['generated/**'] } }, { 'src/data/x.json': '1\n' });
    symlinkSync('../src/data', join(repo.path, 'generated-data'));
    repo.write('generated/.keep', '');
    repo.git('add', '-A');
    repo.git('commit', '-q', '--no-verify', '-m', 'setup');
    rmSync(join(repo.path, 'generated-data'));
    repo.write('generated/.keep', '');
    symlinkSync('../src/data', join(repo.path, 'generated/data'));
    repo.git('add', '-A');
    // Adding the link into the protected directory is itself protected.
    expect(rules(await staged(repo))).toContain('protected-target generated/data');
    repo.git('commit', '-q', '--no-verify', '-m', 'link');
    repo.write('src/data/x.json', '2\n');
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target src/data/x.json']);
    expect(fs[0]!.message).toMatch(/visible as generated\/data\/x.json through symlink generated\/data/);
  });

  it('a submodule bump on a protected path', async () => {
    const repo = repoWith({ ...BASE, protected_targets: { vendored: ['vendor/**'] } }, { 'a.txt': 'a\n' });
    const c1 = repo.head();
    repo.git('update-index', '--add', '--cacheinfo', `160000,${c1},vendor/lib`);
    repo.git('commit', '-q', '--no-verify', '-m', 'submodule');
    repo.write('a.txt', 'b\n');
    repo.git('add', 'a.txt');
    repo.git('commit', '-q', '--no-verify', '-m', 'another');
    const c2 = repo.head();
    repo.git('update-index', '--cacheinfo', `160000,${c2},vendor/lib`);
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target vendor/lib']);
    expect(fs[0]!.message).toMatch(/submodule moved to/);
  });

  it('case variants count only when the policy declares a case-insensitive filesystem', async () => {
    const repoCs = repoWith(BASE, old);
    repoCs.write('Manifest/A.JSON', 'shadow\n').write('CONFIG/Policy.yaml', 'shadow\n');
    repoCs.git('add', '-A');
    expect(await staged(repoCs)).toEqual([]);

    const repoCi = repoWith({ ...BASE, case_insensitive_paths: true }, old);
    repoCi.write('Manifest/A.JSON', 'shadow\n').write('CONFIG/Policy.yaml', 'shadow\n');
    repoCi.git('add', '-A');
    expect(rules(await staged(repoCi))).toEqual(['protected-target CONFIG/Policy.yaml', 'protected-target Manifest/A.JSON']);
  });
});

describe('generated files, judged by their previous version', () => {
  it('a marker removed in the same change still protects the file', async () => {
    const repo = repoWith({ extends: [] }, { 'gen/api.ts': `// ${AT}generated by codegen\nexport const v = 1;\n`, 'src/hand.ts': 'export const v = 1;\n' });
    repo.write('gen/api.ts', 'export const v = 2;\n').write('src/hand.ts', `// ${AT}generated (a lie)\nexport const v = 2;\n`);
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target gen/api.ts']);
    expect(fs[0]!.message).toMatch(/generated file: @generated marker on line 1 of its previous version/);
  });

  it('Go "Code generated" files, deletions and renames', async () => {
    const go = 'package api\n\n// Code generated by protoc-gen-go. DO NOT EDIT.\n\nvar X = 1\n';
    const repo = repoWith({ extends: [] }, { 'api/a.pb.go': go, 'api/b.pb.go': go.replace('X', 'Y') });
    repo.rm('api/a.pb.go');
    repo.git('mv', 'api/b.pb.go', 'api/c.go');
    repo.git('add', '-A');
    expect(rules(await staged(repo))).toEqual(['protected-target api/a.pb.go', 'protected-target api/b.pb.go']);
  });

  it('partially generated files: manual sections stay editable', async () => {
    const file = (manual: string, body = 'generated()') =>
      `/* ${AT}partially-generated */\n${body}\n/* BEGIN MANUAL SECTION extra */\n${manual}\n/* END MANUAL SECTION */\nfooter()\n`;
    const repo = repoWith({ extends: [] }, { 'gen/a.ts': file('// none'), 'gen/b.ts': file('// none') });
    repo.write('gen/a.ts', file('hand()\nmore()')).write('gen/b.ts', file('// none', 'hacked()'));
    repo.git('add', '-A');
    const fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target gen/b.ts:2']);
    expect(fs[0]!.message).toMatch(/a generated line outside the manual sections changed/);
  });

  it('linguist-generated from the previous .gitattributes, even when the change drops it', async () => {
    const repo = repoWith({ extends: [] }, { '.gitattributes': 'gen/** linguist-generated\n*.txt text\n', 'gen/a.js': 'a\n', 'src/b.js': 'b\n' });
    repo.write('.gitattributes', '*.txt text\n').write('gen/a.js', 'changed\n').write('gen/new.js', 'new\n').write('src/b.js', 'c\n');
    repo.git('add', '-A');
    expect(rules(await staged(repo))).toEqual(['protected-target gen/a.js', 'protected-target gen/new.js']);
  });

  it('prose that talks about markers is not generated', async () => {
    const repo = repoWith({ extends: [] }, { 'docs/gen.md': `# ${AT}generated files\n`, 'src/x.ts': `// the "${AT}generated" tag\n` });
    repo.write('docs/gen.md', 'x\n').write('src/x.ts', 'y\n');
    repo.git('add', '-A');
    expect(await staged(repo)).toEqual([]);
  });
});

describe('generators vouch for their outputs (client receipts)', () => {
  const GEN = `import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';\nmkdirSync('out', { recursive: true });\nwriteFileSync('out/data.txt', readFileSync('src/data.txt', 'utf8').toUpperCase());\n`;
  const config = {
    extends: [],
    generators: { upper: { command: [process.execPath, 'tools/gen.mjs'], inputs: ['src/**', 'tools/**'], outputs: ['out/**'] } },
  };

  it('a hand edit blocks; the generator run and staged passes; stale inputs block', async () => {
    const repo = repoWith(config, { 'tools/gen.mjs': GEN, 'src/data.txt': 'hello\n', 'out/data.txt': 'HELLO\n' });
    repo.write('out/data.txt', 'HACKED\n');
    repo.git('add', '-A');
    let fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target out/data.txt']);
    expect(fs[0]!.message).toMatch(/no receipt of generator upper exists for the staged files/);
    expect(fs[0]!.remediation).toBe('run `safety-gate generate upper` and stage its outputs');

    repo.write('src/data.txt', 'world\n');
    const g = await gen(repo, 'upper', '--stage');
    expect(g.code).toBe(0);
    repo.git('add', 'src/data.txt');
    expect(await staged(repo)).toEqual([]);

    // Inputs changed after the run: the receipt no longer describes the staged state.
    repo.write('src/data.txt', 'again\n');
    repo.git('add', 'src/data.txt');
    fs = await staged(repo);
    expect(fs[0]!.message).toMatch(/the last run of generator upper used other inputs than the staged files \(src\/data.txt changed since\)/);

    // A hand edit after the run.
    repo.write('src/data.txt', 'world\n').write('out/data.txt', 'WORLD!\n');
    repo.git('add', '-A');
    fs = await staged(repo);
    expect(fs[0]!.message).toMatch(/out\/data.txt is not what generator upper produced/);
  });

  it('a forged receipt is worthless', async () => {
    const repo = repoWith(config, { 'tools/gen.mjs': GEN, 'src/data.txt': 'hello\n', 'out/data.txt': 'HELLO\n' });
    await gen(repo, 'upper');
    const receiptDir = join(repo.path, '.git/safety-gate/receipts/upper');
    const { readdirSync, readFileSync } = await import('node:fs');
    const file = join(receiptDir, readdirSync(receiptDir)[0]!);
    const r = JSON.parse(readFileSync(file, 'utf8'));
    repo.write('out/data.txt', 'FORGED\n');
    repo.git('add', '-A');
    r.outputs['out/data.txt'].oid = repo.git('rev-parse', ':out/data.txt').trim();
    writeFileSync(file, JSON.stringify(r));
    expect(rules(await staged(repo))).toEqual(['protected-target out/data.txt']);
  });

  it('outputs named by a protected group', async () => {
    const repo = repoWith(
      { extends: [], protected_targets: { 'generated-files': ['out/**'] }, generators: { upper: { ...config.generators.upper, outputs: ['generated-files'] } } },
      { 'tools/gen.mjs': GEN, 'src/data.txt': 'hello\n', 'out/data.txt': 'HELLO\n' },
    );
    repo.write('src/data.txt', 'bye\n');
    await gen(repo, 'upper', '--stage');
    repo.git('add', '-A');
    expect(await staged(repo)).toEqual([]);
  });
});

describe('sentinels are protected: only their generator writes them', () => {
  it('built-in sentinel generator', async () => {
    const config = { extends: [], sentinels: [{ path: 'SHA256SUMS', covers: ['dist/**'] }] };
    const repo = repoWith(config, { 'dist/a.bin': 'a\n' });
    // The sentinel did not exist: writing it by hand (even correctly) is not the generator.
    const { createHash } = await import('node:crypto');
    repo.write('SHA256SUMS', `${createHash('sha256').update('a\n').digest('hex')}  dist/a.bin\n`);
    repo.git('add', '-A');
    let fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target SHA256SUMS']);
    expect(fs[0]!.remediation).toBe('run `safety-gate generate sentinel:SHA256SUMS` and stage its outputs');
    const g = await gen(repo, 'sentinel:SHA256SUMS', '--stage');
    expect(g.code).toBe(0);
    expect(await staged(repo)).toEqual([]);
    repo.git('commit', '-q', '--no-verify', '-m', 'sums');
    // An edit of a covered file with the sentinel regenerated passes; by hand it does not.
    repo.write('dist/a.bin', 'b\n');
    await gen(repo, 'sentinel:SHA256SUMS', '--stage');
    repo.git('add', '-A');
    expect(await staged(repo)).toEqual([]);
    repo.write('SHA256SUMS', `${createHash('sha256').update('b\n').digest('hex')}  dist/a.bin\n\n`);
    repo.git('add', '-A');
    fs = await staged(repo);
    expect(rules(fs)).toEqual(['protected-target SHA256SUMS']);
  });
});
