// The `git verify-tag` wrapper. A tag counts as signed by a release signer only when
// `git verify-tag --raw` exits 0 with gpg.format=ssh and gpg.ssh.allowedSignersFile naming a
// file that holds ONLY the lines of the server's allowed signers whose principals hold a signer
// role (revoked keys in gpg.ssh.revocationFile). The exit status is the verdict: with SSH
// signatures git's --raw output is ssh-keygen's own prose (there are no GOODSIG/VALIDSIG status
// lines as gpg writes them), and the gate never reads prose. Which principal signed is not taken
// from any output either: the SSHSIG blob in the tag names its public key, and that key's lines in
// the allowed signers name the principals (the key in the blob is the one ssh-keygen verified).
//
// git picks the verifier by the signature's armour, not by gpg.format: a PGP or X.509 signature
// would be checked by gpg against whatever keyring the server has. So only an SSH signature is
// handed to git, and gpg, gpgsm and the openpgp program are set to `false` besides.
import { normalisePrincipal } from '../../approvals/identity.js';
import { dearmor, removeVerifyFiles, sigInfo, verifyFiles, type SignerLine } from '../../approvals/ssh.js';
import type { GitAccess } from '../types.js';

export interface TagObject {
  /** The object the tag names and its type as the tag states it. */
  object: string;
  type: string;
  /** The name written in the tag object (`tag` header). */
  tag: string | null;
  tagger: string | null;
  /** The signature's armour kind, or null when the tag is not signed. */
  signature: { kind: 'ssh' | 'pgp' | 'x509'; armored: string } | null;
}

const BEGIN: [string, 'ssh' | 'pgp' | 'x509'][] = [
  ['-----BEGIN SSH SIGNATURE-----', 'ssh'],
  ['-----BEGIN PGP SIGNATURE-----', 'pgp'],
  ['-----BEGIN PGP MESSAGE-----', 'pgp'],
  ['-----BEGIN SIGNED MESSAGE-----', 'x509'],
];

/** Reads a tag object's headers and trailing signature the way git does (the last armour line starts it). */
export function parseTagObject(text: string): TagObject | null {
  const end = text.indexOf('\n\n');
  const head = end < 0 ? text : text.slice(0, end);
  const h = new Map<string, string>();
  for (const line of head.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0 && !h.has(line.slice(0, sp))) h.set(line.slice(0, sp), line.slice(sp + 1));
  }
  const object = h.get('object');
  const type = h.get('type');
  if (!object || !type) return null;
  let signature: TagObject['signature'] = null;
  if (end >= 0) {
    let at = end + 2;
    let start = -1;
    let kind: 'ssh' | 'pgp' | 'x509' = 'ssh';
    while (at < text.length) {
      const nl = text.indexOf('\n', at);
      const line = text.slice(at, nl < 0 ? text.length : nl);
      const b = BEGIN.find(([marker]) => line.startsWith(marker));
      if (b) {
        start = at;
        kind = b[1];
      }
      at = nl < 0 ? text.length : nl + 1;
    }
    if (start >= 0) signature = { kind, armored: text.slice(start) };
  }
  return { object, type, tag: h.get('tag') ?? null, tagger: h.get('tagger') ?? null, signature };
}

export type SignerVerdict = { ok: true; principal: string } | { ok: false; why: string };

/**
 * Whether the tag object `oid` carries an SSH signature by a principal of `roles`, verified by
 * `git verify-tag`. `signers` is the server's allowed signers, parsed (revoked lines included).
 */
