// image-pinning (CI posture): `:latest` and tagless container images in runtime-scope YAML,
// Cloud Build steps, GitHub Actions / GitLab CI and Dockerfiles.
//
// Hot path: YAML reaches the parser only when it mentions `image`, `container`, `docker://` or
// Cloud Build `steps`; Dockerfiles are read with a small line reader. No zod, no static yaml.
import type { FileChange } from '../../changeset/types.js';
import { isYamlMap, isYamlScalar, isYamlSeq, loadYamlDocuments, mapPair, scalarText, walkYaml, type YamlLoadResult, type YamlScalar } from '../../readers/yaml.js';
import { createRule, type FileView, type RuleContext } from '../types.js';
import type { MessageOf, RuleReport } from '../messages.js';
import { imageAt, imagePinningMessages } from './messages.js';

type Report = RuleReport<typeof imagePinningMessages>;
import { commandImages, PLACEHOLDER, terraformImages } from './command-images.js';
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
  JSON manifests      "image" at any depth in JSON that is a manifest (apiVersion, containers,
                      containerDefinitions — ECS task definitions —, services, spec); app data
                      JSON is not read
  Terraform (*.tf)    image = "…", image_uri = "…", container_image = "…" at any depth of any
                      block or object (read with the HCL reader, whatever the layout:
                      container { image = "…" } on one line; escapes and \${"…"} of literals
                      applied), and "image": "…" in jsonencode / heredoc JSON (ECS
                      container_definitions)
  Commands            in shell scripts (*.sh, *.bash, Makefile; comments skipped), CI steps
                      (run:, script:, command:, args: …) and Cloud Build steps (builder + args
                      joined): kubectl run --image, kubectl set image res c=IMG, docker/podman
                      build -t|--tag, docker push, docker tag SRC DST, gcloud builds submit
                      --tag, any --image; Cloud Build top-level images: [...]
image-pinning/placeholder
                      a template placeholder for a whole reference (REPLACE_ME_IMAGE, <IMAGE>,
                      __IMAGE__, TODO, CHANGEME, YOUR_IMAGE…): the manifest cannot be deployed or
                      verified as committed (reported instead of "has no tag")

