import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refMatches } from './apply.js';
import { dearmor, parseAllowedSigners, removeVerifyFiles, sigInfo, sshSign, sshVerify, verifyFiles } from './ssh.js';
import { encodeEntry, NAMESPACE, parseDuration, parseNote, statementBytes, type Statement } from './statement.js';

const T = 'a'.repeat(40);
const statement = (over: Partial<Statement> = {}): Statement => ({
  type: 'safety-gate/approval@1',
  kind: 'approval',
  repo: 'acme/app',
  commit: 'b'.repeat(40),
  tree: T,
  parent_tree: null,
  ref: '*',
  covers: [],
  reason: 'ok',
  issued_at: '2026-12-01T00:00:00.000Z',
  expires_at: '2026-12-08T00:00:00.000Z',
  ...over,
});

describe('note entries', () => {
  it('round-trips, one entry per line, ignoring anything else', () => {
    const a = encodeEntry(statement(), Buffer.from('SSHSIG-a'));
    const b = encodeEntry(statement({ reason: 'second' }), Buffer.from('SSHSIG-b'));
    const entries = parseNote(`${a}\n\nsome other note text\n${b}\n`);
    expect(entries.map((e) => e.statement?.reason)).toEqual(['ok', 'second']);
    expect(entries[0]!.data.equals(statementBytes(statement()))).toBe(true);
    expect(entries[1]!.signature.toString()).toBe('SSHSIG-b');
  });

  it('rejects statements that are not canonical, of another type, or break-glass without its data', () => {
    const raw = (obj: unknown) => `safety-gate-approval v1 ${Buffer.from(JSON.stringify(obj)).toString('base64')} AAAA`;
    const st = statement();
    expect(parseNote(raw({ ...st, reason: st.reason }))[0]!.problem).toBe('holds a statement that is not in canonical form');
    expect(parseNote(raw({ ...st, type: 'other' }))[0]!.problem).toMatch(/of type "other"/);
    const bg = encodeEntry(statement({ kind: 'break-glass', incident: 'INC-1', bypass: [], rollback: 'x' }), Buffer.from('s'));
    expect(parseNote(bg)[0]!.problem).toBe('is a break-glass statement without incident, bypass or rollback');
    expect(parseNote('safety-gate-approval v1 !!! ???')[0]!.problem).toBe('is not a well-formed approval entry');
  });

  it('durations', () => {
    expect(parseDuration('4h')).toBe(4 * 3_600_000);
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('4 hours')).toBeNull();
  });
});

describe('ref patterns', () => {
  it('matches branch names, globs and full refs', () => {
    const cases: [pattern: string, matching: string[], notMatching: string[]][] = [
      ['*', ['refs/tags/v1'], []],
      ['main', ['refs/heads/main'], ['refs/heads/main2']],
      ['release/*', ['refs/heads/release/1.0'], ['refs/heads/main']],
      ['refs/tags/v*', ['refs/tags/v2.0.0'], []],
    ];
    for (const [pattern, matching, notMatching] of cases) {
      for (const ref of matching) expect(refMatches(pattern, ref), `${pattern} ~ ${ref}`).toBe(true);
      for (const ref of notMatching) expect(refMatches(pattern, ref), `${pattern} ~ ${ref}`).toBe(false);
    }
  });
});

describe('allowed signers', () => {
  it('reads principals, options with quoted commas, @revoked and comments', () => {
    const lines = parseAllowedSigners(
      [
        '# team',
        'alice@example.com,alice@corp namespaces="git,safety-gate-approval" ssh-ed25519 AAAAC3Nza alice',
        '@revoked bob@example.com ssh-ed25519 AAAAB bob',
        '',
        'junk',
      ].join('\n'),
    );
    expect(lines).toEqual([
      {
        principals: ['alice@example.com', 'alice@corp'],
        keyType: 'ssh-ed25519',
        key: 'AAAAC3Nza',
        revoked: false,
        text: 'alice@example.com,alice@corp namespaces="git,safety-gate-approval" ssh-ed25519 AAAAC3Nza alice',
      },
      { principals: ['bob@example.com'], keyType: 'ssh-ed25519', key: 'AAAAB', revoked: true, text: 'bob@example.com ssh-ed25519 AAAAB bob' },
    ]);
  });

  it('normalises principals (one person however the file spells them) in the lines ssh-keygen reads too', () => {
    const [l] = parseAllowedSigners('Alice@Example.COM,ALICE@corp valid-after="20260101" ssh-ed25519 AAAAC3Nza Alice Key');
    expect(l!.principals).toEqual(['alice@example.com', 'alice@corp']);
    expect(l!.text).toBe('alice@example.com,alice@corp valid-after="20260101" ssh-ed25519 AAAAC3Nza Alice Key');
  });
});

describe('ssh-keygen', () => {
  let dir: string;
  let pub: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sg-ssh-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'k')]);
    pub = execFileSync('ssh-keygen', ['-y', '-f', join(dir, 'k')], { encoding: 'utf8' }).trim();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs, names the key and namespace, and verifies only by exit status', async () => {
    const data = Buffer.from('{"a":1}');
    const { blob } = await sshSign(join(dir, 'k'), NAMESPACE, data);
    expect(blob).not.toBeNull();
    const info = sigInfo(blob!)!;
    expect(info.namespace).toBe(NAMESPACE);
    expect(`${info.keyType} ${info.key}`).toBe(pub.split(' ').slice(0, 2).join(' '));
    const fp = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1];
    expect(info.fingerprint).toBe(fp);

    const good = verifyFiles(parseAllowedSigners(`alice@example.com ${pub}\n`));
    const revoked = verifyFiles(parseAllowedSigners(`@revoked alice@example.com ${pub}\n`));
    // Another spelling in the file: normalised, and ssh-keygen verifies the normalised principal.
    const spelled = verifyFiles(parseAllowedSigners(`Alice@Example.COM ${pub}\n`));
    try {
      expect(await sshVerify(spelled, 'alice@example.com', NAMESPACE, data, blob!)).toBe(true);
      expect(await sshVerify(good, 'alice@example.com', NAMESPACE, data, blob!)).toBe(true);
      expect(await sshVerify(good, 'alice@example.com', NAMESPACE, Buffer.from('{"a":2}'), blob!)).toBe(false);
      expect(await sshVerify(good, 'bob@example.com', NAMESPACE, data, blob!)).toBe(false);
      expect(await sshVerify(good, 'alice@example.com', 'git', data, blob!)).toBe(false);
      expect(await sshVerify(revoked, 'alice@example.com', NAMESPACE, data, blob!)).toBe(false);
    } finally {
      removeVerifyFiles(good);
      removeVerifyFiles(revoked);
      removeVerifyFiles(spelled);
    }
    expect(dearmor('-----BEGIN SSH SIGNATURE-----\nU1NI\nU0lH\n-----END SSH SIGNATURE-----')!.toString()).toBe('SSHSIG');
  });
});
