import { assignment, fake, type Detector } from './types.js';

// Alpaca Trading/Broker API keys: a key id sent as APCA-API-KEY-ID (20 upper-case characters,
// PK… for paper, AK… for live, CK… for Broker API) and a secret key sent as APCA-API-SECRET-KEY
// (40 characters). Paper keys are credentials too: they are reported like live ones.
export const alpaca: Detector = {
  id: 'alpaca-api-key',
  description: 'Alpaca API key',
  docs: ['https://docs.alpaca.markets/docs/authentication', 'https://docs.alpaca.markets/reference'],
  keywords: ['alpaca', 'apca'],
  regex: assignment('alpaca|apca', 'key|secret', '(?:[PAC]K[A-Z0-9]{18})|(?:[A-Za-z0-9]{40})'),
  secretGroup: 1,
  entropy: 3,
  rotate: 'regenerate the key in the Alpaca dashboard (the old secret stops working), update the secret store, and review account activity',
  samples: {
    positive: [
      fake('APCA_API_KEY_ID=', 'PK', 'FAKE0TEST1KEY2ID3Z'),
      fake('APCA_API_SECRET_KEY=', 'fakeFAKEfake01234567', 'abcdefQWERTYuiopZXCV'),
      fake('alpaca:\n  api_key: "', 'AK', 'FAKE7LIVE8KEY9ID0Q', '"'),
      fake('ALPACA_SECRET = "', 'zFAKEfake0123456789abcdefQWERTYuiopASDFG', '"'),
      fake('-H "APCA-API-SECRET-KEY: ', 'fakeFAKEfake01234567', 'abcdefQWERTYuiopZXCV', '"'),
    ],
    negative: [
      'APCA_API_KEY_ID=${APCA_API_KEY_ID}',
      'ALPACA_SECRET_KEY = os.environ["ALPACA_SECRET_KEY"]',
      'APCA-API-KEY-ID: {YOUR_API_KEY_ID}',
      fake('APCA_API_SECRET_KEY=', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'),
      'APCA_API_BASE_URL=https://paper-api.alpaca.markets',
    ],
  },
};
