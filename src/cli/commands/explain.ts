// `safety-gate explain [rule]`: the rule's documentation; without a rule, the list of rules.
// Its wording (and the layout of docs/rules.md) is `explainText` in ../messages.ts.
import { GateError } from '../../errors.js';
import { msg } from '../../messages.js';
import { writeOut, type CliIO } from '../io.js';
import { explainText as t } from '../messages.js';
import type { RuleMeta } from '../../rules/types.js';

/** The rule's declared finding messages: id, what it reports as, the template and its fix. */
function messageLines(m: RuleMeta): string {
  const entries = Object.entries(m.messages ?? {});
  if (entries.length === 0) return '';
  const lines = entries.map(([id, spec]) =>
    t.messageLine(id, spec.subRule ? `${m.id}/${spec.subRule}` : spec.subRules ? `${m.id}/{${spec.subRules.join('|')}}` : m.id, spec.text, spec.fix),
  );
  return t.messages(lines);
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  const { rules } = await import('../../rules/registry.js');
  const { ruleAliases } = await import('../../rules/aliases.js');
  const { TOPICS, exceptionFooter } = await import('../../findings/docs.js');
  const { engineTopics } = await import('../engine-topics.js');
  if (argv[0] === '--all') {
    // The rules reference (docs/rules.md is this output; a test keeps it in step).
    writeOut(io, t.allHeader);
    for (const r of rules) {
      const m = r.meta;
      writeOut(io, t.allRule(m.id, m.description, m.family, m.defaultSeverity, m.subRules ?? [], m.docs, exceptionFooter(m.id)));
      const listed = messageLines(m);
      if (listed) writeOut(io, t.allMessages(listed));
    }
    for (const [topic, text] of Object.entries(TOPICS)) writeOut(io, t.allTopic(topic, text));
    for (const e of engineTopics) writeOut(io, t.allEngineTopic(e.id, e.description, e.family, e.defaultSeverity, e.docs));
    return 0;
  }
  const id = argv[0];
  if (!id) {
    const width = Math.max(...rules.map((r) => r.meta.id.length), ...engineTopics.map((e) => e.id.length));
    for (const r of rules) writeOut(io, t.listLine(r.meta.id, width, r.meta.defaultSeverity, r.meta.description));
    for (const e of engineTopics) writeOut(io, t.listLine(e.id, width, e.defaultSeverity, e.description));
    writeOut(io, t.listFooter);
    return 0;
  }
  const shared = TOPICS[id];
  if (shared) {
    writeOut(io, t.topic(shared));
    return 0;
  }
  const base = id.split('/')[0]!;
  const rule = rules.find((r) => r.meta.id === (ruleAliases[base] ?? base));
  const topic = engineTopics.find((e) => e.id === base);
  if (!rule && topic) {
    writeOut(io, t.engineTopic(topic.id, topic.description, topic.family, topic.defaultSeverity, topic.docs));
    return 0;
  }
  if (!rule) throw new GateError('usage', msg.unknownRule(id), msg.unknownRuleHint);
  const m = rule.meta;
  writeOut(io, t.rule(m.id, m.description, m.family, m.defaultSeverity, m.subRules ?? [], m.docs, exceptionFooter(m.id)));
  const listed = messageLines(m);
  if (listed) writeOut(io, t.ruleMessages(listed));
  return 0;
}
