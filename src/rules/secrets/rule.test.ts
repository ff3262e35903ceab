// The secrets rule through the real engine over real staged changes (test/helpers/rule-harness):
// keyword prefilter, every file in scope, warn by default, promotion, inline allows, redaction,
// and a gitleaks config loaded from the policy.
import { describe, expect, it } from 'vitest';
import { checkChange } from '../../../test/helpers/rule-harness.js';
import { formatJson } from '../../reporters/json.js';
import { fake } from './detectors/types.js';
import { redact } from './redact.js';
import { secrets } from './rule.js';

const AWS_ID = fake('AKIA', 'Q7FAKEKEY2345QZX');
const AWS_SECRET = fake('q7FAKEfakeQ2w3E4r5T6y7U8i9O0p', 'FAKE/x+Zk9L');
const ALPACA = fake('fakeFAKEfake01234567', 'abcdefQWERTYuiopZXCV');
const brief = (fs: { rule: string; path: string | null; line: number | null; column: number | null; severity: string }[]) =>
  fs.filter((f) => f.rule.startsWith('secrets')).map((f) => `${f.severity} ${f.rule} ${f.path}:${f.line}:${f.column}`);

describe('secrets rule', () => {
  it('metadata: advisory family, warn by default, explain lists every detector and how to promote, suppress, rotate', () => {
    expect(secrets.meta.family).toBe('advisory checks');
    expect(secrets.meta.defaultSeverity).toBe('warn');
    for (const id of secrets.meta.subRules!) expect(secrets.meta.docs).toContain(id);
    expect(secrets.meta.docs).toMatch(/Promote/);
    expect(secrets.meta.docs).toMatch(/safety-gate: allow secrets -- <reason>/);
    expect(secrets.meta.docs).toMatch(/gitleaks:allow/);
    expect(secrets.meta.docs).toMatch(/Rotate/);
  });

  it('finds AWS, Alpaca and a private key in runtime config and in tests/docs alike, warn, never printing them', async () => {
    const { findings, report } = await checkChange({
      files: {
        'config/broker.env': `AWS_ACCESS_KEY_ID=${AWS_ID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\nAPCA_API_SECRET_KEY=${ALPACA}\n`,
        'docs/setup.md': `Use \`${AWS_ID}\`\n`,
        'tests/fixtures/key.pem': fake('-----BEGIN RSA ', 'PRIVATE KEY-----\n', 'MIIEpAIBAAKCAQEAfake'.repeat(4), '\n-----END RSA ', 'PRIVATE KEY-----\n'),
      },
    });
    expect(brief(findings)).toEqual([
      'warn secrets/aws-access-key-id config/broker.env:1:19',
      'warn secrets/aws-secret-access-key config/broker.env:2:23',
      'warn secrets/alpaca-api-key config/broker.env:3:21',
      'warn secrets/aws-access-key-id docs/setup.md:1:6',
      'warn secrets/private-key tests/fixtures/key.pem:2:1',
    ]);
    expect(report.decision).toBe('pass');
    const f = findings.find((x) => x.rule === 'secrets/aws-access-key-id')!;
    expect(f.message).toBe(`AWS access key id ${redact(AWS_ID)} in blob ${f.message.match(/blob ([0-9a-f]{12})/)![1]}`);
    expect(redact(AWS_ID)).toBe('AKIA…5QZX (20 chars)');
    expect(f.secretHash).toMatch(/^[0-9a-f]{64}$/);
    const out = formatJson(report);
    for (const s of [AWS_ID, AWS_SECRET, ALPACA, 'MIIEpAIBAAKCAQEAfake']) expect(out).not.toContain(s);
  });

  it('is reported where it is introduced, not on every later edit of the file', async () => {
    const text = `AWS_ACCESS_KEY_ID=${AWS_ID}\nREGION=eu-west-1\n`;
    const edit = await checkChange({ old: { 'a.env': text }, files: { 'a.env': text.replace('eu-west-1', 'us-east-1') } });
    expect(brief(edit.findings)).toEqual([]);
    const moved = await checkChange({ old: { 'a.env': text }, files: { 'a.env': null, 'b.env': text } });
    expect(brief(moved.findings)).toEqual([]);
    const added = await checkChange({ old: { 'a.env': 'REGION=eu-west-1\n' }, files: { 'a.env': text } });
    expect(brief(added.findings)).toEqual(['warn secrets/aws-access-key-id a.env:1:19']);
  });

  it('blocks when the policy promotes it; other rules are unaffected', async () => {
    const { findings, report } = await checkChange({
      config: { extends: ['agenttrader-v2'], rules: { secrets: 'block' } },
      files: { 'backend/settings.py': `GITHUB_TOKEN = "${fake('ghp', '_', 'FAKEfakeFAKEfake0123456789abcdefABCD')}"\n` },
    });
    expect(brief(findings)).toEqual(['block secrets/github-token backend/settings.py:1:17']);
    expect(report.decision).toBe('block');
  });

  it('inline allows: safety-gate with a reason, gitleaks:allow; without a reason nothing is exempt', async () => {
    const { findings } = await checkChange({
      files: {
        'a.env': `# safety-gate: allow secrets -- AWS documentation sample, not a key\nAWS_ACCESS_KEY_ID=${AWS_ID}\n`,
        'b.env': `AWS_ACCESS_KEY_ID=${AWS_ID} # gitleaks:allow\n`,
        'c.env': `AWS_ACCESS_KEY_ID=${AWS_ID} # safety-gate: allow secrets\n`,
      },
    });
    expect(brief(findings)).toEqual(['warn secrets/aws-access-key-id c.env:1:19']);
    expect(findings.find((f) => f.rule.startsWith('secrets'))!.message).toMatch(/has no reason, so it exempts nothing/);
  });

  it('a file with no keyword never reaches the patterns; disable and exclude options', async () => {
    const none = await checkChange({ files: { 'x.txt': 'nothing to see here\n'.repeat(50) } });
    expect(brief(none.findings)).toEqual([]);
    const { findings } = await checkChange({
      config: { extends: ['agenttrader-v2'], rules: { secrets: { options: { disable: ['aws-secret-access-key'], exclude: ['vendor/**'] } } } },
      files: { 'a.env': `AWS_ACCESS_KEY_ID=${AWS_ID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET}\n`, 'vendor/x.env': `AWS_ACCESS_KEY_ID=${AWS_ID}\n` },
    });
    // The specific detector is off; the generic *_SECRET* assignment still sees it. vendor/ is never read.
    expect(brief(findings)).toEqual(['warn secrets/aws-access-key-id a.env:1:19', 'warn secrets/generic-secret a.env:2:23']);
  });

  it('runs a gitleaks config named by the policy: custom rule, allowlists; a refused pattern stops the run with file:line', async () => {
    const toml = [
      '[allowlist]',
      "paths = ['''^fixtures/''']",
      '',
      '[[rules]]',
      'id = "acme-token"',
      'description = "ACME token"',
      "regex = '''(?i)\\bacme_(?P<t>[a-z0-9]{24})\\b'''",
      'secretGroup = 1',
      'entropy = 3',
      'keywords = ["acme_"]',
      '',
    ].join('\n');
    const token = fake('acme_', 'q8FAKEz3Lm0Np7Rs2Tu5Vw9X');
    const { findings } = await checkChange({
      old: { 'security/gitleaks.toml': toml },
      config: { extends: ['agenttrader-v2'], rules: { secrets: { options: { gitleaks_config: 'security/gitleaks.toml' } } } },
      files: { 'app.cfg': `token=${token}\n`, 'fixtures/t.cfg': `token=${token}\n` },
    });
    expect(brief(findings)).toEqual(['warn secrets/acme-token app.cfg:1:12']);
    await expect(
      checkChange({
        old: { 'g.toml': "[[rules]]\nid = \"lazy\"\nregex = '''(?U)k=(.+)'''\n" },
        config: { extends: ['agenttrader-v2'], rules: { secrets: { options: { gitleaks_config: 'g.toml' } } } },
        files: { 'a.txt': 'x\n' },
      }),
    ).rejects.toMatchObject({ file: 'g.toml', line: 3, message: expect.stringMatching(/rule "lazy": regex: the ungreedy flag/) });
  });
});
