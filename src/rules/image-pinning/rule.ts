// image-pinning (CI posture): `:latest` and tagless container images in runtime-scope YAML,
// Cloud Build steps, GitHub Actions / GitLab CI and Dockerfiles.
//
// Hot path: YAML reaches the parser only when it mentions `image`, `container`, `docker://` or
// Cloud Build `steps`; Dockerfiles are read with a small line reader. No zod, no static yaml.
import type { FileChange } from '../../changeset/types.js';
import { loadYamlDocuments } from '../_shared/yaml.js';
import { defineRule, type FileView, type Report, type RuleContext } from '../types.js';
import { dockerfileImages } from './dockerfile.js';
import { expandVars, imageNameMatcher, judgeImage, MARK, type JudgeOptions, type Verdict } from './image-ref.js';
import type { ImagePinningOptions } from './options.js';
import { yamlFlavour, yamlImages } from './yaml-images.js';

const DOCS = `Blocks container images that are not pinned: a \`:latest\` tag (any case) or no tag at all
(which pulls latest). Mutable tags deploy whatever was pushed last, so the image that runs is
not the image that was reviewed (CI/CD safety gate spec: guardrails "No :latest", release
provenance "container digests, not mutable tags").

Where it looks (files in the runtime scope)
  YAML, any depth     image: <ref>  (Kubernetes containers/initContainers, compose services,
                      Argo, Tekton, GitLab CI, GitHub Actions services, CloudFormation Image)
                      image: {name: <ref>}                 GitLab CI form
                      image: {repository, tag, digest}     Helm-style values: tag latest is a
                      finding; an absent or empty tag passes (charts default it to the chart's
                      appVersion); a digest pins
  Cloud Build         steps[].name in cloudbuild*.yaml|json, and \`--image <ref>\` in steps[].args
  GitHub Actions      container: <ref>, uses: docker://<ref>
  GitLab CI           services: [<ref> | {name: <ref>}]
  Kustomize           images[].newTag in kustomization.yaml (latest is a finding; a digest pins)
  image: {name, tag}  a name and a tag given apart
  Dockerfile          FROM (with --platform=…), COPY/ADD --from=<image>, RUN --mount=from=<image>
  Helm/Jinja templates that are not YAML until rendered: \`image:\` lines are read line by line.

What passes
  A version tag (nginx:1.27.3), a digest (nginx@sha256:…, also nginx:latest@sha256:…),
  a tag supplied at deploy/build time (app:$TAG, app:\${{ github.sha }}, {{ .Values.tag }}),
  \`FROM <stage>\` (multi-stage aliases), \`FROM scratch\`, \`--from=0\`, \`image:\` next to
  \`build:\` (compose/Skaffold name the image they build), values with custom YAML tags
  (!Ref Param), file names and URLs, secret selectors in arguments (--update-secrets=N=s:latest).
  A registry port is not a tag: localhost:5000/app is tagless, localhost:5000/app:1.2 is pinned.
  Defaults are judged: \${TAG:-latest} and \`ARG TAG=latest\` + \`FROM app:\${TAG}\` are latest.
  A reference that is wholly a variable (\$IMAGE, an ARG without default) cannot be judged.
  Not followed across files: a Kustomize overlay that sets the tag of an image a base manifest
  leaves tagless (the base is reported: pin it there or list the name in allow_images).
  CircleCI \`machine: {image: …}\` is a VM image and is not checked.

Options (rules.image-pinning.options)
  mutable_tags     tags treated like latest (default [latest]); e.g. add stable, edge
  require_digest   only digests pin (default false)
  allow_images     image names that may stay unpinned (* within a segment, ** across)
  scope            {include?, exclude?} replaces the runtime scope lists for this rule

Fix: pin to a version tag or a digest: \`image: nginx:1.27.3\` or
\`image: nginx@sha256:<digest>\`; in a Dockerfile \`FROM python:3.12-slim\`.`;

const REMEDIATION = 'pin to a version tag or digest (e.g. name:1.2.3 or name@sha256:<digest>)';

export function isDockerfilePath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/\.dockerignore$/i.test(base)) return false;
  return /^(?:dockerfile|containerfile)(?:[.-].+)?$/i.test(base) || /\.(?:dockerfile|containerfile)$/i.test(base);
}

