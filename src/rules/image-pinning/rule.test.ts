import { describe, expect, it } from 'vitest';
import { checkChange } from '../../../test/helpers/rule-harness.js';
import { Blob } from '../../changeset/blob.js';
import { parseYamlText } from '../../readers/yaml.js';
import * as Y from 'yaml';
import { dockerfileImages } from './dockerfile.js';
import { expandVars, judgeImage, MARK } from './image-ref.js';
import { fillTemplate } from '../messages.js';
import { imagePinningMessages } from './messages.js';
import { isDockerfilePath, templateImageLines } from './rule.js';
import { yamlFlavour, yamlImages } from './yaml-images.js';

const J = { mutableTags: ['latest'], requireDigest: false };
const kind = (ref: string, o = J) => judgeImage(ref, o).kind;

describe('judgeImage', () => {
  it.each([
    ['nginx', 'tagless'],
    ['nginx:latest', 'latest'],
    ['nginx:LATEST', 'latest'],
    ['nginx:Latest', 'latest'],
    ['nginx:1.27', 'pinned'],
    ['docker.io/library/nginx:1.27.3-alpine', 'pinned'],
    ['localhost:5000/app', 'tagless'],
    ['localhost:5000/app:1.2', 'pinned'],
    ['localhost:5000/app:latest', 'latest'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'pinned'],
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'pinned'],
    ['gcr.io/cloud-builders/docker', 'tagless'],
    ['docker://alpine', 'tagless'],
    ['docker://alpine:3.19', 'pinned'],
    ['nginx:', 'tagless'],
    [`app:${MARK}`, 'pinned'],
    [`${MARK}`, 'skip'],
    [`${MARK}/app`, 'tagless'],
    [`registry/${MARK}`, 'skip'],
    ['scratch', 'skip'],
    ['logo.png', 'skip'],
    ['./images/x', 'skip'],
    ['https://example.com/x.png', 'skip'],
    ['Dockerfile', 'skip'],
    ['two words', 'skip'],
    ['user@example.com', 'skip'],
  ])('%s → %s', (ref, k) => expect(kind(ref)).toBe(k));

  it('mutable tags and require_digest are options', () => {
    expect(kind('nginx:stable', { mutableTags: ['latest', 'stable'], requireDigest: false })).toBe('latest');
    expect(kind('nginx:1.2', { mutableTags: ['latest'], requireDigest: true })).toBe('no-digest');
    expect(kind(`nginx@sha256:${'b'.repeat(64)}`, { mutableTags: ['latest'], requireDigest: true })).toBe('pinned');
  });
});

describe('expandVars', () => {
  it('expands known values, defaults and markers', () => {
    expect(expandVars('app:${TAG:-latest}')).toBe('app:latest');
    expect(expandVars('app:${TAG}')).toBe(`app:${MARK}`);
    expect(expandVars('app:$TAG')).toBe(`app:${MARK}`);
    expect(expandVars('app:${{ github.sha }}')).toBe(`app:${MARK}`);
    expect(expandVars('{{ .Values.image }}')).toBe(MARK);
    expect(expandVars('$${X}')).toBe('${X}');
    expect(expandVars('${BASE}', new Map([['BASE', 'python:3.12']]))).toBe('python:3.12');
    expect(expandVars('${BASE:-x}', new Map([['BASE', '']]))).toBe('x');
    expect(expandVars('${A:+y}', new Map([['A', '1']]))).toBe('y');
    expect(expandVars('gcr.io/$PROJECT_ID/app:$SHORT_SHA')).toBe(`gcr.io/${MARK}/app:${MARK}`);
  });
});

