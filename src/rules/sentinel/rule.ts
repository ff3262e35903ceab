// sentinel: a hash manifest must list exactly the files it covers, with the sha256 of their
// content, in every checked commit (and in the index for the staged change).
import { buildModel } from '../_change-control/model.js';
import { flushShaCache, loadShaCache } from '../_change-control/sha-cache.js';
import { perRun } from '../../engine/run-cache.js';
import { evaluateSentinel, evaluateSentinelAfter } from '../_change-control/sentinel-check.js';
import type { TreeEntry } from '../../changeset/types.js';
import { createRule, type CommitView, type RuleContext, type RunView } from '../types.js';
import type { RuleReport } from '../messages.js';
import { sentinelFix, sentinelMessages } from './messages.js';

type Report = RuleReport<typeof sentinelMessages>;

export const sentinel = createRule({
  meta: {
    id: 'sentinel',
    family: 'integrity sentinels',
    description: 'Blocks commits whose integrity sentinel (hash manifest) does not match the files it covers.',
    defaultSeverity: 'block',
    messages: sentinelMessages,
    docs: `Each entry under \`sentinels\` ({path, covers, format, generator?, relative_to?}) names a hash
manifest and the globs of the files it covers. In every checked commit that touches the
sentinel or a covered file (and in the index for pre-commit), the sentinel must list exactly the
covered files with the sha256 of their content in that commit; \`safety-gate scan\` of a
whole tree checks every sentinel in that tree. One finding per stale, missing, extra or
duplicate entry, at the sentinel's line. A file that cannot be hashed (a submodule, a blob over
limits.max_blob_bytes) blocks too.

Formats: \`sha256sum\` (\`<hex>  <path>\` lines as sha256sum prints them, \`*\` binary marker,
backslash-escaped names, BSD \`SHA256 (path) = hex\` tags; blank and \`#\` lines ignored) and
\`json\` (\`{"path": "hex"}\`, or the same map under a \`files\` key). Paths are relative to the
repository root, or to the sentinel's directory with \`relative_to: sentinel\`.

The sentinel itself is protected (rule protected-target): only its generator may change it.
Without \`generator:\`, a generator whose outputs include it, else the built-in
\`sentinel:<path>\`, which the server verifies by rendering the sentinel from the pushed blobs.

Fix: run \`safety-gate generate <generator>\` and stage the sentinel; never edit it by hand.`,
  },
  create(ctx: RuleContext<Record<string, never>>) {
    const model = perRun(ctx.git, `change-control-model:${ctx.policy.hash}`, () => buildModel(ctx.policy, ctx.paths));
    if (model.sentinels.length === 0) return {};
    const ci = ctx.policy.caseInsensitivePaths;
    // Client doors reuse content hashes from earlier runs; the server trusts no local state.
    const cached = ctx.trustsLocalState;
    const withCache = async <T>(work: () => Promise<T>): Promise<T> => {
      if (cached) loadShaCache(ctx.git);
      const r = await work();
      if (cached) flushShaCache(ctx.git);
      return r;
    };
    return {
      async checkCommit(view: CommitView, report: Report) {
        for (const s of model.sentinels) {
          // Cheap exit: nothing this sentinel depends on changed in this commit.
          const touched = view.changes.some((ch) => [ch.path, ch.oldPath].some((p) => p !== null && (s.isSentinel(p) || s.covered(p))));
          if (!touched) continue;
          const { problems } = await withCache(() => evaluateSentinelAfter(ctx.git, s, view, ci));
          for (const p of problems) {
            report({ ...p.msg, path: s.path, line: p.line, commit: view.info.oid, remediation: sentinelFix.inCommit(s.generator, s.path) });
          }
        }
      },
      // A tree scan has no commits: its files are a state, and the sentinels must hold in it.
      async checkRun(run: RunView, report: Report) {
        if (run.commits.length > 0 || run.changeSet.changes.length === 0) return;
        for (const s of model.sentinels) {
          const entries = new Map<string, TreeEntry>();
          for (const ch of run.changeSet.changes) {
            if (ch.status !== 'D' && ch.newOid && ch.newMode && (s.covered(ch.path) || s.isSentinel(ch.path)))
              entries.set(ch.path, { path: ch.path, mode: ch.newMode, oid: ch.newOid });
          }
          const { problems } = await withCache(() => evaluateSentinel(ctx.git, s, entries, ci));
          for (const p of problems) {
            report({ ...p.msg, path: s.path, line: p.line, commit: null, remediation: sentinelFix.inTree(s.generator, s.path) });
          }
        }
      },
    };
  },
});
