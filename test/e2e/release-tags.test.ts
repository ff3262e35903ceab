// Release tags at the server (issue 8, "Release tags"): real git, real ssh-keygen keys made here,
// a bare repository whose pre-receive hook runs the built CLI with the server's policy and
// allowed signers. Tags are signed with `git tag -s` and gpg.format=ssh. Each sub-rule is shown
// with a tag that lands and one that is refused, and the reason of every refusal is asserted.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, ROOT, Repo, runCli, sandbox, type Sandbox } from '../helpers/repo.js';
import { createServer, push, type Server } from './server.js';
import { makeKeys, principal, type Keys, type Person } from './approval-keys.js';

let sb: Sandbox;
let server: Server;
let repo: Repo;
let keys: Keys;
const REPO_ID = 'acme/agenttrader';

beforeEach(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['alice', 'bob', 'carol', 'mallory', 'eve', 'rita']);
});
afterEach(() => sb.cleanup());

function serverPolicy(release: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    extends: [],
    limits: { deadline_ms: { 'pre-receive': 60000 } },
    approvals: {
      repo_id: REPO_ID,
      allowed_signers: keys.allowedSigners,
      roles: { security: [principal('alice')], oncall: [principal('bob')], release: [principal('carol'), principal('rita')], dev: [principal('mallory')] },
      break_glass: ['security', 'oncall'],
    },
    release_tags: {
      prefix: 'agenttrader-v2/',
      release: 'agenttrader-v2/vMAJOR.MINOR.PATCH',
      prerelease: 'agenttrader-v2/vMAJOR.MINOR.PATCH-rc.N',
      ...release,
    },
  };
}

function setup(release: Record<string, unknown> = {}): string {
  server = createServer(sb, serverPolicy(release), { hookEnv: 'export REMOTE_USER=dave\n' });
  execFileSync('git', ['clone', '-q', server.url, join(sb.dir, 'work')], { env: sb.env });
  repo = new Repo(join(sb.dir, 'work'), sb.env);
  repo.write('CHANGELOG.md', '# Changelog\n\n## 1.0.0 - 2026-12-02\n\n- Safety: paper-only lock kept.\n- Config: none.\n- Rollout: none.\n');
  repo.write(
    'k8s/deploy.yaml',
    'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api@sha256:' +
      'a'.repeat(64) +
      '\n',
  );
  const c = repo.commitAll('release 1.0.0');
  pushOk(['origin', 'HEAD:refs/heads/main']);
  return c;
}

function pushOk(args: string[]): string {
  const r = push(repo, args);
  expect(r.code, r.out).toBe(0);
  return r.out;
}

function pushRefused(args: string[]): string {
  const r = push(repo, args);
  expect(r.code, r.out).not.toBe(0);
  // The hook really ran and said why.
  expect(r.out).toMatch(/pre-receive hook declined/);
  return r.out;
}

