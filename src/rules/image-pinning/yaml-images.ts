// Images named in YAML (and JSON read as YAML): Kubernetes, compose, CI files, any YAML.
//
//   image: <ref>                    at any depth (containers[], initContainers[], ephemeral
//                                   containers, compose services, GitLab CI, Argo, Tekton, …);
//                                   the key is matched case-insensitively (CloudFormation `Image`)
//   image: {name: <ref>}            GitLab CI / Woodpecker form
//   image: {repository, tag, digest, registry}
//                                   Helm-style values: `tag: latest` is a finding; a digest pins;
//                                   an absent or empty tag passes (charts default it to
//                                   .Chart.AppVersion); a tag or digest written into
//                                   `repository` is judged as a reference
//   Cloud Build (cloudbuild*.yaml|json): steps[].name, and `--image <ref>` in steps[].args
//                                   (other args, e.g. --update-secrets=N=secret:latest, are not images)
//   GitHub Actions: `container: <ref>` (string form), services.*.image, `uses: docker://<ref>`
//   GitLab CI: `services:` entries (strings or {name})
//   Kustomize (kustomization.yaml): images[].newTag (with newName or name); a digest pins
//   image: {name, tag}                name and tag given apart
//
// Not followed: a Kustomize overlay that pins an image a base manifest leaves tagless (the base
// is reported; list such names in allow_images). CircleCI `machine: {image: …}` is a VM image.
//
// Not images: `image:` next to `build:` / `context:` / `dockerfile:` (compose and Skaffold name
// the image they build), values with custom YAML tags (`!Ref Param`), file names and URLs.
import type { YamlLoadResult, YamlMap, YamlNode, YamlPair, YamlScalar } from '../../readers/yaml.js';
import { isYamlMap, isYamlScalar, isYamlSeq, mapPair, scalarText, walkYaml } from '../../readers/yaml.js';
import { expandVars } from './image-ref.js';

export interface YamlImageUse {
  ref: string;
  raw: string;
  line: number;
  column: number;
  where: string;
}

export interface YamlFlavour {
  workflow: boolean;
  cloudbuild: boolean;
  gitlab: boolean;
  kustomization: boolean;
}

export function yamlFlavour(path: string): YamlFlavour {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return {
    workflow: /(^|\/)\.github\/workflows\//.test(path) || /(^|\/)action\.ya?ml$/i.test(path),
    cloudbuild: /^cloudbuild.*\.(ya?ml|json)$/.test(base),
    gitlab: base === '.gitlab-ci.yml' || base === '.gitlab-ci.yaml' || /(^|\/)\.gitlab\/ci\//.test(path),
    kustomization: base === 'kustomization.yaml' || base === 'kustomization.yml' || base === 'kustomization',
  };
}

const BUILD_SIBLINGS = ['build', 'context', 'dockerfile'];
const PLAIN_TAGS = new Set(['tag:yaml.org,2002:str', '!Sub', '!!str', '!']);

/** Where a scalar's content starts: the pair's value position (the alias token for aliases), past an opening quote. */
function contentPos(node: YamlScalar, writtenAt: { line: number; column: number; offset: number } | null) {
  if (writtenAt && writtenAt.offset !== node.pos.offset) return { line: writtenAt.line, column: writtenAt.column };
  const q = node.style === 'QUOTE_DOUBLE' || node.style === 'QUOTE_SINGLE' ? 1 : 0;
  return { line: node.pos.line, column: node.pos.column + q };
}

function stringScalar(n: YamlNode | null | undefined): YamlScalar | null {
  if (!isYamlScalar(n) || typeof n.value !== 'string') return null;
  if (n.tag !== null && !PLAIN_TAGS.has(n.tag)) return null;
  return n;
}

function keyIs(pair: YamlPair, name: string): boolean {
  return pair.key !== null && pair.key.toLowerCase() === name;
}

