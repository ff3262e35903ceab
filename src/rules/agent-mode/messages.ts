// Every finding message of agent-mode. `via`: how the runtime reaches the file, when another
// file loads it (' (loaded by …)'), else empty.
import { defineMessages } from '../messages.js';

export const agentModeMessages = defineMessages({
  forbiddenValue: { text: '{{setting}} is set to {{value}} ({{syntax}}): forbidden value{{via}}' },
  notAllowed: { text: '{{setting}} is set to {{value}} ({{syntax}}): only {{allowed}} allowed{{via}}' },
  unverifiable: { text: '{{setting}} is set to {{value}} ({{syntax}}): cannot be verified as {{expected}}; {{why}}{{via}}' },
});

/** Pieces of those messages, and the remediation (a setting's own, else one of these). */
export const agentModeText = {
  loadedBy: (loader: string) => ` (loaded by ${loader})`,
  /** After a reference or default: the value the consumer reads from it. */
  resolvesTo: (value: string) => ` → ${value}`,
  expected: (allowed: readonly string[] | undefined, forbidden: readonly string[]) => (allowed ? allowed.join('/') : `never ${forbidden.join('/')}`),
  fixForbidden: (name: string, forbidden: readonly string[]) => `set ${name} to a permitted value (never ${forbidden.join('/')})`,
  fixAllowed: (name: string, allowed: readonly string[]) => `set ${name} to ${allowed.join(' or ')}`,
};
