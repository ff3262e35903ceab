// Who is behind a run. On the server, only the platform's word counts (the variables it sets
// for the authenticated pusher), never commit metadata; a client takes the platform's word when
// it runs under one (CI), else the local login. The only module that reads these variables: the
// engine gets the actor resolved, inside the change set (src/layers.test.ts holds it to that).
import type { Actor } from '../changeset/types.js';

/** The platforms' identity variables, most specific first: [actor source, variable]. */
export const PLATFORM_IDENTITY = [
  ['github', 'GITHUB_USER_LOGIN'],
  ['gitlab', 'GL_USERNAME'],
  ['gitea', 'GITEA_PUSHER_NAME'],
  ['gitolite', 'GL_USER'],
  ['remote-user', 'REMOTE_USER'],
] as const;

/** The local login, the client's last resort. */
export const LOCAL_IDENTITY = ['USER', 'LOGNAME'] as const;

function platformActor(env: NodeJS.ProcessEnv): Actor | null {
  for (const [source, variable] of PLATFORM_IDENTITY) {
    const name = env[variable];
    if (name) return { source, name };
  }
  return null;
}

/** The server's actor: the platform's, else unknown (a push is never attributed to a commit's author). */
export function serverActor(env: NodeJS.ProcessEnv): Actor {
  return platformActor(env) ?? { source: 'unknown', name: null };
}

/** A client's actor: the platform's (CI), else the local login. */
export function clientActor(env: NodeJS.ProcessEnv): Actor {
  return platformActor(env) ?? { source: 'local', name: env[LOCAL_IDENTITY[0]] ?? env[LOCAL_IDENTITY[1]] ?? null };
}
