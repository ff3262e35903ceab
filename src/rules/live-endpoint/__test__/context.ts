// A hand-built engine for live-endpoint unit tests: builds the FileChanges the staged door would
// produce (exact renames detected like git does), applies the rule's file filter and the keyword
// prefilter the way src/engine/run.ts does, and collects findings. The end-to-end path (real git,
// real engine, real preset) is test/helpers/rule-harness.ts; this one needs neither.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Blob } from '../../../changeset/blob.js';
import type { FileChange } from '../../../changeset/types.js';
import type { Policy } from '../../../config/schema.js';
import { createPathMatcher, type ScopeGlobs } from '../../../engine/paths.js';
import type { FileView, RuleContext } from '../../types.js';
import type { Finding, FindingInput } from '../../../findings/types.js';
import { applyInlineExceptions } from '../../../findings/suppress.js';
import { optionsSchema, type LiveEndpointOptions } from '../options.js';
import { liveEndpoint } from '../rule.js';

export interface TestFinding {
  rule: string;
  severity: 'block' | 'warn';
  path: string | null;
  line: number | null;
  column: number | null;
  message: string;
  remediation: string | null;
}

const ROOT = join(import.meta.dirname, '../../../..');

/** The agenttrader-v2 preset's runtime scope (read from the preset file). */
function presetScope(): ScopeGlobs {
  const doc = parseYaml(readFileSync(join(ROOT, 'presets/agenttrader-v2.yaml'), 'utf8')) as { runtime_scope: ScopeGlobs };
  return doc.runtime_scope;
}

/** The preset's own live-endpoint options block, if it has one. */
export function presetOptions(): Record<string, unknown> {
  const doc = parseYaml(readFileSync(join(ROOT, 'presets/agenttrader-v2.yaml'), 'utf8')) as {
    rules?: Record<string, { options?: Record<string, unknown> } | string>;
  };
  const r = doc.rules?.['live-endpoint'];
  return typeof r === 'object' && r?.options ? r.options : {};
}

const oid = (content: string) => createHash('sha1').update(content).digest('hex');

export interface RunInput {
  old?: Record<string, string>;
  files: Record<string, string | null>;
  options?: Record<string, unknown>;
  scope?: ScopeGlobs;
  /** Mode of new files (default 100644). */
  modes?: Record<string, string>;
}

export async function runLiveEndpoint(input: RunInput): Promise<TestFinding[]> {
  const old = input.old ?? {};
  const changes: FileChange[] = [];
  const deleted = Object.entries(input.files)
    .filter(([p, c]) => c === null && p in old)
    .map(([p]) => p);
  const usedAsRename = new Set<string>();
  for (const [path, content] of Object.entries(input.files)) {
    if (content === null) continue;
    const newMode = input.modes?.[path] ?? '100644';
    if (path in old) {
      if (old[path] === content) continue;
      changes.push({ status: 'M', path, oldPath: path, oldMode: '100644', newMode, oldOid: oid(old[path]!), newOid: oid(content), commit: null });
      continue;
    }
    const from = deleted.find((d) => !usedAsRename.has(d) && old[d] === content);
    if (from) {
      usedAsRename.add(from);
      changes.push({ status: 'R', path, oldPath: from, oldMode: '100644', newMode, oldOid: oid(content), newOid: oid(content), commit: null });
      continue;
    }
    changes.push({ status: 'A', path, oldPath: null, oldMode: null, newMode, oldOid: null, newOid: oid(content), commit: null });
  }
  const blobs = new Map<string, Blob>();
  for (const c of [...Object.values(old), ...Object.values(input.files)]) if (c !== null) blobs.set(oid(c), new Blob(oid(c), Buffer.from(c)));

  const options = optionsSchema.parse({ ...presetOptions(), ...(input.options ?? {}) }) as LiveEndpointOptions;
  const ctx: RuleContext<LiveEndpointOptions> = {
    options,
    severity: 'block',
    policy: {} as Policy,
    git: {} as RuleContext<LiveEndpointOptions>['git'],
    paths: createPathMatcher(input.scope ?? presetScope(), false),
    trustsLocalState: true,
    now: 0,
    deadlineAt: Number.MAX_SAFE_INTEGER,
    history: { blockedAttempts: () => 0 },
  };
  const checker = await liveEndpoint.create(ctx);
  const findings: Finding[] = [];
  const origin = new Map<Finding, FileChange>();
  const report = (defaultPath: string | null, change?: FileChange) => (f: FindingInput) => {
    const finding: Finding = {
      rule: f.subRule ? `live-endpoint/${f.subRule}` : 'live-endpoint',
      severity: f.severity ?? 'block',
      path: f.path !== undefined ? f.path : defaultPath,
      line: f.line ?? null,
      column: f.column ?? null,
      message: f.message,
      remediation: f.remediation ?? null,
      commit: null,
      ref: null,
    };
    if (change) origin.set(finding, change);
    findings.push(finding);
  };
  for (const change of changes) {
    if (checker.files && !checker.files(change)) continue;
    const blob = blobs.get(change.newOid!)!;
    const hits = new Set((checker.keywords ?? []).filter((k) => blob.lower.includes(k)));
    if (checker.keywords && hits.size === 0) continue;
    const view: FileView = {
      change,
      path: change.path,
      commit: null,
      newBlob: async () => blob,
      oldBlob: async () => (change.oldOid ? (blobs.get(change.oldOid) ?? null) : null),
      hits,
    };
    await checker.checkFile!(view, report(change.path, change));
  }
  await checker.checkRun?.({ changeSet: {} as never, commits: [], refs: [] }, report(null));
  // The engine's post-pass: inline exceptions are applied to every rule's findings there.
  const done = await applyInlineExceptions({
    findings,
    origin,
    changeOf: () => undefined,
    readBlob: async (id) => blobs.get(id) ?? null,
    ruleSees: (_rule, change) => (checker.files ? checker.files(change) : true),
    // As the engine does: the rule's own findings on the old version, from a fresh checker.
    oldFindings: async (_rule, change) => {
      const oldBlob = change.oldOid ? blobs.get(change.oldOid) : undefined;
      if (!oldBlob) return [];
      const path = change.oldPath ?? change.path;
      const fresh = await liveEndpoint.create(ctx);
      const got: { rule: string; line: number }[] = [];
      const view: FileView = {
        change: { ...change, status: 'A', path, oldPath: null, oldOid: null, oldMode: null, newOid: change.oldOid },
        path,
        commit: null,
        newBlob: async () => oldBlob,
        oldBlob: async () => null,
        hits: new Set((fresh.keywords ?? []).filter((k) => oldBlob.lower.includes(k))),
      };
      await fresh.checkFile!(view, (f) => {
        if (typeof f.line === 'number') got.push({ rule: f.subRule ? `live-endpoint/${f.subRule}` : 'live-endpoint', line: f.line });
      });
      return got;
    },
    newExceptionSeverity: () => (options.new_exception_severity === 'warn' ? 'warn' : 'block'),
    tree: false,
  });
  return done.findings.map((f) => ({ rule: f.rule, severity: f.severity, path: f.path, line: f.line, column: f.column, message: f.message, remediation: f.remediation }));
}
