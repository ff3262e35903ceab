// Every labelled case must produce exactly its expected findings; the per-rule precision and
// recall table is printed (and must be 100 % / 100 %).
import { describe, expect, it, afterAll } from 'vitest';
import { formatScores, loadCases, runCase, score, type CaseOutcome, type CorpusCase } from './score.js';

const cases = loadCases();
const results: { c: CorpusCase; o: CaseOutcome }[] = [];

describe('labelled corpus', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.description}`, async () => {
      const o = await runCase(c);
      results.push({ c, o });
      expect({ falsePositives: o.fp, falseNegatives: o.fn, decision: o.decision.actual }).toEqual({ falsePositives: [], falseNegatives: [], decision: o.decision.expected });
    });
  }
  afterAll(() => {
    if (results.length > 0) console.log(`\n${results.length} corpus cases\n` + formatScores(score(results)));
  });
});
