// The live-endpoint corpus (test/corpus/live-endpoint/*.yaml) through the rule alone, in memory
// (test/helpers/rule-harness.ts `runRule`): a fast check of the rule's own labels that needs no git. The real
// end-to-end run of the same cases (real git, engine and preset) is test/corpus/corpus.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runRule } from '../../../test/helpers/rule-harness.js';
import { liveEndpoint } from './rule.js';

interface Case {
  description: string;
  config?: Record<string, unknown>;
  old?: Record<string, string>;
  files: Record<string, string | null>;
  expect: { rule: string; path: string | null; line?: number | null }[];
}

const DIR = join(import.meta.dirname, '../../../test/corpus/live-endpoint');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const key = (f: { rule: string; path: string | null; line?: number | null }) => `${f.rule}|${f.path}|${f.line ?? '-'}`;

describe('live-endpoint corpus (rule only, in memory)', () => {
  it('has at least 50 cases, positives and negatives', () => {
    const cases = files.map((f) => parse(readFileSync(join(DIR, f), 'utf8')) as Case);
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(cases.filter((c) => c.expect.length === 0).length).toBeGreaterThanOrEqual(15);
    expect(cases.filter((c) => c.expect.length > 0).length).toBeGreaterThanOrEqual(30);
  });

  for (const f of files) {
    const c = parse(readFileSync(join(DIR, f), 'utf8')) as Case;
    it(`${f}: ${c.description}`, async () => {
      const findings = await runRule(liveEndpoint, { old: c.old, files: c.files, config: { extends: ['agenttrader-v2'], ...c.config } });
      expect([...new Set(findings.map(key))].sort()).toEqual([...new Set(c.expect.map(key))].sort());
    });
  }
});
