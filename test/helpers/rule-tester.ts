// A rule tester in the style of @typescript-eslint/rule-tester, over the real engine: each case
// is a real staged change in a temporary repository (test/helpers/rule-harness.ts `checkChange`),
// checked by `check()` exactly as the pre-commit door does; or, given the rule itself
// (`{ rule }`), the same change built in memory and run through `runEngine` with that rule alone
// (`runRule`: no git, for rules whose cases need none). `valid` cases must give the rule no finding;
// `invalid` cases must give exactly the listed findings of the rule (its own id or one of its
// sub-rules), in the engine's order, each matching the fields it names. Like
// @typescript-eslint/rule-tester's `errors: [{ messageId, data }]`, an expected finding names the
// rule's declared message (`messageId`, checked against the rule's metadata) and, with `data`,
// the text that message gives with those values.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/types.js';
import { fillTemplate } from '../../src/rules/messages.js';
import { rules } from '../../src/rules/registry.js';
import type { Rule } from '../../src/rules/types.js';
import { checkChange, runRule, type ChangeInput } from './rule-harness.js';

export interface RuleCase extends ChangeInput {
  name: string;
}

interface ExpectedFinding {
  /** Sub-rule id ('undecodable' → '<rule>/undecodable'); omit for the rule's own id. */
  subRule?: string;
  path?: string | null;
  line?: number | null;
  severity?: Finding['severity'];
  message?: string | RegExp;
  /** The declared message (a key of the rule's `meta.messages`). */
  messageId?: string;
  /** With `messageId`: the finding's text is that message's template filled with these values. */
  data?: Readonly<Record<string, string | number>>;
}

export interface InvalidCase extends RuleCase {
  findings: readonly ExpectedFinding[];
}

/** The findings of `ruleId` (and its sub-rules) for one change. */
async function findingsOf(ruleId: string, input: ChangeInput, rule: Rule<never> | undefined): Promise<Finding[]> {
  const findings = rule ? await runRule(rule, { old: input.old, files: input.files, config: input.config }) : (await checkChange(input)).findings;
  return findings.filter((f) => f.rule === ruleId || f.rule.startsWith(`${ruleId}/`));
}

export function ruleTester(ruleId: string, cases: { valid: readonly RuleCase[]; invalid: readonly InvalidCase[] }, opts: { rule?: Rule<never> } = {}): void {
  const meta = (opts.rule ?? rules.find((r) => r.meta.id === ruleId))?.meta;
  describe(`${ruleId} (rule tester, real engine${opts.rule ? ', in memory' : ''})`, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        expect((await findingsOf(ruleId, c, opts.rule)).map((f) => `${f.rule} ${f.path}:${f.line} ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const got = await findingsOf(ruleId, c, opts.rule);
        expect(got.map((f) => f.rule)).toEqual(c.findings.map((e) => (e.subRule ? `${ruleId}/${e.subRule}` : ruleId)));
        c.findings.forEach((e, i) => {
          const f = got[i]!;
          if (e.path !== undefined) expect(f.path).toBe(e.path);
          if (e.line !== undefined) expect(f.line).toBe(e.line);
          if (e.severity !== undefined) expect(f.severity).toBe(e.severity);
          if (typeof e.message === 'string') expect(f.message).toBe(e.message);
          else if (e.message) expect(f.message).toMatch(e.message);
          if (e.data !== undefined && e.messageId === undefined) throw new Error('an expected finding with data names its messageId');
          if (e.messageId !== undefined) {
            const spec = meta?.messages?.[e.messageId];
            expect(spec, `${ruleId} declares no message ${e.messageId}`).toBeDefined();
            expect(f.messageId).toBe(e.messageId);
            if (e.data !== undefined) expect(f.message).toBe(fillTemplate(spec!.text, e.data));
          }
        });
      });
    }
  });
}
