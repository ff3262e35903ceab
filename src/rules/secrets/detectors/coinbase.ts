import { assignment, fake, type Detector } from './types.js';

// Coinbase Developer Platform API keys: a key id/name and a secret — a base64 Ed25519 key (the
// default for new keys) or an EC PEM (reported by private-key) — used to sign JWTs; legacy
// Exchange keys add a base64 secret and a passphrase. Recognised where a key named for Coinbase/CDP and a secret is assigned.
export const coinbase: Detector = {
  id: 'coinbase-api-secret',
  description: 'Coinbase API secret',
  docs: ['https://docs.cdp.coinbase.com/get-started/authentication/overview', 'https://docs.cdp.coinbase.com/get-started/authentication/jwt-authentication'],
  keywords: ['coinbase', 'cdp_', 'cb-access'],
  regex: assignment('coinbase|cdp_|cb-access', 'secret|private|passphrase|sign', '[A-Za-z0-9+/]{32,}={0,2}'),
  secretGroup: 1,
  entropy: 3.5,
  rotate: 'delete the key in the Coinbase Developer Platform / Exchange API settings, create a new one with the least permissions and an IP allowlist, and review activity',
  samples: {
    positive: [
      fake('COINBASE_API_SECRET=', 'fAKe0123456789abcdefQWERTYuiopAS', 'DFGHjklZXCVbnm+/0123456789abcdefghijklmnopqrstuvwx=='),
      fake('cdp_api_key_secret: "', 'zFAKEfake0123456789abcdefQWERTYuiop', 'ASDFGHjkl/+=', '"'),
    ],
    negative: ['COINBASE_API_SECRET=${COINBASE_API_SECRET}', 'coinbase_secret = get_secret("coinbase")', 'COINBASE_API_KEY_NAME=organizations/{org_id}/apiKeys/{key_id}'],
  },
};
