import { describe, expect, it } from 'vitest';
import type { ChangeSet, CommitInfo, SignedTask } from '../changeset/types.js';
import { encodeTrailerValue } from '../sources/signed-task.js';
import { laneOf, lanesOf } from './lane.js';

const RUN = '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c';
const c = (oid: string, trailers: [string, string][], refs = ['refs/heads/main']): CommitInfo => ({
  oid,
  parents: [],
  tree: null,
  author: null,
  committer: null,
  message: 'm',
  trailers: trailers.map(([key, value]) => ({ key, value })),
  refs,
});
/** A commit whose own trailers claim a lane: Task-Scope and Run-Id. */
const scoped = (oid: string, scope: string, run: string, refs?: string[]) =>
  c(
    oid,
    [
      ['Task-Scope', scope],
      ['Run-Id', run],
    ],
    refs,
  );
const signed = (scope: string, run = RUN): SignedTask => ({
  ok: true,
  signer: 'orch@example.com',
  task: { runId: run, stage: 'cleanup', model: 'gpt-5.2-codex', scope: { kind: 'file', target: scope }, source: 'signed' },
});
const cs = (commits: CommitInfo[], signedTasks?: Map<string | null, SignedTask>): ChangeSet =>
  ({ origin: 'receive', objectFormat: 'sha1', refs: [], commits, changes: [], actor: { source: 'remote-user', name: 'codex-bot' }, task: null, signedTasks }) as ChangeSet;

describe('laneOf', () => {
  it('takes the lane, model and stage from the signed envelope', () => {
    expect(laneOf(cs([c('a', [])], new Map([['a', signed('config/**')]])))).toEqual({ run_id: RUN, stage: 'cleanup', model: 'gpt-5.2-codex', lane: `${RUN}/file:config/**` });
  });

  it('is not diluted by a commit that claims another lane itself, or none', () => {
    const junk = scoped('b', 'file:docs/**', 'other');
    expect(laneOf(cs([c('a', []), junk, c('d', [])], new Map([['a', signed('config/**')]])))?.lane).toBe(`${RUN}/file:config/**`);
  });

  it('has no lane for two different signed lanes, or unsigned commits that disagree', () => {
    expect(
      laneOf(
        cs(
          [c('a', []), c('b', [])],
          new Map([
            ['a', signed('config/**')],
            ['b', signed('src/**')],
          ]),
        ),
      ),
    ).toBeNull();
    expect(laneOf(cs([scoped('a', 'file:a', 'r1'), scoped('b', 'file:b', 'r1')]))).toBeNull();
    expect(laneOf(cs([scoped('a', 'file:a', 'r1')]))?.lane).toBe('r1/file:a');
  });

  it('leaves notes commits out (approvals pushed with the work)', () => {
    expect(laneOf(cs([scoped('a', 'file:a', 'r1'), c('n', [], ['refs/notes/safety-gate'])]))?.lane).toBe('r1/file:a');
  });

  it('a push that brings no commit of its own is an attempt of the task that made its tip', () => {
    const move = (tip: string, trailers: [string, string][], ref = 'refs/heads/main'): CommitInfo => ({
      ...c(`${tip}@${ref}`, [], [ref]),
      message: null,
      transition: { ref, base: 'b0', newOid: tip, author: null, committer: null, tipTrailers: trailers.map(([key, value]) => ({ key, value })) },
    });
    expect(
      laneOf(
        cs([
          move('t1', [
            ['Task-Scope', 'file:config/**'],
            ['Run-Id', RUN],
          ]),
        ]),
      )?.lane,
    ).toBe(`${RUN}/file:config/**`);
    // Two moves of different tasks, or a tip without a task: no lane (as for commits).
    expect(
      laneOf(
        cs([
          move('t1', [
            ['Task-Scope', 'file:a'],
            ['Run-Id', 'r1'],
          ]),
          move(
            't2',
            [
              ['Task-Scope', 'file:b'],
              ['Run-Id', 'r2'],
            ],
            'refs/heads/release',
          ),
        ]),
      ),
    ).toBeNull();
    expect(laneOf(cs([move('t1', [])]))).toBeNull();
    // New commits decide over the moves that carry them.
    expect(
      laneOf(
        cs([
          scoped('a', 'file:a', 'r1'),
          move('a', [
            ['Task-Scope', 'file:z'],
            ['Run-Id', 'r9'],
          ]),
        ]),
      )?.lane,
    ).toBe('r1/file:a');
  });

  it('lanesOf: a push carrying two tasks is an attempt of both (a fresh task cannot shelter a spent one)', () => {
    const both = cs(
      [c('a', []), c('b', [])],
      new Map([
        ['a', signed('config/**')],
        ['b', signed('src/**', 'r2')],
      ]),
    );
    expect(laneOf(both)).toBeNull();
    expect(lanesOf(both)).toEqual([`${RUN}/file:config/**`, 'r2/file:src/**']);
    // An empty commit claiming another lane in its own trailers counts too.
    expect(lanesOf(cs([c('a', []), scoped('e', 'file:x', 'r3')], new Map([['a', signed('config/**')]])))).toEqual([`${RUN}/file:config/**`, 'r3/file:x']);
  });

  it('lanesOf: a moved tip that carries only its Task-Envelope names the lane inside it', () => {
    const st = {
      type: 'safety-gate/task@1' as const,
      repo: 'acme/app',
      issued_at: '2026-12-01T00:00:00Z',
      expires_at: '2026-12-09T00:00:00Z',
      envelope: { run_id: RUN, task_scope: { kind: 'file', target: 'config/**' } },
    };
    const tip: CommitInfo = {
      ...c('t@refs/heads/main', [], ['refs/heads/main']),
      message: null,
      transition: {
        ref: 'refs/heads/main',
        base: 'b0',
        newOid: 't',
        author: null,
        committer: null,
        tipTrailers: [{ key: 'Task-Envelope', value: encodeTrailerValue(st, Buffer.from('sig')) }],
      },
    };
    expect(lanesOf(cs([tip]))).toEqual([`${RUN}/file:config/**`]);
    expect(laneOf(cs([tip]))?.lane).toBe(`${RUN}/file:config/**`);
  });
});
