// script-risk (Gate B, exec guard enforcement): the script-risk manifest matches the runnable
// scripts of the tree, and scripts that require an exec guard contain one.
//
// It needs the tree, not the diff: per commit it lists the scripts of the commit's snapshot and
// reads the manifest from it. Cheap exit: nothing is listed, read or parsed unless the commit
// touches a path under the roots or the manifest itself. zod (for the manifest schema) and the
// parsers load only then.
import type { Blob } from '../../changeset/blob.js';
import picomatch from 'picomatch';
import type { Snapshot, TreeEntry } from '../../changeset/types.js';
import { isTreeScan, snapshotOfChanges } from '../../changeset/changes-snapshot.js';
import { checkJson } from '../../readers/parse-check/index.js';
import { getIn, isYamlMap, isYamlScalar, isYamlSeq, loadYamlDocuments, mapPair, type YamlNode } from '../../readers/yaml.js';
import { createRule, type CommitView, type RuleContext, type RunView } from '../types.js';
import type { MessageOf, RuleReport } from '../messages.js';
import { scriptRiskMessages, scriptRiskText } from './messages.js';

type Report = RuleReport<typeof scriptRiskMessages>;
import { findGuard } from './guard.js';
import type { ScriptRiskOptions } from './options.js';

const DOCS = `Gate B (exec guard enforcement) of the AgentTrader v2 CI/CD safety gates: high-risk scripts
are inventoried and classified, and scripts classified as needing an exec guard call one.

What it checks, for every commit that touches a script under \`roots\` or the manifest, on the
commit's whole tree (the index for pre-commit), and on the whole tree in a full-tree \`scan\`
(every script, every guard):
  missing      a script under the roots (minus \`exclude\`) has no manifest entry. A script is
               a file matching a root glob, or any file under a root's directory (the glob's
               part before its first wildcard: scripts/ for scripts/**/*.{sh,py}) with a script
               extension (script_extensions, case-insensitive: Deploy.SH, run.Py, x.bash, x.js,
               …), the executable bit, or a shebang (#!) — data files (md, txt, json, yaml,
               toml, …) never
  stale        a manifest entry names a path that is not a script under the roots
  duplicate    two entries name the same path
  category     an entry's category is not allowed (the policy's \`categories\`; also the
               manifest's own \`categories\` list when it has one)
  guard        an entry with requires_exec_guard: true whose script does not contain one of
               \`guard_patterns\` in code that runs. Does not count: comments; in Python
               strings, docstrings and dead blocks (if False: / if 0: / if None: /
               if TYPE_CHECKING: / while False:); in shell an argument of echo, printf, :,
               true, false, cat, tee, logger, a value only assigned (GUARD="…exec_guard.py"),
               a heredoc a command prints (cat <<EOF, : <<'EOF'), the body of
               if false; then … fi. A heredoc fed to an interpreter (python3 - <<EOF), a
               command substitution, a condition ([ "$EXECUTION_HALTED" = 1 ]) count.
               Not recognised as dead: a guard inside a function that is never called.
  guard-flag   an entry in a category of \`require_guard_for_categories\` that is not marked
               requires_exec_guard: true
  guard-downgrade
               requires_exec_guard turned from true to false (or the key dropped, or the entry
               removed while its script stays) in a commit that changes the manifest: a
               security policy change (CI/CD spec, "Change control"), blocked until a security
               review approval covers it
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
  script_extensions             extensions that make a file under a root's directory a script
  detect_scripts                also extensions, exec bit and shebangs (default true); false:
                                the root globs only

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

export const scriptRisk = createRule({
  meta: {
    id: 'script-risk',
    family: 'exec guard',
    description: 'Scripts are inventoried in the script-risk manifest; scripts that require an exec guard call one (Gate B).',
    defaultSeverity: 'block',
    docs: DOCS,
    messages: scriptRiskMessages,
  },
  create(ctx: RuleContext<ScriptRiskOptions>) {
    const o = ctx.options;
    const norm = (p: string) => ctx.paths.normalize(p);
    const underRoots = ctx.paths.glob(o.roots);
    const excluded = ctx.paths.glob(o.exclude);
    // The directories of the roots (`scripts/**/*.{sh,py}` → `scripts/`): every script under
    // them belongs in the manifest, whatever its extension (case-insensitive), exec bit or shebang.
    const bases = o.roots.map((r) => norm(picomatch.scan(r).base)).map((b) => (b === '' ? '' : `${b}/`));
    const underBase = (p: string) => {
      const n = norm(p);
      return bases.some((b) => n.startsWith(b));
    };
    const exts = new Set(o.script_extensions.map((e) => e.replace(/^\./, '').toLowerCase()));
    const extOf = (p: string) => {
      const base = p.slice(p.lastIndexOf('/') + 1);
      const dot = base.lastIndexOf('.');
      return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
    };
    // Files that are data, never scripts, whatever their first bytes.
    const DATA_EXT = new Set(['md', 'markdown', 'rst', 'txt', 'json', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'csv', 'lock', 'sql', 'html', 'css', 'png', 'jpg', 'svg', 'gz', 'zip']);
    const inRoots = (p: string) => (underRoots(p) || underBase(p)) && !excluded(p);
    /** Script by name or mode alone (no content needed). */
    const scriptByName = (p: string, mode?: string) => {
      if (!inRoots(p)) return false;
      if (underRoots(p)) return true;
      if (!o.detect_scripts) return false;
      return exts.has(extOf(p)) || mode === '100755';
    };
    const isScript = (p: string) => scriptByName(p);
    const manifestPath = norm(o.manifest);
    const isManifest = (p: string | null) => p !== null && norm(p) === manifestPath;
    const yamlManifest = /\.ya?ml$/i.test(o.manifest);
    const reported = new Set<string>();

    /** Scripts of a tree: by glob, extension, exec bit, or (read only then) a shebang. */
    const listScripts = async (snapshot: Snapshot): Promise<Map<string, TreeEntry>> => {
      const scripts = new Map<string, TreeEntry>();
      const maybe: TreeEntry[] = [];
      for (const e of await snapshot.list(inRoots, { memo: true })) {
        if (e.mode === '160000' || e.mode === '040000') continue;
        if (isManifest(e.path)) continue;
        if (scriptByName(e.path, e.mode)) scripts.set(norm(e.path), e);
        else if (o.detect_scripts && e.mode !== '120000' && !DATA_EXT.has(extOf(e.path))) maybe.push(e);
      }
      const blobs = await Promise.all(maybe.map((e) => ctx.git.readBlob(e.oid).catch(() => null)));
      maybe.forEach((e, i) => {
        const b = blobs[i];
        if (b && b.bytes.length >= 2 && b.bytes[0] === 0x23 && b.bytes[1] === 0x21) scripts.set(norm(e.path), e);
      });
      return scripts;
    };

    /** Entries marked requires_exec_guard in a manifest blob (for downgrades); null when unreadable. */
    const guardedIn = async (snapshot: Snapshot | null): Promise<Set<string> | null> => {
      if (!snapshot) return null;
      const e = await snapshot.entry(o.manifest);
      if (!e) return null;
      const b = await ctx.git.readBlob(e.oid);
      if (!b) return null;
      let value: unknown;
      try {
        if (yamlManifest) {
          const r = await loadYamlDocuments(b);
          if (r.errors.length > 0) return null;
          value = yamlToJs(r.docs[0]?.contents ?? null);
        } else value = JSON.parse(b.text.replace(/^\uFEFF/, ''));
      } catch {
        return null;
      }
      const out = new Set<string>();
      const list = (value as { scripts?: unknown })?.scripts;
      if (!Array.isArray(list)) return null;
      for (const it of list) {
        const x = it as { path?: unknown; requires_exec_guard?: unknown };
        if (typeof x?.path === 'string' && x.requires_exec_guard === true) out.add(norm(x.path.trim()));
      }
      return out;
    };

    return {
      async checkCommit(commit: CommitView, report: Report) {
        // Cheap exit: the commit does not touch the scripts or the manifest.
        const touched = commit.changes.some((c) => inRoots(c.path) || (c.oldPath !== null && inRoots(c.oldPath)) || isManifest(c.path) || isManifest(c.oldPath));
        if (!touched) return;
        const manifestChanged = commit.changes.some((c) => isManifest(c.path) || isManifest(c.oldPath));
        const changedPaths = new Set(commit.changes.map((c) => norm(c.path)));
        await analyze(commit.snapshot, manifestChanged ? commit.parentSnapshot : null, manifestChanged, changedPaths, commit.info.oid, report);
      },

      async checkRun(run: RunView, report: Report) {
        // A full-tree scan has no commit: the change set is the tree. Judge it whole (every
        // script, every guard), as Gate B's "manifest matches tracked scripts".
        if (!isTreeScan(run.commits, run.changeSet.changes)) return;
        await analyze(snapshotOfChanges(run.changeSet.changes), null, true, null, null, report);
      },
    };

    async function analyze(
      snapshot: Snapshot,
      parentSnapshot: Snapshot | null,
      manifestChanged: boolean,
      changedPaths: Set<string> | null,
      commitOid: string | null,
      report: Report,
    ): Promise<void> {
      {
        // Report each problem once per run (the first commit that has it).
        const emit = (key: string, f: Parameters<Report>[0]) => {
          if (reported.has(key)) return;
          reported.add(key);
          report({ ...f, commit: commitOid });
        };

        const scripts = await listScripts(snapshot);

        const mEntry = await snapshot.entry(o.manifest);
        if (!mEntry) {
          if (scripts.size > 0) {
            emit(`missing-manifest`, {
              messageId: 'manifestMissing',
              data: { manifest: o.manifest, count: scripts.size, roots: o.roots.join(', ') },
              path: o.manifest,
            });
          }
          return;
        }
        const blob = await ctx.git.readBlob(mEntry.oid);
        if (!blob) {
          emit('unreadable-manifest', {
            messageId: 'manifestUnreadable',
            data: { manifest: o.manifest },
            path: o.manifest,
          });
          return;
        }

        // --- parse (JSON strict, or YAML) with positions ---
        let value: unknown;
        let root: YamlNode | null = null;
        // A problem of the manifest itself, reported once per (key, message).
        type ManifestMessage = Extract<MessageOf<typeof scriptRiskMessages>, { messageId: `manifest${string}` }>;
        const mfinding = (key: string, m: ManifestMessage, at: Located) =>
          emit(`manifest:${key}:${m.messageId}:${JSON.stringify(m.data)}`, { ...m, path: o.manifest, line: at.line, column: at.column });
        if (yamlManifest) {
          const r = await loadYamlDocuments(blob);
          const e = r.errors[0];
          if (e) return mfinding('syntax', { messageId: 'manifestYaml', data: { manifest: o.manifest, problem: e.message } }, { line: e.line, column: e.column });
          root = r.docs[0]?.contents ?? null;
          value = yamlToJs(root);
        } else {
          const e = checkJson(blob.text);
          if (e) {
            const p = blob.position(e.offset);
            return mfinding('syntax', { messageId: 'manifestJson', data: { manifest: o.manifest, problem: e.message } }, p);
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
          const where = scriptRiskText.at(issue.path.length > 0 ? formatPath(issue.path) : '');
          mfinding(formatPath(issue.path), { messageId: 'manifestSchema', data: { manifest: o.manifest, problem: issue.message, where } }, locate(issue.path));
        }
        if (!v.top) return;

        // --- categories ---
        const policyCats = new Set(o.categories);
        const manifestCats = v.top.categories ? new Set(v.top.categories.map((c) => c.trim())) : null;
        if (manifestCats && policyCats.size > 0) {
          v.top.categories!.forEach((c, i) => {
            if (!policyCats.has(c.trim())) {
              mfinding(
                `categories:${c}`,
                { messageId: 'manifestCategory', data: { manifest: o.manifest, category: c, allowed: [...policyCats].join(', ') } },
                locate(['categories', i]),
              );
            }
          });
        }
        if (policyCats.size === 0 && !manifestCats) {
          mfinding('no-categories', { messageId: 'manifestNoCategories', data: { manifest: o.manifest } }, locate([]));
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
              messageId: 'duplicate',
              data: { path: entry.path, manifest: o.manifest, first: String(listed.get(p)) },
              path: o.manifest,
              line: at.line,
              column: at.column,
            });
            continue;
          }
          listed.set(p, index);
          if (!scripts.has(p)) {
            emit(`stale:${p}`, {
              ...(isScript(p)
                ? { messageId: 'stale' as const, data: { manifest: o.manifest, path: entry.path } }
                : { messageId: 'notUnderRoots' as const, data: { manifest: o.manifest, path: entry.path, roots: o.roots.join(', ') } }),
              path: o.manifest,
              line: at.line,
              column: at.column,
            });
          }
          const cat = entry.category;
          if (!allowed(cat)) {
            const c = locate(['scripts', index, 'category']);
            emit(`cat:${p}:${cat}`, {
              messageId: 'category',
              data: { path: entry.path, category: cat, allowed: scriptRiskText.allowed(allowedList), choices: scriptRiskText.choices(allowedList) },
              path: o.manifest,
              line: c.line,
              column: c.column,
            });
          }
          if (o.require_guard_for_categories.includes(cat) && !entry.requires_exec_guard) {
            const c = locate(['scripts', index, 'requires_exec_guard']);
            emit(`flag:${p}`, {
              messageId: 'guardFlag',
              data: { path: entry.path, category: cat },
              path: o.manifest,
              line: c.line,
              column: c.column,
            });
          }
          if (entry.requires_exec_guard && scripts.has(p)) guardRequired.push({ path: p, index });
        }

        // --- missing ---
        for (const [p, e] of [...scripts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          if (listed.has(p)) continue;
          emit(`missing:${p}`, {
            messageId: 'missing',
            data: { path: e.path, manifest: o.manifest, categories: scriptRiskText.placeholder(allowedList) },
            path: e.path,
          });
        }

        // --- guards: the scripts that changed, or all of them when the manifest changed ---
        for (const g of guardRequired) {
          if (!manifestChanged && changedPaths !== null && !changedPaths.has(g.path)) continue;
          const e = scripts.get(g.path)!;
          if (e.mode === '120000') {
            emit(`guard:${g.path}`, {
              messageId: 'guardSymlink',
              data: { path: e.path },
              path: e.path,
            });
            continue;
          }
          const sblob: Blob | null = await ctx.git.readBlob(e.oid);
          const found = sblob && !sblob.isBinary ? await findGuard(sblob, e.path, o.guard_patterns) : null;
          if (!found) {
            emit(`guard:${g.path}`, {
              messageId: 'noGuard',
              data: { path: e.path, patterns: o.guard_patterns.join(', '), example: String(o.guard_patterns[0]) },
              path: e.path,
            });
          }
        }

        // --- downgrades: requires_exec_guard true -> false (or the entry dropped while the
        // script stays) is a security policy change: it needs security review ---
        if (parentSnapshot) {
          const before = await guardedIn(parentSnapshot);
          if (before) {
            const now = new Map<string, { index: number; flag: boolean }>();
            for (const { index, entry } of v.entries) {
              const p = norm(entry.path);
              if (!now.has(p)) now.set(p, { index, flag: entry.requires_exec_guard });
            }
            for (const p of [...before].sort()) {
              const cur = now.get(p);
              if (cur?.flag) continue;
              if (!cur && !scripts.has(p)) continue; // the script itself is gone
              const at = cur ? locate(['scripts', cur.index, 'requires_exec_guard']) : locate(['scripts']);
              emit(`downgrade:${p}`, {
                messageId: cur ? 'guardTurnedOff' : 'guardEntryRemoved',
                data: { path: p, manifest: o.manifest },
                path: o.manifest,
                line: at.line,
                column: at.column,
              });
            }
          }
        }
      }
    }
  },
});

function formatPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s || '(top level)';
}
