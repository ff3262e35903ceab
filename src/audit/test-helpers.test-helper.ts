// Shared helpers for the audit tests (never imported by shipped code).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAuditRecord } from './log.js';
import type { AuditRecordInput } from './record.js';

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function input(i: number, over: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    run_id: `run-${i}`,
    door: 'pre-receive',
    repo: '/srv/git/app.git',
    refs: [{ ref: 'refs/heads/main', old: 'a'.repeat(40), new: 'b'.repeat(40) }],
    commits: ['b'.repeat(40)],
    policy_hash: 'c'.repeat(64),
    policy_id: 'agenttrader-v2',
    decision: i % 3 === 0 ? 'block' : 'pass',
    findings:
      i % 3 === 0
        ? [
            {
              rule: 'forbidden-value',
              severity: 'block',
              message: 'AGENT_MODE=EXECUTE',
              path: 'config/app.env',
              line: 3,
              column: 1,
              commit: 'b'.repeat(40),
              ref: 'refs/heads/main',
              remediation: 'x',
            },
          ]
        : [],
    actor: { source: 'github', name: 'octocat' },
    retention_class: 'main-180d',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    ...over,
  };
}

export async function writeLog(path: string, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) await appendAuditRecord(path, input(i), { noSync: true });
}

export function readLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
}

export function writeLines(path: string, lines: string[], trailingNewline = true): void {
  writeFileSync(path, lines.join('\n') + (trailingNewline ? '\n' : ''));
}
