import { describe, expect, it } from 'vitest';
import * as Y from 'yaml';
import { parseYamlText } from '../../readers/yaml.js';
import { replicaProblems, templateReplicaProblems } from './check.js';
import { nameMatcher, nameWords } from './rule.js';

const names = nameMatcher(['*execution-agent*', '*execution_agent*']);
const run = (text: string, matchedFile = false, max = 0) =>
  replicaProblems(parseYamlText(text, Y), { matchedFile, nameMatches: names, max }).map((p) => [p.line, p.column, p.message]);
const lines = (text: string, matchedFile = false) => run(text, matchedFile).map((p) => p[0]);

const deployment = (name: string, replicas?: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n${replicas === undefined ? '' : `  replicas: ${replicas}\n`}  template:\n    spec:\n      containers: []\n`;

describe('nameMatcher', () => {
  it('ignores case and separators', () => {
    for (const n of ['execution-agent', 'Execution_Agent', 'executionAgent', 'paper-execution-agent-v2']) expect(names(n)).toBe(true);
    for (const n of ['signal-agent', 'execution', 'agent-execution']) expect(names(n)).toBe(false);
    expect(nameWords(['*execution-agent*'])).toEqual([['execution', 'agent']]);
  });
});

describe('replicaProblems', () => {
  it('deployments named like the agent: 0 passes, >0, missing, null and variables fail', () => {
    expect(run(deployment('execution-agent', '0'))).toEqual([]);
    expect(run(deployment('execution-agent', '1'))).toEqual([[6, 13, 'Deployment execution-agent: spec.replicas is 1; must be 0']]);
    expect(lines(deployment('execution-agent'))).toEqual([5]);
    expect(lines(deployment('execution-agent', 'null'))).toEqual([6]);
    expect(lines(deployment('execution-agent', '"2"'))).toEqual([6]);
    expect(run(deployment('execution-agent', '${REPLICAS:-0}'))).toEqual([]);
    expect(lines(deployment('execution-agent', '${REPLICAS}'))).toEqual([6]);
    expect(run(deployment('signal-agent', '3'))).toEqual([]);
    expect(lines(deployment('signal-agent', '3'), true)).toEqual([6]);
  });
  it('multi-document files, StatefulSet, HPA targeting the agent, KEDA', () => {
    const t = [
      deployment('execution-agent', '0'),
      '---',
      'kind: StatefulSet\nmetadata: {name: execution-agent-db}\nspec: {replicas: 2}',
      '---',
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: hpa}\nspec:\n  scaleTargetRef: {kind: Deployment, name: execution-agent}\n  maxReplicas: 3',
      '---',
      'kind: ScaledObject\nmetadata: {name: execution-agent}\nspec:\n  minReplicaCount: 0\n  maxReplicaCount: 0',
      '---',
      'kind: Service\nmetadata: {name: execution-agent}\nspec: {ports: []}',
    ].join('\n');
    const r = run(t).map((p) => p[2]);
    expect(r).toEqual([
      'StatefulSet execution-agent-db: spec.replicas is 2; must be 0',
      'HorizontalPodAutoscaler hpa: minReplicas is not set (defaults to 1); must be 0',
      'HorizontalPodAutoscaler hpa: maxReplicas is 3; must be 0',
    ]);
  });
  it('DaemonSet and Pod always run; List items are manifests', () => {
    expect(run('kind: DaemonSet\nmetadata: {name: execution-agent}\n').map((p) => p[0])).toEqual([1]);
    expect(lines('kind: List\nitems:\n  - kind: Deployment\n    metadata: {name: execution-agent}\n    spec: {replicas: 1}\n')).toEqual([5]);
  });
  it('compose: deploy.replicas, scale, default 1, named services only unless the file matches', () => {
    const t =
      'services:\n  execution-agent:\n    image: x:1\n    deploy:\n      replicas: 0\n  execution_agent_2:\n    image: x:1\n    scale: 2\n  execution-agent-3:\n    image: x:1\n  redis:\n    image: redis:7\n';
    expect(lines(t)).toEqual([8, 9]);
    expect(lines(t, true)).toEqual([8, 9, 11]);
  });
  it('Helm-style values under a named key; anywhere in a matching file', () => {
    expect(lines('executionAgent:\n  replicaCount: 1\nsignal:\n  replicaCount: 3\n')).toEqual([2]);
    expect(lines('replicaCount: 1\n', true)).toEqual([1]);
    expect(lines('replicaCount: 0\nautoscaling:\n  minReplicas: 0\n  maxReplicas: 0\n', true)).toEqual([]);
    // A Flux HelmRelease carrying values for the agent.
    expect(lines('kind: HelmRelease\nmetadata: {name: trading}\nspec:\n  values:\n    execution-agent:\n      replicas: 2\n')).toEqual([6]);
  });
  it('kustomize replicas overrides; Knative / Cloud Run services', () => {
    expect(lines('resources: [a.yaml]\nreplicas:\n  - name: execution-agent\n    count: 2\n  - name: api\n    count: 5\n')).toEqual([4]);
    const ksvc = (ann: string) =>
      `apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: execution-agent\nspec:\n  template:\n    metadata:\n      annotations:\n${ann}`;
    expect(lines(ksvc('        autoscaling.knative.dev/maxScale: "1"\n'))).toEqual([9]);
    expect(lines(ksvc('        autoscaling.knative.dev/minScale: "1"\n        autoscaling.knative.dev/maxScale: "0"\n'))).toEqual([9]);
    expect(lines(ksvc('        run.googleapis.com/cpu-throttling: "true"\n'))).toEqual([5]);
  });
  it('comments and unrelated text never count', () => {
    expect(run('# execution-agent replicas: 3\nkind: ConfigMap\ndata:\n  note: "execution-agent replicas: 3"\n')).toEqual([]);
  });
});

describe('templateReplicaProblems', () => {
  it('reads replica lines of a Helm template', () => {
    const t = '{{- if .Values.enabled }}\nspec:\n  replicas: {{ .Values.replicas }}\n  # replicas: 5\n---\nspec:\n  replicas: 0 # locked\n  replicas: 2\n';
    expect(templateReplicaProblems(t, 0).map((p) => [p.line, p.column])).toEqual([
      [3, 13],
      [8, 13],
    ]);
  });
});

describe('nameMatcher by words', () => {
  it('matches the glob words written out or abbreviated (4+ letters), in order, at any position for *…*', () => {
    const m = nameMatcher(['*execution-agent*']);
    for (const n of ['execution-agent', 'exec-agent-v2', 'ExecAgent', 'execution_agent_blue', 'prod-exec-agent', 'executionAgent2']) expect(m(n), n).toBe(true);
    for (const n of ['exec-dashboard', 'agent-exec', 'executive-agent', 'exe-agent', 'agent', 'execution']) expect(m(n), n).toBe(false);
  });
});
