// Replica counts in Kubernetes manifests, compose files and Helm-style values.
//
// A workload is checked when the file matches the rule's globs (every workload of it), or when
// the workload is named like one of `workload_names` (in any manifest in scope).
//
//   Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo Rollout, OpenShift
//   DeploymentConfig     spec.replicas <= max; absent or null defaults to 1 in Kubernetes
//   HorizontalPodAutoscaler   minReplicas (default 1) and maxReplicas <= max; checked when the
//                        HPA or its scaleTargetRef is named like the workload
//   KEDA ScaledObject    minReplicaCount (default 0) and maxReplicaCount (default 100) <= max
//   DaemonSet, Pod       always run (one pod per node / one pod): reported
//   Job (spec.parallelism, default 1; not when spec.suspend), CronJob (a job per schedule,
//   unless spec.suspend), KEDA ScaledJob (maxReplicaCount, default 100), Cloud Run Job,
//   Argo Workflow / CronWorkflow: workloads that run the agent without a replica count
//   (one model, WORKLOADS: where each kind's pods and count live)
//   compose services     deploy.replicas, else the legacy `scale`, else 1 (compose's default)
//   any YAML             replicas / replicaCount / minReplicas / maxReplicas / minReplicaCount /
//                        maxReplicaCount keys (Helm values) under a workload-named key, or
//                        anywhere in a matching file
//   Knative / Cloud Run Service  autoscaling.knative.dev/minScale (default 0) and maxScale
//                        (Cloud Run's default 100) annotations of spec.template
//   Kustomize            replicas: [{name, count}] overrides
//   `kind: List`         each item is a manifest
// Values: numbers, numeric strings, `${N:-0}` defaults; anything else (`$N`, a template) cannot
// be verified and is reported.
import {
  getIn,
  isYamlMap,
  isYamlScalar,
  isYamlSeq,
  mapPair,
  scalarText,
  walkYaml,
  type YamlLoadResult,
  type YamlMap,
  type YamlNode,
  type YamlPair,
  type YamlPos,
} from '../../readers/yaml.js';
import { expandVars, MARK } from '../image-pinning/image-ref.js';
import { replicaText } from './messages.js';

export interface ReplicaProblem {
  message: string;
  line: number;
  column: number;
}

export interface ReplicaCheck {
  /** The file matches the rule's globs: every workload in it counts. */
  matchedFile: boolean;
  /** Workload name predicate (names normalised by the caller). */
  nameMatches: (name: string) => boolean;
  max: number;
  /**
   * The name a resource is deployed under (a Kustomize namePrefix / nameSuffix applied to
   * metadata.name and to scaleTargetRef names, as kustomize's name transformer does); labels
   * and images are not renamed.
   */
  rename?: (name: string) => string;
}

/**
 * The workload model: for each kind that creates pods, where its pod specs and containers live
 * (`*` steps into every item of a list) and how many of it run: a count (its path and the
 * default when absent) or `runs` (every object of the kind runs the agent: a pod, a pod per
 * node, a job per schedule or execution), unless `suspend` is true. Keyed by lower-case kind,
 * or `group/kind` where a kind name is shared (Cloud Run's Job is not batch/v1's).
 */
interface WorkloadKind {
  pods: string[][];
  containers?: string[][];
  count: { path: string[]; dflt: number } | { runs: string };
  suspend?: string[];
  /** A job kind: runs only when its template holds a container. */
  scheduled?: true;
}
const TEMPLATE_POD = [['spec', 'template', 'spec']];
const SCALED: WorkloadKind = { pods: TEMPLATE_POD, count: { path: ['spec', 'replicas'], dflt: 1 } };
const WORKLOADS: Record<string, WorkloadKind> = {
  deployment: SCALED,
  statefulset: SCALED,
  replicaset: SCALED,
  replicationcontroller: SCALED,
  rollout: SCALED,
  deploymentconfig: SCALED,
  daemonset: { pods: TEMPLATE_POD, count: { runs: 'one pod per node' } },
  pod: { pods: [['spec']], count: { runs: 'one pod' } },
  job: { pods: TEMPLATE_POD, count: { path: ['spec', 'parallelism'], dflt: 1 }, suspend: ['spec', 'suspend'] },
  cronjob: { pods: [['spec', 'jobTemplate', 'spec', 'template', 'spec']], count: { runs: 'a job per schedule' }, suspend: ['spec', 'suspend'], scheduled: true },
  scaledjob: { pods: [['spec', 'jobTargetRef', 'template', 'spec']], count: { path: ['spec', 'maxReplicaCount'], dflt: 100 } },
  'run.googleapis.com/job': { pods: [['spec', 'template', 'spec', 'template', 'spec']], count: { runs: 'its tasks on every execution' } },
  'argoproj.io/workflow': {
    pods: [],
    containers: [
      ['spec', 'templates', '*', 'container'],
      ['spec', 'templates', '*', 'script'],
    ],
    count: { runs: 'its steps once' },
  },
  'argoproj.io/cronworkflow': {
    pods: [],
    containers: [
      ['spec', 'workflowSpec', 'templates', '*', 'container'],
      ['spec', 'workflowSpec', 'templates', '*', 'script'],
    ],
    count: { runs: 'a workflow per schedule' },
    suspend: ['spec', 'suspend'],
    scheduled: true,
  },
};

