// protected-target: a change to a protected path blocks unless the approved generator of that
// path vouches for it (client: a receipt; server: rerun, or an approval).
//
// What is protected: the policy's protected groups (and this rule's extra groups), every
// generator's outputs, every sentinel, and generated files: a file whose PREVIOUS version
// carries a generated marker, or whose path the PREVIOUS tree's .gitattributes marks
// `linguist-generated`. Markers and attributes are read from the trusted side only, so removing
// the marker in the same change does not help.
//
// Every way of changing a path counts: add, modify, delete, rename in or out (both paths are
// checked; with or without rename detection a rename is a delete plus an add anyway), mode and
// type changes (file, symlink, submodule), a symlink whose target resolves into a protected
// path, a path reached through a symlinked directory of the same tree, a path that a protected
// symlink makes visible elsewhere, and `./`, `..`, case and Unicode spellings where the policy
// declares a case-insensitive filesystem.
import { entryKind, type FileChange } from '../../changeset/types.js';
import { findGeneratedMarker, manualSections, onlyManualSectionsChanged, type GeneratedMarker } from '../_change-control/markers.js';
import { buildModel, type ChangeControlModel } from '../_change-control/model.js';
import { aliasesOf, pathKey, resolveLinkTarget, resolveThroughLinks, spellings, type LinkInfo } from '../../engine/spellings.js';
import { perRun } from '../../engine/run-cache.js';
import { attributesBefore, linksAfter, linksBefore } from '../_change-control/tree-facts.js';
import { attributeValue } from '../_change-control/gitattributes.js';
import { approvalFor, verifyGenerator, type GeneratorVerdict } from '../_change-control/verify.js';
import { createRule, type CommitView, type RuleContext } from '../types.js';
import type { RuleReport } from '../messages.js';
import { protectedTargetMessages } from './messages.js';

type Report = RuleReport<typeof protectedTargetMessages>;
import type { ProtectedTargetOptions } from './options.js';
import { policyFilesInRepo } from './policy-files.js';

const BLOB_MODES = new Set(['100644', '100755']);

function describe(change: FileChange, focus: string): string {
  switch (change.status) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return focus === change.oldPath ? `renamed to ${change.path}` : `renamed from ${change.oldPath}`;
    case 'C':
      return `copied from ${change.oldPath}`;
    case 'T':
      return `changed type (${entryKind(change.oldMode)} → ${entryKind(change.newMode)})`;
    default:
      if (change.newMode === '160000') return `submodule moved to ${change.newOid?.slice(0, 12)}`;
      return change.oldMode !== change.newMode && change.oldOid === change.newOid ? `mode changed ${change.oldMode} → ${change.newMode}` : 'modified';
  }
}

function markerLabel(m: GeneratedMarker): string {
  return m.kind === 'go-generated' ? '"Code generated … DO NOT EDIT." line' : `${m.kind === 'generated' ? '@' + 'generated' : '@' + 'partially-generated'} marker`;
}

interface Group {
  name: string;
  /** The policy's group name (protected_targets / extra_groups), for approval requirements. */
  policyGroup?: string;
  match: (path: string) => boolean;
}

