// Paths the user names on the command line: checked before git or anything else starts in
// them, so a typo is one line naming the path (not `spawn git ENOENT`).
import { statSync } from 'node:fs';
import { GateError } from '../errors.js';
import { msg, cliMsg } from '../messages.js';

export function requireDir(dir: string): string {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new GateError('usage', msg.noSuchDir(dir), msg.noSuchDirHint);
  }
  if (!st.isDirectory()) throw new GateError('usage', cliMsg.notAFolder(dir), msg.noSuchDirHint);
  return dir;
}
