// protected-target: any change to a path in a protected group blocks.
// Every way of changing a path counts: add, modify, delete, rename in or out, mode change,
// type change. A symlink counts by where it points.
import { entryKind, type FileChange } from '../../changeset/types.js';
import { defineRule, type CommitView, type Report, type RuleContext } from '../types.js';
import type { ProtectedTargetOptions } from './options.js';

function describe(change: FileChange): string {
  switch (change.status) {
    case 'A':
      return 'added';
    case 'D':
      return 'deleted';
    case 'R':
      return `renamed from ${change.oldPath}`;
    case 'C':
      return `copied from ${change.oldPath}`;
    case 'T':
      return `changed type (${entryKind(change.oldMode)} → ${entryKind(change.newMode)})`;
    default:
      return change.oldMode !== change.newMode && change.oldOid === change.newOid
        ? `mode changed ${change.oldMode} → ${change.newMode}`
        : 'modified';
  }
}

export const protectedTarget = defineRule<ProtectedTargetOptions>({
  meta: {
    id: 'protected-target',
    family: 'protected targets',
    description: 'Blocks any change to files in protected groups (manifests, generated files, the policy, CI).',
    defaultSeverity: 'block',
    docs: `Blocks adding, editing, deleting, renaming into or out of, re-moding or re-typing any path
in a protected group. Groups are named under \`protected_targets\` (SPEC-260 names
\`manifest-hashes\` and \`generated-files\`); each maps to globs.

A symlink counts by where it points: a new link whose target resolves into a protected path
is a protected change too.

Fix: revert the change to the protected path, or have it produced by its approved generator
(\`safety-gate generate <id>\`), or obtain an authorised approval.`,
  },
  create(ctx: RuleContext<ProtectedTargetOptions>) {
    const groups = Object.entries({ ...ctx.policy.protectedTargets, ...ctx.options.extra_groups }).map(
      ([name, globs]) => ({ name, match: ctx.paths.glob(globs) }),
    );
    const groupOf = (path: string | null): string | null => {
      if (path === null) return null;
      for (const g of groups) if (g.match(path)) return g.name;
      return null;
    };
    return {
      checkCommit(commit: CommitView, report: Report) {
        for (const change of commit.changes) {
          const group = groupOf(change.path) ?? groupOf(change.oldPath);
          if (group === null) continue;
          report({
            message: `protected file ${change.path} (${group}) ${describe(change)}`,
            path: change.path,
            commit: commit.info.oid,
            remediation: `revert the change to ${change.path}, or regenerate it with its approved generator`,
          });
        }
      },
    };
  },
});
