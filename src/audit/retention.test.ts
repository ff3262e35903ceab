import { describe, expect, it } from 'vitest';
import { buildRecord, GENESIS_PREV } from './record.js';
import { recordRetentionClass } from './retention.js';

const tag = { ref: 'refs/tags/agenttrader-v2/v1.0.0', old: 'a'.repeat(40), new: null };
const main = { ref: 'refs/heads/main', old: 'a'.repeat(40), new: 'b'.repeat(40) };

describe('retention of tag decisions', () => {
  it('a decision about a tag is release-7y whatever class was asked for', () => {
    expect(recordRetentionClass('pr-30d', { decision: 'pass', refs: [tag] })).toBe('release-7y');
    expect(recordRetentionClass('override-7y', { decision: 'override', refs: [main, tag] })).toBe('release-7y');
    expect(recordRetentionClass(null, { decision: 'block', refs: [tag] })).toBe('release-7y');
  });

  it('other decisions keep the configured class, else the derived one', () => {
    expect(recordRetentionClass('pr-30d', { decision: 'pass', refs: [main] })).toBe('pr-30d');
    expect(recordRetentionClass(undefined, { decision: 'pass', refs: [main] })).toBe('main-180d');
    expect(recordRetentionClass(undefined, { decision: 'override', refs: [main] })).toBe('override-7y');
    expect(recordRetentionClass(null, { decision: 'pass', refs: [{ ref: 'refs/heads/feature', old: null, new: 'c'.repeat(40) }] })).toBe('pr-30d');
  });

  it('every record is written through it', () => {
    const rec = buildRecord(
      {
        run_id: 'r',
        door: 'pre-receive',
        repo: null,
        refs: [tag],
        policy_hash: null,
        decision: 'override',
        actor: { source: 'remote-user', name: 'dave' },
        retention_class: 'pr-30d',
      },
      1,
      GENESIS_PREV,
    );
    expect(rec.retention_class).toBe('release-7y');
  });
});
