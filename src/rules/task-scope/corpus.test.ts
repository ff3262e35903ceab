// The labelled corpus (test/corpus/task-scope/*.yaml) through the rule alone, in memory. The
// same cases run through the real engine and real git in test/e2e/task-scope-corpus.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadTaskEnvelope } from '../../sources/task.js';
import { runRule } from '../../../test/helpers/rule-harness.js';
import { taskScope } from './rule.js';

const DIR = resolve(import.meta.dirname, '../../../test/corpus/task-scope');

interface Case {
  description: string;
  config?: Record<string, unknown>;
  task?: Record<string, unknown> | string;
  old?: Record<string, string>;
  files: Record<string, string | null>;
  expect: { rule: string; path?: string | null; line?: number | null }[];
}

describe('task-scope corpus (rule only)', () => {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  it('has at least 20 cases', () => expect(names.length).toBeGreaterThanOrEqual(20));
  for (const name of names) {
    it(name, async () => {
      const c = parse(readFileSync(join(DIR, name), 'utf8')) as Case;
      const tmp = mkdtempSync(join(tmpdir(), 'sg-task-'));
      try {
        let task = null;
        if (c.task !== undefined) {
          const file = join(tmp, 'task.json');
          writeFileSync(file, typeof c.task === 'string' ? c.task : JSON.stringify(c.task));
          task = loadTaskEnvelope(file);
        }
        const cfg = c.config ?? {};
        const findings = await runRule(taskScope, { task, config: { stages: cfg.stages, agents: cfg.agents }, old: c.old ?? {}, files: c.files });
        const got = findings.map((f) => ({ rule: f.rule, path: f.path ?? null, line: f.line ?? null }));
        // The rule alone: other rules' expected findings of a case are the engine test's business.
        const want = c.expect.filter((e) => e.rule.startsWith('task-scope')).map((e) => ({ rule: e.rule, path: e.path ?? null, line: e.line ?? null }));
        expect(got, findings.map((f) => f.message).join('\n')).toEqual(want);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }
});
