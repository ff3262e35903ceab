// generated-file: SignedSource verification of every signed file a change writes.
import { describe, expect, it } from 'vitest';
import { checkChange } from '../../../test/helpers/rule-harness.js';
import { signSource, signingToken } from '../_change-control/signed-source.js';

const config = { extends: [] };
const signed = (body: string, partial = false) => signSource(`/**\n * ${signingToken(partial)}\n */\n${body}`);
const mine = (fs: { rule: string; path: string | null; line: number | null }[]) => fs.filter((f) => f.rule === 'generated-file').map((f) => `${f.path}:${f.line}`);

describe('generated-file', () => {
  it('accepts a correctly signed file and blocks a hand edit at the signature line', async () => {
    const good = signed('export const a = 1;\n');
    const { findings } = await checkChange({ config, files: { 'gen/good.ts': good, 'gen/bad.ts': good.replace('a = 1', 'a = 2') } });
    expect(mine(findings)).toEqual(['gen/bad.ts:2']);
    expect(findings.find((f) => f.rule === 'generated-file')!.message).toMatch(/no longer matches its SignedSource signature/);
  });

  it('blocks a signing token that was never signed', async () => {
    const { findings } = await checkChange({ config, files: { 'gen/x.ts': `// ${signingToken()}\nexport {};\n` } });
    expect(mine(findings)).toEqual(['gen/x.ts:1']);
  });

  it('partially generated files keep their manual sections editable', async () => {
    const base = signed('class A {\n  /* BEGIN MANUAL SECTION body */\n  // add here\n  /* END MANUAL SECTION */\n}\n', true);
    const { findings } = await checkChange({
      config,
      old: { 'gen/a.ts': base },
      files: { 'gen/a.ts': base.replace('  // add here', '  x = 1;\n  y = 2;'), 'gen/b.ts': base.replace('class A', 'class B') },
    });
    expect(mine(findings)).toEqual(['gen/b.ts:2']);
  });

  it('leaves Markdown that quotes a signature alone', async () => {
    const { findings } = await checkChange({ config, files: { 'docs/signing.md': signed('x\n').replace('x\n', 'edited\n') } });
    expect(mine(findings)).toEqual([]);
  });
});