export function yamlImages(result: YamlLoadResult, flavour: YamlFlavour): YamlImageUse[] {
  const out: YamlImageUse[] = [];
  const add = (node: YamlScalar, writtenAt: YamlPair['valuePos'], where: string, raw = node.text) => {
    const p = contentPos(node, writtenAt);
    out.push({ ref: expandVars(raw), raw, line: p.line, column: p.column, where });
  };

  const imageValue = (pair: YamlPair, parent: YamlMap): void => {
    if (parent.pairs.some((p) => p.key !== null && BUILD_SIBLINGS.includes(p.key.toLowerCase()))) return;
    const v = pair.value;
    const s = stringScalar(v);
    if (s) {
      add(s, pair.valuePos, 'image');
      return;
    }
    if (!isYamlMap(v)) return;
    const repo = mapPair(v, 'repository');
    const nameP = mapPair(v, 'name');
    if (!repo) {
      const n = nameP && stringScalar(nameP.value);
      if (!n || !nameP) return;
      // {name, tag}: a name and a tag given apart; {name} alone is a whole reference (GitLab).
      const tagOfName = mapPair(v, 'tag');
      const t = tagOfName && isYamlScalar(tagOfName.value) && tagOfName.value.value !== null ? tagOfName.value : null;
      if (t && t.text.trim() !== '' && (t.tag === null || PLAIN_TAGS.has(t.tag))) {
        const raw = `${n.text.trim()}:${t.text.trim()}`;
        const p = contentPos(t, tagOfName!.valuePos);
        out.push({ ref: expandVars(raw), raw, line: p.line, column: p.column, where: 'image.tag' });
      } else add(n, nameP.valuePos, 'image.name');
      return;
    }
    const repoS = stringScalar(repo.value);
    if (!repoS) return;
    const digest = mapPair(v, 'digest');
    if (digest && isYamlScalar(digest.value) && digest.value.text.trim() !== '' && digest.value.value !== null) return;
    const tagP = mapPair(v, 'tag');
    const repoText = repoS.text.trim();
    const slash = repoText.lastIndexOf('/');
    if (repoText.includes('@') || repoText.indexOf(':', slash + 1) !== -1) {
      add(repoS, repo.valuePos, 'image.repository');
      return;
    }
    if (!tagP || !isYamlScalar(tagP.value) || tagP.value.value === null) return;
    const tag = tagP.value;
    if (tag.text.trim() === '') return;
    if (tag.tag !== null && !PLAIN_TAGS.has(tag.tag)) return;
    // Judge `<repository>:<tag>`, reported at the tag.
    const raw = `${repoText}:${tag.text.trim()}`;
    const p = contentPos(tag, tagP.valuePos);
    out.push({ ref: expandVars(raw), raw, line: p.line, column: p.column, where: 'image.tag' });
  };

  for (const doc of result.docs) {
    const root = doc.contents;
    if (flavour.cloudbuild && isYamlMap(root)) {
      const steps = mapPair(root, 'steps')?.value;
      if (isYamlSeq(steps)) {
        for (const step of steps.items) {
          if (!isYamlMap(step)) continue;
          const nameP = mapPair(step, 'name');
          const n = nameP && stringScalar(nameP.value);
          if (n) add(n, nameP.valuePos, 'steps[].name');
          const args = mapPair(step, 'args')?.value;
          const argNodes = isYamlSeq(args) ? args.items : args ? [args] : [];
          argNodes.forEach((a, idx) => {
            const s = stringScalar(a);
            if (!s) return;
            const seqPos = isYamlSeq(args) ? (args.itemPos[idx] ?? null) : null;
            imageFlags(s, seqPos, argNodes, idx, add, out);
          });
        }
      }
    }
    if (flavour.kustomization && isYamlMap(root)) {
      // images: [{name, newName?, newTag?, digest?}] overrides: a newTag of latest is a finding.
      const images = mapPair(root, 'images')?.value;
      if (isYamlSeq(images)) {
        for (const item of images.items) {
          if (!isYamlMap(item)) continue;
          const tagP = mapPair(item, 'newTag');
          if (!tagP || mapPair(item, 'digest')) continue;
          const t = isYamlScalar(tagP.value) && tagP.value.value !== null ? tagP.value : null;
          const name = scalarText(mapPair(item, 'newName')?.value ?? null) ?? scalarText(mapPair(item, 'name')?.value ?? null);
          if (!t || !name) continue;
          const raw = `${name.trim()}:${t.text.trim()}`;
          const p = contentPos(t, tagP.valuePos);
          out.push({ ref: expandVars(raw), raw, line: p.line, column: p.column, where: 'images[].newTag' });
        }
      }
    }
    walkYaml(root, (node, ctx) => {
      if (!isYamlMap(node)) return;
      // CircleCI `machine: {image: default}` names a VM image, not a container.
      const parentKey = ctx.path[ctx.path.length - 1];
      if (typeof parentKey === 'string' && parentKey.toLowerCase() === 'machine') return;
      for (const pair of node.pairs) {
        if (keyIs(pair, 'image')) imageValue(pair, node);
        else if (flavour.workflow && keyIs(pair, 'container')) {
          const s = stringScalar(pair.value);
          if (s) add(s, pair.valuePos, 'container');
        } else if (keyIs(pair, 'uses')) {
          const s = stringScalar(pair.value);
          if (s && s.text.trim().toLowerCase().startsWith('docker://')) add(s, pair.valuePos, 'uses');
        } else if (flavour.gitlab && keyIs(pair, 'services') && isYamlSeq(pair.value)) {
          const seq = pair.value;
          seq.items.forEach((item, i) => {
            const s = stringScalar(item);
            if (s) add(s, seq.itemPos[i] ?? null, 'services[]');
            else if (isYamlMap(item)) {
              const nameP = mapPair(item, 'name');
              const n = nameP && stringScalar(nameP.value);
              if (n) add(n, nameP.valuePos, 'services[].name');
            }
          });
        }
      }
      void ctx;
    });
  }
  // One finding per place (an anchored map reached again through an alias is the same place).
  const seen = new Set<string>();
  return out.filter((u) => {
    const k = `${u.line}:${u.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `--image=<ref>` / `--image <ref>` in a Cloud Build step argument (or a shell line in one). */
function imageFlags(
  s: YamlScalar,
  writtenAt: YamlPair['valuePos'],
  all: (YamlNode | null)[],
  idx: number,
  add: (node: YamlScalar, writtenAt: YamlPair['valuePos'], where: string, raw?: string) => void,
  out: YamlImageUse[],
): void {
  const text = s.text;
  // A separate argument after a bare `--image`.
  if (idx > 0) {
    const prev = stringScalar(all[idx - 1]);
    if (prev && prev.text.trim() === '--image') {
      add(s, writtenAt, 'steps[].args --image');
      return;
    }
  }
  const re = /(?:^|\s)--image(?:=|\s+)(['"]?)([^\s'"]+)\1/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const raw = m[2]!;
    const inner = m.index + m[0].length - raw.length - m[1]!.length;
    // Exact column when the scalar is written on one line as it reads; else its start.
    const exact = s.source === text && !text.includes('\n');
    const base = contentPos(s, writtenAt);
    out.push({
      ref: expandVars(raw),
      raw,
      line: base.line,
      column: exact ? base.column + inner : base.column,
      where: 'steps[].args --image',
    });
  }
}
