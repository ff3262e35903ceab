import { fake, type Detector } from './types.js';

// npm access tokens: npm_ followed by 36 base62 characters (granular and classic tokens since
// 2021); and the _authToken line of an .npmrc, whatever the registry, unless it reads a variable.
export const npmToken: Detector = {
  id: 'npm-token',
  description: 'npm access token',
  docs: [
    'https://docs.npmjs.com/about-access-tokens',
    'https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/',
    'https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration',
  ],
  keywords: ['npm_', '_authtoken'],
  regex: /(?:(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_]))|(?:_authToken\s*=\s*["']?([A-Za-z0-9_.+/=-]{20,}))/,
  secretGroup: 0,
  entropy: 3,
  rotate: 'revoke the token (npm token revoke, or npmjs.com → Access Tokens), create a granular one with the least scope, and check the packages it could publish',
  samples: {
    positive: [
      fake('NPM_TOKEN=', 'npm', '_', 'FAKEfakeFAKEfake0123456789abcdefABCD'),
      fake('//registry.npmjs.org/:_authToken=', 'npm', '_', 'FAKEfakeFAKEfake0123456789abcdefQWER'),
      fake('//npm.example.internal/:_authToken=', '0fa4e1c2-fake-4b7d-9e3f-', '0123456789ab'),
    ],
    negative: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'const npm_package_version = process.env.npm_package_version', fake('NPM_TOKEN=', 'npm', '_', 'short')],
  },
};
