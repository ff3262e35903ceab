import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { releaseTagsShape } from './release-tags.js';

const schema = z.object(releaseTagsShape).strict();

describe('release_tags section', () => {
  it('defaults: every tag is a release tag named vMAJOR.MINOR.PATCH[-rc.N], signed by role release, on main', () => {
    const v = schema.parse({ release_tags: {} }).release_tags!;
    expect(v).toMatchObject({
      prefix: '',
      release: 'vMAJOR.MINOR.PATCH',
      prerelease: 'vMAJOR.MINOR.PATCH-rc.N',
      annotated: true,
      signed: true,
      signer_roles: ['release'],
      release_branches: ['main'],
      prerelease_branches: ['release/*', 'main'],
      changelog: 'CHANGELOG.md',
      checks_evidence: 'audit-log',
      immutable: true,
    });
  });

  it('refuses templates that cannot name a version, and templates outside the prefix', () => {
    const issues = (release_tags: unknown) => {
      const r = schema.safeParse({ release_tags });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ release: 'vMAJOR.MINOR' })).toEqual(['release_tags.release: must name PATCH exactly once (found 0)']);
    expect(issues({ prefix: 'agenttrader-v2/', release: 'v2/vMAJOR.MINOR.PATCH', prerelease: null })).toEqual([
      'release_tags.release: must start with the prefix "agenttrader-v2/"',
    ]);
    expect(issues({ checks_evidence: 'receipts' })[0]).toMatch(/^release_tags\.checks_evidence: /);
    expect(issues({ signer_roles: [] })[0]).toMatch(/^release_tags\.signer_roles: /);
    expect(issues({ unknown_key: 1 })[0]).toMatch(/unknown_key|Unrecognized/);
    expect(issues({ prefix: 'agenttrader-v2/', release: 'agenttrader-v2/vMAJOR.MINOR.PATCH', prerelease: null })).toEqual([]);
  });
});
