// Every finding message of sentinel (made by _change-control/sentinel-check.ts, reported by the rule).
import { defineMessages } from '../messages.js';

export const sentinelMessages = defineMessages({
  submodule: { text: '{{path}} is a submodule: it has no content to hash' },
  unreadable: { text: '{{path}} cannot be read (missing, or over limits.max_blob_bytes)' },
  sentinelMissing: { text: 'sentinel {{sentinel}} is missing' },
  sentinelNotAFile: { text: 'sentinel {{sentinel}} is not a regular file (mode {{mode}})' },
  sentinelUnreadable: { text: 'sentinel {{sentinel}} cannot be read (missing, or over limits.max_blob_bytes)' },
  malformed: { text: 'sentinel {{sentinel}}: {{problem}}' },
  duplicate: { text: '{{path}} is listed twice in {{sentinel}}' },
  outside: { text: '{{sentinel}} lists {{path}}, which points outside the repository' },
  notCovered: { text: '{{sentinel}} lists {{path}}, which is not a covered file here (deleted, renamed, or outside `covers`)' },
  stale: { text: '{{sentinel}} is stale for {{path}}: it records sha256 {{recorded}}…, the file has {{actual}}…' },
  unlisted: { text: '{{sentinel}} does not list {{path}}' },
});

/** The remediation of every sentinel finding: where it is reported decides what to do with the sentinel. */
export const sentinelFix = {
  inCommit: (generator: string, sentinel: string) => `run \`safety-gate generate ${generator}\` and stage ${sentinel}; never edit it by hand`,
  inTree: (generator: string, sentinel: string) => `run \`safety-gate generate ${generator}\` and commit ${sentinel}`,
};
