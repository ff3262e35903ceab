import { describe, expect, it } from 'vitest';
import { clientActor, serverActor } from './identity.js';

describe('identity', () => {
  it('the server takes only the platform word, never the local login', () => {
    expect(serverActor({ USER: 'git', LOGNAME: 'git' })).toEqual({ source: 'unknown', name: null });
    expect(serverActor({ USER: 'git', GL_USERNAME: 'alice' })).toEqual({ source: 'gitlab', name: 'alice' });
  });

  it('the most specific platform variable wins', () => {
    expect(serverActor({ REMOTE_USER: 'proxy', GITHUB_USER_LOGIN: 'bob' })).toEqual({ source: 'github', name: 'bob' });
    expect(serverActor({ GL_USER: 'carol', GITEA_PUSHER_NAME: 'dave' })).toEqual({ source: 'gitea', name: 'dave' });
  });

  it('a client falls back to the local login', () => {
    expect(clientActor({ USER: 'erin', LOGNAME: 'other' })).toEqual({ source: 'local', name: 'erin' });
    expect(clientActor({ LOGNAME: 'frank' })).toEqual({ source: 'local', name: 'frank' });
    expect(clientActor({})).toEqual({ source: 'local', name: null });
    expect(clientActor({ USER: 'erin', GITHUB_USER_LOGIN: 'ci-bot' })).toEqual({ source: 'github', name: 'ci-bot' });
  });

  it('an empty variable names no one', () => {
    expect(serverActor({ GITHUB_USER_LOGIN: '', GL_USERNAME: 'alice' })).toEqual({ source: 'gitlab', name: 'alice' });
  });
});
