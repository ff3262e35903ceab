// pre-push and pre-receive: parse every stdin line, classify the ref updates, and list the
// commits the push makes new. pre-receive: new = not reachable from any existing ref (the refs
// are not updated yet; the pushed objects sit in the quarantine). pre-push: new = not on the
// remote (its remote-tracking refs and the remote ids git gave us).
import type { ChangeSet, RefUpdate, RefUpdateKind } from '../changeset/types.js';
import { GateError } from '../errors.js';
import { msg, engineMsg } from '../messages.js';
import type { RepoInfo } from '../git/repo.js';
import { listCommits } from './commits.js';
import type { SourceContext } from './index.js';

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const isZero = (oid: string) => /^0+$/.test(oid);

interface RawUpdate {
  ref: string;
  localRef: string | null;
  oldOid: string;
  newOid: string;
}

/** The hook's stdin as lines of space-separated fields; a line `valid` rejects fails closed (exit 2). */
function stdinRecords(text: string, door: 'pre-receive' | 'pre-push', valid: (parts: string[]) => boolean, hint: string): string[][] {
  const out: string[][] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' && i === lines.length - 1) return;
    const parts = line.split(' ');
    if (!valid(parts)) throw new GateError('stdin', msg.badStdinLine(door, i + 1, line), hint);
    out.push(parts);
  });
  return out;
}

/** pre-receive and post-receive style: `<old> SP <new> SP <ref>` per line. */
function parseReceiveInput(text: string): RawUpdate[] {
  const valid = (p: string[]) => p.length === 3 && OID.test(p[0]!) && OID.test(p[1]!) && p[0]!.length === p[1]!.length && !!p[2];
  return stdinRecords(text, 'pre-receive', valid, msg.badStdinHint).map((p) => ({ oldOid: p[0]!, newOid: p[1]!, ref: p[2]!, localRef: null }));
}

/** pre-push: `<local ref> SP <local oid> SP <remote ref> SP <remote oid>` per line. */
function parsePushInput(text: string): RawUpdate[] {
  const valid = (p: string[]) => p.length === 4 && OID.test(p[1]!) && OID.test(p[3]!) && !!p[0] && !!p[2];
  return stdinRecords(text, 'pre-push', valid, msg.badPushStdinHint).map((p) => ({ localRef: p[0] === '(delete)' ? null : p[0]!, newOid: p[1]!, ref: p[2]!, oldOid: p[3]! }));
}

async function classify(repo: RepoInfo, ctx: SourceContext, raw: RawUpdate[], strictOld: boolean): Promise<{ refs: RefUpdate[]; tips: Map<string, string[]> }> {
  const refs: RefUpdate[] = [];
  const tips = new Map<string, string[]>();
  for (const u of raw) {
    const kind: RefUpdateKind = isZero(u.newOid) ? 'delete' : isZero(u.oldOid) ? 'create' : 'update';
    let targetType: RefUpdate['targetType'] = null;
    let peeled: RefUpdate['peeled'] = null;
    if (kind !== 'delete') {
      const info = await ctx.objects.info(u.newOid);
      if (!info) throw new GateError('object', msg.objectMissing(u.newOid), msg.objectMissingHint);
      targetType = info.type as RefUpdate['targetType'];
      peeled = await peel(ctx, u.newOid, info.type);
      if (peeled.type === 'commit') tips.set(peeled.oid, [...(tips.get(peeled.oid) ?? []), u.ref]);
    }
    refs.push({
      ref: u.ref,
      localRef: u.localRef,
      oldOid: u.oldOid,
      newOid: u.newOid,
      kind,
      forced: false,
      isTag: u.ref.startsWith('refs/tags/'),
      isBranch: u.ref.startsWith('refs/heads/'),
      targetType,
      peeled,
    });
  }
  // Non-fast-forward updates of branches; one process per updated ref, and pushes carry few.
  for (const r of refs) {
    if (r.kind !== 'update') continue;
    if (!(await ctx.objects.info(r.oldOid))) {
      // The server's own ref value must exist; a client may not have the remote's objects.
      if (strictOld) throw new GateError('object', msg.objectMissing(r.oldOid), msg.objectMissingHint);
      continue;
    }
    if (!r.isBranch) continue;
    const res = await repo.git.run(['merge-base', '--is-ancestor', r.oldOid, r.newOid], { okCodes: [0, 1] });
    r.forced = res.code === 1;
  }
  return { refs, tips };
}

/**
 * Follow annotated tags to the object they finally name: a commit, or a tree or blob (refs that
 * are not commits; `non-commit.ts` turns those into content to check).
 */
async function peel(ctx: SourceContext, oid: string, type: string): Promise<{ oid: string; type: 'commit' | 'tree' | 'blob' }> {
  let current = oid;
  let t = type;
  for (let depth = 0; depth < 10; depth++) {
    if (t === 'commit' || t === 'tree' || t === 'blob') return { oid: current, type: t };
    if (t !== 'tag') break;
    const tag = await ctx.objects.read(current);
    if (!tag) throw new GateError('object', msg.objectMissing(current), msg.objectMissingHint);
    const m = /^object ([0-9a-f]+)\ntype (\w+)\n/.exec(tag.data.toString('utf8'));
    if (!m) throw new GateError('object', engineMsg.tagMalformed(current), msg.objectMissingHint);
    current = m[1]!;
    t = m[2]!;
    // The tag's word for the type is checked against the object itself.
    const info = await ctx.objects.info(current);
    if (!info) throw new GateError('object', msg.objectMissing(current), msg.objectMissingHint);
    if (info.type !== t) throw new GateError('object', engineMsg.tagTypeLie(oid, current, t, info.type), msg.objectMissingHint);
  }
  throw new GateError('object', engineMsg.refLeadsNowhere(oid), msg.objectMissingHint);
}

export async function receiveChangeSet(repo: RepoInfo, ctx: SourceContext, stdin: string): Promise<ChangeSet> {
  const raw = parseReceiveInput(stdin);
  const { refs, tips } = await classify(repo, ctx, raw, true);
  const { commits, changes } = await listCommits(repo.git, [...tips.keys()], ['--all'], tips);
  return { origin: 'receive', objectFormat: repo.objectFormat, refs, commits, changes, actor: ctx.actor, task: null };
}

export async function pushChangeSet(repo: RepoInfo, ctx: SourceContext, remote: string, stdin: string): Promise<ChangeSet> {
  const raw = parsePushInput(stdin);
  const { refs, tips } = await classify(repo, ctx, raw, false);
  const exclude: string[] = [];
  if (/^[A-Za-z0-9._-]+$/.test(remote)) exclude.push(`--remotes=${remote}`);
  for (const u of raw) {
    if (!isZero(u.oldOid) && (await ctx.objects.info(u.oldOid))) exclude.push(u.oldOid);
  }
  const { commits, changes } = await listCommits(repo.git, [...tips.keys()], exclude, tips);
  return { origin: 'push', objectFormat: repo.objectFormat, refs, commits, changes, actor: ctx.actor, task: ctx.task };
}
