// How a rule declares its findings' messages (typescript-eslint's `meta.messages` +
// `context.report({ messageId, data })`): each rule folder's messages.ts maps a messageId to a
// template whose `{{name}}` placeholders are filled from the report's `data`, with the sub-rule
// it reports under and its remediation. The types make TypeScript reject an unknown messageId,
// a missing placeholder value and data given to a message that takes none; `resolveMessage`
// turns a report into the FindingInput the engine attributes.
import type { FindingInput } from '../findings/types.js';

interface MessageSpec {
  /** The finding's one line; `{{name}}` is replaced by `data.name`. */
  readonly text: string;
  /** Reported as `<rule>/<subRule>`; absent: under the rule's own id. */
  readonly subRule?: string;
  /** Reported under one of these sub-rules, named by the report (`subRule`): a family of detectors. */
  readonly subRules?: readonly string[];
  /** The remediation line (same placeholders as `text`); absent: none. */
  readonly fix?: string;
}

export type MessageMap = Readonly<Record<string, MessageSpec>>;

/** Declares a rule's messages with their literal templates kept in the type. */
export function defineMessages<const M extends MessageMap>(messages: M): M {
  return messages;
}

/** The names in a template's `{{placeholders}}`. */
type Placeholders<S> = S extends `${string}{{${infer K}}}${infer Rest}` ? K | Placeholders<Rest> : never;
type DataKeys<S extends MessageSpec> = Placeholders<S['text']> | Placeholders<S['fix']>;
type DataArg<K extends string> = [K] extends [never] ? { data?: undefined } : { data: { readonly [P in K]: string | number } };
type SubRuleArg<S extends MessageSpec> = S extends { subRules: readonly (infer T)[] } ? { subRule: T } : { subRule?: undefined };
/**
 * Where a finding is and what else it carries: everything of a FindingInput but its texts. A
 * `remediation` given here (from the folder's catalogue) replaces the message's `fix`: for a fix
 * that depends on where the rule reports rather than on what it found.
 */
type Where = Omit<FindingInput, 'message' | 'messageId' | 'subRule'>;

/** One of the declared messages with exactly the data its templates name (what a helper hands its rule). */
export type MessageOf<M extends MessageMap> = {
  [K in keyof M & string]: { messageId: K } & DataArg<DataKeys<M[K]>> & SubRuleArg<M[K]>;
}[keyof M & string];

/** What a rule reports: a declared message and where the finding is. */
export type ReportInput<M extends MessageMap> = Where & MessageOf<M>;

export type RuleReport<M extends MessageMap> = (input: ReportInput<M>) => void;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** A template filled from data (one pass: a value holding `{{x}}` stays as it is). */
export function fillTemplate(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = data?.[name];
    if (v === undefined) throw new Error(`message template needs data.${name}`);
    return String(v);
  });
}

/** The sub-rules a message map reports under, in order of first declaration. */
export function subRulesOf(messages: MessageMap): string[] {
  const out = new Set<string>();
  for (const spec of Object.values(messages)) {
    if (spec.subRule) out.add(spec.subRule);
    for (const s of spec.subRules ?? []) out.add(s);
  }
  return [...out];
}

export function resolveMessage<M extends MessageMap>(messages: M, input: ReportInput<M>): FindingInput {
  const { messageId, data, subRule, ...where } = input as ReportInput<MessageMap> & { subRule?: string; data?: Record<string, string | number> };
  const spec = messages[messageId];
  const fix = spec?.fix;
  if (!spec) throw new Error(`unknown messageId ${messageId}`);
  const sub = spec.subRule ?? subRule;
  return {
    ...where,
    ...(sub ? { subRule: sub } : {}),
    messageId,
    message: fillTemplate(spec.text, data),
    ...(where.remediation === undefined && fix !== undefined ? { remediation: fillTemplate(fix, data) } : {}),
  };
}
