// Real ssh keys for approval tests, made with ssh-keygen in the sandbox, and the server-side
// allowed_signers file that trusts them (eve's key is unknown; rita's is @revoked).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PEOPLE = ['alice', 'alice2', 'bob', 'carol', 'mallory', 'eve', 'rita', 'author', 'dave'] as const;
export type Person = (typeof PEOPLE)[number];
export const principal = (p: Person) => `${p === 'alice2' ? 'alice' : p}@example.com`;

export interface Keys {
  dir: string;
  allowedSigners: string;
  key(p: Person): string;
  pub(p: Person): string;
}

export function makeKeys(root: string, people: readonly Person[] = PEOPLE): Keys {
  const dir = join(root, 'keys');
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  const pubs = new Map<Person, string>();
  for (const p of people) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', p, '-f', join(dir, p)]);
    const pub = execFileSync('ssh-keygen', ['-y', '-f', join(dir, p)], { encoding: 'utf8' }).trim();
    pubs.set(p, pub);
    if (p === 'eve') continue;
    lines.push(`${p === 'rita' ? '@revoked ' : ''}${principal(p)} ${pub}`);
  }
  const allowedSigners = join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, lines.join('\n') + '\n');
  return { dir, allowedSigners, key: (p) => join(dir, p), pub: (p) => pubs.get(p)! };
}

export function approvalsPolicy(keys: Keys, repoId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    repo_id: repoId,
    allowed_signers: keys.allowedSigners,
    roles: {
      security: ['alice@example.com', 'carol@example.com', 'author@example.com', 'dave@example.com', 'rita@example.com'],
      oncall: ['bob@example.com', 'alice@example.com'],
      dev: ['mallory@example.com'],
    },
    protected: { 'ci-workflows': ['security'], 'safety-gate-policy': ['security'] },
    break_glass: ['security', 'oncall'],
    identities: { dave: 'dave@example.com' },
    ...extra,
  };
}
