// Every built-in detector over its own samples, through the same scanner and keyword prefilter
// the rule uses: every positive sample is found (by that detector), no negative sample is.
import { describe, expect, it } from 'vitest';
import { DETECTORS } from './index.js';
import { compileRule, detectorRule, scan } from '../scan.js';

function run(text: string) {
  const lower = text.toLowerCase();
  const rules = DETECTORS.map((d) => compileRule(detectorRule(d), { validate: d.validate, rotate: d.rotate }));
  const hits = new Set(DETECTORS.flatMap((d) => d.keywords).filter((k) => lower.includes(k)));
  return scan({ text, path: 'config/app.env', commit: null, hits }, rules, []);
}

describe('built-in detectors', () => {
  it('have unique ids, documentation links, lower-case keywords and both kinds of samples', () => {
    expect(new Set(DETECTORS.map((d) => d.id)).size).toBe(DETECTORS.length);
    for (const d of DETECTORS) {
      expect(d.docs.length, d.id).toBeGreaterThan(0);
      for (const u of d.docs) expect(u, d.id).toMatch(/^https:\/\//);
      for (const k of d.keywords) expect(k, d.id).toBe(k.toLowerCase());
      expect(d.samples.positive.length, d.id).toBeGreaterThan(0);
      expect(d.samples.negative.length, d.id).toBeGreaterThan(0);
      expect(d.regex.flags, d.id).not.toMatch(/[gy]/);
    }
  });

  for (const d of DETECTORS) {
    describe(d.id, () => {
      d.samples.positive.forEach((s, i) => {
        it(`finds positive sample ${i + 1}`, () => {
          const hits = run(s);
          expect(hits.map((h) => h.ruleId)).toContain(d.id);
          // A keyword of its own must be in every sample it finds (else the prefilter would hide it).
          expect(d.keywords.some((k) => s.toLowerCase().includes(k))).toBe(true);
        });
      });
      d.samples.negative.forEach((s, i) => {
        it(`ignores negative sample ${i + 1}`, () => {
          expect(
            run(s)
              .filter((h) => h.ruleId === d.id)
              .map((h) => h.ruleId),
          ).toEqual([]);
        });
      });
    });
  }

  it('a service-account key is reported once, as such', () => {
    const gcp = DETECTORS.find((d) => d.id === 'gcp-service-account')!;
    expect(run(gcp.samples.positive[0]!).map((h) => h.ruleId)).toEqual(['gcp-service-account']);
  });
});

// Backtracking: V8's engine is not RE2's. A detector whose pattern can read the same characters
// in many ways (nested or adjacent quantifiers over overlapping classes) takes exponential or
// high-polynomial time on some inputs, which a pushed file can supply: the hook then stalls past
// its deadline. Each detector, for each of its keywords, over the input shapes that blow up such
// patterns (indented blocks under a keyed line, long runs of one class, keyword-dense words), must
// stay far under a budget that a linear scan of the same bytes meets a hundred times over.
describe('built-in detectors run in linear time on hostile input', () => {
  const BUDGET_MS = 1500;
  const shapes = (kw: string): Record<string, string> => {
    const Kw = kw.charAt(0).toUpperCase() + kw.slice(1);
    const body = (indent: number) => `${' '.repeat(indent)}x = value_1  # note\n`.repeat(14);
    return {
      'keyed line, deep indented block': `${kw}:\n${body(16)}`.repeat(40),
      'python class body': `class ${Kw}Client:\n${body(12)}\n`.repeat(40),
      'tab-indented block': `${kw}_config:\n${'\t\t\t\t\t\tx: y\n'.repeat(14)}`.repeat(40),
      'one long word of keywords': `${kw}_`.repeat(8000),
      'keyword then a long word': `${kw}_${'a'.repeat(40000)} = x`,
      'keyword then blanks': `${kw} ${' '.repeat(40000)}:`,
      'keywords on one long line': `${kw}.key=${'A'.repeat(39)} `.repeat(1500),
      'separators only': `${kw}${'-.'.repeat(20000)}`,
    };
  };
  for (const d of DETECTORS) {
    it(d.id, () => {
      const rules = [compileRule(detectorRule(d), { validate: d.validate, rotate: d.rotate })];
      for (const kw of d.keywords) {
        for (const [name, text] of Object.entries(shapes(kw))) {
          const t0 = performance.now();
          scan({ text, path: 'config/app.env', commit: null, hits: new Set(d.keywords) }, rules, []);
          const ms = performance.now() - t0;
          expect(ms, `${d.id}, keyword ${kw}: ${name} (${text.length} chars) took ${ms.toFixed(0)} ms`).toBeLessThan(BUDGET_MS);
        }
      }
    });
  }
});
