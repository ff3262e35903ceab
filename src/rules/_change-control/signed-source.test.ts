import { describe, expect, it } from 'vitest';
import { checkSignature, extractGeneratedCode, signSource, signingToken, OLD_PLACEHOLDER } from './signed-source.js';
import { createHash } from 'node:crypto';

const AT = '@';
const check = (s: string) => checkSignature(Buffer.from(s, 'utf8'));

describe('SignedSource', () => {
  it('accepts the fbjs reference vectors', () => {
    // From fbjs packages/signedsource tests.
    expect(check(`# ${AT}generated SignedSource<<d9b7b52f54978f54b84a0fd48145e470>>\ntest 1`).status).toBe('valid');
    expect(check(`# ${AT}generated SignedSource<<4c0c1ae4f5863c72731b2f543e830fd5>>\ntest 2`).status).toBe('valid');
  });

  it('signs like fbjs', () => {
    expect(signSource(`# ${signingToken()}\ntest 1`)).toBe(`# ${AT}generated SignedSource<<d9b7b52f54978f54b84a0fd48145e470>>\ntest 1`);
  });

  it('rejects a hand edit', () => {
    const signed = signSource(`// ${signingToken()}\nexport const x = 1;\n`);
    expect(check(signed).status).toBe('valid');
    const r = check(signed.replace('x = 1', 'x = 2'));
    expect(r.status).toBe('invalid');
    expect(r.detail).toMatch(/no longer matches/);
  });

  it('reports an unsigned token and files without a signature', () => {
    expect(check(`// ${signingToken()}\n`).status).toBe('unsigned');
    expect(check('plain file\n').status).toBe('none');
  });

  it('rejects several different signatures', () => {
    const a = signSource(`// ${signingToken()}\na\n`);
    const b = signSource(`// ${signingToken()}\nb\n`);
    expect(check(a + b).status).toBe('invalid');
  });

  it('accepts Hack codegen signatures (old placeholder, every occurrence replaced)', () => {
    const body = `<?hh\n/* ${AT}generated ${OLD_PLACEHOLDER} */\nfunction f(): void {}\n`;
    const sig = createHash('md5').update(body).digest('hex');
    expect(check(body.replace(OLD_PLACEHOLDER, `SignedSource<<${sig}>>`)).status).toBe('valid');
  });

  it('lets manual sections of partially generated files change (Hack algorithm)', () => {
    const make = (manual: string) => `<?hh\n/* ${signingToken(true)} */\nclass A {\n  /* BEGIN MANUAL SECTION A_footer */\n${manual}\n  /* END MANUAL SECTION */\n}\n`;
    const signed = signSource(make('  // nothing yet'));
    const sig = /SignedSource<<([a-f0-9]{32})>>/.exec(signed)![1]!;
    expect(check(signed).status).toBe('valid');
    const edited = signed.replace('  // nothing yet', '  public function extra(): int { return 1; }');
    expect(check(edited).status).toBe('valid');
    expect(check(edited.replace('class A', 'class B')).status).toBe('invalid');
    expect(sig).toHaveLength(32);
  });

  it('extracts the generated part like Hack codegen', () => {
    const text = 'a\n/* BEGIN MANUAL SECTION x */\nmanual\n/* END MANUAL SECTION */\nb';
    expect(extractGeneratedCode(text)).toBe('a\n/* BEGIN MANUAL SECTION x */\n/* END MANUAL SECTION */\nb');
  });

  it('hashes bytes, not decoded text', () => {
    const bytes = Buffer.concat([Buffer.from(`# ${signingToken()}\n`), Buffer.from([0xff, 0xfe, 0x0a])]);
    const latin1 = bytes.toString('latin1');
    const sig = createHash('md5').update(latin1, 'latin1').digest('hex');
    const signed = Buffer.from(latin1.replace('<<SignedSource::*O*zOeWoEQle#+L!plEphiEmie@IsG>>', `SignedSource<<${sig}>>`), 'latin1');
    expect(checkSignature(signed).status).toBe('valid');
  });
});