function tag(name: string, opts: { signer?: Person | null; rev?: string; lightweight?: boolean } = {}): void {
  const rev = opts.rev ?? 'HEAD';
  if (opts.lightweight) repo.git('tag', name, rev);
  else if (opts.signer === null) repo.git('tag', '-a', '-m', `release ${name}`, name, rev);
  else repo.git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${keys.key(opts.signer ?? 'carol')}`, 'tag', '-s', '-m', `release ${name}`, name, rev);
}

const pushTag = (name: string) => ['origin', `refs/tags/${name}`];
const lastRecord = () => JSON.parse(server.auditLines().at(-1)!);

describe('release-tags at the server', () => {
  it('a signed, annotated release on main with a changelog entry lands, audited release-7y', () => {
    setup();
    tag('agenttrader-v2/v1.0.0');
    pushOk(pushTag('agenttrader-v2/v1.0.0'));
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBe(repo.git('rev-parse', 'agenttrader-v2/v1.0.0').trim());
    const rec = lastRecord();
    expect(rec).toMatchObject({ decision: 'pass', door: 'pre-receive', retention_class: 'release-7y' });
    expect(rec.refs[0].ref).toBe('refs/tags/agenttrader-v2/v1.0.0');
  });

  it('name: agenttrader-v2/v1.0 is refused; tags outside the prefix are not release tags', () => {
    setup();
    tag('agenttrader-v2/v1.0');
    const out = pushRefused(pushTag('agenttrader-v2/v1.0'));
    expect(out).toMatch(
      /release-tags\/name\s+release tag agenttrader-v2\/v1\.0 does not match the release naming policy \(agenttrader-v2\/vMAJOR\.MINOR\.PATCH or agenttrader-v2\/vMAJOR\.MINOR\.PATCH-rc\.N\)/,
    );
    tag('AgentTrader-V2/v1.0.0');
    expect(pushRefused(pushTag('AgentTrader-V2/v1.0.0'))).toMatch(/release-tags\/name\s+release tag AgentTrader-V2\/v1\.0\.0 does not match/);
    tag('v1.0', { lightweight: true });
    pushOk(pushTag('v1.0'));
  });

  it('annotated: a lightweight release tag is refused', () => {
    const c = setup();
    tag('agenttrader-v2/v1.0.0', { lightweight: true });
    const out = pushRefused(pushTag('agenttrader-v2/v1.0.0'));
    expect(out).toMatch(new RegExp(`release-tags/annotated\\s+release tag agenttrader-v2/v1\\.0\\.0 is lightweight \\(it names commit ${c.slice(0, 12)} directly\\)`));
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBeNull();
  });

  it('signature: unsigned, signed by a non-release key, by an unknown key, or by a revoked one is refused', () => {
    setup();
    tag('agenttrader-v2/v1.0.0', { signer: null });
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.0'))).toMatch(
      /release-tags\/signature\s+release tag agenttrader-v2\/v1\.0\.0 is not signed by a release signer: the tag is not signed/,
    );
    repo.git('tag', '-d', 'agenttrader-v2/v1.0.0');
    tag('agenttrader-v2/v1.0.0', { signer: 'mallory' });
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.0'))).toMatch(
      /release-tags\/signature\s+release tag agenttrader-v2\/v1\.0\.0 is not signed by a release signer: the tag is signed by mallory@example\.com, who holds no role release \(roles come from the server policy\)/,
    );
    repo.git('tag', '-d', 'agenttrader-v2/v1.0.0');
    tag('agenttrader-v2/v1.0.0', { signer: 'eve' });
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.0'))).toMatch(/the tag is signed with a key that is not in the server's allowed signers \(SHA256:/);
    repo.git('tag', '-d', 'agenttrader-v2/v1.0.0');
    tag('agenttrader-v2/v1.0.0', { signer: 'rita' });
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.0'))).toMatch(/the tag is signed with a revoked key of rita@example\.com/);
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBeNull();
  });

  it("signature: a forged tag (carol's signature over other bytes) is refused by verify-tag's exit status", () => {
    setup();
    tag('agenttrader-v2/v1.0.0');
    const body = repo.git('cat-file', 'tag', 'agenttrader-v2/v1.0.0').replace('release agenttrader-v2/v1.0.0', 'release agenttrader-v2/v1.0.0 (edited)');
    const forged = execFileSync('git', ['hash-object', '-t', 'tag', '-w', '--stdin'], { cwd: repo.path, env: sb.env, input: body, encoding: 'utf8' }).trim();
    repo.git('update-ref', 'refs/tags/agenttrader-v2/v1.0.0', forged);
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.0'))).toMatch(
      /release-tags\/signature\s+.*the signature of carol@example\.com does not verify \(the tag was altered after signing, or the signature is forged\)/,
    );
  });

  it('target: a signed tag object made for another version is refused under this name', () => {
    setup();
    tag('agenttrader-v2/v9.9.9');
    const out = pushRefused(['origin', 'refs/tags/agenttrader-v2/v9.9.9:refs/tags/agenttrader-v2/v1.0.0']);
    expect(out).toMatch(/release-tags\/target\s+release tag agenttrader-v2\/v1\.0\.0 is a tag object made for "agenttrader-v2\/v9\.9\.9": its signature vouches for another tag/);
  });

  it('target: an annotated tag of a tag is peeled to its commit (lands); a tag of a tree is refused', () => {
    setup();
    tag('inner', { signer: null });
    repo.git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${keys.key('carol')}`, 'tag', '-s', '-m', 'release of a tag', 'agenttrader-v2/v1.0.0', 'inner');
    expect(repo.git('cat-file', '-t', 'agenttrader-v2/v1.0.0').trim()).toBe('tag');
    pushOk(pushTag('agenttrader-v2/v1.0.0'));
    const tree = repo.git('rev-parse', 'HEAD^{tree}').trim();
    repo.git('-c', 'gpg.format=ssh', '-c', `user.signingkey=${keys.key('carol')}`, 'tag', '-s', '-m', 'a tree', 'agenttrader-v2/v1.0.1', tree);
    expect(pushRefused(pushTag('agenttrader-v2/v1.0.1'))).toMatch(
      new RegExp(`release-tags/target\\s+release tag agenttrader-v2/v1\\.0\\.1 names a tree \\(${tree.slice(0, 12)}\\), not a commit`),
    );
  });

  it('branch: a release off main is refused; an rc from a feature branch is refused, from release/* it lands', () => {
    setup();
    repo.git('checkout', '-q', '-b', 'feature');
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.1.0\n\n## 1.1.0-rc.1\n\n## 1.0.0\n');
    const f = repo.commitAll('feature work');
    pushOk(['origin', 'feature']);
    tag('agenttrader-v2/v1.1.0');
    expect(pushRefused(pushTag('agenttrader-v2/v1.1.0'))).toMatch(
      new RegExp(`release-tags/branch\\s+release tag agenttrader-v2/v1\\.1\\.0 names commit ${f.slice(0, 12)}, which is not reachable from main`),
    );
    tag('agenttrader-v2/v1.1.0-rc.1');
    expect(pushRefused(pushTag('agenttrader-v2/v1.1.0-rc.1'))).toMatch(
      /release-tags\/branch\s+pre-release tag agenttrader-v2\/v1\.1\.0-rc\.1 names commit [0-9a-f]{12}, which is not reachable from release\/\*, main/,
    );
    pushOk(['origin', 'feature:refs/heads/release/1.1']);
    pushOk(pushTag('agenttrader-v2/v1.1.0-rc.1'));
    expect(server.ref('refs/tags/agenttrader-v2/v1.1.0-rc.1')).not.toBeNull();
  });

  it('changelog: the tagged tree needs a heading naming exactly that version', () => {
    setup();
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.1.10\n\n## 1.1.0-rc.1\n\nmentions 1.1.0 in text only\n');
    const c = repo.commitAll('no entry for 1.1.0');
    pushOk(['origin', 'HEAD:refs/heads/main']);
    tag('agenttrader-v2/v1.1.0');
    expect(pushRefused(pushTag('agenttrader-v2/v1.1.0'))).toMatch(
      new RegExp(
        `CHANGELOG\\.md\\s+release-tags/changelog\\s+release tag agenttrader-v2/v1\\.1\\.0: CHANGELOG\\.md in the tagged tree \\(${c.slice(0, 12)}\\) has no heading naming version 1\\.1\\.0`,
      ),
    );
    repo.git('tag', '-d', 'agenttrader-v2/v1.1.0');
    repo.write('CHANGELOG.md', '# Changelog\n\n## [1.1.0] - 2026-12-02\n\n## 1.1.10\n');
    repo.commitAll('changelog for 1.1.0');
    pushOk(['origin', 'HEAD:refs/heads/main']);
    tag('agenttrader-v2/v1.1.0');
    pushOk(pushTag('agenttrader-v2/v1.1.0'));
  });

  it('checks: a commit the gate never passed (pushed with its tag) is refused', () => {
    setup();
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.2.0\n');
    const c = repo.commitAll('1.2.0');
    tag('agenttrader-v2/v1.2.0');
    const out = pushRefused(['origin', 'HEAD:refs/heads/main', 'refs/tags/agenttrader-v2/v1.2.0']);
    expect(out).toMatch(new RegExp(`release-tags/checks\\s+release tag agenttrader-v2/v1\\.2\\.0 names commit ${c.slice(0, 12)}, for which the audit log holds no pass decision`));
    pushOk(['origin', 'HEAD:refs/heads/main']);
    pushOk(pushTag('agenttrader-v2/v1.2.0'));
  });

  it('immutable: moving or deleting a release tag is refused; break-glass by two people lets a deletion land, audited release-7y', () => {
    const c = setup();
    tag('agenttrader-v2/v1.0.0');
    pushOk(pushTag('agenttrader-v2/v1.0.0'));
    const old = server.ref('refs/tags/agenttrader-v2/v1.0.0')!;

    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.0.0\n\nrewritten\n');
    repo.commitAll('another 1.0.0');
    pushOk(['origin', 'HEAD:refs/heads/main']);
    repo.git('tag', '-d', 'agenttrader-v2/v1.0.0');
    tag('agenttrader-v2/v1.0.0');
    expect(pushRefused(['-f', ...pushTag('agenttrader-v2/v1.0.0')])).toMatch(
      new RegExp(`release-tags/immutable\\s+this push moves the release tag agenttrader-v2/v1\\.0\\.0 \\(${old.slice(0, 12)} -> [0-9a-f]{12}\\); release tags are immutable`),
    );
    // The moved value is judged too: break-glass for the move alone never lets an unsigned value through.
    repo.git('tag', '-d', 'agenttrader-v2/v1.0.0');
    tag('agenttrader-v2/v1.0.0', { signer: null });
    const moved = repo.head();
    const unsigned = pushRefused(['-f', ...pushTag('agenttrader-v2/v1.0.0')]);
    expect(unsigned).toMatch(/release-tags\/immutable\s+this push moves the release tag/);
    expect(unsigned).toMatch(/release-tags\/signature\s+release tag agenttrader-v2\/v1\.0\.0 is not signed by a release signer: the tag is not signed/);
    const onlyMove = [
      moved,
      '--break-glass',
      '--incident',
      'INC-76',
      '--bypass',
      'release-tags/immutable',
      '--rollback',
      'retag',
      '--ref',
      'refs/tags/agenttrader-v2/v1.0.0',
      '--repo-id',
      REPO_ID,
    ];
    for (const who of ['alice', 'bob'] as const) expect(runCli(['approve', ...onlyMove, '--key', keys.key(who)], { cwd: repo.path, env: repo.env }).code).toBe(0);
    const still = pushRefused(['-f', ...pushTag('agenttrader-v2/v1.0.0'), 'refs/notes/safety-gate']);
    expect(still).toMatch(/release-tags\/immutable\s+bypassed under break-glass INC-76/);
    expect(still).toMatch(/release-tags\/signature\s+release tag agenttrader-v2\/v1\.0\.0 is not signed by a release signer/);
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBe(old);

    const del = pushRefused(['origin', ':refs/tags/agenttrader-v2/v1.0.0']);
    expect(del).toMatch(new RegExp(`release-tags/immutable\\s+this push deletes the release tag agenttrader-v2/v1\\.0\\.0 \\(${c.slice(0, 12)}\\); release tags are immutable`));
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBe(old);

    const glass = [
      c,
      '--break-glass',
      '--incident',
      'INC-77',
      '--bypass',
      'release-tags',
      '--rollback',
      'push the tag again from the signed object',
      '--reason',
      'tagged the wrong build',
      '--ref',
      'refs/tags/agenttrader-v2/v1.0.0',
      '--repo-id',
      REPO_ID,
    ];
    for (const who of ['alice', 'bob'] as const) {
      const r = runCli(['approve', ...glass, '--key', keys.key(who)], { cwd: repo.path, env: repo.env });
      expect(r.code, r.stderr).toBe(0);
    }
    const out = pushOk(['origin', ':refs/tags/agenttrader-v2/v1.0.0', 'refs/notes/safety-gate']);
    expect(out).toMatch(/release-tags\/immutable\s+bypassed under break-glass INC-77 \(approved by alice@example\.com and bob@example\.com\): this push deletes the release tag/);
    expect(server.ref('refs/tags/agenttrader-v2/v1.0.0')).toBeNull();
    const rec = lastRecord();
    expect(rec).toMatchObject({ decision: 'override', retention_class: 'release-7y' });
    expect(rec.override).toMatchObject({ incident: 'INC-77', checks_bypassed: ['release-tags/immutable'] });
  });
});

