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
