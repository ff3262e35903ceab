// Every finding message of script-risk.
import { defineMessages } from '../messages.js';

const manifestFix = 'fix the manifest (see `safety-gate explain script-risk` for its schema)';
const downgradeFix = 'keep "requires_exec_guard": true for {{path}}, or get a security review approval for this change';

export const scriptRiskMessages = defineMessages({
  missing: {
    text: 'script {{path}} is not in the script-risk manifest {{manifest}}',
    subRule: 'missing',
    fix: 'add {"path": "{{path}}", "category": <{{categories}}>, "requires_exec_guard": <true|false>} to {{manifest}}',
  },
  stale: {
    text: '{{manifest}} lists {{path}}, which is not in the tree',
    subRule: 'stale',
    fix: 'remove the entry for {{path}} (or fix its path)',
  },
  notUnderRoots: {
    text: '{{manifest}} lists {{path}}, which is not a script under {{roots}}',
    subRule: 'stale',
    fix: 'remove the entry for {{path}} (or fix its path)',
  },
  duplicate: {
    text: '{{path}} is listed twice in {{manifest}} (first at scripts[{{first}}])',
    subRule: 'duplicate',
    fix: 'keep one entry for {{path}}',
  },
  category: {
    text: '{{path}}: category "{{category}}" is not allowed (allowed: {{allowed}})',
    subRule: 'category',
    fix: 'set category to one of: {{choices}}',
  },
  guardSymlink: {
    text: '{{path}} requires an exec guard but is a symbolic link; its guard cannot be verified',
    subRule: 'guard',
    fix: 'point the manifest entry at the script the link targets',
  },
  noGuard: {
    text: '{{path}} is marked requires_exec_guard but calls no exec guard (expected one of: {{patterns}})',
    subRule: 'guard',
    fix: 'call the exec guard near the top of {{path}} (e.g. {{example}}…), in code rather than a comment',
  },
  guardFlag: {
    text: '{{path}}: category "{{category}}" requires requires_exec_guard: true',
    subRule: 'guard-flag',
    fix: 'set "requires_exec_guard": true for {{path}} and call the exec guard in it',
  },
  guardTurnedOff: {
    text: '{{path}}: requires_exec_guard turned from true to false in {{manifest}}; dropping an exec guard requirement is a security policy change that needs security review',
    subRule: 'guard-downgrade',
    fix: downgradeFix,
  },
  guardEntryRemoved: {
    text: '{{path}}: its requires_exec_guard: true entry was removed from {{manifest}}; dropping an exec guard requirement is a security policy change that needs security review',
    subRule: 'guard-downgrade',
    fix: downgradeFix,
  },
  manifestMissing: {
    text: 'script-risk manifest {{manifest}} is missing; {{count}} script(s) under {{roots}} are not inventoried',
    subRule: 'manifest',
    fix: 'restore {{manifest}} (or add it) listing every script with its category and requires_exec_guard',
  },
  manifestUnreadable: {
    text: 'script-risk manifest {{manifest}} cannot be read (missing object or over the size limit)',
    subRule: 'manifest',
    fix: 'make {{manifest}} a regular file under the size limit',
  },
  manifestYaml: { text: '{{manifest}}: not valid YAML: {{problem}}', subRule: 'manifest', fix: manifestFix },
  manifestJson: { text: '{{manifest}}: not valid JSON: {{problem}}', subRule: 'manifest', fix: manifestFix },
  manifestSchema: { text: '{{manifest}}: {{problem}}{{where}}', subRule: 'manifest', fix: manifestFix },
  manifestCategory: {
    text: '{{manifest}}: category "{{category}}" is not allowed by the policy (allowed: {{allowed}})',
    subRule: 'manifest',
    fix: manifestFix,
  },
  manifestNoCategories: {
    text: '{{manifest}}: no allowed categories: the policy sets none and the manifest has no "categories" list',
    subRule: 'manifest',
    fix: manifestFix,
  },
});

/** Pieces of those messages. */
export const scriptRiskText = {
  at: (path: string) => (path === '' ? '' : ` at ${path}`),
  /** The allowed categories, or what to say when there are none. */
  allowed: (list: readonly string[]) => list.join(', ') || 'none',
  choices: (list: readonly string[]) => list.join(', ') || '(define categories in the policy)',
  placeholder: (list: readonly string[]) => list.join('|') || 'category',
};
