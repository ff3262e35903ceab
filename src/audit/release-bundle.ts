// `safety-gate audit export --release TAG --output DIR`: the evidence bundle of one release tag
// that a git-side gate holds (CI/CD spec, "Audit artifact retention": for every release tag).
//
//   DIR/bundle.json                  what the bundle is: tag, version, tag object, commit, tree,
//                                    previous release, retention class, the files below
//   DIR/decisions.json               the audit records of the tag and of its commit (with each
//                                    line's hash and the verification of the whole log)
//   DIR/tag-object.txt               the tag object as stored (its signature included)
//   DIR/script-risk/manifest.json    the script-risk manifest of the tagged tree (snapshot)
//   DIR/script-risk/manifest.diff    its diff since the previous release tag
//   DIR/deployment/<path>            the deployment manifests of the tagged tree (release_tags.deployment_manifests)
//   DIR/deployment/images.json       every image those manifests name, with its digest (null: not pinned)
//   DIR/SHA256SUMS                   sha256 of every other file, `sha256sum -c` format
//
// Everything is read from git objects (the tagged commit), never a work tree. The directory is
// written under a temporary name and renamed into place: a reader never sees half a bundle.
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { Policy } from '../config/schema.js';
import type { GitRunner } from '../git/exec.js';
import { compareVersions, nameRules, parseTagName, type TagVersion } from '../rules/release-tags/name.js';
import { buildEvidence, formatEvidence } from './export.js';
import { sha256Hex } from './record.js';
import { retentionDays } from './retention.js';

const RELEASE_BUNDLE_SCHEMA = 'safety-gate/release-evidence@1';

export class BundleError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

interface ImageEntry {
  path: string;
  line: number;
  image: string;
  digest: string | null;
}

export interface ReleaseBundleResult {
  dir: string;
  files: string[];
  records: number;
  verified: boolean;
  commit: string;
  previous: string | null;
}