function workloadKind(kind: string, apiVersion: string): WorkloadKind | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return WORKLOADS[`${group}/${kind}`] ?? (group === 'argoproj.io' && kind !== 'rollout' ? undefined : WORKLOADS[kind]);
}

/** The nodes at a path, `*` stepping into every item of a list. */
function nodesAt(root: YamlNode | null, path: readonly string[]): YamlNode[] {
  let cur: (YamlNode | null)[] = [root];
  for (const step of path) {
    const next: (YamlNode | null)[] = [];
    for (const n of cur) {
      if (step === '*') {
        if (isYamlSeq(n)) next.push(...n.items);
      } else next.push(mapGetNode(n, step));
    }
    cur = next;
  }
  return cur.filter((n): n is YamlNode => n !== null);
}

/** The containers of a workload (its pod specs' containers and initContainers, or the kind's container paths). */
function workloadContainers(doc: YamlMap, w: WorkloadKind | undefined): YamlNode[] {
  const kind = w ?? SCALED;
  const out: YamlNode[] = [];
  for (const pod of kind.pods) for (const key of ['containers', 'initContainers']) out.push(...nodesAt(doc, [...pod, key, '*']));
  for (const c of kind.containers ?? []) out.push(...nodesAt(doc, c));
  return out;
}
const GENERIC_KEYS = new Set(['replicas', 'replicacount', 'minreplicas', 'maxreplicas', 'minreplicacount', 'maxreplicacount']);

/** A replica value: a number, or null when it cannot be verified. */
function replicaValue(node: YamlNode | null): number | null | 'unset' {
  if (node === null) return 'unset';
  if (!isYamlScalar(node)) return null;
  if (node.value === null) return 'unset';
  if (typeof node.value === 'number') return Number.isInteger(node.value) ? node.value : null;
  if (typeof node.value !== 'string') return null;
  return numberFromText(node.value);
}