function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

function isCloudbuildJson(path: string): boolean {
  return /(^|\/)cloudbuild[^/]*\.json$/i.test(path);
}

const YAML_KEYWORDS = ['image', 'container', 'docker://', 'steps', 'services'];

export function message(v: Verdict, where: string): string | null {
  const at = where === 'image' ? '' : ` (${where})`;
  // Values supplied from outside show as ${…}.
  if (v.kind !== 'pinned' && v.kind !== 'skip') v = { ...v, name: v.name.split(MARK).join('${…}') };
  switch (v.kind) {
    case 'latest':
      return `image ${v.name}:${v.tag} uses the mutable tag '${v.tag}'${at}`;
    case 'tagless':
      return `image ${v.name} has no tag, so it pulls :latest${at}`;
    case 'no-digest':
      return `image ${v.name}:${v.tag} is not pinned by digest${at}`;
    default:
      return null;
  }
}

/** A trailing ` # comment`, outside quotes and template expressions. */
function stripComment(v: string): string {
  let quote: string | null = null;
  let depth = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '{' && v[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}' && v[i + 1] === '}' && depth > 0) {
      depth--;
      i++;
    } else if (c === '#' && depth === 0 && (i === 0 || /\s/.test(v[i - 1]!))) return v.slice(0, i).trimEnd();
  }
  return v;
}

/** `image:`-like lines of a YAML file that does not parse (a Helm or Jinja template). */
export function templateImageLines(text: string): { raw: string; line: number; column: number }[] {
  const out: { raw: string; line: number; column: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /^(\s*(?:-\s+)?["']?(?:image|Image)["']?\s*:\s*)(.*?)\s*$/.exec(l.replace(/\r$/, ''));
    if (!m) return;
    let v = stripComment(m[2]!);
    let col = m[1]!.length + 1;
    if (/^(["']).*\1$/.test(v)) {
      v = v.slice(1, -1);
      col += 1;
    }
    if (v === '' || v === '|' || v === '>' || v.startsWith('{ ') || v.startsWith('&') || v.startsWith('*')) return;
    out.push({ raw: v, line: i + 1, column: col });
  });
  return out;
}

export const imagePinning = defineRule<ImagePinningOptions>({
  meta: {
    id: 'image-pinning',
    family: 'CI posture',
    description: 'Blocks :latest and tagless container images in manifests, CI files and Dockerfiles.',
    defaultSeverity: 'block',
    docs: DOCS,
  },
  create(ctx: RuleContext<ImagePinningOptions>) {
    const o = ctx.options;
    const inScope = ctx.paths.runtimeScope(o.scope);
    const allowed = imageNameMatcher(o.allow_images);
    const judge: JudgeOptions = { mutableTags: o.mutable_tags, requireDigest: o.require_digest };

    const emit = (report: Report, path: string, ref: string, where: string, line: number, column: number) => {
      const v = judgeImage(ref, judge);
      if (v.kind === 'pinned' || v.kind === 'skip') return;
      if (allowed(v.name)) return;
      const msg = message(v, where);
      if (msg) report({ message: msg, path, line, column, remediation: REMEDIATION });
    };

    return {
      keywords: ['image', 'from', 'docker://', 'container', 'steps', 'services'],
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        const p = change.path;
        return (isYamlPath(p) || isDockerfilePath(p) || isCloudbuildJson(p)) && inScope(p);
      },
      async checkFile(file: FileView, report: Report) {
        const blob = await file.newBlob();
        if (!blob) return;
        const path = file.path;
        if (isDockerfilePath(path)) {
          for (const use of dockerfileImages(blob.text)) {
            const p = blob.position(use.offset);
            emit(report, path, use.ref, use.instruction, p.line, p.column);
          }
          return;
        }
        if (!YAML_KEYWORDS.some((k) => file.hits.has(k))) return;
        const result = await loadYamlDocuments(blob);
        if (result.errors.length > 0) {
          // Not YAML as written (a template): read `image:` lines one by one.
          for (const u of templateImageLines(blob.text)) emit(report, path, expandVars(u.raw), 'image', u.line, u.column);
          return;
        }
        for (const u of yamlImages(result, yamlFlavour(path))) emit(report, path, u.ref, u.where, u.line, u.column);
      },
    };
  },
});
