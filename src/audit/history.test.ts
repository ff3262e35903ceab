import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditHistory } from './history.js';

describe('audit history', () => {
  it('counts blocked attempts of one lane, and only those after a reset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lane-trust-history-'));
    try {
      const rec = (time: string, decision: string, lane: string) => JSON.stringify({ time, decision, task: { lane } });
      const log = join(dir, 'audit.jsonl');
      writeFileSync(
        log,
        [
          rec('2026-12-02T10:00:00Z', 'block', 'r/a'),
          rec('2026-12-02T10:01:00Z', 'block', 'r/b'),
          rec('2026-12-02T10:02:00Z', 'pass', 'r/a'),
          rec('2026-12-02T10:03:00Z', 'block', 'r/a'),
          '{torn',
        ].join('\n'),
      );
      const h = auditHistory(log);
      expect(h.blockedAttempts('r/a')).toBe(2);
      expect(h.blockedAttempts('r/a', Date.parse('2026-12-02T10:00:30Z'))).toBe(1);
      expect(h.blockedAttempts('r/a', Date.parse('2026-12-02T10:03:00Z'))).toBe(0);
      expect(h.blockedAttempts('r/c')).toBe(0);
      expect(auditHistory(join(dir, 'missing.jsonl')).blockedAttempts('r/a')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
