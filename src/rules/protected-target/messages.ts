// Every finding message of protected-target (the verdict's detail and remediation come from
// _change-control/verify.ts, the generator or approval that was asked).
import { defineMessages } from '../messages.js';

export const protectedTargetMessages = defineMessages({
  protectedChange: { text: 'protected file {{path}} ({{labels}}) {{change}}: {{detail}}' },
  isolation: {
    text: '{{note}}',
    subRule: 'isolation',
    fix: 'run the server where `unshare -rn` works (root, or unprivileged user namespaces enabled)',
  },
});
