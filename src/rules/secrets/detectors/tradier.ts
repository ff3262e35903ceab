import { assignment, fake, type Detector } from './types.js';

// Tradier Brokerage API access tokens (Bearer tokens from the OAuth code exchange, or the API
// Access page; sandbox tokens alike): opaque alphanumeric strings (the documentation's example
// response has 29 characters), recognised where a key named for Tradier and a token/key is assigned.
export const tradier: Detector = {
  id: 'tradier-access-token',
  description: 'Tradier access token',
  docs: ['https://documentation.tradier.com/brokerage-api/overview/authentication', 'https://documentation.tradier.com/brokerage-api/oauth/access-token'],
  keywords: ['tradier'],
  regex: assignment('tradier', 'token|key|secret|bearer', '[A-Za-z0-9]{20,64}'),
  secretGroup: 1,
  entropy: 3.2,
  rotate: 'revoke the token at dash.tradier.com → API Access, generate a new one, and review account activity',
  samples: {
    positive: [fake('TRADIER_ACCESS_TOKEN=', 'FAKEfake0123', 'QWERTYuiop98'), fake('tradier_api_key: "', 'zFAKEfake0123456789abcd', '"')],
    negative: [
      'TRADIER_ACCESS_TOKEN=${TRADIER_TOKEN}',
      'TRADIER_TOKEN_URL=https://api.tradier.com/v1/oauth/accesstoken',
      fake('tradier_token = "', 'aaaaaaaaaaaaaaaaaaaaaaaa', '"'),
    ],
  },
};
