// `safety-gate explain [rule]`: the rule's documentation; without a rule, the list of rules.
import { GateError } from '../../errors.js';
import { msg } from '../../messages.js';
import type { CliIO } from '../io.js';

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { rules } = await import('../../rules/registry.js');
  const { ruleAliases } = await import('../../rules/aliases.js');
  const id = argv[0];
  if (!id) {
    const width = Math.max(...rules.map((r) => r.meta.id.length));
    for (const r of rules) io.stdout.write(`${r.meta.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(5)}  ${r.meta.description}\n`);
    io.stdout.write(`\nsafety-gate explain <rule> for details.\n`);
    return 0;
  }
  const base = id.split('/')[0]!;
  const rule = rules.find((r) => r.meta.id === (ruleAliases[base] ?? base));
  if (!rule) throw new GateError('usage', msg.unknownRule(id), msg.unknownRuleHint);
  const m = rule.meta;
  io.stdout.write(`${m.id} — ${m.description}\n`);
  io.stdout.write(`family: ${m.family}; default severity: ${m.defaultSeverity}${m.subRules?.length ? `; reports also: ${m.subRules.map((s) => `${m.id}/${s}`).join(', ')}` : ''}\n\n`);
  io.stdout.write(m.docs.trim() + '\n');
  return 0;
}
