// Statements other than approvals that the gate trusts only when signed (task envelopes, lane
// resets): one verifier over the policy's allowed signers, the role it must hold, and the
// identity rules of approvals (a revoked key, an unknown key, an agent identity never counts).
// The signature counts only on `ssh-keygen -Y verify` exit status 0.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Policy } from '../config/schema.js';
import type { GitAccess } from '../rules/types.js';
import { agentMatcher } from './agents.js';
import { normalisePrincipal } from './identity.js';
import { parseAllowedSigners, removeVerifyFiles, sigInfo, sshVerify, verifyFiles, type SignerLine, type VerifyFiles } from './ssh.js';

type Signed = { ok: true; principal: string; names: string[] } | { ok: false; why: string };

export interface Trust {
  /** Verify `sig` over `data` for `namespace`, by a key holding one of `roles`, not an agent identity. */
  verify(data: Buffer, sig: Buffer, namespace: string, roles: readonly string[], what: string): Promise<Signed>;
  close(): void;
}

/** The allowed signers file: absolute, or relative to $GIT_DIR on the server and the work tree elsewhere. */
function readAllowedSigners(policy: Policy, git: Pick<GitAccess, 'gitDir' | 'workTree'>, server: boolean): { lines: SignerLine[] | null; problem: string | null } {
  const file = policy.approvals?.allowed_signers;
  if (!file) return { lines: null, problem: 'the policy names no approvals.allowed_signers, so no signature can be verified' };
  const base = server ? git.gitDir : (git.workTree ?? git.gitDir);
  const path = isAbsolute(file) ? file : join(base, file);
  try {
    return { lines: parseAllowedSigners(readFileSync(path, 'utf8')), problem: null };
  } catch (e) {
    return { lines: null, problem: `the allowed signers file ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

export function openTrust(policy: Policy, git: Pick<GitAccess, 'gitDir' | 'workTree'>, server: boolean): Trust {
  const signers = readAllowedSigners(policy, git, server);
  const agents = agentMatcher(policy);
  const roles = new Map(Object.entries(policy.approvals?.roles ?? {}).map(([r, m]) => [r, new Set(m.map(normalisePrincipal))]));
  let files: VerifyFiles | null = null;
  return {
    async verify(data, sig, namespace, wanted, what) {
      const info = sigInfo(sig);
      if (!info) return { ok: false, why: `${what} carries no SSH signature` };
      if (info.namespace !== namespace) return { ok: false, why: `${what} is signed for namespace "${info.namespace}", not "${namespace}"` };
      if (!signers.lines) return { ok: false, why: signers.problem! };
      const lines = signers.lines.filter((l) => l.key === info.key && l.keyType === info.keyType);
      const revoked = lines.find((l) => l.revoked);
      if (revoked) return { ok: false, why: `${what} is signed by a revoked key of ${revoked.principals[0]} (${info.fingerprint})` };
      if (lines.length === 0) return { ok: false, why: `${what} is signed by a key that is not in the allowed signers (${info.fingerprint})` };
      const principal = lines.flatMap((l) => l.principals).find((p) => !/[*?!]/.test(p));
      if (!principal) return { ok: false, why: `${what} is signed by a key whose allowed_signers line names only patterns (${info.fingerprint})` };
      files ??= verifyFiles(signers.lines);
      if (!(await sshVerify(files, principal, namespace, data, sig))) return { ok: false, why: `the signature of ${principal} over ${what} does not verify (altered or forged)` };
      const names = [...new Set(lines.flatMap((l) => l.principals))];
      if (agents.isAgentPrincipal(names)) return { ok: false, why: `${what} is signed by ${principal}, an agent identity (agents.identities): an agent never vouches for itself` };
      if (!wanted.some((r) => names.some((n) => roles.get(r)?.has(n)))) {
        return { ok: false, why: `${what} is signed by ${principal}, who holds none of the roles ${wanted.join(', ')} (roles come from the server policy)` };
      }
      return { ok: true, principal, names };
    },
    close() {
      if (files) removeVerifyFiles(files);
      files = null;
    },
  };
}
