// Which receipts count, with real ssh-keygen keys made here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandbox, type Sandbox } from '../../test/helpers/repo.js';
import { makeKeys, type Keys, type Person } from '../../test/e2e/approval-keys.js';
import { sshSign } from '../approvals/ssh.js';
import { pusherIdentity } from '../approvals/identity.js';
import type { Policy } from '../config/schema.js';
import { SignatureChecker, judgeTree, type EvidenceRequirement } from './evidence.js';
import { CHECK_NAMESPACE, RECEIPT_TYPE, commandDigest, encodeReceipt, parseReceiptNote, receiptBytes, type CheckReceipt } from './receipt.js';

let sb: Sandbox;
let keys: Keys;
let policy: Policy;
const TREE = 'b'.repeat(40);
const UNIT = { command: ['make', 'test'], env: { TRADING_MODE: 'paper' }, timeout: '10m' };

beforeAll(() => {
  sb = sandbox();
  keys = makeKeys(sb.dir, ['carol', 'dave', 'mallory', 'rita', 'eve']);
  policy = {
    checks: { unit: UNIT },
    approvals: { allowed_signers: keys.allowedSigners, roles: { ci: ['carol@example.com', 'dave@example.com', 'rita@example.com'] } },
  } as unknown as Policy;
});
afterAll(() => sb.cleanup());

const receipt = (over: Partial<CheckReceipt> = {}): CheckReceipt => ({
  type: RECEIPT_TYPE,
  repo: 'acme',
  check: 'unit',
  command_digest: commandDigest(UNIT),
  tree: TREE,
  exit_code: 0,
  duration_ms: 5,
  output_digest: 'c'.repeat(64),
  time: '2026-12-02T12:00:00.000Z',
  runner: { host: 'h', user: 'u', tool: 't' },
  ...over,
});
async function entry(r: CheckReceipt, who: Person | null, namespace = CHECK_NAMESPACE) {
  const sig = who ? (await sshSign(keys.key(who), namespace, receiptBytes(r))).blob : null;
  return parseReceiptNote(encodeReceipt(r, sig))[0]!;
}
const req = (over: Partial<EvidenceRequirement> = {}): EvidenceRequirement => ({
  signed: false,
  role: 'ci',
  signersBase: sb.dir,
  pusher: null,
  selfEmails: [],
  repoId: 'acme',
  ...over,
});
async function judge(entries: Awaited<ReturnType<typeof entry>>[], r: EvidenceRequirement) {
  const sigs = new SignatureChecker(policy, sb.dir);
  try {
    const [v] = await judgeTree(policy, ['unit'], TREE, entries, r, sigs);
    return v!;
  } finally {
    sigs.close();
  }
}

describe('judgeTree', () => {
  it('local evidence: a passing unsigned receipt for this tree, command and repository counts', async () => {
    expect((await judge([await entry(receipt(), null)], req())).ok).toBe(true);
    expect((await judge([], req())).why).toEqual(['no receipt']);
    expect((await judge([await entry(receipt({ exit_code: 2 }), null)], req())).why[0]).toMatch(/^the check failed \(exit 2 at /);
    expect((await judge([await entry(receipt({ tree: 'a'.repeat(40) }), null)], req())).why).toEqual([`a receipt is for tree ${'a'.repeat(12)}, not this tree`]);
    expect((await judge([await entry(receipt({ command_digest: 'd'.repeat(64) }), null)], req())).why).toEqual([
      'a receipt ran another command or environment than the policy defines for it',
    ]);
    expect((await judge([await entry(receipt({ repo: 'other' }), null)], req())).why).toEqual(['a receipt is for repository "other", not "acme"']);
    // One passing receipt among failed runs is enough.
    expect((await judge([await entry(receipt({ exit_code: 1 }), null), await entry(receipt(), null)], req())).ok).toBe(true);
  });

  it('signed evidence: only a verified signature by a ci member who is neither pusher nor author', async () => {
    const signed = req({ signed: true, pusher: pusherIdentity({ dave: 'dave@example.com' }, { source: 'remote-user', name: 'dave' }), selfEmails: ['dave@example.com'] });
    const ok = await judge([await entry(receipt(), 'carol')], signed);
    expect([ok.ok, ok.signer]).toEqual([true, 'carol@example.com']);
    expect((await judge([await entry(receipt(), null)], signed)).why).toEqual(['a passing receipt is unsigned; only receipts signed by the ci role count here']);
    expect((await judge([await entry(receipt(), 'mallory')], signed)).why).toEqual([
      'mallory@example.com signed a passing receipt but holds no ci role (roles come from the server policy)',
    ]);
    expect((await judge([await entry(receipt(), 'dave')], signed)).why).toEqual([
      "dave@example.com signed its own change's receipt; evidence comes from the ci role, never from the pusher or author",
    ]);
    expect((await judge([await entry(receipt(), 'eve')], signed)).why[0]).toMatch(/^the receipt is signed by a key that is not in the allowed signers/);
    expect((await judge([await entry(receipt(), 'carol', 'safety-gate-approval')], signed)).why).toEqual([
      'the receipt is signed for namespace "safety-gate-approval", not "safety-gate-check"',
    ]);
    // A failed run carol signed, edited to pass: the signature no longer verifies.
    const failed = await entry(receipt({ exit_code: 1 }), 'carol');
    const forged = parseReceiptNote(encodeReceipt(receipt(), failed.signature))[0]!;
    expect((await judge([forged], signed)).why).toEqual(["the signature of carol@example.com's receipt does not verify (receipt altered or signature forged)"]);
  });

  it('on the server, a pusher the platform did not name fails closed: no signed receipt counts', async () => {
    const anonymous = req({ signed: true, pusher: pusherIdentity({}, { source: 'unknown', name: null }) });
    expect((await judge([await entry(receipt(), 'carol')], anonymous)).why).toEqual([
      'the platform did not name the pusher (GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER), so no signed receipt can be checked against it',
    ]);
  });

  it('a revoked key never signs evidence (rita is @revoked in allowed_signers, though in the ci role)', async () => {
    expect((await judge([await entry(receipt(), 'rita')], req({ signed: true }))).why[0]).toMatch(/^the receipt is signed by a revoked key of rita@example.com/);
  });
});
