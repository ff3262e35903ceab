// Whether an approved generator vouches for the state of its outputs in one commit (or the
// index). Client doors trust receipts; the server trusts nothing local: it renders built-in
// sentinels itself, reruns `verify: regenerate` generators, and asks the approvals seam for the
// rest (signed approvals, closed after every rule has run: src/approvals/apply.ts).
import type { CommitView, RuleContext } from '../types.js';
import { approvalProvider } from './approvals.js';
import type { GeneratorSpec } from './model.js';
import { findReceipt, fingerprint, hasReceipts, latestReceipt, diffStates, type FileStates } from './receipts.js';
import { regenerate } from './regenerate.js';
import { perRun } from '../../engine/run-cache.js';
import { evaluateSentinelAfter } from './sentinel-check.js';
import { trackedAfter, type EntryFilter } from './tracked.js';
import { verifyText } from './messages.js';

export interface GeneratorVerdict {
  ok: boolean;
  /** One line: why the generator does not vouch for the outputs. */
  detail: string;
  remediation: string;
  /** A caveat to report as a warning (network isolation not enforced). */
  note: string | null;
}

function generatorFilter(gen: GeneratorSpec): EntryFilter {
  return { id: `generator:${gen.id}`, match: (p) => gen.isInput(p) || gen.isOutput(p) };
}

function statesOf(entries: Iterable<{ path: string; oid: string; mode: string }>, pick: (p: string) => boolean): FileStates {
  const out: FileStates = {};
  for (const e of entries) if (pick(e.path)) out[e.path] = { oid: e.oid, mode: e.mode };
  return out;
}

function first<T>(xs: T[]): T | undefined {
  return xs[0];
}

async function verifyByReceipt(ctx: RuleContext<unknown>, gen: GeneratorSpec, view: CommitView): Promise<GeneratorVerdict> {
  const where0 = verifyText.where(view.info.oid);
  // No run ever recorded: nothing to hash.
  if (!hasReceipts(ctx.git.gitDir, gen.id)) return { ok: false, detail: verifyText.noReceipt(gen.id, where0), remediation: verifyText.runIt(gen.id), note: null };
  const entries = await trackedAfter(ctx.git, generatorFilter(gen), view);
  const inputs = statesOf(entries.values(), gen.isInput);
  const outputs = statesOf(entries.values(), gen.isOutput);
  const fp = fingerprint(gen.id, gen.command, inputs, outputs);
  if (findReceipt(ctx.git.gitDir, gen.id, fp)) return { ok: true, detail: verifyText.receipt(fp, gen.id), remediation: '', note: null };

  const where = verifyText.where(view.info.oid);
  const latest = latestReceipt(ctx.git.gitDir, gen.id);
  let detail: string;
  if (!latest) detail = verifyText.noReceipt(gen.id, where);
  else if (JSON.stringify(latest.argv) !== JSON.stringify(gen.command)) detail = verifyText.otherCommand(gen.id);
  else {
    const inDiff = first(diffStates(latest.inputs, inputs));
    const outDiff = first(diffStates(latest.outputs, outputs));
    if (inDiff) detail = verifyText.otherInputs(gen.id, where, inDiff.path, inDiff.kind);
    else if (outDiff) {
      detail = verifyText.otherOutput(gen.id, where, outDiff.path, outDiff.kind);
    } else detail = verifyText.noMatch(gen.id, where);
  }
  return { ok: false, detail, remediation: verifyText.runIt(gen.id), note: null };
}

async function verifyBuiltinSentinel(ctx: RuleContext<unknown>, gen: GeneratorSpec, view: CommitView): Promise<GeneratorVerdict> {
  const spec = gen.sentinel!;
  const ev = await evaluateSentinelAfter(ctx.git, spec, view, ctx.policy.caseInsensitivePaths);
  if (ev.expectedText !== null && ev.actualText === ev.expectedText) {
    return { ok: true, detail: verifyText.sentinelExact(spec.path), remediation: '', note: null };
  }
  return {
    ok: false,
    detail: verifyText.sentinelDiffers(spec.path, gen.id),
    remediation: verifyText.runIt(gen.id),
    note: null,
  };
}

async function askApproval(view: CommitView, gen: GeneratorSpec | null, paths: string[], reason: string): Promise<GeneratorVerdict> {
  const decision = await approvalProvider().check({ commit: view.info.oid, paths, generator: gen?.id ?? null, reason });
  if (decision.approved) return { ok: true, detail: verifyText.approvedBy(decision.by), remediation: '', note: null };
  return {
    ok: false,
    detail: verifyText.notApproved(reason, decision.detail),
    remediation: verifyText.fixApproval,
    note: null,
  };
}

/** Approval for protected paths that no generator may write. */
export function approvalFor(view: CommitView, paths: string[], reason: string): Promise<GeneratorVerdict> {
  return askApproval(view, null, paths, reason);
}

export function verifyGenerator(ctx: RuleContext<unknown>, gen: GeneratorSpec, view: CommitView, paths: string[]): Promise<GeneratorVerdict> {
  if (ctx.trustsLocalState) {
    return perRun(ctx.git, `verify-receipt:${gen.id}:${view.snapshot.id}`, () => verifyByReceipt(ctx, gen, view));
  }
  if (gen.sentinel) return perRun(ctx.git, `verify-sentinel:${gen.id}:${view.snapshot.id}`, () => verifyBuiltinSentinel(ctx, gen, view));
  if (!gen.server) return askApproval(view, gen, paths, verifyText.notOnServer(gen.id));
  if (gen.verify === 'receipt') {
    return askApproval(view, gen, paths, verifyText.receiptsOnServer(gen.id));
  }
  return perRun(ctx.git, `verify-regenerate:${gen.id}:${view.snapshot.id}`, async (): Promise<GeneratorVerdict> => {
    const r = await regenerate(ctx.git, gen, view.snapshot);
    return r.ok
      ? { ok: true, detail: r.detail, remediation: '', note: r.isolationNote }
      : { ok: false, detail: r.detail, remediation: verifyText.fixRegenerate(gen.id), note: r.isolationNote };
  });
}
