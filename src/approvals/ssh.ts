// The ssh side of approvals: reading an SSHSIG blob (to name the key and namespace in messages,
// never to trust it), reading an ALLOWED SIGNERS file (to pick the principal to verify against),
// and `ssh-keygen -Y verify`, whose exit status is the only thing that makes a signature count.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalisePrincipal } from './identity.js';

export interface SigInfo {
  /** Base64 of the signer's public key blob (as in authorized_keys / allowed_signers). */
  key: string;
  keyType: string;
  namespace: string;
  fingerprint: string;
}

function readString(buf: Buffer, off: number): [Buffer, number] {
  if (off + 4 > buf.length) throw new Error('truncated');
  const len = buf.readUInt32BE(off);
  if (off + 4 + len > buf.length) throw new Error('truncated');
  return [buf.subarray(off + 4, off + 4 + len), off + 4 + len];
}

/** The public key and namespace an SSHSIG blob claims (null when it is not one). */
export function sigInfo(blob: Buffer): SigInfo | null {
  try {
    if (blob.subarray(0, 6).toString('latin1') !== 'SSHSIG') return null;
    let off = 10; // magic + uint32 version
    const [pub, o1] = readString(blob, off);
    const [ns] = readString(blob, o1);
    off = 0;
    const [type] = readString(pub, off);
    return { key: pub.toString('base64'), keyType: type.toString('latin1'), namespace: ns.toString('utf8'), fingerprint: fingerprintOf(pub) };
  } catch {
    return null;
  }
}

function fingerprintOf(pub: Buffer): string {
  return `SHA256:${createHash('sha256').update(pub).digest('base64').replace(/=+$/, '')}`;
}

/** The armored form ssh-keygen reads. */
function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines = b64.match(/.{1,70}/g) ?? [];
  return `-----BEGIN SSH SIGNATURE-----\n${lines.join('\n')}\n-----END SSH SIGNATURE-----\n`;
}

/** The blob of an armored signature (what `ssh-keygen -Y sign` writes). */
export function dearmor(text: string): Buffer | null {
  const m = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(text);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : null;
}

export interface SignerLine {
  principals: string[];
  keyType: string;
  key: string;
  revoked: boolean;
  /** The line as ssh-keygen should read it (no @revoked marker). */
  text: string;
}

/** Splits on whitespace outside double quotes (options like namespaces="a,b"). */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

const KEY_TYPE = /^(?:ssh-|ecdsa-|sk-|rsa-sha2-)/;

/** ssh-keygen's ALLOWED SIGNERS format, plus `@revoked` lines (a key that approves nothing). Principals come back normalised. */
export function parseAllowedSigners(text: string): SignerLine[] {
  const out: SignerLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let t = tokens(line);
    let revoked = false;
    if (t[0] === '@revoked') {
      revoked = true;
      t = t.slice(1);
    }
    const at = t.findIndex((x, i) => i > 0 && KEY_TYPE.test(x));
    if (at < 1 || !t[at + 1]) continue;
    // Principals in the one form the gate compares them in (trimmed, lower-case), and the line
    // ssh-keygen verifies against rewritten with them, so `-I <normalised principal>` matches.
    const principals = t[0]!.split(',').map(normalisePrincipal).filter(Boolean);
    out.push({
      principals,
      keyType: t[at]!,
      key: t[at + 1]!,
      revoked,
      text: [principals.join(','), ...t.slice(1)].join(' '),
    });
  }
  return out;
}

export interface VerifyFiles {
  /** allowed_signers without revoked lines. */
  signers: string;
  /** Public keys of revoked lines, for `-r`. */
  revoked: string | null;
  dir: string;
}

/** Temporary files for one run's verifications. */
export function verifyFiles(lines: SignerLine[]): VerifyFiles {
  const dir = mkdtempSync(join(tmpdir(), 'safety-gate-approvals-'));
  const signers = join(dir, 'allowed_signers');
  writeFileSync(
    signers,
    lines
      .filter((l) => !l.revoked)
      .map((l) => l.text)
      .join('\n') + '\n',
  );
  const rev = lines.filter((l) => l.revoked);
  let revoked: string | null = null;
  if (rev.length > 0) {
    revoked = join(dir, 'revoked_keys');
    writeFileSync(revoked, rev.map((l) => `${l.keyType} ${l.key}`).join('\n') + '\n');
  }
  return { signers, revoked, dir };
}

export function removeVerifyFiles(f: VerifyFiles): void {
  rmSync(f.dir, { recursive: true, force: true });
}

let seq = 0;

/** One `ssh-keygen -Y verify`; true only on exit status 0. */
export function sshVerify(files: VerifyFiles, principal: string, namespace: string, data: Buffer, sshsig: Buffer): Promise<boolean> {
  const sig = join(files.dir, `sig-${++seq}`);
  writeFileSync(sig, armor(sshsig));
  const args = ['-Y', 'verify', '-f', files.signers, '-I', principal, '-n', namespace, '-s', sig];
  if (files.revoked) args.push('-r', files.revoked);
  return new Promise((resolve) => {
    const child = spawn('ssh-keygen', args, { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
    child.stdin.on('error', () => undefined);
    child.stdin.end(data);
  });
}

/** `ssh-keygen -Y sign` of `data` with a private key file; returns the SSHSIG blob. */
export function sshSign(keyFile: string, namespace: string, data: Buffer): Promise<{ blob: Buffer | null; error: string }> {
  return new Promise((resolve) => {
    const child = spawn('ssh-keygen', ['-Y', 'sign', '-q', '-f', keyFile, '-n', namespace], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ blob: null, error: e.message }));
    child.on('close', (code) => {
      const text = Buffer.concat(out).toString('utf8');
      const blob = code === 0 ? dearmor(text) : null;
      resolve({ blob, error: Buffer.concat(err).toString('utf8').trim().split('\n').pop() ?? `ssh-keygen exited with ${code}` });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(data);
  });
}
