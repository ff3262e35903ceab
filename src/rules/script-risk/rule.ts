// script-risk (Gate B, exec guard enforcement): the script-risk manifest matches the runnable
// scripts of the tree, and scripts that require an exec guard contain one.
//
// It needs the tree, not the diff: per commit it lists the scripts of the commit's snapshot and
// reads the manifest from it. Cheap exit: nothing is listed, read or parsed unless the commit
// touches a path under the roots or the manifest itself. zod (for the manifest schema) and the
// parsers load only then.
import type { Blob } from '../../changeset/blob.js';
import type { TreeEntry } from '../../changeset/types.js';
import { checkJson } from '../_shared/parse-check.js';
import {
  getIn,
  isYamlMap,
  isYamlScalar,
  isYamlSeq,
  loadYamlDocuments,
  mapPair,
  type YamlNode,
} from '../_shared/yaml.js';
import { defineRule, type CommitView, type Report, type RuleContext } from '../types.js';
import { findGuard } from './guard.js';
import type { ScriptRiskOptions } from './options.js';

const DOCS = `Gate B (exec guard enforcement) of the AgentTrader v2 CI/CD safety gates: high-risk scripts
are inventoried and classified, and scripts classified as needing an exec guard call one.

What it checks, for every commit that touches a script under \`roots\` or the manifest, on the
commit's whole tree (the index for pre-commit):
  missing      a script under the roots (minus \`exclude\`) has no manifest entry
  stale        a manifest entry names a path that is not a script under the roots
  duplicate    two entries name the same path
  category     an entry's category is not allowed (the policy's \`categories\`; also the
               manifest's own \`categories\` list when it has one)
  guard        an entry with requires_exec_guard: true whose script does not contain one of
               \`guard_patterns\` in code (comments do not count; in Python strings and
               docstrings do not count either)
  guard-flag   an entry in a category of \`require_guard_for_categories\` that is not marked
               requires_exec_guard: true
  manifest     the manifest is missing while scripts exist, is not valid JSON/YAML, or does not
               follow the schema: every problem with file, line and column, never a crash

Manifest (JSON; YAML when its name ends in .yaml/.yml)
  {
    "version": 1,                                         optional
    "categories": ["ci", "ops", "deploy", "dev", "execution"],   optional
    "scripts": [
      {"path": "scripts/deploy.sh", "category": "deploy", "requires_exec_guard": true},
      {"path": "scripts/ci/lint.py", "category": "ci"}
    ]
  }
  requires_exec_guard defaults to false; other keys (owner, notes) are allowed.

Options (rules.script-risk.options)
  roots                         globs of runnable scripts (preset: scripts/**/*.{sh,py})
  exclude                       globs under the roots that are not runnable scripts
  manifest                      path (preset: scripts/ci/script_risk_policy_manifest.json)
  categories                    allowed categories (preset: ci, ops, deploy, dev, execution)
  guard_patterns                literal guard invocations (word boundaries at word ends)
  require_guard_for_categories  categories whose scripts must require the guard

Fix: add, remove or deduplicate the manifest entry; use an allowed category; call the exec
guard at the top of the script (e.g. \`require_exec_guard(...)\` from scripts/lib/exec_guard.py).`;

interface Located {
  line: number | null;
  column: number | null;
}

function yamlToJs(node: YamlNode | null, depth = 0): unknown {
  if (node === null || depth > 100) return null;
  if (isYamlScalar(node)) return node.value;
  if (isYamlSeq(node)) return node.items.map((i) => yamlToJs(i, depth + 1));
  const out: Record<string, unknown> = {};
  for (const p of node.pairs) if (p.key !== null) out[p.key] = yamlToJs(p.value, depth + 1);
  return out;
}