function numberFromText(text: string): number | null {
  const t = expandVars(text.trim().replace(/^(["'])(.*)\1$/, '$2')).trim();
  if (t.includes(MARK)) return null;
  return /^[+]?\d+$/.test(t) ? Number(t) : null;
}

const posOf = (pair: YamlPair | undefined, fallback: YamlPos): { line: number; column: number } => {
  const p = pair?.valuePos ?? pair?.keyPos ?? fallback;
  return { line: p.line, column: p.column };
};

export function replicaProblems(result: YamlLoadResult, check: ReplicaCheck): ReplicaProblem[] {
  const out: ReplicaProblem[] = [];
  const seen = new Set<string>();
  const report = (message: string, at: { line: number; column: number }) => {
    const key = `${at.line}:${at.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ message, line: at.line, column: at.column });
  };

  /** value > max, unverifiable, or (with a default) absent. */
  const judge = (pair: YamlPair | undefined, what: string, dflt: number | null, missingAt: { line: number; column: number }, label: string): void => {
    const v = replicaValue(pair?.value ?? null);
    if (v === 'unset') {
      if (dflt !== null && dflt > check.max) {
        report(replicaText.notSet(label, what, dflt, check.max), pair ? posOf(pair, missingAt as YamlPos) : missingAt);
      }
      return;
    }
    const at = posOf(pair, missingAt as YamlPos);
    if (v === null) report(replicaText.notLiteral(label, what, check.max), at);
    else if (v > check.max) report(replicaText.over(label, what, v, check.max), at);
  };

  const manifest = (doc: YamlMap, inMatched: boolean): boolean => {
    const kindP = mapPair(doc, 'kind');
    const kind = scalarText(kindP?.value)?.trim();
    if (!kind) return false;
    const k = kind.toLowerCase();
    if (k === 'list') {
      const items = mapGetNode(doc, 'items');
      for (const item of isYamlSeq(items) ? items.items : []) if (isYamlMap(item)) manifest(item, inMatched);
      return true;
    }
    const apiVersion = scalarText(mapGetNode(doc, 'apiVersion'))?.trim() ?? '';
    const workload = workloadKind(k, apiVersion);
    // generateName: the API server appends a suffix; the prefix names the workload.
    const name = scalarText(getIn(doc, ['metadata', 'name']))?.trim() || scalarText(getIn(doc, ['metadata', 'generateName']))?.trim() || '';
    const targetName = scalarText(getIn(doc, ['spec', 'scaleTargetRef', 'name']))?.trim() ?? '';
    const rename = check.rename ?? ((n: string) => n);
    const relevant =
      inMatched ||
      (name !== '' && check.nameMatches(rename(name))) ||
      (targetName !== '' && check.nameMatches(rename(targetName))) ||
      identifiedByLabelsOrImages(doc, workload, check.nameMatches) ||
      argoSourceMatches(doc, check.nameMatches);
    if (!relevant) return true;
    const label = `${kind}${name ? ` ${rename(name)}` : ''}`;
    const spec = mapPair(doc, 'spec');
    const anchor = spec ? { line: spec.keyPos.line, column: spec.keyPos.column } : posOf(kindP, doc.pos);
    if (workload) {
      const suspended = workload.suspend && getIn(doc, workload.suspend);
      if (suspended && isYamlScalar(suspended) && suspended.value === true) {
        // suspended: creates no pods until someone resumes it (a reviewed change)
      } else if ('path' in workload.count) {
        const path = workload.count.path;
        judge(mapPair(getIn(doc, path.slice(0, -1)), path[path.length - 1]!), path.join('.'), workload.count.dflt, anchor, label);
      } else if (check.max === 0 && (!workload.scheduled || workloadContainers(doc, workload).length > 0)) {
        // (a job kind whose template holds no container is rejected by the API server: nothing runs)
        report(replicaText.alwaysRuns(label, kind, workload.count.runs, workload.suspend !== undefined), posOf(kindP, doc.pos));
      }
    } else if (k === 'horizontalpodautoscaler') {
      judge(mapPair(spec?.value ?? null, 'minReplicas'), 'minReplicas', 1, anchor, label);
      judge(mapPair(spec?.value ?? null, 'maxReplicas'), 'maxReplicas', null, anchor, label);
    } else if (k === 'scaledobject') {
      judge(mapPair(spec?.value ?? null, 'minReplicaCount'), 'minReplicaCount', 0, anchor, label);
      judge(mapPair(spec?.value ?? null, 'maxReplicaCount'), 'maxReplicaCount', 100, anchor, label);
    } else if (k === 'service' && /^serving\.knative\.dev\//.test(scalarText(mapGetNode(doc, 'apiVersion'))?.trim() ?? '')) {
      // Knative / Cloud Run service: min-scale (default 0) and max-scale (Cloud Run default 100)
      // annotations on the revision template.
      const ann = getIn(doc, ['spec', 'template', 'metadata', 'annotations']);
      const pick = (...keys: string[]) => keys.map((key) => mapPair(ann, key)).find((p) => p !== undefined);
      const minP = pick('autoscaling.knative.dev/minScale', 'autoscaling.knative.dev/min-scale');
      const maxP = pick('autoscaling.knative.dev/maxScale', 'autoscaling.knative.dev/max-scale');
      judge(minP, 'autoscaling.knative.dev/minScale', 0, anchor, label);
      judge(maxP, 'autoscaling.knative.dev/maxScale', 100, anchor, label);
    } else if (k === 'application' && /^argoproj\.io\//.test(scalarText(mapGetNode(doc, 'apiVersion'))?.trim() ?? '')) {
      // Argo CD: Helm parameters [{name, value}] of the source(s); valuesObject is scanned below.
      const sources = [getIn(doc, ['spec', 'source']), ...(isYamlSeq(getIn(doc, ['spec', 'sources'])) ? (getIn(doc, ['spec', 'sources']) as { items: YamlNode[] }).items : [])];
      for (const src of sources) {
        const params = getIn(src, ['helm', 'parameters']);
        for (const item of isYamlSeq(params) ? params.items : []) {
          const pname = scalarText(mapGetNode(item, 'name'))?.trim() ?? '';
          if (!/(?:^|\.)(?:replicas|replicaCount|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)$/i.test(pname)) continue;
          const valueP = mapPair(item, 'value');
          judge(valueP, `helm parameter ${pname}`, null, posOf(valueP, (item as YamlMap).pos), label);
        }
      }
    }
    genericScan(doc, true);
    return true;
  };

  const compose = (doc: YamlMap, inMatched: boolean): void => {
    const services = mapGetNode(doc, 'services');
    if (!isYamlMap(services)) return;
    for (const sp of services.pairs) {
      const svc = sp.value;
      if (!isYamlMap(svc) || sp.key === null) continue;
      const cname = scalarText(mapGetNode(svc, 'container_name'))?.trim() ?? '';
      const relevant = inMatched || check.nameMatches(sp.key) || (cname !== '' && check.nameMatches(cname));
      if (!relevant) continue;
      const label = `service ${sp.key}`;
      const deploy = mapPair(svc, 'deploy');
      const replicas = mapPair(deploy?.value ?? null, 'replicas');
      const scale = mapPair(svc, 'scale');
      const at = { line: sp.keyPos.line, column: sp.keyPos.column };
      if (replicas) judge(replicas, 'deploy.replicas', 1, at, label);
      else if (scale) judge(scale, 'scale', 1, at, label);
      else judge(undefined, 'deploy.replicas', 1, at, label);
      genericScan(svc, true);
    }
  };

  /** replica-like keys; everywhere when `all`, else only under a workload-named key. */
  const genericScan = (root: YamlNode, all: boolean): void => {
    walkYaml(root, (node, ctx) => {
      if (!isYamlMap(node)) return;
      const under = all || ctx.path.some((p) => typeof p === 'string' && check.nameMatches(p));
      for (const pair of node.pairs) {
        if (pair.key === null || !GENERIC_KEYS.has(pair.key.toLowerCase())) continue;
        if (isYamlSeq(pair.value)) {
          // Kustomize: replicas: [{name, count}].
          for (const item of pair.value.items) {
            const name = scalarText(mapGetNode(item, 'name'))?.trim() ?? '';
            const countP = mapPair(item, 'count');
            if (!countP || !(under || (name !== '' && check.nameMatches(name)))) continue;
            judge(countP, 'count', null, posOf(countP, countP.keyPos), `replicas override ${name || '?'}`);
          }
          continue;
        }
        if (under) judge(pair, pair.key, null, posOf(pair, pair.keyPos), pairLabel(ctx.path, pair.key));
      }
    });
  };

  for (const doc of result.docs) {
    const root = doc.contents;
    if (!isYamlMap(root)) continue;
    if (!manifest(root, check.matchedFile) && isYamlMap(mapGetNode(root, 'services'))) compose(root, check.matchedFile);
    if (mapPair(root, 'patches') || mapPair(root, 'patchesJson6902') || mapPair(root, 'patchesStrategicMerge')) {
      kustomizePatches(root, check.matchedFile, check.nameMatches, judge);
    }
    genericScan(root, check.matchedFile);
  }
  // A JSON 6902 patch file of the agent (a list of operations): replace/add of */replicas.
  for (const doc of result.docs) {
    const root = doc.contents;
    if (!check.matchedFile || !isYamlSeq(root)) continue;
    for (const op of root.items) {
      const path = scalarText(mapGetNode(op, 'path'))?.trim() ?? '';
      const kindOp = scalarText(mapGetNode(op, 'op'))?.trim() ?? '';
      if ((kindOp === 'replace' || kindOp === 'add') && /\/(?:replicas|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)$/.test(path)) {
        const valueP = mapPair(op, 'value');
        judge(valueP, `patch ${path}`, null, posOf(valueP, (op as YamlMap).pos), 'JSON 6902 patch');
      }
    }
  }
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
}

/** Workload identified by its labels (metadata, pod template, selector) or its containers' image names. */
function identifiedByLabelsOrImages(doc: YamlMap, workload: WorkloadKind | undefined, nameMatches: (n: string) => boolean): boolean {
  const podTemplates = (workload ?? SCALED).pods.filter((p) => p.length > 1).map((p) => getIn(doc, [...p.slice(0, -1), 'metadata', 'labels']));
  const labelMaps = [getIn(doc, ['metadata', 'labels']), ...podTemplates, getIn(doc, ['spec', 'selector', 'matchLabels'])];
  for (const m of labelMaps) {
    if (!isYamlMap(m)) continue;
    for (const p of m.pairs) {
      const v = scalarText(p.value)?.trim();
      if (v && nameMatches(v)) return true;
    }
  }
  for (const c of workloadContainers(doc, workload)) {
    const image = scalarText(mapGetNode(c, 'image'))?.trim();
    if (!image) continue;
    const last = image.split('@')[0]!.split('/').pop()!.split(':')[0]!;
    if (last && nameMatches(last)) return true;
  }
  return false;
}

/** An Argo CD Application whose source path, chart or Helm release names the workload. */
function argoSourceMatches(doc: YamlMap, nameMatches: (n: string) => boolean): boolean {
  const src = getIn(doc, ['spec', 'source']);
  for (const v of [scalarText(mapGetNode(src, 'path')), scalarText(mapGetNode(src, 'chart')), scalarText(getIn(src, ['helm', 'releaseName']))]) {
    if (!v) continue;
    if (v.split('/').some((seg) => seg !== '' && nameMatches(seg))) return true;
  }
  return false;
}

type Judge = (pair: YamlPair | undefined, what: string, dflt: number | null, missingAt: { line: number; column: number }, label: string) => void;

/**
 * Kustomize patches aimed at the workload: \`patches\` / \`patchesJson6902\` entries whose
 * target names it (or every target when the kustomization is the agent's own), with an inline
 * patch: JSON 6902 operations on .../replicas, or a strategic-merge fragment with replicas.
 */
function kustomizePatches(doc: YamlMap, inMatched: boolean, nameMatches: (n: string) => boolean, judge: Judge): void {
  for (const key of ['patches', 'patchesJson6902', 'patchesStrategicMerge']) {
    const list = mapGetNode(doc, key);
    for (const item of isYamlSeq(list) ? list.items : []) {
      const patchP = isYamlMap(item) ? mapPair(item, 'patch') : undefined;
      const text = patchP ? scalarText(patchP.value) : isYamlScalar(item) ? scalarText(item) : null;
      if (!text || !/replica/i.test(text)) continue;
      const target = isYamlMap(item) ? mapGetNode(item, 'target') : null;
      const tName = scalarText(mapGetNode(target, 'name'))?.trim() ?? '';
      const tLabels = scalarText(mapGetNode(target, 'labelSelector')) ?? '';
      const inlineName = /^\s*name\s*:\s*["']?([^\s"']+)/m.exec(text)?.[1] ?? '';
      const relevant =
        inMatched || (tName !== '' && nameMatches(tName)) || tLabels.split(/[,=!\s()]+/).some((w) => w !== '' && nameMatches(w)) || (inlineName !== '' && nameMatches(inlineName));
      if (!relevant) continue;
      const at = patchP ? posOf(patchP, patchP.keyPos) : { line: (item as YamlNode).pos.line, column: (item as YamlNode).pos.column };
      const label = `kustomize ${key} patch`;
      // JSON 6902: `path: /spec/replicas` followed by `value: N` (YAML or JSON form).
      const ops = text.matchAll(
        /"?path"?\s*:\s*"?(\/[^\s",}]*\/(?:replicas|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount))"?[\s\S]{0,80}?"?value"?\s*:\s*"?([^\s",}]+)"?/g,
      );
      let found = false;
      for (const m of ops) {
        found = true;
        judgeText(judge, m[2]!, `patch ${m[1]}`, at, label);
      }
      if (found) continue;
      for (const m of text.matchAll(/^\s*(replicas|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)\s*:\s*(\S+)/gm)) {
        judgeText(judge, m[2]!, m[1]!, at, label);
      }
    }
  }
}

function judgeText(judge: Judge, value: string, what: string, at: { line: number; column: number }, label: string): void {
  const fake = {
    key: what,
    keyPos: { ...at, offset: 0 },
    valuePos: { ...at, offset: 0 },
    value: { kind: 'scalar', value: value, text: value, source: value, tag: null, style: 'PLAIN', pos: { ...at, offset: 0 } },
  } as unknown as YamlPair;
  judge(fake, what, null, at, label);
}

function mapGetNode(map: YamlNode | null, key: string): YamlNode | null {
  return mapPair(map, key)?.value ?? null;
}

function pairLabel(path: readonly (string | number)[], key: string): string {
  const parts = [...path, key].map((p) => (typeof p === 'number' ? `[${p}]` : p));
  return parts.join('.').replace(/\.\[/g, '[');
}

/** Line-based reading of a file that does not parse as YAML (a Helm template). */
export function templateReplicaProblems(text: string, max: number): ReplicaProblem[] {
  const out: ReplicaProblem[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /^(\s*(?:-\s+)?)(replicas|replicaCount|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)(\s*:\s*)(.*?)\s*$/.exec(l.replace(/\r$/, ''));
    if (!m) return;
    let v = m[4]!;
    const hash = v.search(/(^|\s)#/);
    if (hash !== -1 && !v.slice(0, hash).includes('{{')) v = v.slice(0, hash).trim();
    if (v === '') return;
    const column = m[1]!.length + m[2]!.length + m[3]!.length + 1;
    const n = numberFromText(v);
    if (n === null) out.push({ message: replicaText.notLiteral(null, m[2]!, max), line: i + 1, column });
    else if (n > max) out.push({ message: replicaText.over(null, m[2]!, n, max), line: i + 1, column });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Commands: `kubectl scale <res>/<name> --replicas=N` and `kubectl autoscale … --min/--max` in
// shell scripts and CI steps.

export function kubectlScaleProblems(text: string, nameMatches: (n: string) => boolean, max: number): ReplicaProblem[] {
  const out: ReplicaProblem[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const code = l.replace(/(^|\s)#.*$/, '');
    const m = /\bkubectl\b(.*?)\b(scale|autoscale)\b(.*)$/.exec(code);
    if (!m) return;
    const rest = m[3]!;
    const tokens = rest.split(/\s+/).filter(Boolean);
    const names: string[] = [];
    for (let t = 0; t < tokens.length; t++) {
      const tok = tokens[t]!;
      if (tok.startsWith('-')) {
        if (!tok.includes('=') && /^--?(?:replicas|min|max|current-replicas|namespace|n|context|selector|l|cpu-percent|timeout)$/.test(tok)) t++;
        continue;
      }
      names.push(tok.includes('/') ? tok.slice(tok.indexOf('/') + 1) : tok);
    }
    if (!names.some((n) => nameMatches(n.replace(/^["']|["']$/g, '')))) return;
    const flag = (f: string) => {
      const r = new RegExp(String.raw`(?:^|\s)--${f}(?:=|\s+)(\S+)`).exec(rest);
      return r ? r[1]! : null;
    };
    const column = m.index + 1;
    const check = (what: string, v: string | null, dflt: number | null) => {
      if (v === null) {
        if (dflt !== null && dflt > max) out.push({ message: replicaText.notSet(replicaText.kubectl(m[2]!), what, dflt, max), line: i + 1, column });
        return;
      }
      const n = numberFromText(v);
      if (n === null) out.push({ message: replicaText.notLiteral(replicaText.kubectl(m[2]!), what, max), line: i + 1, column });
      else if (n > max) out.push({ message: replicaText.over(replicaText.kubectl(m[2]!), what, n, max), line: i + 1, column });
    };
    if (m[2] === 'scale') check('--replicas', flag('replicas'), null);
    else {
      check('--min', flag('min'), 1);
      check('--max', flag('max'), null);
    }
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Commands that start the agent as a job or a pod: `gcloud run jobs execute|create|deploy|
// update <agent>`, `kubectl create job|cronjob <agent>`, `kubectl run <agent>`.

export function startCommandProblems(text: string, nameMatches: (n: string) => boolean, max: number): ReplicaProblem[] {
  if (max !== 0) return [];
  const out: ReplicaProblem[] = [];
  text.split('\n').forEach((l, i) => {
    const code = l.replace(/(^|\s)#.*$/, '');
    const m =
      /\bgcloud\s+(?:(?:alpha|beta)\s+)?run\s+jobs\s+(execute|create|deploy|update|replace)\s+(?:--?\S+\s+)*["']?([^\s"';|&]+)/.exec(code) ??
      /\bkubectl\b.*?\b(create\s+(?:job|cronjob)|run)\s+(?:--?\S+\s+)*["']?([^\s"';|&]+)/.exec(code);
    if (!m || !nameMatches(m[2]!)) return;
    out.push({
      message: replicaText.startsAgent(m[0].trim().split(/\s+/).slice(0, 4).join(' '), m[2]!),
      line: i + 1,
      column: m.index + 1,
    });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Terraform: kubernetes_deployment / stateful_set (replicas, default 1), HPAs (min/max_replicas),
// Cloud Run (min_instance_count, minScale annotations), helm_release set { replicaCount }.

const TF_TYPES = /^(kubernetes_(?:deployment|stateful_set|replication_controller|horizontal_pod_autoscaler)(?:_v\d)?|google_cloud_run(?:_v2)?_service|helm_release)$/;

export function terraformReplicaProblems(text: string, matchedFile: boolean, nameMatches: (n: string) => boolean, max: number): ReplicaProblem[] {
  const out: ReplicaProblem[] = [];
  const lineOf = (off: number) => text.slice(0, off).split('\n').length;
  const colOf = (off: number) => off - text.lastIndexOf('\n', off - 1);
  for (const m of text.matchAll(/^[ \t]*resource[ \t]+"([^"]+)"[ \t]+"([^"]+)"[ \t]*\{/gm)) {
    const type = m[1]!;
    if (!TF_TYPES.test(type)) continue;
    // The block: brace matching, strings skipped.
    let depth = 0;
    let end = text.length;
    let inStr = false;
    for (let j = m.index + m[0].length - 1; j < text.length; j++) {
      const c = text[j]!;
      if (inStr) {
        if (c === '\\') j++;
        else if (c === '"') inStr = false;
        continue;
      }
      if (c === '"') inStr = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        end = j + 1;
        break;
      }
    }
    const block = text.slice(m.index, end);
    const names = [m[2]!, ...[...block.matchAll(/\bname[ \t]*=[ \t]*"([^"]+)"/g)].map((x) => x[1]!)];
    if (!matchedFile && !names.some((n) => nameMatches(n))) continue;
    const label = `${type}.${m[2]}`;
    const judgeAttr = (re: RegExp, what: string, dflt: number | null) => {
      const a = re.exec(block);
      if (!a) {
        if (dflt !== null && dflt > max) out.push({ message: replicaText.notSet(label, what, dflt, max), line: lineOf(m.index), column: colOf(m.index + m[0].search(/\S/)) });
        return;
      }
      const off = m.index + a.index + a[0].length - a[1]!.length;
      const n = numberFromText(a[1]!);
      if (n === null) out.push({ message: replicaText.notLiteral(label, what, max), line: lineOf(off), column: colOf(off) });
      else if (n > max) out.push({ message: replicaText.over(label, what, n, max), line: lineOf(off), column: colOf(off) });
    };
    if (/deployment|stateful_set|replication_controller/.test(type)) judgeAttr(/\breplicas[ \t]*=[ \t]*("?[^\s"}]+"?)/, 'replicas', 1);
    else if (/horizontal_pod_autoscaler/.test(type)) {
      judgeAttr(/\bmin_replicas[ \t]*=[ \t]*("?[^\s"}]+"?)/, 'min_replicas', 1);
      judgeAttr(/\bmax_replicas[ \t]*=[ \t]*("?[^\s"}]+"?)/, 'max_replicas', null);
    } else if (/cloud_run/.test(type)) {
      judgeAttr(/\bmin_instance_count[ \t]*=[ \t]*("?[^\s"}]+"?)/, 'min_instance_count', null);
      judgeAttr(/"autoscaling\.knative\.dev\/minScale"[ \t]*=[ \t]*("?[^\s"}]+"?)/, 'autoscaling.knative.dev/minScale', null);
    } else {
      for (const s of block.matchAll(/\bset\s*\{[^}]*?\bname\s*=\s*"([^"]*(?:replicas|replicaCount|minReplicas)[^"]*)"[^}]*?\bvalue\s*=\s*("?[^\s"}]+"?)/gi)) {
        const off = m.index + s.index + s[0].length - s[2]!.length;
        const n = numberFromText(s[2]!);
        if (n === null) out.push({ message: replicaText.notLiteral(label, replicaText.set(s[1]!), max), line: lineOf(off), column: colOf(off) });
        else if (n > max) out.push({ message: replicaText.over(label, replicaText.set(s[1]!), n, max), line: lineOf(off), column: colOf(off) });
      }
    }
  }
  return out;
}
