import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../config/canonical.js';
import { decodeTrailerValue, encodeTrailerValue, statementBytes, type TaskStatement } from './signed-task.js';

const st: TaskStatement = {
  type: 'safety-gate/task@1',
  repo: 'acme/app',
  issued_at: '2026-12-02T10:00:00.000Z',
  expires_at: '2026-12-09T10:00:00.000Z',
  envelope: { run_id: '5f1d7c2e-8a4b-4e0f-9c6d-3b2a1f0e9d8c', task_scope: { kind: 'file', target: 'src/**' } },
};
const sig = Buffer.from('SSHSIG-not-verified-here');

describe('Task-Envelope trailer', () => {
  it('round-trips the exact signed bytes', () => {
    const d = decodeTrailerValue(encodeTrailerValue(st, sig));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.data.equals(statementBytes(st))).toBe(true);
    expect(d.sig.equals(sig)).toBe(true);
    expect(d.statement.envelope).toEqual(st.envelope);
  });

  it.each([
    ['not three fields', 'v1 abc'],
    ['another version', `v2 ${statementBytes(st).toString('base64')} ${sig.toString('base64')}`],
    ['not JSON', `v1 ${Buffer.from('nope').toString('base64')} ${sig.toString('base64')}`],
    ['another type', `v1 ${Buffer.from(canonicalJson({ ...st, type: 'safety-gate/approval@1' })).toString('base64')} ${sig.toString('base64')}`],
    ['no envelope', `v1 ${Buffer.from(canonicalJson({ ...st, envelope: null })).toString('base64')} ${sig.toString('base64')}`],
    [
      'not canonical',
      `v1 ${Buffer.from(JSON.stringify({ type: st.type, repo: st.repo, issued_at: st.issued_at, expires_at: st.expires_at, envelope: st.envelope })).toString('base64')} ${sig.toString('base64')}`,
    ],
  ])('refuses %s', (_what, value) => {
    const d = decodeTrailerValue(value);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.problem).toMatch(/Task-Envelope/);
  });
});
