// `safety-gate scan --list-suppressions [--rev REV] [--all] [--format json]`: the inline
// exceptions of the tree that really suppress something, for review.
//
// "Really suppresses" is decided by the engine itself (src/findings/suppress.ts), not by a
// second reading of the comments: the tree at REV is scanned with the policy in force and every
// finding an exception suppressed is listed under its exception. An allow comment with no
// reason, or for a rule that has no finding on the line it covers, exempts nothing and is not
// listed; `--all` lists those too, as `ineffective`, with the cause.
import { GateError } from '../../errors.js';
import { msg } from '../../messages.js';
import { check } from '../../doors/check.js';
import { CatFile } from '../../git/cat-file.js';
import { splitZ } from '../../git/exec.js';
import type { SuppressedFinding } from '../../findings/types.js';
import type { CliIO } from '../io.js';
import { outMsg } from '../messages.js';
import { writeOut } from '../io.js';

interface ListedException {
  path: string;
  line: number;
  column: number;
  rule: string;
  reason: string | null;
  status: 'effective' | 'ineffective';
  /** Effective: the findings it suppresses. */
  suppresses: { rule: string; line: number | null; message: string; fingerprint: string | null }[];
  /** Ineffective: why it exempts nothing. */
  cause: string | null;
}

export async function listSuppressionsCommand(io: CliIO, opts: { rev: string; format: string; all: boolean; configFile?: string }): Promise<number> {
  const { report, repo } = await check({ cwd: io.cwd, env: io.env, door: 'scan', request: { kind: 'tree', rev: opts.rev }, configFile: opts.configFile, noBaseline: true });
  const byKey = new Map<string, ListedException>();
  const key = (path: string, line: number, rule: string) => `${path}\u0000${line}\u0000${rule}`;
  for (const f of (report.suppressed ?? []) as SuppressedFinding[]) {
    const k = key(f.path!, f.exceptionLine, f.exceptionRule);
    let e = byKey.get(k);
    if (!e) {
      e = { path: f.path!, line: f.exceptionLine, column: f.exceptionColumn, rule: f.exceptionRule, reason: f.reason, status: 'effective', suppresses: [], cause: null };
      byKey.set(k, e);
    }
    e.suppresses.push({ rule: f.rule, line: f.line, message: f.message, fingerprint: f.fingerprint ?? null });
  }
  if (opts.all) {
    for (const s of await everyAllowComment(io, repo.gitDir, repo.git, opts.rev)) {
      if (byKey.has(key(s.path, s.line, s.rule))) continue;
      byKey.set(key(s.path, s.line, s.rule), {
        ...s,
        status: 'ineffective',
        suppresses: [],
        cause: s.reason === null ? outMsg.suppressionNoReason : outMsg.suppressionNothing(s.rule),
      });
    }
  }
  const found = [...byKey.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)));
  if (opts.format === 'json') writeOut(io, JSON.stringify({ schema: 'safety-gate/suppressions@2', suppressions: found }, null, 2) + '\n');
  else {
    for (const s of found) {
      const what = s.status === 'effective' ? outMsg.suppressionEffective(s.suppresses.length) : outMsg.suppressionIneffective(s.cause);
      writeOut(io, outMsg.suppressionLine(s, what) + '\n');
    }
    const effective = found.filter((s) => s.status === 'effective').length;
    writeOut(io, outMsg.suppressionTotals(effective, opts.all ? found.length - effective : null) + '\n');
  }
  return 0;
}

/** Every allow comment in the tree at `rev`, read in bounded batches through one cat-file. */
async function everyAllowComment(
  io: CliIO,
  gitDir: string,
  git: { run(args: string[], opts?: { okCodes?: number[] }): Promise<{ code: number; stdout: Buffer }> },
  rev: string,
): Promise<{ path: string; line: number; column: number; rule: string; reason: string | null }[]> {
  const { listSuppressions } = await import('../../readers/suppressions.js');
  const ls = await git.run(['ls-tree', '-r', '-z', '--full-tree', rev], { okCodes: [0, 128] });
  if (ls.code !== 0) throw new GateError('usage', msg.badRevision(rev));
  const objects = new CatFile(gitDir, io.env);
  const found: { path: string; line: number; column: number; rule: string; reason: string | null }[] = [];
  try {
    const entries = splitZ(ls.stdout)
      .map((rec) => {
        const tab = rec.indexOf('\t');
        const [mode, , oid] = rec.slice(0, tab).split(' ');
        return { mode: mode!, oid: oid!, path: rec.slice(tab + 1) };
      })
      .filter((e) => e.mode === '100644' || e.mode === '100755');
    for (let i = 0; i < entries.length; i += 256) {
      const batch = entries.slice(i, i + 256);
      const datas = await Promise.all(batch.map((e) => objects.read(e.oid)));
      batch.forEach((e, k) => {
        const data = datas[k];
        if (!data) throw new GateError('object', msg.objectMissing(e.oid), msg.objectMissingHint);
        if (!data.data.includes('safety-gate:')) return;
        found.push(...listSuppressions(e.path, data.data.toString('utf8')));
      });
    }
  } finally {
    objects.close();
  }
  return found;
}