const DEFAULT_MANIFEST = 'scripts/ci/script_risk_policy_manifest.json';
const DIGEST = /@(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/i;

export async function writeReleaseBundle(opts: { git: GitRunner; logPath: string; tag: string; output: string; policy: Policy; now?: Date }): Promise<ReleaseBundleResult> {
  const { git, policy } = opts;
  const cfg = policy.releaseTags;
  if (!cfg)
    throw new BundleError('the policy has no release_tags section, so no tag is a release tag', 'export with the server policy (--config), or add release_tags to the policy');
  const rules = nameRules(cfg);
  const name = opts.tag.replace(/^refs\/tags\//, '');
  const ref = `refs/tags/${name}`;
  const version = parseTagName(rules, name);
  if (!version)
    throw new BundleError(
      `${name} is not a release tag name of this policy`,
      'name a tag such as ' + rules.release.text.replace('MAJOR', '1').replace('MINOR', '0').replace('PATCH', '0'),
    );
  const out = async (args: string[], okCodes = [0]) => (await git.run(args, { okCodes })).stdout;
  const rev = async (spec: string): Promise<string | null> => {
    const r = await git.run(['rev-parse', '--verify', '-q', spec], { okCodes: [0, 1, 128] });
    return r.code === 0 ? r.stdout.toString('utf8').trim() : null;
  };
  const tagOid = await rev(ref);
  if (!tagOid) throw new BundleError(`no tag ${ref} in this repository`, "run it in the repository (the server's bare one) that holds the tag");
  const commit = await rev(`${ref}^{commit}`);
  if (!commit) throw new BundleError(`${ref} does not name a commit`, 'a release tag names a commit');
  const tree = (await rev(`${commit}^{tree}`))!;
  const tagType = (await out(['cat-file', '-t', tagOid])).toString('utf8').trim();

  // The previous release: the highest version below this one (a release skips pre-releases).
  const previous = await previousRelease(git, rules, cfg.prefix, version);
  const prevCommit = previous ? await rev(`refs/tags/${previous}^{commit}`) : null;

  const target = resolve(opts.output);
  if (existsSync(target)) throw new BundleError(`${target} already exists`, 'name a new directory with --output (bundles are never overwritten)');
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const files = new Map<string, Buffer>();
  const put = (rel: string, data: string | Buffer) => files.set(rel, Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8'));

  // Decisions: every record naming the tag ref, or checking or moving a ref to the commit.
  const evidence = buildEvidence(opts.logPath, {
    now: opts.now,
    match: (r) => {
      const refs = Array.isArray(r.refs) ? (r.refs as { ref?: string; old?: string | null; new?: string | null }[]) : [];
      const commits = Array.isArray(r.commits) ? (r.commits as string[]) : [];
      return refs.some((x) => x.ref === ref || x.new === commit) || commits.includes(commit);
    },
  });
  put('decisions.json', formatEvidence(evidence));
  if (tagType === 'tag') put('tag-object.txt', await out(['cat-file', 'tag', tagOid]));

  // Script-risk manifest: snapshot at the tag, diff since the previous release.
  const manifest = (policy.rules['script-risk']?.options as { manifest?: string } | undefined)?.manifest ?? DEFAULT_MANIFEST;
  const snap = await blobAt(git, commit, manifest);
  if (snap) put('script-risk/manifest.json', snap);
  const diffArgs = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--full-index', prevCommit ?? (await emptyTree(git)), commit, '--', `:(literal)${manifest}`];
  put('script-risk/manifest.diff', await out(diffArgs, [0, 1]));

  // Deployment manifests of the tagged tree, and the images they name with their digests.
  const isManifest = picomatch(cfg.deployment_manifests, { dot: true });
  const listed = (await out(['ls-tree', '-r', '-z', '--full-tree', commit])).toString('utf8').split('\0').filter(Boolean);
  const images: ImageEntry[] = [];
  const deployment: string[] = [];
  for (const rec of listed) {
    const tab = rec.indexOf('\t');
    const [mode, type, oid] = rec.slice(0, tab).split(' ');
    const path = rec.slice(tab + 1);
    if (type !== 'blob' || mode === '120000' || !isManifest(path)) continue;
    const data = await out(['cat-file', 'blob', oid!]);
    put(`deployment/${path}`, data);
    deployment.push(path);
    if (/\.(?:ya?ml|json)$/i.test(path)) images.push(...(await yamlImageList(path, data.toString('utf8'))));
    else if (/\.tf(?:\.json)?$/i.test(path)) images.push(...(await terraformImageList(path, data.toString('utf8'))));
  }
  put('deployment/images.json', `${JSON.stringify(images, null, 2)}\n`);

  const summary = {
    schema: RELEASE_BUNDLE_SCHEMA,
    generated_at: (opts.now ?? new Date()).toISOString(),
    tag: name,
    ref,
    version: version.version,
    prerelease: version.rc !== null,
    tag_object: tagType === 'tag' ? tagOid : null,
    commit,
    tree,
    previous_release: previous ? { tag: previous, commit: prevCommit } : null,
    retention: { class: 'release-7y', days: retentionDays('release-7y') },
    audit_log: { path: evidence.log.path, head: evidence.log.head, verified: evidence.verification.ok, records: evidence.records.length },
    script_risk_manifest: { path: manifest, present: snap !== null },
    deployment_manifests: deployment,
    unpinned_images: images.filter((i) => i.digest === null).map((i) => i.image),
  };
  put('bundle.json', `${JSON.stringify(summary, null, 2)}\n`);
  const names = [...files.keys()].sort();
  put('SHA256SUMS', names.map((n) => `${sha256Hex(files.get(n)!)}  ${n}\n`).join(''));

  try {
    for (const [rel, data] of files) {
      const p = join(tmp, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, data, { mode: 0o644 });
    }
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return { dir: target, files: [...names, 'SHA256SUMS'], records: evidence.records.length, verified: evidence.verification.ok, commit, previous };
}

async function previousRelease(git: GitRunner, rules: ReturnType<typeof nameRules>, prefix: string, v: TagVersion): Promise<string | null> {
  const r = await git.run(['for-each-ref', '--format=%(refname)', 'refs/tags/']);
  let best: { name: string; v: TagVersion } | null = null;
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (!line.startsWith('refs/tags/')) continue;
    const name = line.slice('refs/tags/'.length);
    if (!name.toLowerCase().startsWith(prefix.toLowerCase())) continue;
    const pv = parseTagName(rules, name);
    if (!pv || compareVersions(pv, v) >= 0) continue;
    if (v.rc === null && pv.rc !== null) continue;
    if (!best || compareVersions(pv, best.v) > 0) best = { name, v: pv };
  }
  return best?.name ?? null;
}

async function blobAt(git: GitRunner, commit: string, path: string): Promise<Buffer | null> {
  const r = await git.run(['cat-file', 'blob', `${commit}:${path}`], { okCodes: [0, 1, 128] });
  return r.code === 0 ? r.stdout : null;
}

async function emptyTree(git: GitRunner): Promise<string> {
  return (await git.run(['hash-object', '-t', 'tree', '--stdin'], { input: '' })).stdout.toString('utf8').trim();
}

/** Images a Terraform file names (the image-pinning reader), each with its digest or null. */
async function terraformImageList(path: string, text: string): Promise<ImageEntry[]> {
  const { terraformImages } = await import('../rules/image-pinning/command-images.js');
  return terraformImages(text).map((u) => {
    const image = u.ref.trim();
    const m = DIGEST.exec(image);
    return { path, line: text.slice(0, u.offset).split('\n').length, image, digest: m ? m[1]!.toLowerCase() : null };
  });
}

/** Images a YAML manifest names (the image-pinning reader), each with its digest or null. */
async function yamlImageList(path: string, text: string): Promise<ImageEntry[]> {
  const [{ loadYamlModule, parseYamlText }, { yamlImages, yamlFlavour }] = await Promise.all([import('../readers/yaml.js'), import('../rules/image-pinning/yaml-images.js')]);
  const parsed = parseYamlText(text, await loadYamlModule());
  return yamlImages(parsed, yamlFlavour(path)).map((u) => {
    const m = DIGEST.exec(u.raw.trim());
    return { path, line: u.line, image: u.raw.trim(), digest: m ? m[1]!.toLowerCase() : null };
  });
}
