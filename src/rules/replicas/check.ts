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
//   compose services     deploy.replicas, else the legacy `scale`, else 1 (compose's default)
//   any YAML             replicas / replicaCount / minReplicas / maxReplicas / minReplicaCount /
//                        maxReplicaCount keys (Helm values) under a workload-named key, or
//                        anywhere in a matching file
//   Knative / Cloud Run Service  autoscaling.knative.dev/minScale (default 0) and maxScale
//                        (Cloud Run's default 100) annotations of spec.template
//   Kustomize            replicas: [{name, count}] overrides
//   `kind: List`         each item is a manifest
// Values: numbers, numeric strings, `${N:-0}` defaults; anything else (`$N`, a template) cannot
// be verified and is reported. Jobs and CronJobs run to completion and are not checked.
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
} from '../_shared/yaml.js';
import { expandVars, MARK } from '../image-pinning/image-ref.js';

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
}

const REPLICA_WORKLOADS = new Set([
  'deployment',
  'statefulset',
  'replicaset',
  'replicationcontroller',
  'rollout',
  'deploymentconfig',
]);
const ALWAYS_RUNNING = new Set(['daemonset', 'pod']);
const GENERIC_KEYS = new Set(['replicas', 'replicacount', 'minreplicas', 'maxreplicas', 'minreplicacount', 'maxreplicacount']);

/** A replica value: a number, or null when it cannot be verified. */
export function replicaValue(node: YamlNode | null): number | null | 'unset' {
  if (node === null) return 'unset';
  if (!isYamlScalar(node)) return null;
  if (node.value === null) return 'unset';
  if (typeof node.value === 'number') return Number.isInteger(node.value) ? node.value : null;
  if (typeof node.value !== 'string') return null;
  return numberFromText(node.value);
}

export function numberFromText(text: string): number | null {
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
  const judge = (
    pair: YamlPair | undefined,
    what: string,
    dflt: number | null,
    missingAt: { line: number; column: number },
    label: string,
  ): void => {
    const v = replicaValue(pair?.value ?? null);
    if (v === 'unset') {
      if (dflt !== null && dflt > check.max) {
        report(`${label}: ${what} is not set (defaults to ${dflt}); must be ${check.max}`, pair ? posOf(pair, missingAt as YamlPos) : missingAt);
      }
      return;
    }
    const at = posOf(pair, missingAt as YamlPos);
    if (v === null) report(`${label}: ${what} is not a literal number (cannot verify it stays ${check.max})`, at);
    else if (v > check.max) report(`${label}: ${what} is ${v}; must be ${check.max}`, at);
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
    const name = scalarText(getIn(doc, ['metadata', 'name']))?.trim() ?? '';
    const targetName = scalarText(getIn(doc, ['spec', 'scaleTargetRef', 'name']))?.trim() ?? '';
    const relevant = inMatched || (name !== '' && check.nameMatches(name)) || (targetName !== '' && check.nameMatches(targetName));
    if (!relevant) return true;
    const label = `${kind}${name ? ` ${name}` : ''}`;
    const spec = mapPair(doc, 'spec');
    const anchor = spec ? { line: spec.keyPos.line, column: spec.keyPos.column } : posOf(kindP, doc.pos);
    if (REPLICA_WORKLOADS.has(k)) {
      judge(mapPair(spec?.value ?? null, 'replicas'), 'spec.replicas', 1, anchor, label);
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
    } else if (ALWAYS_RUNNING.has(k) && check.max === 0) {
      report(`${label}: a ${kind} always runs (${k === 'pod' ? 'one pod' : 'one pod per node'}); use a Deployment with replicas: 0`, posOf(kindP, doc.pos));
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
    genericScan(root, check.matchedFile);
  }
  out.sort((a, b) => a.line - b.line || a.column - b.column);
  return out;
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
    const m = /^(\s*(?:-\s+)?)(replicas|replicaCount|minReplicas|maxReplicas|minReplicaCount|maxReplicaCount)(\s*:\s*)(.*?)\s*$/.exec(
      l.replace(/\r$/, ''),
    );
    if (!m) return;
    let v = m[4]!;
    const hash = v.search(/(^|\s)#/);
    if (hash !== -1 && !v.slice(0, hash).includes('{{')) v = v.slice(0, hash).trim();
    if (v === '') return;
    const column = m[1]!.length + m[2]!.length + m[3]!.length + 1;
    const n = numberFromText(v);
    if (n === null) out.push({ message: `${m[2]} is not a literal number (cannot verify it stays ${max})`, line: i + 1, column });
    else if (n > max) out.push({ message: `${m[2]} is ${n}; must be ${max}`, line: i + 1, column });
  });
  return out;
}
