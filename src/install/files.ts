// Idempotent file writes: a second install compares and leaves identical files alone, which is
// how `install` can say "nothing changed" truthfully.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export function readIfExists(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function writeIfChanged(file: string, content: string, mode?: number): WriteOutcome {
  const before = readIfExists(file);
  let outcome: WriteOutcome = before === null ? 'created' : before === content ? 'unchanged' : 'updated';
  if (outcome !== 'unchanged') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, mode === undefined ? undefined : { mode });
  }
  if (mode !== undefined && (statSync(file).mode & 0o777) !== mode) {
    chmodSync(file, mode);
    if (outcome === 'unchanged') outcome = 'updated';
  }
  return outcome;
}

export function isExecutableFile(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
