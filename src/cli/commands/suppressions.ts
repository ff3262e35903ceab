// `safety-gate scan --list-suppressions`: every inline exception in the tree, for review.
import { GateError } from '../../errors.js';
import { msg } from '../../messages.js';
import { openRepo } from '../../git/repo.js';
import { CatFile } from '../../git/cat-file.js';
import { splitZ } from '../../git/exec.js';
import type { CliIO } from '../io.js';

export async function listSuppressionsCommand(io: CliIO, opts: { rev: string; format: string }): Promise<number> {
  const { listSuppressions } = await import('../../rules/_shared/suppressions.js');
  const repo = await openRepo(io.cwd, io.env);
  const ls = await repo.git.run(['ls-tree', '-r', '-z', '--full-tree', opts.rev], { okCodes: [0, 128] });
  if (ls.code !== 0) throw new GateError('usage', `cannot resolve ${opts.rev}`);
  const objects = new CatFile(repo.gitDir, io.env);
  const found: { path: string; line: number; column: number; rule: string; reason: string | null }[] = [];
  try {
    const entries = splitZ(ls.stdout)
      .map((rec) => {
        const tab = rec.indexOf('\t');
        const [mode, , oid] = rec.slice(0, tab).split(' ');
        return { mode: mode!, oid: oid!, path: rec.slice(tab + 1) };
      })
      .filter((e) => e.mode === '100644' || e.mode === '100755');
    // Bounded batches: one cat-file round trip per batch, memory independent of the tree's size.
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
  if (opts.format === 'json') io.stdout.write(JSON.stringify({ schema: 'safety-gate/suppressions@1', suppressions: found }, null, 2) + '\n');
  else {
    for (const s of found) io.stdout.write(`${s.path}:${s.line}:${s.column}  allow ${s.rule}  -- ${s.reason ?? '(no reason)'}\n`);
    io.stdout.write(`${found.length} suppression(s)\n`);
  }
  return 0;
}
