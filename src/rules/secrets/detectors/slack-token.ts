import { fake, type Detector } from './types.js';

// Slack token types: xoxb- (bot), xoxp- (user), xoxa-/xoxr- (workspace / refresh), xoxe- (rotating
// config), xoxs- (legacy session), xapp- (app-level); and incoming webhook URLs, which post as the
// app without any other credential.
export const slackToken: Detector = {
  id: 'slack-token',
  description: 'Slack token or webhook',
  docs: ['https://api.slack.com/authentication/token-types', 'https://api.slack.com/messaging/webhooks'],
  keywords: ['xox', 'xapp-', 'hooks.slack.com'],
  regex:
    /(?<![A-Za-z0-9_-])((?:xox[bpares](?:\.[a-z0-9]+)?-[0-9A-Za-z-]{10,250})|(?:xapp-\d-[A-Z0-9]{6,}-\d{6,}-[a-f0-9]{32,})|(?:https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/T[A-Z0-9]{6,}\/[A-Z0-9]{6,}\/[A-Za-z0-9]{16,}))(?![A-Za-z0-9_-])/,
  secretGroup: 1,
  entropy: 3,
  stopwords: ['your', 'example', 'xxxx', 'token-here'],
  rotate: 'revoke the token (Slack app settings → OAuth & Permissions, or regenerate the webhook) and issue a new one',
  samples: {
    positive: [
      fake('SLACK_BOT_TOKEN=', 'xoxb', '-', '000000000000-000000000000-FAKEfakeFAKEfake1234abcd'),
      fake('token: "', 'xoxp', '-', '1111111111-2222222222-3333333333-fakefake0123456789abcdef01234567', '"'),
      fake('url = "', 'https://hooks.slack.com/services/', 'T0FAKE000/B0FAKE000/', 'FAKEfake0123456789abcd', '"'),
      fake('SLACK_APP_TOKEN=', 'xapp', '-1-', 'A0FAKE0000-1234567890123-', 'fa4efa4efa4e0123456789abcdef0123456789abcdef'),
    ],
    negative: ['SLACK_BOT_TOKEN=xoxb-your-token', 'webhook: https://hooks.slack.com/services/YOUR/WEBHOOK/URL', fake('x = "', 'xoxb', '-', 'aaaaaaaaaaaaaaaaaaaa', '"')],
  },
};
