// The labelled corpus: test/corpus/<rule>/<case>.yaml. Each case is a change (old files,
// new files, optional config and task) and the exact findings expected ({rule, path, line,
// severity}); an empty list is a negative case. Every finding of every rule counts: a stray
// finding is a false positive of its rule, unless the case lists that rule under `ignore_rules`.
//
// Severity is part of a finding's identity: `severity` defaults to `block`, so a rule whose
// findings are quietly downgraded to `warn` (the commit then exits 0) fails every case that
// expects it to block. The case's pass/block decision is compared too: `decision` defaults to
// `block` when an expected finding blocks, else `pass` (judged over the findings the case does
// not ignore).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { checkChange } from '../helpers/rule-harness.js';

export interface CorpusCase {
  file: string;
  dir: string;
  description: string;
  config?: Record<string, unknown>;
  old?: Record<string, string>;
  files: Record<string, string | null>;
  task?: Record<string, unknown>;
  env?: Record<string, string>;
  ignore_rules?: string[];
  expect: { rule: string; path: string; line?: number | null; severity?: 'block' | 'warn' }[];
  /** The decision the case must produce; default: derived from the expected severities. */
  decision?: 'pass' | 'block';
}

const CORPUS_DIR = import.meta.dirname;

export function loadCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const dir of readdirSync(CORPUS_DIR).sort()) {
    const full = join(CORPUS_DIR, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const f of readdirSync(full).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      const data = parse(readFileSync(join(full, f), 'utf8')) as Omit<CorpusCase, 'file' | 'dir'>;
      cases.push({ ...data, expect: data.expect ?? [], file: `${dir}/${f}`, dir });
    }
  }
  return cases;
}

const key = (f: { rule: string; path: string | null; line?: number | null; severity?: string }) => `${f.rule}|${f.path}|${f.line ?? '-'}|${f.severity ?? 'block'}`;

export interface CaseOutcome {
  tp: string[];
  fp: string[];
  fn: string[];
  /** Expected and actual pass/block decision. */
  decision: { expected: 'pass' | 'block'; actual: 'pass' | 'block' };
}

function expectedDecision(c: CorpusCase): 'pass' | 'block' {
  return c.decision ?? (c.expect.some((e) => (e.severity ?? 'block') === 'block') ? 'block' : 'pass');
}

export async function runCase(c: CorpusCase): Promise<CaseOutcome> {
  const { findings } = await checkChange({ old: c.old, files: c.files, config: c.config, task: c.task, env: c.env });
  return judgeCase(c, findings);
}

/** Compares the findings of a run with the case's labels: rule, path, line, severity, decision. */
export function judgeCase(c: CorpusCase, findings: readonly { rule: string; path: string | null; line: number | null; severity: string }[]): CaseOutcome {
  const ignored = new Set(c.ignore_rules ?? []);
  const judged = findings.filter((f) => !ignored.has(f.rule.split('/')[0]!) && !ignored.has(f.rule));
  const actual = new Set(judged.map(key));
  const expected = new Set(c.expect.map(key));
  return {
    tp: [...expected].filter((k) => actual.has(k)),
    fp: [...actual].filter((k) => !expected.has(k)),
    fn: [...expected].filter((k) => !actual.has(k)),
    decision: { expected: expectedDecision(c), actual: judged.some((f) => f.severity === 'block') ? 'block' : 'pass' },
  };
}

export interface RuleScore {
  rule: string;
  cases: number;
  positives: number;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export function score(results: { c: CorpusCase; o: CaseOutcome }[]): RuleScore[] {
  const by = new Map<string, RuleScore>();
  const get = (rule: string) => {
    let s = by.get(rule);
    if (!s) by.set(rule, (s = { rule, cases: 0, positives: 0, tp: 0, fp: 0, fn: 0, precision: 1, recall: 1 }));
    return s;
  };
  for (const { c, o } of results) {
    get(c.dir).cases++;
    for (const e of c.expect) get(e.rule).positives++;
    for (const k of o.tp) get(k.split('|')[0]!).tp++;
    for (const k of o.fp) get(k.split('|')[0]!).fp++;
    for (const k of o.fn) get(k.split('|')[0]!).fn++;
  }
  for (const s of by.values()) {
    s.precision = s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp);
    s.recall = s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn);
  }
  return [...by.values()].sort((a, b) => a.rule.localeCompare(b.rule));
}

export function formatScores(scores: RuleScore[]): string {
  const rows = scores.map(
    (s) => `| ${s.rule} | ${s.cases} | ${s.positives} | ${s.tp} | ${s.fp} | ${s.fn} | ${(s.precision * 100).toFixed(1)} % | ${(s.recall * 100).toFixed(1)} % |`,
  );
  return ['| rule | case files | expected findings | TP | FP | FN | precision | recall |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
