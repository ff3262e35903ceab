import { describe, expect, it } from 'vitest';
import type { TaskEnvelope } from '../../changeset/types.js';
import { runRule } from '../../../test/helpers/rule-harness.js';
import { taskScope } from './rule.js';

const envelope = (kind: 'file' | 'function' | 'stage', target: string, runId = 'run-1'): TaskEnvelope => ({ runId, stage: null, scope: { kind, target }, source: 'task.json' });

const ts = `export function a() {
  return 1;
}

export function b() {
  return 2;
}
`;

const staged = (old: Record<string, string>, files: Record<string, string | null>) => ({ old, files, message: null });

describe('task-scope rule', () => {
  it('does nothing without a task, trailers or agent policy', async () => {
    expect(await runRule(taskScope, { commits: [staged({ 'x.ts': ts }, { 'x.ts': 'changed' })] })).toEqual([]);
  });

  it('file scope: paths inside pass, paths outside block (new file, deletion, both sides of a rename)', async () => {
    const f = await runRule(taskScope, {
      task: envelope('file', 'src/**, docs/{a,b}.md'),
      commits: [staged({ 'src/x.ts': '1', 'lib/y.ts': '2', 'docs/c.md': 'c' }, { 'src/x.ts': '2', 'docs/a.md': 'a', 'lib/new.ts': 'n', 'lib/y.ts': null, 'docs/c.md': 'c2' })],
    });
    expect(f.map((x) => [x.rule, x.path])).toEqual([
      ['task-scope', 'lib/new.ts'],
      ['task-scope', 'lib/y.ts'],
      ['task-scope', 'docs/c.md'],
    ]);
    expect(f[0]!.message).toMatch(/^out of scope, pending review: lib\/new.ts added, outside the scope of task run-1/);
    expect(f[1]!.message).toContain('lib/y.ts deleted');
    expect(f[0]!.remediation).toMatch(/revert the change to lib\/new.ts/);
  });

  it('stage scope: globs from the policy; an unknown stage fails closed', async () => {
    const cc = { stages: { codegen: ['gen/**'] } };
    expect(await runRule(taskScope, { task: envelope('stage', 'codegen'), config: cc, commits: [staged({}, { 'gen/a.ts': 'x' })] })).toEqual([]);
    const f = await runRule(taskScope, { task: envelope('stage', 'lint'), config: cc, commits: [staged({}, { 'gen/a.ts': 'x' })] });
    expect(f).toMatchObject([{ rule: 'task-scope/unknown-stage' }]);
    expect(f[0]!.message).toContain('stages: codegen');
  });

  it('function scope: an edit inside passes, outside blocks with line and column', async () => {
    const ok = ts.replace('return 1;', 'return 10;');
    expect(await runRule(taskScope, { task: envelope('function', 'src/m.ts#a'), commits: [staged({ 'src/m.ts': ts }, { 'src/m.ts': ok })] })).toEqual([]);
    const bad = ok.replace('return 2;', 'return 20;');
    const f = await runRule(taskScope, { task: envelope('function', 'src/m.ts#a'), commits: [staged({ 'src/m.ts': ts }, { 'src/m.ts': bad })] });
    expect(f).toMatchObject([{ rule: 'task-scope', path: 'src/m.ts', line: 6, column: 11 }]);
    expect(f[0]!.message).toBe(
      'out of scope, pending review: changed outside the scoped function(s) at line 6, column 11, after a (line 6, column 11 in the previous version); task run-1 may change only a in this file',
    );
  });

  it('function scope: other files, new and deleted scoped files block', async () => {
    const f = await runRule(taskScope, {
      task: envelope('function', 'src/m.ts#a, src/n.py#f'),
      commits: [staged({ 'src/m.ts': ts, 'src/n.py': 'def f():\n    pass\n' }, { 'src/other.ts': 'x', 'src/n.py': null })],
    });
    expect(f.map((x) => x.path)).toEqual(['src/other.ts', 'src/n.py']);
    expect(f[1]!.message).toContain('src/n.py deleted, but task run-1 may only edit f inside it');
  });

  it('function scope on a renamed file blocks even when both paths are named', async () => {
    const f = await runRule(taskScope, {
      task: envelope('function', 'a.ts#a, b.ts#a'),
      commits: [{ old: { 'a.ts': ts }, files: { 'a.ts': null, 'b.ts': ts }, message: null }],
    });
    // One rename (as git pairs it), blocked: a function scope does not cover moving the file.
    expect(f).toMatchObject([{ rule: 'task-scope', path: 'b.ts' }]);
  });

  it('binary or invalid UTF-8 content under a function scope blocks', async () => {
    const old = Buffer.concat([Buffer.from('function a() {}\n// '), Buffer.from([0xff]), Buffer.from('\n')]);
    const next = Buffer.concat([Buffer.from('function a() { return 1; }\n// '), Buffer.from([0xfe]), Buffer.from('\n')]);
    const f = await runRule(taskScope, { task: envelope('function', 'm.ts#a'), commits: [{ old: { 'm.ts': old }, files: { 'm.ts': next }, message: null }] });
    expect(f[0]!.message).toMatch(/not valid UTF-8/);
  });

  it('an envelope without task_scope is a missing scope', async () => {
    const f = await runRule(taskScope, { task: { runId: 'r', stage: null, scope: null, source: 't.json' }, commits: [staged({}, { 'a.ts': 'x' })] });
    expect(f).toMatchObject([{ rule: 'task-scope/missing' }]);
  });

  it('pushed commits use their own trailers; a server has no envelope', async () => {
    const trailers = [
      { key: 'Task-Scope', value: 'file:src/**' },
      { key: 'Run-Id', value: 'r-9' },
    ];
    const f = await runRule(taskScope, { commits: [{ old: {}, files: { 'src/a.ts': '1', 'etc/x': '2' }, trailers }] });
    expect(f).toMatchObject([{ rule: 'task-scope', path: 'etc/x' }]);
    expect(f[0]!.message).toContain('task r-9');
  });

  it('malformed trailers fail closed', async () => {
    const cases = [
      [{ key: 'Task-Scope', value: 'file:src/**' }],
      [
        { key: 'task-scope', value: 'files:src/**' },
        { key: 'Run-Id', value: 'r' },
      ],
      [
        { key: 'Task-Scope', value: 'file:a' },
        { key: 'Task-Scope', value: 'file:b' },
        { key: 'Run-Id', value: 'r' },
      ],
      [
        { key: 'Task-Scope', value: 'function:src/a.ts' },
        { key: 'Run-Id', value: 'r' },
      ],
      [
        { key: 'Task-Scope', value: 'function:src/a.rb#x' },
        { key: 'Run-Id', value: 'r' },
      ],
    ];
    for (const trailers of cases) {
      const f = await runRule(taskScope, { commits: [{ old: {}, files: { 'src/a.ts': '1' }, trailers }] });
      expect(f, JSON.stringify(trailers)).toMatchObject([{ rule: 'task-scope/invalid' }]);
    }
    const runOnly = await runRule(taskScope, { commits: [{ old: {}, files: { 'src/a.ts': '1' }, trailers: [{ key: 'Run-Id', value: 'r' }] }] });
    expect(runOnly).toMatchObject([{ rule: 'task-scope/missing' }]);
  });

  it('require_scope: agent commits without trailers block (author email or pusher)', async () => {
    const cc = { agents: { identities: ['*@agents.example.com', 'bot-*'], require_scope: true } };
    const commit = { old: {}, files: { 'a.ts': '1' } };
    expect(await runRule(taskScope, { config: cc, commits: [{ ...commit, author: 'Codex@Agents.example.com' }] })).toMatchObject([{ rule: 'task-scope/missing' }]);
    expect(await runRule(taskScope, { config: cc, actor: 'bot-recompile', commits: [{ ...commit, author: 'dev@example.com' }] })).toMatchObject([{ rule: 'task-scope/missing' }]);
    expect(await runRule(taskScope, { config: cc, actor: 'alice', commits: [{ ...commit, author: 'dev@example.com' }] })).toEqual([]);
    const scoped = {
      ...commit,
      author: 'codex@agents.example.com',
      trailers: [
        { key: 'Task-Scope', value: 'file:a.ts' },
        { key: 'Run-Id', value: 'r' },
      ],
    };
    expect(await runRule(taskScope, { config: cc, commits: [scoped] })).toEqual([]);
    // At pre-commit the envelope covers the commit being made…
    expect(await runRule(taskScope, { config: cc, task: envelope('file', 'a.ts'), commits: [{ ...commit, author: 'codex@agents.example.com', message: null }] })).toEqual([]);
    // …but a commit with a message needs the trailers the server will check.
    const f = await runRule(taskScope, { config: cc, task: envelope('file', 'a.ts'), commits: [{ ...commit, author: 'codex@agents.example.com' }] });
    expect(f).toMatchObject([{ rule: 'task-scope/missing' }]);
    expect(f[0]!.remediation).toContain('--trailer "Task-Scope: file:a.ts" --trailer "Run-Id: run-1"');
  });

  it('trailers that disagree with the active envelope are reported', async () => {
    const trailers = [
      { key: 'Task-Scope', value: 'file:**' },
      { key: 'Run-Id', value: 'run-1' },
    ];
    const f = await runRule(taskScope, { task: envelope('file', 'a.ts'), commits: [{ old: {}, files: { 'a.ts': '1' }, trailers, oid: null }] });
    expect(f).toMatchObject([{ rule: 'task-scope/mismatch' }]);
    // Pushing commits of another run with the envelope of this one: their own trailers count.
    const other = [
      { key: 'Task-Scope', value: 'file:b.ts' },
      { key: 'Run-Id', value: 'run-0' },
    ];
    expect(await runRule(taskScope, { task: envelope('file', 'a.ts'), commits: [{ old: {}, files: { 'b.ts': '1' }, trailers: other }] })).toEqual([]);
  });

  it('merge commits: an out-of-scope resolution blocks; a function scope passes against either parent', async () => {
    const trailers = [
      { key: 'Task-Scope', value: 'function:m.ts#a' },
      { key: 'Run-Id', value: 'r' },
    ];
    const theirs = ts.replace('return 2;', 'return 2 + 0;');
    // Result = theirs with a changed inside: differs from both parents, identical outside `a` to theirs.
    const merged = theirs.replace('return 1;', 'return 100;');
    expect(await runRule(taskScope, { commits: [{ old: { 'm.ts': ts }, mergeWith: { 'm.ts': theirs }, files: { 'm.ts': merged }, trailers }] })).toEqual([]);
    // An evil merge: something outside `a` that neither parent had.
    const evil = merged.replace('export function b', 'export async function b');
    const f = await runRule(taskScope, {
      commits: [{ old: { 'm.ts': ts, 'x.ts': 'x' }, mergeWith: { 'm.ts': theirs, 'x.ts': 'x' }, files: { 'm.ts': evil, 'x.ts': 'evil' }, trailers }],
    });
    expect(f.map((x) => x.path)).toEqual(['m.ts', 'x.ts']);
  });

  it('case-insensitive policies match function-scope paths case-insensitively', async () => {
    const f = await runRule(taskScope, {
      config: { case_insensitive_paths: true },
      task: envelope('function', 'SRC/M.ts#a'),
      commits: [staged({ 'src/m.ts': ts }, { 'src/m.ts': ts.replace('1', '3') })],
    });
    expect(f).toEqual([]);
  });
});
