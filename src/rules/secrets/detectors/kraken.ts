import { assignment, fake, type Detector } from './types.js';

// Kraken Spot REST API: an API key (API-Key header, 56 base64 characters) and a private key
// (base64 of 64 bytes, 88 characters, used to sign API-Sign).
export const kraken: Detector = {
  id: 'kraken-api-key',
  description: 'Kraken API key or private key',
  docs: ['https://docs.kraken.com/api/docs/guides/spot-rest-auth', 'https://support.kraken.com/hc/en-us/articles/360000919966-How-to-create-an-API-key'],
  keywords: ['kraken'],
  regex: assignment('kraken', 'key|secret|private', '(?:[A-Za-z0-9+/]{86}==)|(?:[A-Za-z0-9+/]{56})'),
  secretGroup: 1,
  entropy: 3.5,
  rotate: 'delete the key in Kraken (Settings → API), create a new one with the least permissions, and review account activity',
  samples: {
    positive: [
      fake('KRAKEN_API_KEY=', 'fakeFAKEfake0123456789abcdefQWERTY', 'uiopASDFGHjklZXCVbnm+/'),
      fake('KRAKEN_PRIVATE_KEY="', 'fAKe0123456789abcdefQWERTYuiopASDFGHjklZXC', 'Vbnm+/0123456789abcdefghijklmnopqrstuvwxyzAB==', '"'),
    ],
    negative: ['KRAKEN_API_KEY=${KRAKEN_API_KEY}', fake('kraken_key = "', 'fakeFAKEfake0123456789', '"'), 'KRAKEN_API_URL=https://api.kraken.com/0/private/Balance'],
  },
};
