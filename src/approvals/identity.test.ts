import { describe, expect, it } from 'vitest';
import { localPart, mayBePusher, normalisePrincipal, pusherIdentity } from './identity.js';

describe('identities', () => {
  it('normalises principals and names one way', () => {
    expect(normalisePrincipal('  Alice@Example.COM ')).toBe('alice@example.com');
    for (const [name, local] of [
      ['Alice@Example.com', 'alice'],
      ['alice', 'alice'],
      ['@odd', '@odd'],
    ] as const)
      expect(localPart(name), name).toBe(local);
  });

  it('maps the platform name through identities in any spelling of the key', () => {
    const ids = { 'alice-gh': 'Alice@Example.com', 'ALICE-GH': ['alice2@example.com'], bob: 'bob@example.com' };
    const p = pusherIdentity(ids, { source: 'remote-user', name: 'Alice-GH' });
    expect(p).toEqual({ name: 'alice-gh', principals: ['alice@example.com', 'alice2@example.com'], label: 'remote-user user Alice-GH' });
    expect(pusherIdentity(ids, { source: 'remote-user', name: '  ' }).name).toBeNull();
    expect(pusherIdentity(ids, { source: 'unknown', name: null }).label).toBeNull();
  });

  it('the pusher may be an approver by a mapped principal, the principal itself or its local part', () => {
    const who = (name: string) => pusherIdentity({ 'alice-gh': 'alice@example.com' }, { source: 'github', name });
    expect(mayBePusher(who('ALICE-gh'), ['Alice@Example.com'])).toBe(true);
    expect(mayBePusher(who('alice'), ['alice@example.com'])).toBe(true);
    expect(mayBePusher(who('Alice@Example.com'), ['alice@example.com'])).toBe(true);
    expect(mayBePusher(who('alice@corp.example'), ['alice@example.com'])).toBe(true);
    expect(mayBePusher(who('mallory'), ['alice@example.com'])).toBe(false);
    expect(mayBePusher(who('alice-gh'), ['carol@example.com'])).toBe(false);
    expect(mayBePusher(pusherIdentity({}, { source: 'unknown', name: null }), ['alice@example.com'])).toBe(false);
  });
});
