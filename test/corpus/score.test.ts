// The scorer itself: a finding with the right rule, path and line but the wrong severity, or a
// case whose decision flips, must fail (the mutation "live-endpoint downgraded to warn" did not).
import { describe, expect, it } from 'vitest';
import { judgeCase, type CorpusCase } from './score.js';

const c: CorpusCase = {
  file: 'live-endpoint/x.yaml',
  dir: 'live-endpoint',
  description: 'x',
  files: { 'a.py': 'x' },
  expect: [{ rule: 'live-endpoint', path: 'a.py', line: 1 }],
};
const finding = (severity: string) => ({ rule: 'live-endpoint', path: 'a.py', line: 1, severity });

describe('corpus scorer', () => {
  it('accepts the labelled finding at its default severity (block) and the block decision', () => {
    const o = judgeCase(c, [finding('block')]);
    expect(o).toMatchObject({ fp: [], fn: [], decision: { expected: 'block', actual: 'block' } });
  });

  it('a finding downgraded to warn is a false negative and a false positive, and the decision flips', () => {
    const o = judgeCase(c, [finding('warn')]);
    expect(o.fn).toEqual(['live-endpoint|a.py|1|block']);
    expect(o.fp).toEqual(['live-endpoint|a.py|1|warn']);
    expect(o.decision).toEqual({ expected: 'block', actual: 'pass' });
  });

  it('a case labelled warn expects a pass', () => {
    const o = judgeCase({ ...c, expect: [{ ...c.expect[0]!, severity: 'warn' }] }, [finding('warn')]);
    expect(o).toMatchObject({ fp: [], fn: [], decision: { expected: 'pass', actual: 'pass' } });
  });

  it('an explicit decision is compared, and ignored rules do not decide', () => {
    const o = judgeCase({ ...c, expect: [], ignore_rules: ['live-endpoint'], decision: 'pass' }, [finding('block')]);
    expect(o).toMatchObject({ fp: [], fn: [], decision: { expected: 'pass', actual: 'pass' } });
  });
});
