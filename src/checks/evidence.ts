// Whether the receipts attached to a tree show that each required check passed on it.
//
// A receipt counts for check C on tree T when it is well formed, names C, T and this repository,
// carries the command digest of C as THIS policy defines it (the server's policy on the server), and
// exited 0. Where signed evidence is required (pre-receive on protected refs; clients whose policy
// says so), it must also carry an SSH signature (namespace safety-gate-check) by a key of the
// policy's allowed signers that is not revoked, whose principal holds the signer role (default ci),
// is not the pusher nor the author/committer of the change being judged, and for which
// `ssh-keygen -Y verify` exits 0. Any one such receipt is enough; the reasons the others did not
// count are kept for the one line the refusal prints.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Policy } from '../config/schema.js';
import { mayBePusher, normalisePrincipal, type Pusher } from '../approvals/identity.js';
import { parseAllowedSigners, removeVerifyFiles, sigInfo, sshVerify, verifyFiles, type SignerLine, type VerifyFiles } from '../approvals/ssh.js';
import { CHECK_NAMESPACE, commandDigest, type CheckReceipt, type ReceiptEntry } from './receipt.js';

export interface EvidenceRequirement {
  /** Only signed receipts count. */
  signed: boolean;
  /** Role whose members may sign receipts (approvals.roles). */
  role: string;
  /** Directory a relative approvals.allowed_signers is resolved against ($GIT_DIR on the server, the work tree on a client). */
  signersBase: string;
  /**
   * Who may not sign evidence for this change: the pusher, and the change's author/committer
   * emails. On the server a pusher the platform did not name could be any signer, so no signed
   * receipt counts then (fail closed); `null`: no pusher to hold against (client doors).
   */
  pusher: Pusher | null;
  selfEmails: string[];
  repoId: string;
}

export interface CheckVerdict {
  check: string;
  ok: boolean;
  /** The receipt that counted. */
  receipt: CheckReceipt | null;
  /** Who signed it (null: unsigned, accepted as local evidence). */
  signer: string | null;
  /** Why no receipt counted (empty when ok). */
  why: string[];
}

const short = (oid: string) => oid.slice(0, 12);

/** Verifies signatures for one run, with one set of temporary files. */
export class SignatureChecker {
  private files: VerifyFiles | null = null;
  private signers: SignerLine[] | null = null;
  private problem: string | null = null;
  private cache = new Map<string, Promise<{ ok: true; principal: string; names: string[] } | { ok: false; why: string }>>();

