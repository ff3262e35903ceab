// What makes a door a door: where its policy comes from, whether it takes an agent task from
// its environment, and whose word names the actor. Everything else (the change set, the rules,
// the decision) is the same for all of them. One file per door says how it resolves these;
// `doorSpec` picks it.
import type { Actor, TaskEnvelope } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import type { Door } from '../doors.js';
import type { RepoInfo } from '../git/repo.js';
import type { SourceRequest } from '../sources/index.js';
import { commitMsg } from './commit-msg.js';
import { preCommit } from './pre-commit.js';
import { prePush } from './pre-push.js';
import { preReceive } from './pre-receive.js';
import { preToolUse } from './pre-tool-use.js';
import { scan } from './scan.js';

/** Reads a file as it is in a given commit (null when absent). */
export type ReadAt = (rev: string, path: string) => Promise<string | null>;

/** What a door's policy is resolved from. */
export interface PolicyContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  repo: RepoInfo;
  request: SourceRequest;
  /** `--config FILE` (the server: its own policy file). */
  configFile?: string;
  /** Files as committed (a range's base); absent when no object reader is open (a skip's record). */
  readAt?: ReadAt;
}

/** What a git hook hands its door: the arguments after the hook's name and its standard input. */
export interface HookInput {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The hook's arguments after its name (`commit-msg <file>`, `pre-push <remote> <url>`). */
  args: readonly string[];
  /** All of standard input, read when the door wants it. */
  stdin(): Promise<string>;
}

export interface DoorSpec {
  /** The server side: it trusts only the server's files and the platform's identity variables. */
  server: boolean;
  /** The policy this door judges by. */
  policy(ctx: PolicyContext): Promise<Policy>;
  /** The agent task of this run, if the door takes one from its environment. */
  task(env: NodeJS.ProcessEnv): Promise<TaskEnvelope | null>;
  /** Who runs it. */
  actor(env: NodeJS.ProcessEnv): Actor;
  /** A git hook's door: what to check, from the hook's arguments and stdin (`safety-gate hook <door>`). */
  request?(input: HookInput): Promise<SourceRequest>;
}

const DOORS: Record<Door, DoorSpec> = {
  'pre-commit': preCommit,
  'commit-msg': commitMsg,
  'pre-push': prePush,
  'pre-receive': preReceive,
  'pre-tool-use': preToolUse,
  scan,
};

export function doorSpec(door: Door): DoorSpec {
  return DOORS[door];
}
