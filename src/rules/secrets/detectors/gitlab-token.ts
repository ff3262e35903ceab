import { fake, type Detector } from './types.js';

// GitLab token prefixes: glpat- (personal/project/group access), gldt- (deploy), glrt- (runner
// authentication), glptt- (pipeline trigger), glcbt- (CI/CD job), glimt- (incoming mail),
// glft- (feed), glsoat- (SCIM), gloas- (OAuth secret), glffct- (feature flags client),
// glagent- (agent); runner registration tokens GR1348941.
export const gitlabToken: Detector = {
  id: 'gitlab-token',
  description: 'GitLab token',
  docs: ['https://docs.gitlab.com/security/tokens/#token-prefixes'],
  keywords: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glimt-', 'glft-', 'glsoat-', 'gloas-', 'glffct-', 'glagent-', 'gr1348941'],
  regex:
    /(?<![A-Za-z0-9_-])((?:(?:glpat|gldt|glrt|glptt|glcbt|glimt|glft|glsoat|gloas|glffct|glagent)-|GR1348941)[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,64}){0,3})(?![A-Za-z0-9_-])/,
  secretGroup: 1,
  entropy: 3,
  rotate: 'revoke the token in GitLab (User/Project/Group settings → Access tokens, or the runner), create a new one, and review the audit events',
  samples: {
    positive: [
      fake('CI_TOKEN: "', 'glpat', '-', 'FAKEfake0123xyzQWERTY', '"'),
      fake('runner_token = ', 'glrt', '-', 'fakeFAKE0123456789abcd'),
      fake('token: ', 'glpat', '-', 'FAKEfake0123xyzQWERTYuiop1.01.1a2b3c4d5'),
    ],
    negative: [
      fake('GITLAB_TOKEN=', 'glpat', '-', 'FAKEfake0123xyzQWER'), // 19 characters: too short
      'token: glpat-$CI_JOB_TOKEN',
      fake('doc: "', 'glpat', '-', 'xxxxxxxxxxxxxxxxxxxx', '"'),
    ],
  },
};
