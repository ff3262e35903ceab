import { describe, expect, it } from 'vitest';
import type { ChangeSet, CommitInfo } from '../changeset/types.js';
import type { Policy } from '../config/schema.js';
import { agentMatcher } from './agents.js';

const policy = (identities: Record<string, string> = {}) =>
  ({ changeControl: { agents: { identities: ['codex-*', '*@agents.example.com'], require_scope: false } }, approvals: { identities } }) as unknown as Policy;

const commit = (email: string): CommitInfo => ({
  oid: 'a'.repeat(40),
  parents: [],
  tree: null,
  author: { name: 'x', email, time: 0 },
  committer: null,
  message: 'm',
  trailers: [],
  refs: ['refs/heads/main'],
});
const cs = (origin: ChangeSet['origin'], name: string | null, email: string): ChangeSet =>
  ({ origin, objectFormat: 'sha1', refs: [], commits: [commit(email)], changes: [], actor: { source: 'remote-user', name }, task: null }) as ChangeSet;

describe('who is an agent', () => {
  it('on the server: the pusher, never the author email', () => {
    const m = agentMatcher(policy());
    const agentUnderHumanEmail = cs('receive', 'codex-bot', 'alice@example.com');
    expect(m.ofChange(agentUnderHumanEmail)).toBe('codex-bot');
    expect(m.ofCommit(agentUnderHumanEmail, agentUnderHumanEmail.commits[0]!)).toBe('codex-bot');
    const humanPushingAgentCommit = cs('receive', 'alice', 'codex@agents.example.com');
    expect(m.ofChange(humanPushingAgentCommit)).toBeNull();
    expect(m.ofCommit(humanPushingAgentCommit, humanPushingAgentCommit.commits[0]!)).toBeNull();
    // Nobody named by the platform: nobody is an agent from commit metadata either.
    expect(m.ofChange(cs('receive', null, 'codex@agents.example.com'))).toBeNull();
  });

  it('on the server: a pusher mapped to an agent principal by approvals.identities is an agent', () => {
    const m = agentMatcher(policy({ 'ci-runner-7': 'codex@agents.example.com' }));
    expect(m.ofChange(cs('receive', 'CI-Runner-7', 'alice@example.com'))).toBe('CI-Runner-7');
  });

  it('on a client or a scan: the author email counts too', () => {
    const m = agentMatcher(policy());
    expect(m.ofChange(cs('push', 'alice', 'codex@agents.example.com'))).toBe('codex@agents.example.com');
    expect(m.ofChange(cs('range', 'alice', 'alice@example.com'))).toBeNull();
  });

  it('a signer is an agent by its principal, or by the platform name mapped to it', () => {
    const m = agentMatcher(policy({ 'codex-bot': 'bot-key@example.com' }));
    expect(m.isAgentPrincipal(['codex@agents.example.com'])).toBe(true);
    expect(m.isAgentPrincipal(['Bot-Key@Example.com'])).toBe(true);
    expect(m.isAgentPrincipal(['alice@example.com'])).toBe(false);
  });

  it('with no agents.identities nobody is an agent', () => {
    const m = agentMatcher({ changeControl: {}, approvals: null } as unknown as Policy);
    expect(m.configured).toBe(false);
    expect(m.ofChange(cs('receive', 'codex-bot', 'codex@agents.example.com'))).toBeNull();
  });
});
