// pre-receive: the server. The pushed commits (read from the quarantine) and every ref move as a
// whole, judged by the server's trusted policy (its own file, or the protected branch's tip;
// never the pushed commits: a push that changes the policy is judged by the old one). No task
// from the environment (pushed commits carry theirs in signed trailers), and the actor is the
// platform's authenticated pusher, never a commit's author.
import type { DoorSpec } from './door.js';
import { serverActor } from './identity.js';
import { serverPolicy } from './policy.js';
import { noTask } from './task.js';

export const preReceive: DoorSpec = {
  server: true,
  policy: serverPolicy,
  task: noTask,
  actor: serverActor,
  // `<old> <new> <ref>` lines, one per updated ref.
  request: async (input) => ({ kind: 'receive', stdin: await input.stdin() }),
};
