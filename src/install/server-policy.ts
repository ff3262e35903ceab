// The server's policy file: YAML or JSON only (a server never runs configuration code), loaded
// with the server's own loader before it is copied, so a typo fails here and not on a push.
import { readFileSync, realpathSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { ConfigError, GateError } from '../errors.js';
import { SERVER_POLICY_FILE, SERVER_POLICY_FILE_JSON } from '../config/server.js';
import { msg } from './messages.js';
import { configMsg } from '../messages.js';

export { SERVER_POLICY_FILE, SERVER_POLICY_FILE_JSON };

export interface ServerPolicy {
  /** Relative to $GIT_DIR: SERVER_POLICY_FILE or SERVER_POLICY_FILE_JSON. */
  target: string;
  /** The file that must not exist next to it (the loader refuses two policies). */
  other: string;
  content: string;
}

export async function loadServerPolicy(file: string): Promise<ServerPolicy> {
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) throw new GateError('config', msg.configType(file), msg.configTypeHint);
  let text: string;
  let real: string;
  try {
    text = readFileSync(file, 'utf8');
    real = realpathSync(file);
  } catch (e) {
    throw new GateError('io', msg.configUnreadable(file, (e as Error).message), msg.configUnreadableHint);
  }
  const { loadPolicyFile } = await import('../config/load.js');
  const policy = await loadPolicyFile(file, 'server');
  if (policy === null) throw new ConfigError(configMsg.fileNotFound, file, null, null, null, configMsg.fileNotFoundHint);
  // The copy lives alone in the bare repository: files it extends by path would not be found.
  const extended = policy.sources.find((s) => !s.startsWith('preset:') && resolve(s) !== resolve(file) && resolve(s) !== real);
  if (extended) throw new GateError('config', msg.configRelativeExtends(file, extended), msg.configRelativeExtendsHint);

  if (ext === '.json') return { target: SERVER_POLICY_FILE_JSON, other: SERVER_POLICY_FILE, content: text };
  const header = `# Server policy installed by \`safety-gate install --server\` from ${file}.\n# Edit that file and rerun the install; pre-receive reads only this copy.\n`;
  return { target: SERVER_POLICY_FILE, other: SERVER_POLICY_FILE_JSON, content: header + (text.endsWith('\n') ? text : `${text}\n`) };
}
