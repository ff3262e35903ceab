import { assignment, fake, type Detector } from './types.js';

// Binance API keys (X-MBX-APIKEY) and HMAC secret keys: 64 alphanumeric characters each,
// case-sensitive. Ed25519/RSA key pairs are PEM private keys (private-key).
export const binance: Detector = {
  id: 'binance-api-key',
  description: 'Binance API key or secret',
  docs: [
    'https://developers.binance.com/docs/binance-spot-api-docs/rest-api/endpoint-security-type',
    'https://developers.binance.com/docs/binance-spot-api-docs/rest-api/request-security',
  ],
  keywords: ['binance', 'mbx-apikey'],
  regex: assignment('binance|x-mbx', 'key|secret', '[A-Za-z0-9]{64}'),
  secretGroup: 1,
  entropy: 3.5,
  rotate: 'delete the API key in Binance API Management, create a new one restricted to trusted IPs and without withdrawal permission, and review account activity',
  samples: {
    positive: [
      fake('BINANCE_API_KEY=', 'fakeFAKEfake0123456789abcdefQWERTY', 'uiopASDFGHjklZXCVbnm0123456789'),
      fake('binance:\n  secret_key: "', 'zFAKEfake0123456789abcdefQWERTYuiopASDF', 'GHjklZXCVbnm0123456789abc', '"'),
      fake('X-MBX-APIKEY: ', 'fakeFAKEfake0123456789abcdefQWERTY', 'uiopASDFGHjklZXCVbnm0123456789'),
    ],
    negative: [
      'BINANCE_API_KEY=${BINANCE_API_KEY}',
      fake('BINANCE_API_SECRET=', 'fakeFAKEfake0123456789'),
      fake('binance_key = "', '0000000000000000000000000000000000000000000000000000000000000000', '"'),
    ],
  },
};