What passes
  A version tag (nginx:1.27.3), a digest (nginx@sha256:…, also nginx:latest@sha256:…),
  a tag supplied at deploy/build time (app:$TAG, app:\${{ github.sha }}, {{ .Values.tag }}),
  \`FROM <stage>\` (multi-stage aliases), \`FROM scratch\`, \`--from=0\`, \`image:\` next to
  \`build:\` (compose/Skaffold name the image they build), values with custom YAML tags
  (!Ref Param), file names and URLs, secret selectors in arguments (--update-secrets=N=s:latest).
  A registry port is not a tag: localhost:5000/app is tagless, localhost:5000/app:1.2 is pinned.
  Defaults are judged: \${TAG:-latest} and \`ARG TAG=latest\` + \`FROM app:\${TAG}\` are latest.
  A reference that is wholly a variable ($IMAGE, an ARG without default) cannot be judged.
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

function isShellPath(path: string): boolean {
  return /\.(?:sh|bash)$/i.test(path) || /(^|\/)makefile$/i.test(path);
}

/** JSON that is a deployment manifest (k8s, ECS task definition, compose), not app data. */
const JSON_MANIFEST = /"(?:apiVersion|containerDefinitions|containers|taskDefinition|services|spec)"\s*:/;

/** Keys of YAML/JSON whose string values are shell commands (CI steps). */
const COMMAND_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'command', 'commands', 'entrypoint', 'args', 'cmd']);

const YAML_KEYWORDS = ['image', 'container', 'docker://', 'steps', 'services'];

/** The finding an unpinned image is (null when it is pinned or not judged). */
export function message(v: Verdict, where: string): MessageOf<typeof imagePinningMessages> | null {
  const at = imageAt(where);
  // Values supplied from outside show as ${…}.
  if (v.kind !== 'pinned' && v.kind !== 'skip') v = { ...v, name: v.name.split(MARK).join('${…}') };
  switch (v.kind) {
    case 'latest':
      return { messageId: 'latest', data: { name: v.name, tag: v.tag, at } };
    case 'tagless':
      return { messageId: 'tagless', data: { name: v.name, at } };
    case 'no-digest':
      return { messageId: 'noDigest', data: { name: v.name, tag: v.tag, at } };
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

/** Images named by commands in YAML string values of command keys, and Cloud Build `images:` / step args. */
function commandUses(result: YamlLoadResult, text: string, cloudbuild: boolean): { ref: string; line: number; column: number; where: string }[] {
  const out: { ref: string; line: number; column: number; where: string }[] = [];
  for (const doc of result.docs) {
    const root = doc.contents;
    if (cloudbuild && isYamlMap(root)) {
      const images = mapPair(root, 'images')?.value;
      if (isYamlSeq(images)) {
        images.items.forEach((it) => {
          if (isYamlScalar(it) && typeof it.value === 'string')
            out.push({ ref: it.text, line: it.pos.line, column: it.pos.column + (it.style === 'QUOTE_DOUBLE' || it.style === 'QUOTE_SINGLE' ? 1 : 0), where: 'images[]' });
        });
      }
      const steps = mapPair(root, 'steps')?.value;
      for (const step of isYamlSeq(steps) ? steps.items : []) {
        if (!isYamlMap(step)) continue;
        const builder = scalarText(mapPair(step, 'name')?.value ?? null) ?? '';
        const entry = scalarText(mapPair(step, 'entrypoint')?.value ?? null);
        const args = mapPair(step, 'args')?.value;
        const items = isYamlSeq(args) ? args.items.filter(isYamlScalar) : [];
        // Join the step as the command it runs; map offsets back to the argument written.
        const program = entry ?? builder.split('@')[0]!.split(':')[0]!.split('/').pop()!;
        let joined = program;
        const starts: { at: number; node: YamlScalar }[] = [];
        for (const a of items) {
          joined += ' ';
          starts.push({ at: joined.length, node: a });
          joined += a.text;
        }
        for (const u of commandImages(joined)) {
          const hit = [...starts].reverse().find((s) => s.at <= u.offset);
          if (!hit || u.offset >= hit.at + hit.node.text.length) continue;
          const inner = u.offset - hit.at;
          const q = hit.node.style === 'QUOTE_DOUBLE' || hit.node.style === 'QUOTE_SINGLE' ? 1 : 0;
          const exact = !hit.node.text.includes('\n');
          out.push({ ref: u.ref, line: hit.node.pos.line, column: hit.node.pos.column + q + (exact ? inner : 0), where: `steps[].args ${u.where}` });
        }
      }
    }
    walkYaml(root, (node) => {
      if (!isYamlMap(node)) return;
      for (const pair of node.pairs) {
        if (pair.key === null || !COMMAND_KEYS.has(pair.key.toLowerCase()) || cloudbuild) continue;
        const vals = isYamlSeq(pair.value) ? pair.value.items : [pair.value];
        for (const v of vals) {
          if (!isYamlScalar(v) || typeof v.value !== 'string' || !/\s/.test(v.value)) continue;
          // Positions: exact for plain one-line scalars and block scalars (their text is the source lines).
          for (const u of commandImages(v.value)) {
            const pos = scalarOffsetPos(v, u.offset, text);
            out.push({ ref: u.ref, line: pos.line, column: pos.column, where: `${pair.key} ${u.where}` });
          }
        }
      }
    });
  }
  return out;
}

/** Position of an offset inside a scalar's value: exact for one-line scalars and literal blocks, else the scalar's start. */
function scalarOffsetPos(v: YamlScalar, offset: number, text: string): { line: number; column: number } {
  const value = v.value as string;
  const before = value.slice(0, offset);
  const lineIdx = before.split('\n').length - 1;
  const colInLine = offset - (before.lastIndexOf('\n') + 1);
  const q = v.style === 'QUOTE_DOUBLE' || v.style === 'QUOTE_SINGLE' ? 1 : 0;
  if (!value.includes('\n') && v.source === value) return { line: v.pos.line, column: v.pos.column + q + colInLine };
  if (v.style === 'BLOCK_LITERAL') {
    const lineText = value.split('\n')[lineIdx] ?? '';
    const src = text.split('\n')[v.pos.line + lineIdx] ?? '';
    const ind = src.indexOf(lineText);
    if (ind !== -1) return { line: v.pos.line + 1 + lineIdx, column: ind + 1 + colInLine };
  }
  return { line: v.pos.line, column: v.pos.column };
}

export const imagePinning = createRule({
  meta: {
    id: 'image-pinning',
    family: 'CI posture',
    description: 'Blocks :latest and tagless container images in manifests, CI files and Dockerfiles.',
    defaultSeverity: 'block',
    docs: DOCS,
    messages: imagePinningMessages,
  },
  create(ctx: RuleContext<ImagePinningOptions>) {
    const o = ctx.options;
    const inScope = ctx.paths.runtimeScope(o.scope);
    const allowed = imageNameMatcher(o.allow_images);
    const judge: JudgeOptions = { mutableTags: o.mutable_tags, requireDigest: o.require_digest };

    const emit = (report: Report, path: string, ref: string, where: string, line: number, column: number) => {
      if (PLACEHOLDER.test(ref.trim())) {
        report({
          messageId: 'placeholder',
          data: { ref: ref.trim(), where },
          path,
          line,
          column,
        });
        return;
      }
      const v = judgeImage(ref, judge);
      if (v.kind === 'pinned' || v.kind === 'skip') return;
      if (allowed(v.name)) return;
      const msg = message(v, where);
      if (msg) report({ ...msg, path, line, column });
    };

    return {
      keywords: ['image', 'from', 'docker://', 'container', 'steps', 'services', '-t', '--tag', 'push'],
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        const p = change.path;
        return (isYamlPath(p) || isDockerfilePath(p) || /\.json$/i.test(p) || /\.tf$/i.test(p) || isShellPath(p)) && inScope(p);
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
        if (/\.tf$/i.test(path)) {
          for (const u of terraformImages(blob.text)) {
            const p = blob.position(u.offset);
            emit(report, path, expandVars(u.ref), u.where, p.line, p.column);
          }
          return;
        }
        if (isShellPath(path)) {
          const { shellCode } = await import('../script-risk/guard.js');
          for (const u of commandImages(shellCode(blob.text))) {
            const p = blob.position(u.offset);
            emit(report, path, expandVars(u.ref), u.where, p.line, p.column);
          }
          return;
        }
        if (/\.json$/i.test(path) && !isCloudbuildJson(path) && !JSON_MANIFEST.test(blob.text)) return;
        if (!YAML_KEYWORDS.some((k) => file.hits.has(k)) && !/\b(?:docker|podman|kubectl|gcloud)\b/.test(blob.text)) return;
        const result = await loadYamlDocuments(blob);
        if (result.errors.length > 0) {
          // Not YAML as written (a template): read `image:` lines one by one.
          for (const u of templateImageLines(blob.text)) emit(report, path, expandVars(u.raw), 'image', u.line, u.column);
          return;
        }
        const flavour = yamlFlavour(path);
        const uses = yamlImages(result, flavour);
        const at = new Set(uses.map((u) => `${u.line}:${u.column}`));
        for (const u of uses) emit(report, path, u.ref, u.where, u.line, u.column);
        // Commands in CI steps (run:, script:, Cloud Build args joined per step) and Cloud Build images:.
        for (const u of commandUses(result, blob.text, flavour.cloudbuild)) {
          if (at.has(`${u.line}:${u.column}`)) continue;
          at.add(`${u.line}:${u.column}`);
          emit(report, path, expandVars(u.ref), u.where, u.line, u.column);
        }
      },
    };
  },
});
