import { fake, type Detector } from './types.js';

// PEM (RFC 7468) private keys: PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", PKCS#8
// "PRIVATE KEY" / "ENCRYPTED PRIVATE KEY", "OPENSSH PRIVATE KEY" (PROTOCOL.key), "DSA", and
// PGP "PRIVATE KEY BLOCK" armour. Real line breaks or JSON/ENV `\n` escapes between the lines.
const BODY = fake('MIIEpAIBAAKCAQEAfakefakefakefakefakefakefakefakefakefake', 'FAKEFAKEFAKEFAKEFAKEFAKEFAKE0123456789+/abcdefghijklmnop');

export const privateKey: Detector = {
  id: 'private-key',
  description: 'private key (PEM / OpenSSH)',
  docs: ['https://www.rfc-editor.org/rfc/rfc7468', 'https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key'],
  keywords: ['private key'],
  regex: /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:\\r|\\n|\s)*((?:\\r|\\n|[\s\S]){64,65536}?)(?:\\r|\\n|\s)*-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----/,
  secretGroup: 1,
  entropy: 0,
  validate(secret) {
    // A real key body is base64: headers (Proc-Type, Comment) and line breaks aside, at least
    // 64 base64 characters and nothing like a placeholder ("...", "<key>").
    const body = secret
      .replace(/\\[rn]/g, '\n')
      .split('\n')
      .filter((l) => !/^[A-Za-z-]+:/.test(l.trim()))
      .join('')
      .replace(/\s+/g, '');
    return body.length >= 64 && /^[A-Za-z0-9+/=]+$/.test(body);
  },
  rotate: 'generate a new key pair, replace the public key wherever it is trusted (authorized_keys, the issuer, the certificate) and revoke the old one',
  samples: {
    positive: [
      fake('-----BEGIN RSA ', 'PRIVATE KEY-----\n', BODY, '\n', BODY.slice(0, 40), '\n-----END RSA ', 'PRIVATE KEY-----\n'),
      fake(
        '-----BEGIN OPENSSH ',
        'PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
        'QyNTUxOQAAACBfakefakefakefakefake\n-----END OPENSSH ',
        'PRIVATE KEY-----',
      ),
      fake('key = "-----BEGIN ', 'PRIVATE KEY-----\\n', BODY, '\\n-----END ', 'PRIVATE KEY-----\\n"'),
      fake('-----BEGIN EC ', 'PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FAKE\n\n', BODY, '\n-----END EC ', 'PRIVATE KEY-----'),
    ],
    negative: [
      fake('-----BEGIN PUBLIC KEY-----\n', BODY, '\n-----END PUBLIC KEY-----'),
      fake('-----BEGIN ', 'PRIVATE KEY-----\n...\n-----END ', 'PRIVATE KEY-----'),
      fake('# paste your -----BEGIN ', 'PRIVATE KEY----- here, ending with -----END ', 'PRIVATE KEY-----'),
      'if line.startswith("-----BEGIN PRIVATE KEY-----"):',
    ],
  },
};
