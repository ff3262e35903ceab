// The task-scope corpus through the real engine over real git (a staged change in a temporary
// repository, SAFETY_GATE_TASK pointing at the case's envelope). Only task-scope findings are
// compared: other rules may have their own say about the same files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkChange } from '../helpers/rule-harness.js';

const DIR = resolve(import.meta.dirname, '../corpus/task-scope');

interface Case {
  description: string;
  config?: Record<string, unknown>;
  task?: Record<string, unknown>;
  env?: Record<string, string>;
  old?: Record<string, string>;
  files: Record<string, string | null>;
  expect: { rule: string; path?: string | null; line?: number | null }[];
}

describe('task-scope corpus (engine, real git)', () => {
  for (const name of readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    it(name, async () => {
      const c = parse(readFileSync(join(DIR, name), 'utf8')) as Case;
      const { findings } = await checkChange({
        old: c.old ?? {},
        files: c.files,
        config: c.config,
        task: c.task,
        env: c.env,
      });
      const mine = findings.filter((f) => f.rule === 'task-scope' || f.rule.startsWith('task-scope/'));
      const got = mine.map((f) => ({ rule: f.rule, path: f.path, line: f.line }));
      const want = c.expect.filter((e) => e.rule.startsWith('task-scope')).map((e) => ({ rule: e.rule, path: e.path ?? null, line: e.line ?? null }));
      // The engine orders findings by path and position.
      const order = (a: { path: string | null; line: number | null; rule: string }, b: typeof a) =>
        (a.path ?? '').localeCompare(b.path ?? '') || (a.line ?? 0) - (b.line ?? 0) || a.rule.localeCompare(b.rule);
      expect(got.sort(order), mine.map((f) => f.message).join('\n')).toEqual(want.sort(order));
    });
  }
});