describe('dockerfileImages', () => {
  const refs = (t: string) => dockerfileImages(t).map((u) => [u.ref, u.instruction]);
  it('reads FROM with flags, stages, scratch, ARGs', () => {
    const t = [
      '# syntax=docker/dockerfile:1',
      'ARG BASE=python:3.12-slim',
      'ARG TAG=latest',
      'ARG UNSET',
      'FROM --platform=$BUILDPLATFORM ${BASE} AS builder',
      'RUN echo hi',
      'FROM builder AS test',
      'FROM node:$TAG',
      'FROM $UNSET',
      'from scratch',
      'COPY --from=builder /a /b',
      'COPY --from=0 /a /b',
      'COPY --from=nginx /etc/nginx /etc/nginx',
      'RUN --mount=type=bind,from=golang:latest,source=/x,target=/y true',
    ].join('\n');
    expect(refs(t)).toEqual([
      ['python:3.12-slim', 'FROM'],
      ['node:latest', 'FROM'],
      [MARK, 'FROM'],
      ['scratch', 'FROM'],
      ['nginx', 'COPY --from'],
      ['golang:latest', 'RUN --mount'],
    ]);
  });
  it('positions, continuations, heredocs, escape directive, case', () => {
    const t = 'FROM \\\n  # comment in a continuation\n  ubuntu\nRUN <<EOF\nFROM alpine\nEOF\nfrom  Debian:Latest\n';
    const uses = dockerfileImages(t);
    expect(uses.map((u) => u.ref)).toEqual(['ubuntu', 'Debian:Latest']);
    const b = new Blob('0'.repeat(40), Buffer.from(t));
    expect(b.position(uses[0]!.offset)).toEqual({ line: 3, column: 3 });
    expect(b.position(uses[1]!.offset)).toEqual({ line: 7, column: 7 });
    const bt = '# escape=`\nFROM `\n  alpine\n';
    expect(dockerfileImages(bt).map((u) => u.ref)).toEqual(['alpine']);
  });
  it('stage names are case-insensitive', () => {
    expect(refs('FROM golang:1.22 AS Build\nFROM build\n')).toEqual([['golang:1.22', 'FROM']]);
  });
  it('recognises Dockerfile names', () => {
    for (const p of ['Dockerfile', 'a/Dockerfile.prod', 'x/api.Dockerfile', 'Containerfile', 'build/dockerfile-dev']) expect(isDockerfilePath(p)).toBe(true);
    for (const p of ['Dockerfile.dockerignore', 'docs/dockerfiles.md', 'x.yaml']) expect(isDockerfilePath(p)).toBe(false);
  });
});

