// replicas (CI posture, guardrail "execution agent scaled to 0"): manifests of the execution
// agent, and workloads named like it anywhere in scope, keep zero replicas.
//
// Hot path: a YAML/JSON file is parsed only when it matches the globs, or when its text holds
// every word of one of the workload names (e.g. `execution` and `agent`).
import type { FileChange } from '../../changeset/types.js';
import { loadYamlDocuments } from '../../readers/yaml.js';
import { createRule, type FileView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { replicasMessages } from './messages.js';

type Report = RuleReport<typeof replicasMessages>;
import { RuntimeLoadedIndex, referencedFiles } from '../../readers/runtime-loaded.js';
import type { Snapshot } from '../../changeset/types.js';
import type { Blob } from '../../changeset/blob.js';
import { kubectlScaleProblems, replicaProblems, startCommandProblems, templateReplicaProblems, terraformReplicaProblems } from './check.js';
import type { ReplicasOptions } from './options.js';

const DOCS = `Keeps the execution agent scaled to zero (AgentTrader v2 production lock: "execution agent
deployment exists but is scaled to 0"; CI safety guard: no scaled execution agent).

What it checks (YAML, JSON, Terraform, shell scripts and Makefiles in the runtime scope)
  Files matching \`globs\`: every workload in them. Any other file: workloads named like one of
  \`workload_names\` (case-insensitive; '-', '_' and '.' are ignored, so *execution-agent* also
  matches execution_agent and executionAgent; and by words, each written out or abbreviated to
  4+ letters, so exec-agent-v2 and ExecAgent are the agent too; metadata.generateName counts
  as a name) — or identified by a label value (metadata,
  pod template, selector) or a container image name (…/execution-agent:2.3.1) —, and HPAs /
  ScaledObjects targeting them.
    Deployment, StatefulSet, ReplicaSet, ReplicationController, Argo Rollout, DeploymentConfig
                         spec.replicas must be <= max_replicas (0); a missing spec.replicas
                         defaults to 1 in Kubernetes and is reported
    HorizontalPodAutoscaler  minReplicas (default 1) and maxReplicas
    KEDA ScaledObject    minReplicaCount (default 0), maxReplicaCount (default 100)
    DaemonSet, Pod       always run a pod: reported
    Job                  spec.parallelism (default 1), unless spec.suspend: true
    CronJob, Cloud Run Job, Argo Workflow / CronWorkflow
                         run the agent without a replica count: reported (a CronJob or
                         CronWorkflow with spec.suspend: true is not)
    KEDA ScaledJob       maxReplicaCount (default 100)
                         (one workload model: where each kind keeps its pods, containers and
                         count; its containers' images identify the agent)
    Knative / Cloud Run Service  autoscaling.knative.dev/minScale (default 0) and maxScale
                         (default 100) annotations of spec.template
    Kustomize            replicas: [{name, count}] overrides; patches / patchesJson6902 /
                         patchesStrategicMerge with an inline patch aimed at the agent (target
                         name or labelSelector, or the fragment's metadata.name): JSON 6902
                         replace/add of …/replicas, or a strategic-merge replicas:; a JSON 6902
                         patch file matching \`globs\`
    Kustomize names      namePrefix / nameSuffix of a kustomization in the tree (overlays over
                         bases composed, 4 deep) rename its resources: a workload is judged
                         under its rendered name (metadata.name, scaleTargetRef), when the
                         kustomization changes and when the resource changes on its own
    Argo CD Application  spec.source(s).helm.parameters {name: replicaCount|replicas|…, value}
                         when the Application, its source path, chart or release names the agent
    Terraform            kubernetes_deployment / stateful_set / replication_controller
                         (replicas, default 1), kubernetes_horizontal_pod_autoscaler
                         (min/max_replicas), google_cloud_run(_v2)_service (min_instance_count,
                         minScale), helm_release set {name = "replicaCount", value} — for
                         resources whose label or name = "…" names the agent
    kubectl, gcloud      kubectl scale <res>/<agent> --replicas=N and kubectl autoscale
                         --min/--max in scripts and CI steps; commands that start the agent
                         as a job or pod: gcloud run jobs execute|create|deploy|update <agent>,
                         kubectl create job|cronjob <agent>, kubectl run <agent>
    compose services     deploy.replicas, else \`scale\`, else compose's default of 1
    Helm-style values    replicas / replicaCount / min|maxReplicas / min|maxReplicaCount under a
                         key named like the workload (executionAgent: {replicaCount: 1}), or
                         anywhere in a matching file
  Multi-document files and \`kind: List\` are read item by item. Values: numbers, numeric
  strings and \${N:-0} defaults; a value that cannot be verified ($N, a template expression) is
  reported. Templates that are not YAML until rendered (Helm) are read line by line when they
  match \`globs\`.

Options (rules.replicas.options)
  globs            manifests of the agent (preset: **/*execution-agent*, **/*execution_agent*,
                   and the same as directories)
  workload_names   names of the agent's workloads (preset: *execution-agent*, *execution_agent*)
  max_replicas     default 0
  scope            {include?, exclude?} replaces the runtime scope lists for this rule

Fix: set \`replicas: 0\` (and remove autoscalers of the agent); scaling it up is a
production-lock unlock that goes through review.`;

/** Normalised form of a workload name: lower case, without '-', '_', '.' and spaces. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.\s]/g, '');
}

/** The words of a name as people write them: split at `-`, `_`, `.`, spaces, camelCase and digits. */
function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, (_m, a, b, c, d) => (a ? `${a} ${b}` : `${c} ${d}`))
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