export const protectedTarget = createRule({
  meta: {
    id: 'protected-target',
    family: 'protected targets',
    description: 'Blocks changes to protected files (manifests, generated files, sentinels, the policy, CI) unless their approved generator produced them.',
    defaultSeverity: 'block',
    messages: protectedTargetMessages,
    docs: `Blocks adding, editing, deleting, renaming into or out of, re-moding or re-typing any
protected path, unless the approved generator of that path vouches for the change.

Protected paths:
- the groups named under \`protected_targets\` (SPEC-260 names \`manifest-hashes\` and
  \`generated-files\`) and this rule's \`extra_groups\`;
- when the policy protects itself (the group \`safety-gate-policy\`, as the presets do): every
  file the policy in force is read from, whatever its name — the committed policy and each file
  of its \`extends\` chain inside the repository, and on a server with \`policy_source: branch\`
  its \`policy_path\` (approvals: those of \`safety-gate-policy\`);
- the outputs of every generator under \`generators\` and every sentinel under \`sentinels\`;
- generated files, even when no glob names them: a file whose previous version carries a
  generated marker (\`@generated\`, \`@partially-generated\`, Go's "Code generated ... DO NOT
  EDIT." line) or whose path the previous tree's .gitattributes marks \`linguist-generated\`.
  The marker and the attribute are read from the old side only: removing the marker in the same
  change does not unprotect the file. In a partially generated file, edits between
  \`BEGIN MANUAL SECTION\` and \`END MANUAL SECTION\` lines are allowed.

Every way of changing a path counts: add, modify, delete, rename in or out, mode change, type
change (file, symlink, submodule), a symlink whose target resolves into a protected path, a
path reached through a symlinked directory, the target of a symlink that sits at a protected
path (what \`.pre-commit-config.yaml -> conf/pc.yaml\` points at is read as the protected file:
file and directory links, chains, links of the tree before or after the change; approvals are
asked for the link's groups), and other spellings (\`./\`, \`..\`, case and Unicode
when \`case_insensitive_paths: true\`).

Who may change a protected path: its approved generator. On the client (pre-commit, pre-push,
scan) the change is accepted when a receipt of \`safety-gate generate <id>\` matches the
committed inputs and outputs exactly. On the server receipts prove nothing: the gate reruns
\`verify: regenerate\` generators on the pushed commit (time limit, no network) and compares the
blob ids, renders built-in sentinels itself, and otherwise needs a signed approval: a statement
made with \`safety-gate approve <commit> --key KEY\` and pushed in refs/notes/safety-gate, by a
principal of the server's \`approvals.allowed_signers\` who holds a role that
\`approvals.protected\` names for every group of the path (each group on its own), and who is
neither the author, the committer nor the pusher. The closed finding is reported at warn level
as "approved by …". Paths without a generator (the policy, hooks, CI) always need one.

Which policy says what is protected: on the client (pre-commit, commit-msg, pre-push) the
policy in force before the change — the YAML/JSON policy committed at HEAD, or at the pushed
ref's old tip — so a commit cannot unprotect what it edits, and the first commit of a policy
(nothing protected before it) passes. scan --range A..B uses A's policy; the server its own.
The baseline file (.safety-gate/baseline.json, or the policy's \`baseline:\`) is protected too.

Options: extra_groups, generated_markers (true), linguist_generated (true), marker_scan_bytes
(16384), marker_exclude (Markdown/reST/AsciiDoc), follow_symlinks (true).

Fix: run \`safety-gate generate <id>\` and stage its outputs, revert the change, or have it
approved (\`safety-gate approve\`, README "Approvals and break-glass").`,
  },
  create(ctx: RuleContext<ProtectedTargetOptions>) {
    const opts = ctx.options;
    const ci = ctx.policy.caseInsensitivePaths;
    const model: ChangeControlModel = perRun(ctx.git, `change-control-model:${ctx.policy.hash}`, () => buildModel(ctx.policy, ctx.paths));
    const groups: Group[] = [];
    for (const [name, globs] of Object.entries({ ...ctx.policy.protectedTargets, ...opts.extra_groups })) {
      groups.push({ name: `group ${name}`, policyGroup: name, match: ctx.paths.glob(globs) });
    }
    // A baseline named by the policy is part of the policy: accepting findings wholesale is a
    // protected change wherever the file lives (the presets protect the default path).
    const baselinePath = ctx.policy.baseline;
    if (baselinePath && !baselinePath.startsWith('/')) groups.push({ name: 'baseline of the policy', match: ctx.paths.glob([baselinePath.replace(/^\.\/+/, '')]) });
    // The files the policy in force was read from (its extends chain, the server's policy_path),
    // whatever their names, when the policy protects itself (the group safety-gate-policy,
    // "the gate's own configuration, in every place it is read from"): approvals are the group's.
    const named = ctx.policy.protectedTargets['safety-gate-policy'];
    const policyFiles = named ? new Set(policyFilesInRepo(ctx.policy, ctx.git.workTree).map((p) => pathKey(p, ci))) : new Set<string>();
    if (named && policyFiles.size > 0) {
      const byName = ctx.paths.glob(named);
      // A file the group already names keeps its one label.
      groups.push({ name: 'a file the policy is read from', policyGroup: 'safety-gate-policy', match: (p) => policyFiles.has(pathKey(p, ci)) && !byName(p) });
    }
    for (const g of model.generators) if (!g.sentinel) groups.push({ name: `output of generator ${g.id}`, match: g.isOutput });
    for (const s of model.sentinels) groups.push({ name: 'sentinel', match: s.isSentinel });
    const markerExcluded = ctx.paths.glob(opts.marker_exclude);

    /** Labels of the groups a path belongs to, under every spelling a checkout treats as the same file. */
    const protectedBy = (path: string, policyGroups?: Set<string>): string[] => {
      const out = new Set<string>();
      for (const p of spellings(path, ci))
        for (const g of groups)
          if (g.match(p)) {
            out.add(g.name);
            if (g.policyGroup !== undefined) policyGroups?.add(g.policyGroup);
          }
      return [...out];
    };

    /** Follow a chain of links to its final target (prefixes and the last segment). */
    const resolveFully = (path: string, links: ReadonlyMap<string, LinkInfo>): string | null => {
      let cur: string | null = path;
      for (let i = 0; i < 40 && cur !== null; i++) {
        const r = resolveThroughLinks(cur, links, ci);
        if (!r) return null;
        const last = links.get(pathKey(r.path, ci));
        if (!last) return r.path;
        cur = last.target;
      }
      return null;
    };

    const check = async (view: CommitView, report: Report) => {
      if (view.changes.length === 0) return;
      const links = opts.follow_symlinks ? await linksAfter(ctx.git, view, ci) : new Map<string, LinkInfo>();
      // The links of the tree before the change too: a target stays protected in the commit
      // that also moves or removes the link.
      const linksOld = opts.follow_symlinks ? await linksBefore(ctx.git, view, ci) : new Map<string, LinkInfo>();
      const attrs = opts.linguist_generated ? await attributesBefore(ctx.git, view, ci) : [];
      let snapshotPaths: string[] | null = null;
      const protectedUnder = async (dir: string): Promise<string | null> => {
        snapshotPaths ??= (await view.snapshot.list()).map((e) => e.path);
        const prefix = dir === '' ? '' : `${dir}/`;
        return snapshotPaths.find((p) => p.startsWith(prefix) && protectedBy(p).length > 0) ?? null;
      };

      for (const change of view.changes) {
        const reasons = new Map<string, string[]>();
        const policyGroups = new Set<string>();
        let line: number | null = null;
        const add = (path: string, label: string) => {
          const list = reasons.get(path) ?? [];
          if (!list.includes(label)) list.push(label);
          reasons.set(path, list);
        };
        const sides = [change.path];
        if (change.oldPath !== null && change.oldPath !== change.path && change.status !== 'C') sides.push(change.oldPath);

        for (const p of sides) for (const label of protectedBy(p, policyGroups)) add(p, label);

        if (opts.follow_symlinks) {
          // A link whose target is protected (or a directory holding protected files).
          if (change.newMode === '120000' && change.newOid) {
            const blob = await ctx.git.readBlob(change.newOid);
            const first = blob ? resolveLinkTarget(change.path, blob.text, ctx.git.workTree) : null;
            const target = first === null ? null : resolveFully(first, links);
            if (target !== null) {
              const labels = protectedBy(target, policyGroups);
              if (labels.length > 0) add(change.path, `symlink to ${target} (${labels.join(', ')})`);
              else {
                const inside = await protectedUnder(target);
                if (inside) add(change.path, `symlink to ${target || '.'}, which holds ${inside} (${protectedBy(inside, policyGroups).join(', ')})`);
              }
            }
          }
          for (const p of sides) {
            // Reached through a symlinked directory of the same tree (a hand-made tree: git's
            // index cannot hold `alias/x` next to a link `alias`).
            const r = resolveThroughLinks(p, links, ci);
            if (r === null) add(p, 'reached through a symlink that leaves the repository');
            else if (r.via.length > 0) {
              const labels = protectedBy(r.path, policyGroups);
              if (labels.length > 0) add(p, `reached through symlink ${r.via[0]} as ${r.path} (${labels.join(', ')})`);
            }
            // Visible under a protected name through links of the tree, after the change or
            // before it: the target of a link that sits at a protected path (file or directory
            // link, through chains) is read under that path, so it is protected with its groups.
            const shown = new Set<string>();
            for (const [side, map] of [
              ['', links],
              [' (before this change)', linksOld],
            ] as const) {
              const { names, complete } = aliasesOf(p, map, ci);
              if (!complete) add(p, `visible under more than ${names.length - 1} names through symlinks${side}, too many to check`);
              for (const { alias, via } of names) {
                const labels = protectedBy(alias, policyGroups);
                if (labels.length === 0 || shown.has(alias)) continue;
                shown.add(alias);
                add(p, `visible as ${alias} through symlink ${via.join(' → ')}${side} (${labels.join(', ')})`);
              }
            }
          }
        }

        // Generated files, judged by their previous version.
        const oldPath = change.oldPath ?? change.path;
        if (opts.generated_markers && change.status !== 'A' && change.status !== 'C' && change.oldOid && BLOB_MODES.has(change.oldMode ?? '') && !markerExcluded(oldPath)) {
          // readBlob rejects a missing object (exit 2); null means over limits.max_blob_bytes,
          // where the marker cannot be read: judged like any unread blob (limits.on_oversized),
          // never as "not generated".
          const old = await ctx.git.readBlob(change.oldOid);
          if (old === null && ctx.policy.limits.onOversized === 'block') add(oldPath, 'previous version over limits.max_blob_bytes, so whether it is generated cannot be read');
          const marker = old ? findGeneratedMarker(old, opts.marker_scan_bytes) : null;
          if (old && marker) {
            const partial = marker.kind === 'partially-generated' || manualSections(old.text).sections.length > 0;
            if (partial && change.status === 'M' && change.newOid && change.oldMode === change.newMode) {
              // Partially generated: only the manual sections are editable.
              const now = await ctx.git.readBlob(change.newOid);
              const v = now ? onlyManualSectionsChanged(old.text, now.text) : { ok: false as const, line: null, reason: 'its new version cannot be read' };
              if (!v.ok) {
                line = v.line;
                add(oldPath, `partially generated file (${markerLabel(marker)}): ${v.reason}`);
              }
            } else {
              add(oldPath, `generated file: ${markerLabel(marker)} on line ${marker.line} of its previous version`);
            }
          }
        }
        if (attrs.length > 0) for (const p of sides) if (attributeValue(p, attrs)) add(p, 'linguist-generated in .gitattributes');

        if (reasons.size === 0) continue;
        const verdict = await justify(view, [...reasons.keys()]);
        if (verdict.ok) continue;
        const focus = reasons.has(change.path) ? change.path : [...reasons.keys()][0]!;
        const labels = [...new Set([...reasons.values()].flat())];
        report({
          messageId: 'protectedChange',
          data: { path: focus, labels: labels.join('; '), change: describe(change, focus), detail: verdict.detail },
          path: focus,
          line,
          commit: view.info.oid,
          remediation: verdict.remediation,
          ...(policyGroups.size > 0 ? { groups: [...policyGroups].sort() } : {}),
        });
      }
    };

    /** Every protected path must be vouched for by one of its writers (or an approval). */
    const justify = async (view: CommitView, paths: string[]): Promise<GeneratorVerdict> => {
      for (const p of paths) {
        const writers = model.writersOf(p);
        if (writers.length === 0) {
          const v = await approvalFor(view, [p], 'no approved generator writes it');
          if (!v.ok) return v;
          continue;
        }
        let last: GeneratorVerdict | null = null;
        for (const g of writers) {
          last = await verifyGenerator(ctx as RuleContext<unknown>, g, view, [p]);
          if (last.note) noteOnce(last.note, view);
          if (last.ok) break;
        }
        if (!last!.ok) return last!;
      }
      return { ok: true, detail: '', remediation: '', note: null };
    };

    let pendingReport: Report | null = null;
    const noteOnce = (note: string, view: CommitView) => {
      const seen = perRun(ctx.git, `note:${note}`, () => ({ done: false }));
      if (seen.done || !pendingReport) return;
      seen.done = true;
      pendingReport({
        messageId: 'isolation',
        data: { note },
        severity: 'warn',
        commit: view.info.oid,
      });
    };

    return {
      async checkCommit(view: CommitView, report: Report) {
        pendingReport = report;
        await check(view, report);
      },
    };
  },
});
