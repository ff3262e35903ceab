import { describe, expect, it } from 'vitest';
import type { CommitInfo } from '../changeset/types.js';
import type { Finding } from '../findings/types.js';
import { dedupeMoves } from './run.js';

const commit = (oid: string, refs: string[], move?: string): CommitInfo => ({
  oid,
  parents: [],
  tree: null,
  author: null,
  committer: null,
  message: null,
  trailers: [],
  refs,
  ...(move ? { transition: { ref: move, base: 'b', newOid: 'tip', author: null, committer: null } } : {}),
});
const finding = (commit: string, path: string, line: number | null = null, rule = 'protected-target'): Finding => ({
  rule,
  severity: 'block',
  message: 'm',
  path,
  line,
  column: null,
  commit,
  ref: null,
  remediation: null,
});

describe('dedupeMoves', () => {
  const commits = new Map<string | null, CommitInfo>([
    ['c1', commit('c1', ['refs/heads/main'])],
    ['c2', commit('c2', ['refs/heads/feature'])],
    ['tip@refs/heads/main', commit('tip@refs/heads/main', ['refs/heads/main'], 'refs/heads/main')],
  ]);

  it('drops a move finding that a pushed commit on the same ref reports', () => {
    const fs = [finding('c1', 'a.yml'), finding('tip@refs/heads/main', 'a.yml')];
    dedupeMoves(fs, commits);
    expect(fs.map((f) => f.commit)).toEqual(['c1']);
  });

  it('keeps it when the commit lands on another ref only, or the rule, path or line differ', () => {
    const fs = [
      finding('c2', 'a.yml'),
      finding('tip@refs/heads/main', 'a.yml'),
      finding('c1', 'b.env', 3, 'agent-mode'),
      finding('tip@refs/heads/main', 'b.env', 4, 'agent-mode'),
      finding('tip@refs/heads/main', 'c.yml'),
    ];
    dedupeMoves(fs, commits);
    expect(fs.filter((f) => f.commit === 'tip@refs/heads/main').map((f) => f.path)).toEqual(['a.yml', 'b.env', 'c.yml']);
  });
});