/** Shortest abbreviation of a word that still names it (`exec` for execution, `agt` is not). */
const MIN_ABBREV = 4;

/** A token names the word: the word itself, or an abbreviation of at least 4 letters (exec). */
function abbreviates(token: string, word: string): boolean {
  return token === word || (token.length >= MIN_ABBREV && word.startsWith(token));
}

/**
 * Predicate over workload names for globs (`*` any run, `?` one character), normalised; and by
 * words: a name whose consecutive words name the glob's words in order, each written out or
 * abbreviated (`exec-agent-v2`, `ExecAgent`, `execution_agent_blue` for `*execution-agent*`),
 * so a renamed or versioned workload is still the agent. A glob without a leading or trailing
 * `*` anchors its words at that end.
 */
export function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  if (globs.length === 0) return () => false;
  const res = globs.map((g) => {
    const src = normaliseName(g)
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return new RegExp(`^${src}$`);
  });
  const byWords = globs
    .filter((g) => !g.includes('?'))
    .map((g) => ({ words: nameTokens(g.replace(/\*/g, ' ')), open: [g.startsWith('*'), g.endsWith('*')] as const }))
    .filter((w) => w.words.length > 0);
  const wordsMatch = (tokens: string[]): boolean =>
    byWords.some(({ words, open }) => {
      for (let i = 0; i + words.length <= tokens.length; i++) {
        if (!open[0] && i > 0) break;
        if (!open[1] && i + words.length !== tokens.length) continue;
        if (words.every((w, j) => abbreviates(tokens[i + j]!, w))) return true;
      }
      return false;
    });
  return (name) => {
    const n = normaliseName(name);
    return res.some((r) => r.test(n)) || wordsMatch(nameTokens(name));
  };
}

/** Words that must all occur in a file for one of the names to be in it (`execution`, `agent`). */
export function nameWords(globs: readonly string[]): string[][] {
  return globs.map((g) =>
    g
      .toLowerCase()
      .split(/[*?\-_.\s]+/)
      .filter((w) => w.length > 0),
  );
}