export const scriptRisk = defineRule<ScriptRiskOptions>({
  meta: {
    id: 'script-risk',
    family: 'exec guard',
    description: 'Scripts are inventoried in the script-risk manifest; scripts that require an exec guard call one (Gate B).',
    defaultSeverity: 'block',
    docs: DOCS,
    subRules: ['missing', 'stale', 'duplicate', 'category', 'guard', 'guard-flag', 'manifest'],
  },
  create(ctx: RuleContext<ScriptRiskOptions>) {
    const o = ctx.options;
    const norm = (p: string) => ctx.paths.normalize(p);
    const underRoots = ctx.paths.glob(o.roots);
    const excluded = ctx.paths.glob(o.exclude);
    const isScript = (p: string) => underRoots(p) && !excluded(p);
    const manifestPath = norm(o.manifest);
    const isManifest = (p: string | null) => p !== null && norm(p) === manifestPath;
    const yamlManifest = /\.ya?ml$/i.test(o.manifest);
    const reported = new Set<string>();

    return {
      async checkCommit(commit: CommitView, report: Report) {
        // Cheap exit: the commit does not touch the scripts or the manifest.
        const touched = commit.changes.some(
          (c) => underRoots(c.path) || (c.oldPath !== null && underRoots(c.oldPath)) || isManifest(c.path) || isManifest(c.oldPath),
        );
        if (!touched) return;
        const manifestChanged = commit.changes.some((c) => isManifest(c.path) || isManifest(c.oldPath));
        const changedPaths = new Set(commit.changes.map((c) => norm(c.path)));

        // Report each problem once per run (the first commit that has it).
        const emit = (key: string, f: Parameters<Report>[0]) => {
          if (reported.has(key)) return;
          reported.add(key);
          report({ ...f, commit: commit.info.oid });
        };

        const scripts = new Map<string, TreeEntry>();
        for (const e of await commit.snapshot.list(isScript)) {
          if (e.mode === '160000' || e.mode === '040000') continue;
          scripts.set(norm(e.path), e);
        }

        const mEntry = await commit.snapshot.entry(o.manifest);
        if (!mEntry) {
          if (scripts.size > 0) {
            emit(`missing-manifest`, {
              subRule: 'manifest',
              message: `script-risk manifest ${o.manifest} is missing; ${scripts.size} script(s) under ${o.roots.join(', ')} are not inventoried`,
              path: o.manifest,
              remediation: `restore ${o.manifest} (or add it) listing every script with its category and requires_exec_guard`,
            });
          }
          return;
        }
        const blob = await ctx.git.readBlob(mEntry.oid);
        if (!blob) {
          emit('unreadable-manifest', {
            subRule: 'manifest',
            message: `script-risk manifest ${o.manifest} cannot be read (missing object or over the size limit)`,
            path: o.manifest,
            remediation: `make ${o.manifest} a regular file under the size limit`,
          });
          return;
        }

        // --- parse (JSON strict, or YAML) with positions ---
        let value: unknown;
        let root: YamlNode | null = null;
        const mfinding = (key: string, message: string, at: Located) =>
          emit(`manifest:${key}:${message}`, {
            subRule: 'manifest',
            message: `${o.manifest}: ${message}`,
            path: o.manifest,
            line: at.line,
            column: at.column,
            remediation: 'fix the manifest (see `safety-gate explain script-risk` for its schema)',
          });
        if (yamlManifest) {
          const r = await loadYamlDocuments(blob);
          const e = r.errors[0];
          if (e) return mfinding('syntax', `not valid YAML: ${e.message}`, { line: e.line, column: e.column });
          root = r.docs[0]?.contents ?? null;
          value = yamlToJs(root);
        } else {
          const e = checkJson(blob.text);
          if (e) {
            const p = blob.position(e.offset);
            return mfinding('syntax', `not valid JSON: ${e.message}`, p);
          }
          value = JSON.parse(blob.text.replace(/^\uFEFF/, ''));
          // JSON is YAML: the shared loader gives positions for messages.
          const r = await loadYamlDocuments(blob);
          root = r.docs[0]?.contents ?? null;
        }
        const locate = (path: readonly (string | number)[]): Located => {
          // The deepest written node on the path: a pair's value (or key), a sequence item.
          for (let n = path.length; n > 0; n--) {
            const parent = getIn(root, path.slice(0, n - 1));
            const last = path[n - 1]!;
            if (typeof last === 'string' && isYamlMap(parent)) {
              const pair = mapPair(parent, last);
              if (pair) {
                const p = pair.valuePos ?? pair.keyPos;
                return { line: p.line, column: p.column };
              }
            } else if (typeof last === 'number' && isYamlSeq(parent) && parent.itemPos[last]) {
              const p = parent.itemPos[last]!;
              return { line: p.line, column: p.column };
            }
          }
          return root ? { line: root.pos.line, column: root.pos.column } : { line: 1, column: 1 };
        };

        const { validateManifest } = await import('./manifest-schema.js');
        const v = validateManifest(value);
        for (const issue of v.issues) {
          const where = issue.path.length > 0 ? ` at ${formatPath(issue.path)}` : '';
          mfinding(formatPath(issue.path), `${issue.message}${where}`, locate(issue.path));
        }
        if (!v.top) return;

        // --- categories ---
        const policyCats = new Set(o.categories);
        const manifestCats = v.top.categories ? new Set(v.top.categories.map((c) => c.trim())) : null;
        if (manifestCats && policyCats.size > 0) {
          v.top.categories!.forEach((c, i) => {
            if (!policyCats.has(c.trim())) {
              mfinding(`categories:${c}`, `category "${c}" is not allowed by the policy (allowed: ${[...policyCats].join(', ')})`, locate(['categories', i]));
            }
          });
        }
        if (policyCats.size === 0 && !manifestCats) {
          mfinding('no-categories', 'no allowed categories: the policy sets none and the manifest has no "categories" list', locate([]));
        }
        const allowed = (c: string) => (policyCats.size === 0 || policyCats.has(c)) && (!manifestCats || manifestCats.has(c)) && (policyCats.size > 0 || manifestCats !== null);
        const allowedList = [...(policyCats.size > 0 ? policyCats : (manifestCats ?? new Set<string>()))].filter((c) => !manifestCats || manifestCats.has(c));

        // --- entries: duplicates, stale, categories, guard flags ---
        const listed = new Map<string, number>();
        const count = (p: string, index: number) => {
          if (!listed.has(p)) listed.set(p, index);
        };
        for (const bad of v.invalidPaths) count(norm(bad.path), bad.index);
        const guardRequired: { path: string; index: number }[] = [];
        for (const { index, entry } of v.entries) {
          const p = norm(entry.path);
          const at = locate(['scripts', index, 'path']);
          if (listed.has(p)) {
            emit(`dup:${p}:${index}`, {
              subRule: 'duplicate',
              message: `${entry.path} is listed twice in ${o.manifest} (first at scripts[${listed.get(p)}])`,
              path: o.manifest,
              line: at.line,
              column: at.column,
              remediation: `keep one entry for ${entry.path}`,
            });
            continue;
          }
          listed.set(p, index);
          if (!scripts.has(p)) {
            emit(`stale:${p}`, {
              subRule: 'stale',
              message: `${o.manifest} lists ${entry.path}, which is not ${isScript(p) ? 'in the tree' : `a script under ${o.roots.join(', ')}`}`,
              path: o.manifest,
              line: at.line,
              column: at.column,
              remediation: `remove the entry for ${entry.path} (or fix its path)`,
            });
          }
          const cat = entry.category;
          if (!allowed(cat)) {
            const c = locate(['scripts', index, 'category']);
            emit(`cat:${p}:${cat}`, {
              subRule: 'category',
              message: `${entry.path}: category "${cat}" is not allowed (allowed: ${allowedList.join(', ') || 'none'})`,
              path: o.manifest,
              line: c.line,
              column: c.column,
              remediation: `set category to one of: ${allowedList.join(', ') || '(define categories in the policy)'}`,
            });
          }
          if (o.require_guard_for_categories.includes(cat) && !entry.requires_exec_guard) {
            const c = locate(['scripts', index, 'requires_exec_guard']);
            emit(`flag:${p}`, {
              subRule: 'guard-flag',
              message: `${entry.path}: category "${cat}" requires requires_exec_guard: true`,
              path: o.manifest,
              line: c.line,
              column: c.column,
              remediation: `set "requires_exec_guard": true for ${entry.path} and call the exec guard in it`,
            });
          }
          if (entry.requires_exec_guard && scripts.has(p)) guardRequired.push({ path: p, index });
        }

        // --- missing ---
        for (const [p, e] of [...scripts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          if (listed.has(p)) continue;
          emit(`missing:${p}`, {
            subRule: 'missing',
            message: `script ${e.path} is not in the script-risk manifest ${o.manifest}`,
            path: e.path,
            remediation: `add {"path": "${e.path}", "category": <${allowedList.join('|') || 'category'}>, "requires_exec_guard": <true|false>} to ${o.manifest}`,
          });
        }

        // --- guards: the scripts that changed, or all of them when the manifest changed ---
        for (const g of guardRequired) {
          if (!manifestChanged && !changedPaths.has(g.path)) continue;
          const e = scripts.get(g.path)!;
          if (e.mode === '120000') {
            emit(`guard:${g.path}`, {
              subRule: 'guard',
              message: `${e.path} requires an exec guard but is a symbolic link; its guard cannot be verified`,
              path: e.path,
              remediation: `point the manifest entry at the script the link targets`,
            });
            continue;
          }
          const sblob: Blob | null = await ctx.git.readBlob(e.oid);
          const found = sblob && !sblob.isBinary ? await findGuard(sblob, e.path, o.guard_patterns) : null;
          if (!found) {
            emit(`guard:${g.path}`, {
              subRule: 'guard',
              message: `${e.path} is marked requires_exec_guard but calls no exec guard (expected one of: ${o.guard_patterns.join(', ')})`,
              path: e.path,
              remediation: `call the exec guard near the top of ${e.path} (e.g. ${o.guard_patterns[0]}…), in code rather than a comment`,
            });
          }
        }
      },
    };
  },
});

function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s || '(top level)';
}
