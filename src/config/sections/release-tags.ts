// Configuration section `release_tags:` (issue 8, the CI/CD spec's release tagging policy): which
// tags are release tags, how they must be named, made and signed, what they may point at, and what
// a release must carry. Owned by the `release-tags` rule (src/rules/release-tags/). Trust: the
// signer roles and allowed signers are the server policy's `approvals:` (roles, allowed_signers),
// never anything in the pushed tree.
import { z } from 'zod';
import { compileTemplate } from '../../rules/release-tags/name.js';

const Template = z.string().superRefine((v, ctx) => {
  const t = compileTemplate(v);
  if (typeof t === 'string') ctx.addIssue({ code: 'custom', message: t });
});

const Globs = z.array(z.string().min(1));

export const releaseTagsShape = {
  release_tags: z
    .object({
      /**
       * Tags under refs/tags/<prefix> are release tags: every one is judged by this section
       * (matched case-insensitively, since refs/tags/AgentTrader-V2/ is the same directory on a
       * case-insensitive file system). "" makes every tag a release tag.
       */
      prefix: z.string().default(''),
      /** Name of a release (after refs/tags/): literal text with MAJOR, MINOR and PATCH, each once. */
      release: Template.default('vMAJOR.MINOR.PATCH'),
      /** Name of a pre-release (release candidate): MAJOR, MINOR, PATCH and N, each once. null: none allowed. */
      prerelease: Template.nullable().default('vMAJOR.MINOR.PATCH-rc.N'),
      /** Lightweight tags (a ref naming a commit directly) are refused. */
      annotated: z.boolean().default(true),
      /**
       * The tag object must carry an SSH signature that `git verify-tag` accepts against the
       * server's approvals.allowed_signers, made by a principal of one of these roles.
       */
      signed: z.boolean().default(true),
      signer_roles: z.array(z.string().min(1)).min(1).default(['release']),
      /** Releases only on commits reachable from one of these branches (`main` = refs/heads/main; globs allowed). */
      release_branches: Globs.default(['main']),
      /** Pre-releases only on commits reachable from one of these. */
      prerelease_branches: Globs.default(['release/*', 'main']),
      /** The tagged tree's changelog must have a heading naming exactly the tag's version. null: not required. */
      changelog: z.string().min(1).nullable().default('CHANGELOG.md'),
      /**
       * Evidence that the blocking checks passed on the tagged commit. `audit-log`: the trusted
       * audit log (the server's own in pre-receive) holds a pass decision whose checked commits
       * include it. `none`: not required. (Seam for signed check receipts: a further value.)
       */
      checks_evidence: z.enum(['audit-log', 'none']).default('audit-log'),
      /** Moving or deleting an existing release tag is refused (break-glass can allow it). */
      immutable: z.boolean().default(true),
      /** Deployment manifests of the tagged tree, copied into `audit export --release` bundles with their image digests. */
      deployment_manifests: Globs.default([
        'k8s/**',
        'deploy/**',
        'cloudrun/**',
        'infra/**',
        '**/*.k8s.{yaml,yml}',
        '**/kustomization.{yaml,yml}',
        '**/docker-compose*.{yaml,yml}',
        '**/compose*.{yaml,yml}',
      ]),
    })
    .strict()
    .superRefine((v, ctx) => {
      // A template outside the prefix names tags the rule never sees: a policy that cannot hold.
      for (const key of ['release', 'prerelease'] as const) {
        const t = v[key];
        if (t !== null && !t.toLowerCase().startsWith(v.prefix.toLowerCase())) ctx.addIssue({ code: 'custom', path: [key], message: `must start with the prefix "${v.prefix}"` });
      }
    })
    .optional(),
} as const;

export type ReleaseTagsPolicy = NonNullable<z.output<typeof releaseTagsShape.release_tags>>;