export const replicas = createRule({
  meta: {
    id: 'replicas',
    family: 'CI posture',
    description: 'Keeps execution-agent workloads at replicas: 0 (Deployments, StatefulSets, HPAs, compose, Helm values).',
    defaultSeverity: 'block',
    messages: replicasMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<ReplicasOptions>) {
    const o = ctx.options;
    const inScope = ctx.paths.runtimeScope(o.scope);
    const matched = ctx.paths.glob(o.globs);
    const nameMatches = nameMatcher(o.workload_names);
    const words = nameWords(o.workload_names);
    const index = RuntimeLoadedIndex.of(ctx.git);
    const keywords = new Set<string>(['replica', 'kind', 'services', 'nameprefix', 'namesuffix']);
    for (const ws of words) for (const w of ws) keywords.add(w.slice(0, MIN_ABBREV));
    return {
      keywords: [...keywords],
      files(change: FileChange) {
        if (change.newMode === '120000' || change.newMode === '160000') return false;
        return /\.(?:ya?ml|json|tf|sh|bash)$/i.test(change.path) || /(^|\/)makefile$/i.test(change.path) ? inScope(change.path) : false;
      },
      async checkFile(file: FileView, report: Report) {
        const path = file.path;
        const reportProblems = (problems: readonly { message: string; line: number; column: number }[]) => {
          for (const p of problems) report({ messageId: 'tooMany', data: { problem: p.message, max: o.max_replicas }, path, line: p.line, column: p.column });
        };
        const isMatched = matched(path);
        const blob = await file.newBlob();
        if (!blob) return;
        // A kustomization that renames its resources: judge them under the rendered names.
        if (KUSTOMIZATION.test(path) && /name(Prefix|Suffix)\s*:/.test(blob.text)) await renderedResources(path, ctx.git.snapshot(file.commit?.oid ?? 'index'), '', '', 0, report);
        if (!isMatched) {
          // Cheap exit: the text must hold every word of some workload name.
          // (Abbreviations count: `exec` for execution, as nameMatcher reads names.)
          const lower = blob.lower;
          if (!words.some((ws) => ws.length > 0 && ws.every((w) => lower.includes(w.slice(0, MIN_ABBREV))))) return;
        }
        if (!/\.(?:ya?ml|json)$/i.test(path)) {
          const problems = /\.tf$/i.test(path)
            ? terraformReplicaProblems(blob.text, isMatched, nameMatches, o.max_replicas)
            : [...kubectlScaleProblems(blob.text, nameMatches, o.max_replicas), ...startCommandProblems(blob.text, nameMatches, o.max_replicas)];
          reportProblems(problems);
          return;
        }
        const result = await loadYamlDocuments(blob);
        const scaled =
          blob.lower.includes('kubectl') || blob.lower.includes('gcloud')
            ? [...kubectlScaleProblems(blob.text, nameMatches, o.max_replicas), ...startCommandProblems(blob.text, nameMatches, o.max_replicas)]
            : [];
        const problems0 =
          result.errors.length > 0
            ? isMatched
              ? templateReplicaProblems(blob.text, o.max_replicas)
              : []
            : replicaProblems(result, { matchedFile: isMatched, nameMatches, max: o.max_replicas });
        const problems = [...problems0, ...scaled];
        reportProblems(problems);
      },
      // A manifest changed on its own that a kustomization in the tree renames (namePrefix /
      // nameSuffix): judged under each rendered name (readers/runtime-loaded.ts indexes them).
      async checkRun(run: RunView, report: Report) {
        let live = false;
        for (const commit of run.commits) {
          const candidates = commit.changes.filter(
            (c) => c.status !== 'D' && c.newOid && /\.ya?ml$/i.test(c.path) && inScope(c.path) && (c.newMode === '100644' || c.newMode === '100755'),
          );
          if (!live && candidates.length === 0) continue;
          live = true;
          for (const c of candidates) {
            for (const r of await index.renames(commit, c.path)) {
              if (commit.changes.some((x) => x.path === r.via)) continue; // the kustomization's own check read it
              const b = await ctx.git.readBlob(c.newOid!);
              if (b) await judgeRendered(c.path, b, r.prefix, r.suffix, r.via, (f) => report({ ...f, commit: c.commit }));
            }
          }
        }
      },
    };

    /** The resources a kustomization renders, judged under prefix + name + suffix (bases nested up to 4 deep). */
    async function renderedResources(kpath: string, snap: Snapshot, outerPrefix: string, outerSuffix: string, depth: number, report: Report): Promise<void> {
      const e = await snap.entry(kpath);
      if (!e) return;
      const kb = await ctx.git.readBlob(e.oid);
      if (!kb || !kb.isText) return;
      const docs = (await loadYamlDocuments(kb)).docs.map((d) => d.contents);
      for (const ref of referencedFiles(kpath, docs)) {
        if (!ref.resource) continue;
        const prefix = outerPrefix + ref.resource.prefix;
        const suffix = ref.resource.suffix + outerSuffix;
        if (prefix === '' && suffix === '') continue;
        const re = await snap.entry(ref.path);
        if (!re || re.mode === '040000') {
          // A directory: its kustomization's resources, renamed by both.
          if (depth < 4)
            for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization'])
              await renderedResources(`${ref.path}/${name}`, snap, prefix, suffix, depth + 1, report);
          continue;
        }
        if (!/\.ya?ml$/i.test(ref.path)) continue;
        const b = await ctx.git.readBlob(re.oid);
        if (b) await judgeRendered(ref.path, b, prefix, suffix, kpath, report);
      }
    }

    async function judgeRendered(path: string, blob: Blob, prefix: string, suffix: string, via: string, report: Report): Promise<void> {
      if (!blob.isText) return;
      const result = await loadYamlDocuments(blob);
      if (result.errors.length > 0) return;
      for (const p of replicaProblems(result, { matchedFile: false, nameMatches, max: o.max_replicas, rename: (n) => prefix + n + suffix })) {
        report({
          messageId: 'tooManyRendered',
          data: { problem: p.message, via, max: o.max_replicas },
          path,
          line: p.line,
          column: p.column,
        });
      }
    }
  },
});

const KUSTOMIZATION = /(^|\/)(kustomization\.ya?ml|Kustomization)$/i;
