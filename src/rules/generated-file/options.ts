import { z } from 'zod';

export const optionsSchema = z
  .object({
    /** Paths whose signatures are not verified (prose that quotes signed examples). */
    exclude: z.array(z.string()).default(['**/*.md', '**/*.mdx', '**/*.markdown', '**/*.rst', '**/*.adoc']),
  })
  .strict()
  .prefault({});

export type GeneratedFileOptions = z.output<typeof optionsSchema>;
