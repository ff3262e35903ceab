// The doors' common entry: a request in, a ChangeSet out.
import type { Actor, ChangeSet, TaskEnvelope, Trailer } from '../changeset/types.js';
import type { ObjectReader } from '../git/cat-file.js';
import type { RepoInfo } from '../git/repo.js';
import { pushChangeSet, receiveChangeSet } from './push.js';
import { rangeChangeSet } from './range.js';
import { stagedChangeSet } from './staged.js';
import { treeChangeSet } from './tree.js';
import { historyChangeSet } from './history.js';

export type SourceRequest =
  | { kind: 'staged'; paths?: string[] }
  | { kind: 'message'; message: string }
  | { kind: 'push'; remote: string; stdin: string }
  | { kind: 'receive'; stdin: string }
  | { kind: 'tree'; rev: string; index?: boolean }
  | { kind: 'range'; range: string }
  | { kind: 'history'; rev: string };

export interface SourceContext {
  objects: ObjectReader;
  actor: Actor;
  task: TaskEnvelope | null;
  /** Trailers of a message by git's own rules. */
  trailers(message: string): Promise<Trailer[]>;
}

export function buildChangeSet(repo: RepoInfo, ctx: SourceContext, req: SourceRequest): Promise<ChangeSet> {
  switch (req.kind) {
    case 'staged':
      return stagedChangeSet(repo, ctx, { paths: req.paths });
    case 'message':
      return stagedChangeSet(repo, ctx, { message: req.message });
    case 'push':
      return pushChangeSet(repo, ctx, req.remote, req.stdin);
    case 'receive':
      return receiveChangeSet(repo, ctx, req.stdin);
    case 'tree':
      return treeChangeSet(repo, ctx, req.rev, { index: req.index });
    case 'range':
      return rangeChangeSet(repo, ctx, req.range);
    case 'history':
      return historyChangeSet(repo, ctx, req.rev);
  }
}
