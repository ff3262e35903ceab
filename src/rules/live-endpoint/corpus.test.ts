// The live-endpoint corpus (test/corpus/live-endpoint/*.yaml) through the hand-built engine of
// __test__/context.ts: a fast check of the rule's own labels that needs no git. The real
// end-to-end run of the same cases (real git, engine and preset) is test/corpus/corpus.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runLiveEndpoint } from './__test__/context.js';

interface Case {
  description: string;
  config?: { rules?: Record<string, string | { severity?: string; options?: Record<string, unknown> }> };
  old?: Record<string, string>;
  files: Record<string, string | null>;
  expect: { rule: string; path: string | null; line?: number | null }[];
}

const DIR = join(import.meta.dirname, '../../../test/corpus/live-endpoint');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const key = (f: { rule: string; path: string | null; line?: number | null }) => `${f.rule}|${f.path}|${f.line ?? '-'}`;

describe('live-endpoint corpus (hand-built engine)', () => {
  it('has at least 50 cases, positives and negatives', () => {
    const cases = files.map((f) => parse(readFileSync(join(DIR, f), 'utf8')) as Case);
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.expect.length > 0).length).toBeGreaterThanOrEqual(30);
  });

  for (const f of files) {
    const c = parse(readFileSync(join(DIR, f), 'utf8')) as Case;
    it(`${f}: ${c.description}`, async () => {
      const setting = c.config?.rules?.['live-endpoint'];
      const severity = typeof setting === 'string' ? setting : setting?.severity;
      const findings = severity === 'off' ? [] : await runLiveEndpoint({ old: c.old, files: c.files, options: typeof setting === 'object' ? setting.options : undefined });
      expect([...new Set(findings.map(key))].sort()).toEqual([...new Set(c.expect.map(key))].sort());
    });
  }
});