export async function verifyReleaseSignature(
  git: GitAccess,
  oid: string,
  tag: TagObject,
  signers: SignerLine[],
  roles: Record<string, string[]>,
  signerRoles: readonly string[],
  now: number = Date.now(),
): Promise<SignerVerdict> {
  const sig = tag.signature;
  if (!sig) return { ok: false, why: 'the tag is not signed' };
  if (sig.kind !== 'ssh')
    return { ok: false, why: `the tag carries a ${sig.kind === 'pgp' ? 'PGP' : 'X.509'} signature; release tags are signed with SSH keys (git tag -s with gpg.format=ssh)` };
  const blob = dearmor(sig.armored);
  const info = blob ? sigInfo(blob) : null;
  if (!info) return { ok: false, why: 'the tag carries an SSH signature block that cannot be read' };
  const members = new Set(signerRoles.flatMap((r) => roles[r] ?? []).map(normalisePrincipal));
  const own = signers.filter((l) => l.key === info.key && l.keyType === info.keyType);
  const revoked = own.find((l) => l.revoked);
  if (revoked) return { ok: false, why: `the tag is signed with a revoked key of ${revoked.principals[0]} (${info.fingerprint})` };
  if (own.length === 0) return { ok: false, why: `the tag is signed with a key that is not in the server's allowed signers (${info.fingerprint})` };
  // git verify-tag judges valid-after/valid-before at the tagger's date, which the signer writes:
  // a key that expired is still "valid" for a back-dated tag. The server's clock decides here.
  if (!own.some((l) => validAt(l, now)))
    return { ok: false, why: `the tag is signed with a key of ${own[0]!.principals[0]} that is not valid now (valid-after/valid-before in the allowed signers)` };
  // The file git verifies against: only role holders, each line cut down to its role principals.
  const roleLines: SignerLine[] = [];
  for (const l of signers) {
    if (l.revoked) {
      roleLines.push(l);
      continue;
    }
    const ps = l.principals.filter((p) => members.has(p));
    if (ps.length === 0 || !validAt(l, now)) continue;
    const rest = l.text.slice(l.text.indexOf(' ') + 1);
    roleLines.push({ ...l, principals: ps, text: `${ps.join(',')} ${rest}` });
  }
  const signerNames = [...new Set(own.flatMap((l) => l.principals))];
  const holders = signerNames.filter((p) => members.has(p));
  const roleText = signerRoles.join(' or ');
  const exit = await gitVerifyTag(git, oid, roleLines);
  if (exit === 0 && holders.length > 0) return { ok: true, principal: holders[0]! };
  if (holders.length === 0) {
    // A valid signature or not, this key's principals hold no signer role: name them (the key is
    // in the allowed signers), and say whether the signature itself verifies.
    const any = await gitVerifyTag(git, oid, signers);
    return {
      ok: false,
      why: `the tag is signed by ${signerNames.join(', ')}${any === 0 ? '' : ' (and the signature does not verify)'}, who holds no role ${roleText} (roles come from the server policy)`,
    };
  }
  return { ok: false, why: `the signature of ${holders[0]} does not verify (the tag was altered after signing, or the signature is forged)` };
}

/** `git verify-tag --raw` against exactly these allowed signers; returns its exit status. */
async function gitVerifyTag(git: GitAccess, oid: string, lines: SignerLine[]): Promise<number> {
  const files = verifyFiles(lines);
  try {
    const args = ['-c', 'gpg.format=ssh', '-c', 'gpg.ssh.program=ssh-keygen', '-c', `gpg.ssh.allowedSignersFile=${files.signers}`];
    if (files.revoked) args.push('-c', `gpg.ssh.revocationFile=${files.revoked}`);
    args.push('-c', 'gpg.program=false', '-c', 'gpg.openpgp.program=false', '-c', 'gpg.x509.program=false', 'verify-tag', '--raw', oid);
    const r = await git.run(args);
    return r.code;
  } finally {
    removeVerifyFiles(files);
  }
}

/**
 * Whether an allowed-signers line's valid-after / valid-before options (ssh-keygen's
 * YYYYMMDD[HHMM[SS]], UTC with a trailing Z, else the machine's local time) admit `now`.
 */
export function validAt(line: SignerLine, now: number): boolean {
  for (const m of line.text.matchAll(/(?:^|[\s,])(valid-after|valid-before)="?(\d{8}(?:\d{4}(?:\d{2})?)?)(Z?)"?/gi)) {
    const d = m[2]!;
    const [y, mo, da, h, mi, se] = [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8), d.slice(8, 10) || '00', d.slice(10, 12) || '00', d.slice(12, 14) || '00'].map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const t = m[3] ? Date.UTC(y, mo - 1, da, h, mi, se) : new Date(y, mo - 1, da, h, mi, se).getTime();
    if (m[1]!.toLowerCase() === 'valid-after' ? now < t : now >= t) return false;
  }
  return true;
}