  constructor(policy: Policy, base: string) {
    const path = policy.approvals?.allowed_signers;
    if (!path) {
      this.problem = 'the policy names no approvals.allowed_signers, so no receipt signature can be verified';
      return;
    }
    const file = isAbsolute(path) ? path : join(base, path);
    try {
      this.signers = parseAllowedSigners(readFileSync(file, 'utf8'));
    } catch (e) {
      this.problem = `the allowed signers file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
    }
  }

  /** The principal a receipt's signature verifies for, or why it does not. */
  verify(entry: ReceiptEntry): Promise<{ ok: true; principal: string; names: string[] } | { ok: false; why: string }> {
    let p = this.cache.get(entry.line);
    if (!p) {
      p = this.verifyOnce(entry);
      this.cache.set(entry.line, p);
    }
    return p;
  }

  private async verifyOnce(entry: ReceiptEntry): Promise<{ ok: true; principal: string; names: string[] } | { ok: false; why: string }> {
    if (!entry.signature) return { ok: false, why: 'the receipt is unsigned' };
    const info = sigInfo(entry.signature);
    if (!info) return { ok: false, why: 'the receipt carries no SSH signature' };
    if (info.namespace !== CHECK_NAMESPACE) return { ok: false, why: `the receipt is signed for namespace "${info.namespace}", not "${CHECK_NAMESPACE}"` };
    if (this.problem || !this.signers) return { ok: false, why: this.problem ?? 'no allowed signers' };
    const lines = this.signers.filter((l) => l.key === info.key && l.keyType === info.keyType);
    const revoked = lines.find((l) => l.revoked);
    if (revoked) return { ok: false, why: `the receipt is signed by a revoked key of ${revoked.principals[0]} (${info.fingerprint})` };
    if (lines.length === 0) return { ok: false, why: `the receipt is signed by a key that is not in the allowed signers (${info.fingerprint})` };
    const principal = lines.flatMap((l) => l.principals).find((p) => !/[*?!]/.test(p));
    if (!principal) return { ok: false, why: `the receipt is signed by a key whose allowed_signers line names only patterns (${info.fingerprint})` };
    this.files ??= verifyFiles(this.signers);
    const good = await sshVerify(this.files, principal, CHECK_NAMESPACE, entry.data, entry.signature);
    if (!good) return { ok: false, why: `the signature of ${principal}'s receipt does not verify (receipt altered or signature forged)` };
    return { ok: true, principal, names: [...new Set(lines.flatMap((l) => l.principals))] };
  }

  close(): void {
    if (this.files) removeVerifyFiles(this.files);
    this.files = null;
  }
}

/** The verdict for each of `checks` on `tree`, from the receipts attached to it. */
export async function judgeTree(
  policy: Policy,
  checks: readonly string[],
  tree: string,
  entries: readonly ReceiptEntry[],
  req: EvidenceRequirement,
  sigs: SignatureChecker,
): Promise<CheckVerdict[]> {
  const members = new Set((policy.approvals?.roles[req.role] ?? []).map(normalisePrincipal));
  const self = new Set(req.selfEmails.map(normalisePrincipal));
  const out: CheckVerdict[] = [];
  for (const name of checks) {
    const def = policy.checks?.[name];
    const verdict: CheckVerdict = { check: name, ok: false, receipt: null, signer: null, why: [] };
    out.push(verdict);
    if (!def) {
      verdict.why.push(`the policy does not define check ${name}`);
      continue;
    }
    const digest = commandDigest(def);
    const mine = entries.filter((e) => e.problem !== null || e.receipt?.check === name);
    for (const e of mine) {
      const r = e.receipt;
      if (!r) {
        verdict.why.push(`an entry ${e.problem}`);
        continue;
      }
      if (r.tree !== tree) {
        verdict.why.push(`a receipt is for tree ${short(r.tree)}, not this tree`);
        continue;
      }
      if (r.repo !== req.repoId) {
        verdict.why.push(`a receipt is for repository "${r.repo}", not "${req.repoId}"`);
        continue;
      }
      if (r.command_digest !== digest) {
        verdict.why.push('a receipt ran another command or environment than the policy defines for it');
        continue;
      }
      if (r.exit_code !== 0) {
        verdict.why.push(`the check failed (exit ${r.exit_code} at ${r.time})`);
        continue;
      }
      if (!req.signed) {
        verdict.ok = true;
        verdict.receipt = r;
        break;
      }
      if (!e.signature) {
        verdict.why.push(`a passing receipt is unsigned; only receipts signed by the ${req.role} role count here`);
        continue;
      }
      if (req.pusher && req.pusher.name === null) {
        verdict.why.push('the platform did not name the pusher (GITHUB_USER_LOGIN, GL_USERNAME, GITEA_PUSHER_NAME, REMOTE_USER), so no signed receipt can be checked against it');
        continue;
      }
      const v = await sigs.verify(e);
      if (!v.ok) {
        verdict.why.push(v.why);
        continue;
      }
      if (!v.names.some((n) => members.has(n))) {
        verdict.why.push(`${v.principal} signed a passing receipt but holds no ${req.role} role (roles come from the server policy)`);
        continue;
      }
      if (v.names.some((n) => self.has(n)) || (req.pusher && mayBePusher(req.pusher, v.names))) {
        verdict.why.push(`${v.principal} signed its own change's receipt; evidence comes from the ${req.role} role, never from the pusher or author`);
        continue;
      }
      verdict.ok = true;
      verdict.receipt = r;
      verdict.signer = v.principal;
      break;
    }
    if (!verdict.ok && mine.length === 0) verdict.why.push('no receipt');
    if (verdict.ok) verdict.why = [];
  }
  return out;
}
