import { fake, type Detector } from './types.js';

// OANDA v20 REST API personal access tokens (Authorization: Bearer …): two groups of 32 hex
// digits joined by a hyphen. The shape alone is common (two MD5s), so it counts only in a blob
// that names OANDA.
export const oanda: Detector = {
  id: 'oanda-api-token',
  description: 'OANDA API token',
  docs: ['https://developer.oanda.com/rest-live-v20/authentication/', 'https://developer.oanda.com/rest-live-v20/introduction/'],
  keywords: ['oanda'],
  regex: /(?<![A-Za-z0-9-])([0-9a-f]{32}-[0-9a-f]{32})(?![A-Za-z0-9-])/,
  secretGroup: 1,
  entropy: 3,
  rotate: 'revoke the token in the OANDA hub (Manage API Access → Revoke), generate a new one, and review account activity',
  samples: {
    positive: [
      fake('OANDA_API_TOKEN=', '0fa4e1c2b3d4e5f60718293a4b5c6d7e', '-', 'fa4e1c2b3d4e5f60718293a4b5c6d7e8'),
      fake('oanda:\n  token: ', '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d', '-', '6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a'),
    ],
    negative: [
      'OANDA_API_TOKEN=${OANDA_API_TOKEN}',
      fake('oanda: ', '00000000000000000000000000000000', '-', '00000000000000000000000000000000'),
      fake('oanda ', '0fa4e1c2b3d4e5f60718293a4b5c6d7e', '-', 'fa4e1c2b3d4e5f60718293a4b5c6d7e8', 'ff'),
    ],
  },
};
