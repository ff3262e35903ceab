// commit-msg: the pre-commit door's change (the index on HEAD) with the message git is about to
// record, so that rules reading trailers (task envelopes, approvals, run ids) see them before the
// commit exists. Resolved like pre-commit.
import { readFileSync } from 'node:fs';
import { GateError } from '../errors.js';
import { cliMsg, msg } from '../messages.js';
import type { DoorSpec, HookInput } from './door.js';
import type { SourceRequest } from '../sources/index.js';
import { clientActor } from './identity.js';
import { clientPolicy } from './policy.js';
import { taskFromEnv } from './task.js';

export const commitMsg: DoorSpec = { server: false, policy: clientPolicy, task: taskFromEnv, actor: clientActor, request: messageRequest };

/** `commit-msg <file>`: the message git is about to record, read from the file git names. */
function messageRequest(input: HookInput): Promise<SourceRequest> {
  const file = input.args[0];
  if (!file) throw new GateError('usage', cliMsg.commitMsgNeedsFile, msg.usageHint);
  let message: string;
  try {
    message = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GateError('io', cliMsg.commitMsgUnreadable(file, (e as Error).message));
  }
  return Promise.resolve({ kind: 'message', message });
}
