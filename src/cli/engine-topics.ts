// Findings the engine itself reports (not a rule of the registry), documented for `explain`
// so that every rule name a report prints is one `safety-gate explain` knows.
export interface EngineTopic {
  id: string;
  family: string;
  defaultSeverity: 'block' | 'warn';
  description: string;
  docs: string;
}

export const engineTopics: EngineTopic[] = [
  {
    id: 'oversized-file',
    family: 'engine',
    defaultSeverity: 'block',
    description: 'A file larger than limits.max_blob_bytes that a rule would have read; it was not checked.',
    docs: `A blob over limits.max_blob_bytes (default 8 MiB) is not read, so no content rule saw it.
The engine reports it instead, with the severity of limits.on_oversized (default block): a
padded file must not slip past the content rules.

Fix: shrink the file, keep it out of runtime scope (runtime_scope.exclude), or raise
limits.max_blob_bytes where large files are expected. limits.on_oversized: warn reports it
without blocking.`,
  },
];
