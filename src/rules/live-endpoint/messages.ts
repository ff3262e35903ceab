// Every finding message of live-endpoint. `via`: how the host was read, when not as written
// (' (folded YAML scalar)', …), else empty.
import { defineMessages } from '../messages.js';

export const liveEndpointMessages = defineMessages({
  liveHost: { text: 'live {{broker}} host {{host}} in runtime scope{{via}}' },
  wildcard: { text: 'wildcard *.{{host}} covers live {{broker}} host {{pattern}} in runtime scope{{via}}' },
  unreviewedException: {
    text: 'allow_hosts entry {{entry}} exempts live host {{live}} with no security review on record',
    subRule: 'new-exception',
    fix: 'needs security review: record it in security_reviewed_allow_hosts ({host: {{entry}}, reviewed_by, reference}) or remove it from allow_hosts',
  },
});

/** The remediation of a live host: its broker's paper host when there is one. */
export const liveEndpointFix = (info: { suggest: string | null; broker: string; pattern: string }) =>
  info.suggest
    ? `use ${info.suggest} (paper) or move this to an allowlisted test fixture; live hosts need a reviewed exception`
    : `${info.broker} has no paper host for ${info.pattern}: remove it or move this to an allowlisted test fixture; live hosts need a reviewed exception`;

export const liveEndpointText = {
  via: (via: string) => ` (${via})`,
  /** A host split by raw tabs or line breaks, which a URL parser deletes. */
  split: ' (split by tabs or line breaks, which a URL parser deletes)',
  /** Each live pattern an allow_hosts entry covers, with its broker. */
  covers: (covers: readonly { pattern: string; broker: string }[]) => [...new Set(covers.map((c) => `${c.pattern} (${c.broker})`))].join(', '),
};