describe('audit export --release', () => {
  it('writes the evidence bundle: decisions of the tag and its commit, script-risk manifest and its diff since the previous release, deployment manifests with image digests, SHA256SUMS', () => {
    const first = setup();
    repo.write('scripts/ci/script_risk_policy_manifest.json', '{"categories": ["ci"], "scripts": []}\n');
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.0.0\n');
    const c0 = repo.commitAll('manifest');
    pushOk(['origin', 'HEAD:refs/heads/main']);
    tag('agenttrader-v2/v1.0.0');
    pushOk(pushTag('agenttrader-v2/v1.0.0'));

    repo.write('scripts/ci/script_risk_policy_manifest.json', '{"categories": ["ci"], "scripts": [{"path": "scripts/ci/check.py", "category": "ci"}]}\n');
    repo.write('scripts/ci/check.py', 'print("ok")\n');
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.1.0\n\n## 1.0.0\n');
    repo.write('k8s/worker.yaml', 'kind: Pod\nspec:\n  containers:\n    - name: w\n      image: ghcr.io/acme/worker:1.4\n');
    repo.write('infra/run.tf', 'resource "google_cloud_run_service" "api" {\n  template {\n    image = "us-docker.pkg.dev/acme/api@sha256:' + 'b'.repeat(64) + '"\n  }\n}\n');
    const c = repo.commitAll('1.1.0');
    pushOk(['origin', 'HEAD:refs/heads/main']);
    tag('agenttrader-v2/v1.1.0');
    pushOk(pushTag('agenttrader-v2/v1.1.0'));

    const dir = join(sb.dir, 'evidence', 'v1.1.0');
    const r = runCli(['audit', 'export', '--release', 'agenttrader-v2/v1.1.0', '--output', dir], { cwd: server.path, env: sb.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `release bundle for agenttrader-v2/v1\\.1\\.0 \\(commit ${c.slice(0, 12)}, previous release agenttrader-v2/v1\\.0\\.0\\) written to .*: 10 files, 2 decision record\\(s\\); log verified`,
      ),
    );

    const read = (rel: string) => readFileSync(join(dir, rel), 'utf8');
    const bundle = JSON.parse(read('bundle.json'));
    expect(bundle).toMatchObject({
      tag: 'agenttrader-v2/v1.1.0',
      version: '1.1.0',
      prerelease: false,
      commit: c,
      previous_release: { tag: 'agenttrader-v2/v1.0.0', commit: c0 },
      retention: { class: 'release-7y', days: 2557 },
    });
    expect(bundle.deployment_manifests).toEqual(['infra/run.tf', 'k8s/deploy.yaml', 'k8s/worker.yaml']);
    expect(bundle.unpinned_images).toEqual(['ghcr.io/acme/worker:1.4']);

    const decisions = JSON.parse(read('decisions.json'));
    expect(decisions.verification.ok).toBe(true);
    const recs = decisions.records.map((x: { record: { refs: { ref: string }[]; commits: string[]; decision: string } }) => x.record);
    expect(recs.map((x: { refs: { ref: string }[] }) => x.refs[0]!.ref)).toEqual(['refs/heads/main', 'refs/tags/agenttrader-v2/v1.1.0']);
    expect(recs[0].commits).toContain(c);
    expect(decisions.records[1].retention.class).toBe('release-7y');
    expect(first).not.toBe(c);

    expect(read('tag-object.txt')).toMatch(/^object [0-9a-f]{40}\ntype commit\ntag agenttrader-v2\/v1\.1\.0\n[\s\S]*-----BEGIN SSH SIGNATURE-----/);
    expect(read('script-risk/manifest.json')).toContain('scripts/ci/check.py');
    const diff = read('script-risk/manifest.diff');
    expect(diff).toMatch(/^-\{"categories": \["ci"\], "scripts": \[\]\}$/m);
    expect(diff).toMatch(/^\+\{"categories": \["ci"\], "scripts": \[\{"path": "scripts\/ci\/check\.py", "category": "ci"\}\]\}$/m);
    const images = JSON.parse(read('deployment/images.json'));
    expect(images).toEqual([
      { path: 'infra/run.tf', line: 3, image: `us-docker.pkg.dev/acme/api@sha256:${'b'.repeat(64)}`, digest: `sha256:${'b'.repeat(64)}` },
      { path: 'k8s/deploy.yaml', line: 8, image: `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`, digest: `sha256:${'a'.repeat(64)}` },
      { path: 'k8s/worker.yaml', line: 5, image: 'ghcr.io/acme/worker:1.4', digest: null },
    ]);
    expect(read('deployment/k8s/worker.yaml')).toContain('worker:1.4');

    // SHA256SUMS covers every other file, and sha256sum itself agrees.
    const sums = read('SHA256SUMS').trim().split('\n');
    expect(sums.map((l) => l.slice(66)).sort()).toEqual([
      'bundle.json',
      'decisions.json',
      'deployment/images.json',
      'deployment/infra/run.tf',
      'deployment/k8s/deploy.yaml',
      'deployment/k8s/worker.yaml',
      'script-risk/manifest.diff',
      'script-risk/manifest.json',
      'tag-object.txt',
    ]);
    expect(execFileSync('sha256sum', ['-c', '--strict', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).toMatch(/bundle\.json: OK/);
    writeFileSync(join(dir, 'deployment/images.json'), '[]\n');
    expect(() => execFileSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: dir, stdio: 'pipe' })).toThrow();

    // Never overwritten; a name outside the policy is refused.
    expect(runCli(['audit', 'export', '--release', 'agenttrader-v2/v1.1.0', '--output', dir], { cwd: server.path, env: sb.env }).stderr).toMatch(/already exists/);
    const bad = runCli(['audit', 'export', '--release', 'agenttrader-v2/v1.1', '--output', join(sb.dir, 'x')], { cwd: server.path, env: sb.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/agenttrader-v2\/v1\.1 is not a release tag name of this policy/);
  });
});

describe('release-tags at pre-push', () => {
  it('the client door judges a tag push with the same rule (its own policy file; origin/main counts; checks are left to the server)', () => {
    setup();
    const policyFile = join(sb.dir, 'client-policy.yaml');
    writeFileSync(policyFile, JSON.stringify(serverPolicy()));
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.1.0\n');
    const before = repo.head();
    const c = repo.commitAll('1.1.0');
    const zero = '0'.repeat(40);
    const hook = (input: string) => runCli(['hook', 'pre-push', '--config', policyFile, 'origin', server.url], { cwd: repo.path, env: repo.env, input });
    // The commit reaches the server without this door; locally only origin/main has it, and the
    // client's own log has no pass for it (checks are the server's to judge).
    pushOk(['origin', 'HEAD:refs/heads/main']);
    repo.git('reset', '-q', '--hard', before);
    expect(repo.git('rev-parse', 'refs/remotes/origin/main').trim()).toBe(c);

    tag('agenttrader-v2/v1.1.0', { signer: 'mallory', rev: c });
    const oid = () => repo.git('rev-parse', 'agenttrader-v2/v1.1.0').trim();
    const bad = hook(`refs/tags/agenttrader-v2/v1.1.0 ${oid()} refs/tags/agenttrader-v2/v1.1.0 ${zero}\n`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /release-tags\/signature\s+release tag agenttrader-v2\/v1\.1\.0 is not signed by a release signer: the tag is signed by mallory@example\.com, who holds no role release/,
    );

    repo.git('tag', '-d', 'agenttrader-v2/v1.1.0');
    tag('agenttrader-v2/v1.1.0', { rev: c });
    const good = hook(`refs/tags/agenttrader-v2/v1.1.0 ${oid()} refs/tags/agenttrader-v2/v1.1.0 ${zero}\n`);
    expect(good.code, good.stderr).toBe(0);

    // Off every local and remote-tracking main: refused on the client already.
    repo.git('checkout', '-q', '-b', 'side', before);
    repo.write('CHANGELOG.md', '# Changelog\n\n## 1.2.0\n');
    const side = repo.commitAll('side');
    tag('agenttrader-v2/v1.2.0', { rev: side });
    const off = hook(`refs/tags/agenttrader-v2/v1.2.0 ${repo.git('rev-parse', 'agenttrader-v2/v1.2.0').trim()} refs/tags/agenttrader-v2/v1.2.0 ${zero}\n`);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(new RegExp(`release-tags/branch\\s+release tag agenttrader-v2/v1\\.2\\.0 names commit ${side.slice(0, 12)}, which is not reachable from main`));
  });
});

describe("README's release tags sequence", () => {
  it('runs as written: lightweight refused, signed tag lands, bundle verifies, deletion refused then lands under break-glass', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const begin = readme.indexOf('<!-- release-tags:begin -->');
    const end = readme.indexOf('<!-- release-tags:end -->');
    expect(begin).toBeGreaterThan(0);
    const block = readme.slice(begin, end);
    const script = block.slice(block.indexOf('```sh\n') + 6, block.lastIndexOf('```'));
    const bin = join(sb.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'safety-gate'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`, { mode: 0o755 });
    const r = spawnSync('bash', ['-c', script], { cwd: sb.dir, env: { ...sb.env, PATH: `${bin}:${sb.env.PATH}` }, encoding: 'utf8' });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status, out).toBe(0);
    expect(out).toMatch(/remote: .*release-tags\/annotated\s+release tag agenttrader-v2\/v2\.4\.1 is lightweight/);
    expect(out).toMatch(/\* \[new tag\]\s+agenttrader-v2\/v2\.4\.1 -> agenttrader-v2\/v2\.4\.1/);
    expect(out).toMatch(
      /safety-gate audit: release bundle for agenttrader-v2\/v2\.4\.1 \(commit [0-9a-f]{12}, first release\) written to .*evidence-v2\.4\.1: 6 files, 3 decision record\(s\); log verified/,
    );
    expect(out).toMatch(/remote: .*release-tags\/immutable\s+this push deletes the release tag agenttrader-v2\/v2\.4\.1/);
    expect(out).toMatch(/release-tags\/immutable\s+bypassed under break-glass INC-9 \(approved by alice@example\.com and bob@example\.com\)/);
    const app = join(sb.dir, 'app.git');
    expect(spawnSync('git', ['rev-parse', '-q', '--verify', 'refs/tags/agenttrader-v2/v2.4.1'], { cwd: app, env: sb.env }).status).not.toBe(0);
    const last = JSON.parse(
      readFileSync(join(app, 'safety-gate', 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .at(-1)!,
    );
    expect(last).toMatchObject({ decision: 'override', retention_class: 'release-7y' });
  });
});
