import { fake, type Detector } from './types.js';

// GitHub's token formats: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_
// (server-to-server), ghr_ (refresh), each with 36+ base62 characters; fine-grained personal
// tokens github_pat_ with 82 characters of [A-Za-z0-9_].
export const githubToken: Detector = {
  id: 'github-token',
  description: 'GitHub token',
  docs: [
    'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
    'https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/',
  ],
  keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
  regex: /(?<![A-Za-z0-9_])((?:gh[pousr]_[A-Za-z0-9]{36,251})|(?:github_pat_[A-Za-z0-9_]{82}))(?![A-Za-z0-9_])/,
  secretGroup: 1,
  entropy: 3,
  rotate: "revoke the token (Settings → Developer settings, or the app's installation), create a new one with the least scope, and check the security log",
  samples: {
    positive: [
      fake('GITHUB_TOKEN=', 'ghp', '_', 'FAKEfakeFAKEfake0123456789abcdefABCD'),
      fake('token: ', 'ghs', '_', 'FAKE0123456789fakeFAKEfakeQWERTYuiop'),
      fake('pat = "', 'github_pat', '_', '11FAKEFAKE0', 'fakefakefakeFAKEFAKEfake_', 'FAKEfake0123456789abcdefghijklmnopqrstuvwxyzAB', '"'),
    ],
    negative: [fake('GITHUB_TOKEN=', 'ghp', '_', 'short'), 'uses: ${{ secrets.GITHUB_TOKEN }}', fake('id = "', 'ghp', '_', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '"')],
  },
};
