// The engine-level inline-exception pass, through the real engine over real staged changes
// (test/helpers/rule-harness.ts), and the hook point the approvals provider installs.
import { afterEach, describe, expect, it } from 'vitest';
import { checkChange } from '../../test/helpers/rule-harness.js';
import { applyInlineExceptions, setExceptionReviewer, type ExceptionReviewRequest } from './suppress.js';
import { Blob } from '../changeset/blob.js';
import type { FileChange } from '../changeset/types.js';
import type { Finding } from './types.js';
import { findingFingerprint } from './fingerprint.js';

const brief = (fs: { rule: string; path: string | null; line: number | null; severity: string }[]) => fs.map((f) => `${f.rule} ${f.path}:${f.line} ${f.severity}`);

afterEach(() => {
  setExceptionReviewer(null);
});

describe('inline exceptions (engine)', () => {
  it('an old exception (same rule, same covered line, same comment) is not new, wherever the line moved', async () => {
    const line = 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- replay harness (SEC-31)';
    const { report } = await checkChange({ old: { 'config/a.env': `${line}\n` }, files: { 'config/a.env': `X=1\n\n${line}\n` } });
    expect(report.findings).toEqual([]);
    expect(brief(report.suppressed ?? [])).toEqual(['agent-mode config/a.env:3 warn']);
  });

  it('an old exception counts only if it was effective there: planted where it suppressed nothing, it is new once it suppresses', async () => {
    const L = 'AGENT_MODE = "EXECUTE"  # safety-gate: allow agent-mode -- shadow replay harness';
    // Python docstring: the line is a string, agent-mode reports nothing there.
    const py = await checkChange({ old: { 'backend/settings.py': `DOC = """\n${L}\n"""\n` }, files: { 'backend/settings.py': `${L}\n` } });
    expect(brief(py.report.findings)).toEqual(['agent-mode/new-exception backend/settings.py:1 block']);
    expect(py.report.decision).toBe('block');
    // Standalone comment above a line that was inside a string.
    const above = await checkChange({
      old: { 'backend/settings.py': 'DOC = """\n# safety-gate: allow agent-mode -- replay\nAGENT_MODE = "EXECUTE"\n"""\n' },
      files: { 'backend/settings.py': '# safety-gate: allow agent-mode -- replay\nAGENT_MODE = "EXECUTE"\n' },
    });
    expect(brief(above.report.findings)).toEqual(['agent-mode/new-exception backend/settings.py:1 block']);
    // YAML block scalar.
    const Y = 'AGENT_MODE: EXECUTE # safety-gate: allow agent-mode -- shadow replay harness';
    const yaml = await checkChange({ old: { 'config/app.yaml': `notes: |\n  ${Y}\n` }, files: { 'config/app.yaml': `${Y}\n` } });
    expect(brief(yaml.report.findings)).toEqual(['agent-mode/new-exception config/app.yaml:1 block']);
    // The same exception effective in the old version (live code there too) stays old.
    const live = await checkChange({ old: { 'backend/settings.py': `${L}\n` }, files: { 'backend/settings.py': `X = 1\n${L}\n` } });
    expect(live.report.findings).toEqual([]);
    expect(brief(live.report.suppressed ?? [])).toEqual(['agent-mode backend/settings.py:2 warn']);
  });

  it('an old exception of a rule that cannot re-check the old version (no checkFile) is not provably effective: new', async () => {
    // The engine's post-pass directly, for a rule whose findings come from checkCommit/checkRun.
    const text = 'x  # safety-gate: allow sentinel -- reviewed (SEC-1)\n';
    const oldB = new Blob('a'.repeat(40), Buffer.from(text));
    const newB = new Blob('b'.repeat(40), Buffer.from(`# top\n${text}`));
    const change: FileChange = { status: 'M', path: 'f.txt', oldPath: 'f.txt', oldMode: '100644', newMode: '100644', oldOid: oldB.oid, newOid: newB.oid, commit: null };
    const finding: Finding = { rule: 'sentinel', severity: 'block', message: 'm', path: 'f.txt', line: 2, column: 1, commit: null, ref: null, remediation: null };
    const run = (oldFindings: () => Promise<{ rule: string; line: number }[] | null>) =>
      applyInlineExceptions({
        findings: [finding],
        origin: new Map(),
        changeOf: () => change,
        readBlob: async (oid) => (oid === oldB.oid ? oldB : newB),
        ruleSees: () => true,
        oldFindings,
        newExceptionSeverity: () => 'block',
        tree: false,
      });
    expect((await run(async () => null)).findings.map((f) => f.rule)).toEqual(['sentinel/new-exception']);
    // The same exception, when the rule did report that line in the old version: old.
    expect((await run(async () => [{ rule: 'sentinel', line: 1 }])).findings).toEqual([]);
  });

  it('changing the reason makes it new; a copy into another file is new', async () => {
    const line = (r: string) => `AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- ${r}`;
    const reason = await checkChange({ old: { 'config/a.env': line('one') }, files: { 'config/a.env': line('two') } });
    expect(brief(reason.report.findings)).toEqual(['agent-mode/new-exception config/a.env:1 block']);
    const copy = await checkChange({ old: { 'config/a.env': line('one') }, files: { 'config/b.env': line('one') } });
    expect(brief(copy.report.findings)).toEqual(['agent-mode/new-exception config/b.env:1 block']);
  });

  it('an allow comment cannot suppress a new-exception finding, and one comment can name several rules', async () => {
    const { report } = await checkChange({
      files: {
        'k8s/pod.yaml':
          'spec:\n  containers:\n    - name: a\n      # safety-gate: allow image-pinning, live-endpoint/new-exception -- vendor image (OPS-7)\n      image: nginx:latest\n',
      },
    });
    expect(brief(report.findings)).toEqual(['image-pinning/new-exception k8s/pod.yaml:4 block']);
  });

  it('an exception for a warning warns (never stricter than the finding)', async () => {
    const { report } = await checkChange({
      config: { extends: ['agenttrader-v2'], rules: { 'image-pinning': 'warn' } },
      files: { 'k8s/pod.yaml': 'spec:\n  containers:\n    - name: a\n      image: nginx:latest  # safety-gate: allow image-pinning -- vendor (OPS-7)\n' },
    });
    expect(brief(report.findings)).toEqual(['image-pinning/new-exception k8s/pod.yaml:4 warn']);
    expect(report.decision).toBe('pass');
  });

  it('hook point: the reviewer sees the covered rule and the content key; an approval turns the finding into a named warning', async () => {
    const asked: ExceptionReviewRequest[] = [];
    setExceptionReviewer(async (req) => {
      asked.push(req);
      return { approved: true, by: 'alice@example.com', detail: 'approved by alice@example.com (SEC-31)' };
    });
    const { report } = await checkChange({ files: { 'config/a.env': 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- replay harness (SEC-31)\n' } });
    expect(asked).toMatchObject([{ rule: 'agent-mode', path: 'config/a.env', line: 1, commit: null, reason: 'replay harness (SEC-31)' }]);
    expect(brief(report.findings)).toEqual(['agent-mode/new-exception config/a.env:1 warn']);
    expect(report.findings[0]!.message).toContain('approved by alice@example.com (SEC-31)');
    expect(report.findings[0]!.covers).toBe('agent-mode');
    expect(report.decision).toBe('pass');

    setExceptionReviewer(async () => ({ approved: false, by: null, detail: 'no approval' }));
    const refused = await checkChange({ files: { 'config/a.env': 'AGENT_MODE=EXECUTE  # safety-gate: allow agent-mode -- replay harness (SEC-31)\n' } });
    expect(refused.report.decision).toBe('block');
  });

  it('fingerprints use the finding line content: the same line elsewhere in the file has the same fingerprint', async () => {
    const { report } = await checkChange({ files: { 'config/a.env': 'AGENT_MODE=EXECUTE\nX=1\n  AGENT_MODE=EXECUTE\n' } });
    const fps = report.findings.map((f) => f.fingerprint);
    expect(fps).toHaveLength(2);
    expect(fps[0]).toBe(fps[1]);
    expect(fps[0]).toBe(findingFingerprint({ rule: 'agent-mode', path: 'config/a.env', message: 'whatever', content: 'AGENT_MODE=EXECUTE' }));
  });
});