describe('yamlImages', () => {
  const uses = (text: string, path = 'k8s/x.yaml') => yamlImages(parseYamlText(text, Y), yamlFlavour(path)).map((u) => [u.ref, u.line, u.column]);
  it('image keys at any depth, aliases reported where used, quotes skipped', () => {
    const t = [
      'x-img: &img nginx:latest',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: init',
      '          image: "busybox"',
      '      containers:',
      '        - {name: a, image: *img}',
      '        - name: b',
      '          Image: redis:7',
    ].join('\n');
    expect(uses(t)).toEqual([
      ['busybox', 7, 19],
      ['nginx:latest', 9, 28],
      ['redis:7', 11, 18],
    ]);
  });
  it('helm values, gitlab, compose build, custom tags', () => {
    expect(uses('image:\n  repository: nginx\n  tag: latest\n')).toEqual([['nginx:latest', 3, 8]]);
    expect(uses('image:\n  repository: nginx\n  tag: ""\n')).toEqual([]);
    expect(uses('image:\n  repository: nginx\n')).toEqual([]);
    expect(uses(`image:\n  repository: nginx\n  tag: latest\n  digest: sha256:${'c'.repeat(64)}\n`)).toEqual([]);
    expect(uses('image:\n  repository: nginx:latest\n')).toEqual([['nginx:latest', 2, 15]]);
    expect(uses('services:\n  app:\n    build: .\n    image: myapp\n', 'docker-compose.yml')).toEqual([]);
    expect(uses('Image: !Ref ImageParam\n', 'infra/cfn.yaml')).toEqual([]);
    expect(uses('job:\n  image: {name: ruby, entrypoint: [""]}\n  services:\n    - postgres\n    - name: redis:7\n', '.gitlab-ci.yml')).toEqual([
      ['ruby', 2, 17],
      ['postgres', 4, 7],
      ['redis:7', 5, 13],
    ]);
  });
  it('kustomize images, {name, tag} maps, CircleCI machine images', () => {
    const k =
      'resources: [deploy.yaml]\nimages:\n  - name: ghcr.io/acme/api\n    newTag: latest\n  - name: ghcr.io/acme/web\n    newTag: 1.2.3\n  - name: x\n    newName: ghcr.io/acme/x\n    digest: sha256:abc\n';
    expect(uses(k, 'k8s/overlays/prod/kustomization.yaml')).toEqual([
      ['ghcr.io/acme/api:latest', 4, 13],
      ['ghcr.io/acme/web:1.2.3', 6, 13],
    ]);
    expect(uses('image:\n  name: ghcr.io/acme/api\n  tag: latest\n')).toEqual([['ghcr.io/acme/api:latest', 3, 8]]);
    expect(uses('jobs:\n  build:\n    machine:\n      image: default\n', '.circleci/config.yml')).toEqual([]);
  });
  it('cloud build steps and --image args; secret selectors are not images', () => {
    const t = [
      'steps:',
      "  - name: 'gcr.io/cloud-builders/gcloud'",
      '    args: [run, deploy, svc, --image=gcr.io/$PROJECT_ID/app:latest, --update-secrets=KEY=key:latest]',
      '  - name: gcr.io/cloud-builders/docker:24',
      '    args: [--image, gcr.io/p/app]',
      'images: [gcr.io/p/app]',
    ].join('\n');
    expect(uses(t, 'cloudbuild.yaml').map((u) => u[0])).toEqual(['gcr.io/cloud-builders/gcloud', `gcr.io/${MARK}/app:latest`, 'gcr.io/cloud-builders/docker:24', 'gcr.io/p/app']);
  });
  it('github actions container / uses docker://', () => {
    const t =
      'jobs:\n  a:\n    container: node\n    services:\n      db:\n        image: postgres:16\n    steps:\n      - uses: docker://alpine\n      - uses: actions/checkout@v4\n';
    expect(uses(t, '.github/workflows/ci.yml').map((u) => u[0])).toEqual(['node', 'postgres:16', 'docker://alpine']);
  });
});

describe('templateImageLines', () => {
  it('reads image lines of a template', () => {
    const t = '{{- if .Values.x }}\n      image: "{{ .Values.image }}:latest"  # c\n      image: nginx\n      image: {{ .Values.i }}\n';
    expect(templateImageLines(t).map((u) => [u.raw, u.line, u.column])).toEqual([
      ['{{ .Values.image }}:latest', 2, 15],
      ['nginx', 3, 14],
      ['{{ .Values.i }}', 4, 14],
    ]);
  });
});

describe('image-pinning through the engine', () => {
  it('reports latest, tagless and Dockerfile FROM with positions; passes pinned', async () => {
    const { findings } = await checkChange({
      files: {
        'k8s/deploy.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: nginx:latest\n        - name: b\n          image: nginx:1.27\n',
        'services/api/Dockerfile': 'FROM python\nFROM python:3.12 AS b\nFROM b\n',
        'docs/example.yaml': 'image: nginx:latest\n',
      },
    });
    const mine = findings.filter((f) => f.rule === 'image-pinning').map((f) => [f.path, f.line, f.column]);
    expect(mine).toEqual([
      ['k8s/deploy.yaml', 8, 18],
      ['services/api/Dockerfile', 1, 6],
    ]);
  });
});

describe('messages', () => {
  it('name the image and the place, with outside values as ${…}', async () => {
    const { message } = await import('./rule.js');
    // The message's template (a typed messageId) filled with its data: the finding's text.
    const text = (m: ReturnType<typeof message>) => (m ? fillTemplate(imagePinningMessages[m.messageId].text, m.data) : null);
    expect(text(message(judgeImage(`${MARK}/python`, J), 'FROM'))).toBe('image ${…}/python has no tag, so it pulls :latest (FROM)');
    expect(text(message(judgeImage('nginx:latest', J), 'image'))).toBe("image nginx:latest uses the mutable tag 'latest'");
  });
});
