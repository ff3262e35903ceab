import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTaskEnvelope, taskFromTrailers as reexported } from '../../sources/task.js';
import { GateError } from '../../errors.js';
import { canonicalScope, formatTrailers, joinTargets, parseFunctionTarget, parseScope, readTrailerTask, splitTargets, taskFromTrailers } from './scope.js';

const RUN = '7f0c2a4e-1b2c-4d5e-8f90-a1b2c3d4e5f6';

describe('target lists', () => {
  it('split on commas outside braces and brackets; \\, is a literal comma', () => {
    expect(splitTargets('src/**, docs/{a,b}.md ,x[,]y,  ')).toEqual(['src/**', 'docs/{a,b}.md', 'x[,]y']);
    expect(splitTargets('a\\,b.txt, c')).toEqual(['a\\,b.txt', 'c']);
    expect(joinTargets(['src/**', 'docs/{a,b}.md'])).toBe('src/**, docs/{a,b}.md');
    expect(splitTargets(joinTargets(['a,b.txt', 'c']))).toEqual(['a\\,b.txt', 'c']);
  });

  it('function targets: path#Qualified.name, the path being the first prefix with a supported extension', () => {
    expect(parseFunctionTarget('src/a.ts#Parser.parse')).toEqual({ path: 'src/a.ts', name: 'Parser.parse' });
    expect(parseFunctionTarget('./lib/#tmp/b.py#load')).toEqual({ path: 'lib/#tmp/b.py', name: 'load' });
    expect(parseFunctionTarget('src/k.ts#K.#secret')).toEqual({ path: 'src/k.ts', name: 'K.#secret' });
    expect(parseFunctionTarget('src/a.ts')).toMatch(/expected path#Qualified.name/);
    expect(parseFunctionTarget('src/a.ts#')).toMatch(/no function name/);
    expect(parseFunctionTarget('src/a.ts#A..b')).toMatch(/dotted identifiers/);
    expect(parseFunctionTarget('src/a.go#F')).toMatch(/function scopes need a file ending in .ts/);
  });

  it('scopes', () => {
    expect(parseScope({ kind: 'stage', target: 'a, b' })).toMatchObject({ ok: false });
    expect(parseScope({ kind: 'file', target: ' , ' })).toMatchObject({ ok: false });
    expect(parseScope({ kind: 'function', target: 'a.ts#f, b.py#C.g' })).toEqual({
      ok: true,
      scope: {
        kind: 'function',
        functions: [
          { path: 'a.ts', name: 'f' },
          { path: 'b.py', name: 'C.g' },
        ],
      },
    });
    expect(canonicalScope({ kind: 'file', target: 'b, a' })).toBe(canonicalScope({ kind: 'file', target: 'a,b' }));
  });
});

describe('trailers', () => {
  it('Task-Scope and Run-Id (keys case-insensitive)', () => {
    const t = readTrailerTask([
      { key: 'Signed-off-by', value: 'x' },
      { key: 'task-scope', value: 'Function: src/a.ts#f, src/b.ts#g' },
      { key: 'RUN-ID', value: 'r-1' },
    ]);
    expect(t).toEqual({ task: { runId: 'r-1', stage: null, scope: { kind: 'function', target: 'src/a.ts#f, src/b.ts#g' }, source: 'commit trailers' }, problem: null });
    expect(taskFromTrailers([])).toBeNull();
    expect(reexported).toBe(taskFromTrailers);
  });

  it('problems: two scopes, unknown kind, no run id, a run id with spaces', () => {
    expect(
      readTrailerTask([
        { key: 'Task-Scope', value: 'file:a' },
        { key: 'Task-Scope', value: 'file:b' },
        { key: 'Run-Id', value: 'r' },
      ]).problem,
    ).toMatch(/2 Task-Scope trailers/);
    expect(
      readTrailerTask([
        { key: 'Task-Scope', value: 'module:a' },
        { key: 'Run-Id', value: 'r' },
      ]).problem,
    ).toMatch(/expected <kind>:<target>/);
    expect(readTrailerTask([{ key: 'Task-Scope', value: 'file:a' }]).problem).toMatch(/without a Run-Id/);
    expect(
      readTrailerTask([
        { key: 'Task-Scope', value: 'file:a' },
        { key: 'Run-Id', value: 'a b' },
      ]).problem,
    ).toMatch(/whitespace/);
    // The same Run-Id twice is harmless.
    expect(
      readTrailerTask([
        { key: 'Run-Id', value: 'r' },
        { key: 'Run-Id', value: 'r' },
      ]).problem,
    ).toBeNull();
  });

  it('formats the trailers an agent should write', () => {
    expect(formatTrailers({ runId: 'r-1', scope: { kind: 'file', target: 'src/**' } })).toBe('Task-Scope: file:src/**\nRun-Id: r-1');
  });
});

describe('loadTaskEnvelope', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-envelope-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const file = (content: string | object) => {
    const p = join(dir, `t${n++}.json`);
    writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  const error = (path: string): GateError => {
    try {
      loadTaskEnvelope(path);
    } catch (e) {
      return e as GateError;
    }
    throw new Error('no error');
  };

  it('reads the SPEC-260 envelope', () => {
    const p = file({
      run_id: '7f0c2a4e-3b1d-4c5e-8f6a-9b0c1d2e3f40',
      stage: 'recompile',
      model: 'gpt-5.2-codex',
      reasoning_effort: 'high',
      input_artifacts: ['artifact://abc'],
      redaction_profile: 'homebrew',
      response_schema: 'patch-v1',
      task_scope: { kind: 'function', target: 'src/a.ts#Parser.parse' },
      extra: 'ignored',
    });
    expect(loadTaskEnvelope(p)).toEqual({
      runId: '7f0c2a4e-3b1d-4c5e-8f6a-9b0c1d2e3f40',
      stage: 'recompile',
      scope: { kind: 'function', target: 'src/a.ts#Parser.parse' },
      source: p,
      model: 'gpt-5.2-codex',
      reasoningEffort: 'high',
      costUsd: null,
    });
  });

  it('array targets, a stage target defaulting to the stage, no scope at all, a BOM', () => {
    expect(loadTaskEnvelope(file({ run_id: RUN, task_scope: { kind: 'file', target: ['a/**', 'b,c.txt'] } })).scope).toEqual({ kind: 'file', target: 'a/**, b\\,c.txt' });
    expect(loadTaskEnvelope(file({ run_id: RUN, stage: 'codegen', task_scope: { kind: 'stage' } })).scope).toEqual({ kind: 'stage', target: 'codegen' });
    expect(loadTaskEnvelope(file({ run_id: RUN })).scope).toBeNull();
    expect(loadTaskEnvelope(file(`\uFEFF{"run_id": "${RUN}"}`)).runId).toBe(RUN);
  });

  it('errors are config errors naming the file and what is wrong', () => {
    const missing = join(dir, 'nope.json');
    expect(error(missing)).toMatchObject({ code: 'config' });
    expect(error(missing).message).toBe(`${missing}: cannot read the task envelope (SAFETY_GATE_TASK): no such file`);
    const bad = file('{\n  "run_id": "r",\n  "task_scope": }\n');
    expect(error(bad).message).toBe(`${bad}:3:17: the task envelope is not valid JSON: unexpected "}"`);
    expect(error(file('{"run_id": "r",}')).message).toMatch(/:1:16: the task envelope is not valid JSON: expected a property name, found "}"$/);
    expect(error(file('{"run_id": "r"')).message).toMatch(/:1:15: the task envelope is not valid JSON: expected ',' or '}'$/);
    expect(error(file('[1]')).message).toMatch(/must be a JSON object/);
    expect(error(file({ stage: 's' })).message).toMatch(/: run_id: is required$/);
    expect(error(file({ run_id: 'a b' })).message).toMatch(/run_id: run_id contains whitespace/);
    expect(error(file({ run_id: 'run-42' })).message).toMatch(/run_id: run_id is not a UUID/);
    expect(error(file({ run_id: RUN, model: '' })).message).toMatch(/model: /);
    expect(error(file({ run_id: RUN, cost_usd: -1 })).message).toMatch(/cost_usd: /);
    expect(error(file({ run_id: RUN, reasoning_effort: 'max' })).message).toMatch(/reasoning_effort: /);
    expect(error(file({ run_id: RUN, task_scope: { kind: 'module', target: 'x' } })).message).toMatch(/task_scope.kind: /);
    expect(error(file({ run_id: RUN, task_scope: { kind: 'file', target: 'x', scope: 1 } })).message).toMatch(/task_scope: .*scope/);
    expect(error(file({ run_id: RUN, task_scope: { kind: 'function', target: 'src/a.ts' } })).message).toMatch(/task_scope.target: "src\/a.ts": expected path#Qualified.name$/);
    expect(error(file({ run_id: RUN, task_scope: { kind: 'file' } })).message).toMatch(/task_scope.target: is required$/);
    expect(error(file({ run_id: RUN, task_scope: { kind: 'stage', target: 'a, b' } })).message).toMatch(/exactly one stage/);
    expect(error(missing).hint).toMatch(/SAFETY_GATE_TASK/);
  });
});
