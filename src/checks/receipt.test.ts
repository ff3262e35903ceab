import { describe, expect, it } from 'vitest';
import { RECEIPT_TYPE, encodeReceipt, notePaths, parseReceiptNote, receiptBytes, type CheckReceipt } from './receipt.js';

export const sampleReceipt = (over: Partial<CheckReceipt> = {}): CheckReceipt => ({
  type: RECEIPT_TYPE,
  repo: 'acme/trading',
  check: 'unit',
  command_digest: 'a'.repeat(64),
  tree: 'b'.repeat(40),
  exit_code: 0,
  duration_ms: 12,
  output_digest: 'c'.repeat(64),
  time: '2026-12-02T12:00:00.000Z',
  runner: { host: 'ci-1', user: 'ci', tool: 'safety-gate 0.1.0' },
  ...over,
});

describe('receipt entries', () => {
  it('round-trips an unsigned and a signed receipt, one line each', () => {
    const r = sampleReceipt();
    const text = `${encodeReceipt(r, null)}\n${encodeReceipt(r, Buffer.from('SSHSIG-bytes'))}\nsome other note text\n`;
    const entries = parseReceiptNote(text);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.receipt).toEqual(r);
    expect(entries[0]!.signature).toBeNull();
    expect(entries[1]!.signature!.toString()).toBe('SSHSIG-bytes');
    expect(entries[1]!.data.equals(receiptBytes(r))).toBe(true);
  });

  it.each([
    ['safety-gate-check v2 e30= -', 'is not a well-formed receipt entry'],
    ['safety-gate-check v1 not*base64 -', 'is not a well-formed receipt entry'],
    [`safety-gate-check v1 ${Buffer.from('{nope').toString('base64')} -`, 'holds a receipt that is not JSON'],
    [`safety-gate-check v1 ${Buffer.from('{"type":"other"}').toString('base64')} -`, 'holds a receipt of type "other"'],
    [`safety-gate-check v1 ${Buffer.from(JSON.stringify({ ...sampleReceipt(), tree: 'HEAD' })).toString('base64')} -`, 'holds a receipt without repository, check or tree'],
    [`safety-gate-check v1 ${Buffer.from(JSON.stringify({ ...sampleReceipt(), exit_code: '0' })).toString('base64')} -`, 'holds a receipt without exit code or duration'],
  ])('says why %s is no receipt', (line, why) => {
    const [e] = parseReceiptNote(line);
    expect(e!.receipt).toBeNull();
    expect(e!.problem).toContain(why);
  });

  it('refuses a receipt that is not in canonical form (the signed bytes are the canonical JSON)', () => {
    const r = sampleReceipt();
    const { tree, ...rest } = r;
    const reordered = JSON.stringify({ tree, ...rest });
    const [e] = parseReceiptNote(`safety-gate-check v1 ${Buffer.from(reordered).toString('base64')} -`);
    expect(e!.problem).toBe('holds a receipt that is not in canonical form');
  });

  it('looks notes up under every fan-out git uses', () => {
    const oid = '0123456789abcdef0123456789abcdef01234567';
    expect(notePaths(oid)).toEqual([oid, `01/${oid.slice(2)}`, `01/23/${oid.slice(4)}`]);
  });
});
