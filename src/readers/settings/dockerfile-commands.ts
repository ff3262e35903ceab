// What a Dockerfile's commands put into the container's environment, beyond ENV/ARG (used by
// dockerfile.ts, kept apart so that it reads the same over any instruction model):
//   CMD / ENTRYPOINT / RUN in exec form: the argv (`["env", "K=V", "python", …]`, `["sh", "-c",
//     "…"]`) read as the words of a shell command; in shell form: the text read as shell
//     (`CMD AGENT_MODE=EXECUTE python -m agent`)
//   heredocs: a `RUN <<EOF` body is a shell script; a `COPY <<EOF /app/.env` body is the file it
//     writes, read by its destination's name (.env lines)
import { readDotenv } from './dotenv.js';
import { readShell } from './shell.js';
import type { Assignment, Keep, OffsetMapper } from './types.js';

/** Settings of a CMD / ENTRYPOINT / RUN: `args` is the text after the keyword (and RUN's flags). */
export function commandSettings(keyword: string, args: string, map: OffsetMapper, keep: Keep): Assignment[] {
  const tag = `dockerfile-${keyword.toLowerCase()}`;
  const t = args.trimStart();
  if (t.startsWith('[')) {
    let argv: unknown;
    try {
      argv = JSON.parse(t);
    } catch {
      argv = null;
    }
    if (!Array.isArray(argv) || !argv.every((w) => typeof w === 'string')) {
      // Not valid JSON: Docker runs the text in a shell.
      return readShell(args, map, keep).map((a) => ({ ...a, syntax: `${tag}/${a.syntax}` }));
    }
    const at = map(args.length - t.length);
    const script = (argv as string[]).map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
    return readShell(script, () => at, keep, 1).map((a) => ({ ...a, syntax: `${tag}/${a.syntax}` }));
  }
  return readShell(args, map, keep).map((a) => ({ ...a, syntax: `${tag}/${a.syntax}` }));
}

/** Settings of a heredoc body: a RUN script, or the file a COPY/ADD writes (read by its destination's name). */
export function heredocSettings(keyword: string, destination: string | null, body: string, map: OffsetMapper, keep: Keep): Assignment[] {
  if (keyword === 'RUN') return readShell(body, map, keep).map((a) => ({ ...a, syntax: `dockerfile-run-heredoc/${a.syntax}` }));
  if ((keyword === 'COPY' || keyword === 'ADD') && destination && /(^|\/)(\.env[^/]*|[^/]+\.env)$/.test(destination)) return readDotenv(body, map, 'dockerfile-heredoc-file', keep);
  return [];
}
