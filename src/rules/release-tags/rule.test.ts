import { describe, expect, it } from 'vitest';
import { hasVersionHeading } from './changelog.js';
import { parseAllowedSigners } from '../../approvals/ssh.js';
import { parseTagObject, validAt } from './verify-tag.js';

describe('changelog headings', () => {
  it('finds exactly the version in ATX and setext headings', () => {
    const headings = ['# Changelog\n\n## 2.4.1 - 2026-12-02\n', '## [2.4.1]\n', '### v2.4.1\n', '## agenttrader-v2/v2.4.1 ##\n', 'Release 2.4.1\n=============\n'];
    for (const text of headings) expect(hasVersionHeading(text, '2.4.1'), text).toBe(true);
    expect(hasVersionHeading('## 2.4.1-rc.3\n', '2.4.1-rc.3')).toBe(true);
  });

  it('never counts another version, plain text, code blocks or non-headings', () => {
    for (const text of [
      '## 2.4.10\n',
      '## 12.4.1\n',
      '## 2.4.1-rc.3\n',
      '## 2.4.1.2\n',
      'text about 2.4.1\n',
      '```\n## 2.4.1\n```\n',
      '##2.4.1\n',
      '- 2.4.1\n---\n',
      '    ## 2.4.1\n',
    ]) {
      expect(hasVersionHeading(text, '2.4.1'), text).toBe(false);
    }
    expect(hasVersionHeading('## 2.4.1\n', '2.4.1-rc.3')).toBe(false);
    expect(hasVersionHeading('## 2.4.1-rc.30\n', '2.4.1-rc.3')).toBe(false);
  });
});

describe('tag objects', () => {
  const head = 'object ' + 'a'.repeat(40) + '\ntype commit\ntag agenttrader-v2/v1.0.0\ntagger T <t@x> 1 +0000\n\n';
  it('reads headers and the last signature block', () => {
    const t = parseTagObject(head + 'msg\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n')!;
    expect(t).toMatchObject({ object: 'a'.repeat(40), type: 'commit', tag: 'agenttrader-v2/v1.0.0' });
    expect(t.signature?.kind).toBe('ssh');
    expect(parseTagObject(head + 'msg\n-----BEGIN SSH SIGNATURE-----\nx\n-----END SSH SIGNATURE-----\n-----BEGIN PGP SIGNATURE-----\ny\n')!.signature?.kind).toBe('pgp');
    expect(parseTagObject(head + 'msg\n')!.signature).toBeNull();
    expect(parseTagObject('type commit\n\n')).toBeNull();
  });
});

describe('validAt: the server clock judges a release key, not the tagger date', () => {
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKfakefakefakefakefakefakefakefakefakefakefake';
  const line = (opts: string) => parseAllowedSigners(`carol@example.com ${opts} ${key}`)[0]!;
  const at = (iso: string) => Date.parse(iso);
  it('an expired key is not valid now, whatever date a tag claims', () => {
    expect(validAt(line('valid-before="20260101Z"'), at('2026-12-02T12:00:00Z'))).toBe(false);
    expect(validAt(line('valid-before="20270101Z"'), at('2026-12-02T12:00:00Z'))).toBe(true);
  });
  it('a key not yet valid, and one without limits', () => {
    expect(validAt(line('valid-after="202612030000Z"'), at('2026-12-02T12:00:00Z'))).toBe(false);
    expect(validAt(line('namespaces="git",valid-after="20261201Z"'), at('2026-12-02T12:00:00Z'))).toBe(true);
    expect(validAt(parseAllowedSigners(`carol@example.com ${key}`)[0]!, at('2026-12-02T12:00:00Z'))).toBe(true);
  });
});
