import { z } from 'zod';

const Treatment = z.enum(['block', 'check']);

export const optionsSchema = z
  .object({
    /** A ref outside refs/tags/ that names a tree or a blob (directly or through annotated tags). */
    non_commit_outside_tags: Treatment.default('block'),
    /** The same inside refs/tags/. `check`: the tree is checked like a root commit's, the blob as `non_commit_blob_path`. */
    non_commit_inside_tags: Treatment.default('check'),
    /**
     * The path a blob named by a ref is checked as (its file type and runtime scope follow from
     * it, e.g. `tagged/blob.env`). null: a blob ref cannot be checked, so it blocks.
     */
    non_commit_blob_path: z
      .string()
      .min(1)
      .refine((p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.endsWith('/'), { message: 'must be a relative file path' })
      .nullable()
      .default(null),
    /**
     * Branches whose deletion is a finding (`protected-branch-deleted`): `main` means
     * refs/heads/main, globs allowed (`release/*`), full ref names too. The server's policy branch
     * (server.policy_branch) is always protected. Matched case-insensitively (on a
     * case-insensitive file system refs/heads/MAIN is main's ref file).
     */
    protected_branches: z.array(z.string().min(1)).default(['main', 'master', 'release/*']),
  })
  .strict()
  .prefault({});

export type RefIntegrityOptions = z.output<typeof optionsSchema>;
