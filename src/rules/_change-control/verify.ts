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

const runIt = (id: string) => `run \`safety-gate generate ${id}\` and stage its outputs`;

function first<T>(xs: T[]): T | undefined {
  return xs[0];
}

async function verifyByReceipt(ctx: RuleContext<unknown>, gen: GeneratorSpec, view: CommitView): Promise<GeneratorVerdict> {
  const where0 = view.info.oid === null ? 'the staged files' : `commit ${view.info.oid.slice(0, 12)}`;
  // No run ever recorded: nothing to hash.
  if (!hasReceipts(ctx.git.gitDir, gen.id)) return { ok: false, detail: `no receipt of generator ${gen.id} exists for ${where0}`, remediation: runIt(gen.id), note: null };
  const entries = await trackedAfter(ctx.git, generatorFilter(gen), view);
  const inputs = statesOf(entries.values(), gen.isInput);
  const outputs = statesOf(entries.values(), gen.isOutput);
  const fp = fingerprint(gen.id, gen.command, inputs, outputs);
  if (findReceipt(ctx.git.gitDir, gen.id, fp)) return { ok: true, detail: `receipt ${fp.slice(0, 12)} of generator ${gen.id}`, remediation: '', note: null };

  const where = view.info.oid === null ? 'the staged files' : `commit ${view.info.oid.slice(0, 12)}`;
  const latest = latestReceipt(ctx.git.gitDir, gen.id);
  let detail: string;
  if (!latest) detail = `no receipt of generator ${gen.id} exists for ${where}`;
  else if (JSON.stringify(latest.argv) !== JSON.stringify(gen.command)) detail = `the last receipt of generator ${gen.id} was made with another command than the policy's`;
  else {
    const inDiff = first(diffStates(latest.inputs, inputs));
    const outDiff = first(diffStates(latest.outputs, outputs));
    if (inDiff)
      detail = `the last run of generator ${gen.id} used other inputs than ${where} (${inDiff.path} ${inDiff.kind === 'changed' ? 'changed' : inDiff.kind === 'missing' ? 'is gone' : 'is new'} since)`;
    else if (outDiff) {
      detail =
        outDiff.kind === 'changed'
          ? `${outDiff.path} is not what generator ${gen.id} produced (edited by hand, or not staged)`
          : outDiff.kind === 'missing'
            ? `generator ${gen.id} produced ${outDiff.path}, which ${where} lack`
            : `${where} have ${outDiff.path}, which generator ${gen.id} did not produce`;
    } else detail = `no receipt of generator ${gen.id} matches ${where}`;
  }
  return { ok: false, detail, remediation: runIt(gen.id), note: null };
}

async function verifyBuiltinSentinel(ctx: RuleContext<unknown>, gen: GeneratorSpec, view: CommitView): Promise<GeneratorVerdict> {
  const spec = gen.sentinel!;
  const ev = await evaluateSentinelAfter(ctx.git, spec, view, ctx.policy.caseInsensitivePaths);
  if (ev.expectedText !== null && ev.actualText === ev.expectedText) {
    return { ok: true, detail: `${spec.path} is exactly what the gate renders from the commit`, remediation: '', note: null };
  }
  return {
    ok: false,
    detail: `${spec.path} is not what \`safety-gate generate ${gen.id}\` renders from this commit's files`,
    remediation: runIt(gen.id),
    note: null,
  };
}

async function askApproval(view: CommitView, gen: GeneratorSpec | null, paths: string[], reason: string): Promise<GeneratorVerdict> {
  const decision = await approvalProvider().check({ commit: view.info.oid, paths, generator: gen?.id ?? null, reason });
  if (decision.approved) return { ok: true, detail: `approved by ${decision.by ?? 'an authorised approver'}`, remediation: '', note: null };
  return {
    ok: false,
    detail: `${reason}: ${decision.detail}`,
    remediation: 'revert the change to the protected files, or have it approved: `safety-gate approve <commit> --key KEY`, pushed with refs/notes/safety-gate',
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
  if (!gen.server) return askApproval(view, gen, paths, `generator ${gen.id} is declared server: false, so the server cannot rerun it`);
  if (gen.verify === 'receipt') {
    return askApproval(view, gen, paths, `generator ${gen.id} is verified by receipts, which prove nothing on the server (set verify: regenerate)`);
  }
  return perRun(ctx.git, `verify-regenerate:${gen.id}:${view.snapshot.id}`, async (): Promise<GeneratorVerdict> => {
    const r = await regenerate(ctx.git, gen, view.snapshot);
    return r.ok
      ? { ok: true, detail: r.detail, remediation: '', note: r.isolationNote }
      : { ok: false, detail: r.detail, remediation: `regenerate with \`safety-gate generate ${gen.id}\`, commit exactly its outputs and push again`, note: r.isolationNote };
  });
}
