// Step 5 of a run: inline exceptions (every rule, one mechanism: src/findings/suppress.ts) and
// content fingerprints, applied to the findings of the whole run at once.
import type { FileChange } from '../changeset/types.js';
import type { SuppressedFinding, Finding } from '../findings/types.js';
import { applyInlineExceptions } from '../findings/suppress.js';
import type { Report } from '../rules/types.js';
import type { ActiveRule } from './checkers.js';
import { ruleSees } from './file-work.js';
import type { EngineRun } from './run.js';

type OldFindings = { rule: string; line: number }[] | null;

export async function applyExceptions(run: EngineRun): Promise<{ findings: Finding[]; suppressed: SuppressedFinding[] }> {
  const { input } = run;
  const cs = input.changeSet;
  const changeAt = new Map<string, FileChange>();
  for (const c of cs.changes) changeAt.set(`${c.commit}\0${c.path}`, c);
  const byId = new Map(run.active.map((a) => [a.rule.meta.id, a]));
  const oldRuns = new Map<string, Promise<OldFindings>>();
  return applyInlineExceptions({
    findings: run.findings,
    origin: run.origin,
    changeOf: (commit, path) => changeAt.get(`${commit}\0${path}`),
    readBlob: (oid) => input.git.readBlob(oid),
    ruleSees: (rule, change) => {
      const a = byId.get(rule);
      return a ? ruleSees(a, change) : false;
    },
    oldFindings: (rule, change) => {
      const memoKey = `${rule}\0${change.oldOid}\0${change.oldPath ?? change.path}`;
      let p = oldRuns.get(memoKey);
      if (!p) oldRuns.set(memoKey, (p = findingsOfOldVersion(run, byId.get(rule), change)));
      return p;
    },
    newExceptionSeverity: (rule) => {
      const sev = (input.policy.rules[rule]?.options as { new_exception_severity?: unknown } | undefined)?.new_exception_severity;
      return sev === 'warn' ? 'warn' : 'block';
    },
    tree: cs.origin === 'tree',
  });
}

/**
 * What a rule reports on the previous version of a changed file: an inline exception there
 * counts as already reviewed only if it suppressed one of these (src/findings/suppress.ts).
 * Asked only for exceptions whose content key the old text holds, so it is rare: the old blob
 * goes through the same prefilter and checkFile as in its own run, on a fresh checker (no state
 * shared with this run), then checkRun, which some rules use to settle what checkFile started.
 * Rules without checkFile cannot say: null (the exception counts as new).
 */
async function findingsOfOldVersion(run: EngineRun, a: ActiveRule | undefined, change: FileChange): Promise<OldFindings> {
  if (!a || !a.checker.checkFile || !change.oldOid || change.oldMode === '160000') return null;
  const old = await run.input.git.readBlob(change.oldOid);
  if (!old) return null;
  const hits = a.keywords ? run.scanner.scan(old, [...a.keywords]) : new Set<string>();
  if (a.keywords ? hits.size === 0 && !(a.checker.undecodable && old.isBinary && !old.isText) : old.isBinary) return [];
  const path = change.oldPath ?? change.path;
  // The old version seen on its own, as an addition: what the content itself holds.
  const view: FileChange = { status: 'A', path, oldPath: null, oldMode: null, newMode: change.oldMode, oldOid: null, newOid: change.oldOid, commit: change.commit };
  const got: { rule: string; line: number }[] = [];
  const report: Report = (f) => {
    const at = f.path !== undefined && f.path !== null ? f.path : path;
    if (at === path && typeof f.line === 'number') got.push({ rule: f.subRule ? `${a.rule.meta.id}/${f.subRule}` : a.rule.meta.id, line: f.line });
  };
  const checker = await a.fresh();
  await checker.checkFile!({ change: view, path, commit: null, newBlob: async () => old, oldBlob: async () => null, hits }, report);
  if (checker.checkRun) {
    const cs = run.input.changeSet;
    await checker.checkRun({ changeSet: { ...cs, refs: [], commits: [], changes: [view] }, commits: [], refs: [] }, report);
  }
  return got;
}
