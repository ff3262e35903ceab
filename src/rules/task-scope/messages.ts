// What the task-scope rule says when it cannot decide (its findings' messages are in rule.ts).
export const taskScopeMsg = {
  parserFailed: (lang: string, path: string, detail: string) => `task-scope: the ${lang} parser failed on ${path}: ${detail}`,
  parserFailedHint: 'reinstall safety-gate (its typescript / web-tree-sitter dependencies are missing or broken)',
} as const;
