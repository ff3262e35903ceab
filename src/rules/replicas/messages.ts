// Every finding message of replicas. (What is over the limit is still worded in check.ts and
// reported as `tooMany`: splitting it into its own ids waits for the lexers branch.)
import { defineMessages } from '../messages.js';

const fix = 'set replicas to {{max}} (scaling the execution agent up needs a reviewed production-lock unlock)';

export const replicasMessages = defineMessages({
  tooMany: { text: '{{problem}}', fix },
  tooManyRendered: { text: '{{problem}} (name rendered by {{via}})', fix },
});
