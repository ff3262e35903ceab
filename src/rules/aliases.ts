// Old rule ids still accepted in configuration and by `explain`. No zod here: hot path.
export const ruleAliases: Record<string, string> = {
  'forbidden-value': 'agent-mode',
};
