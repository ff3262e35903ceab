// Entry point. Installs the fail-closed handlers first, then loads the dispatcher, so that even
// a module that fails to load ends as one line and exit 2, never a stack trace or exit 0/1.
import { GateError, EXIT } from '../errors.js';
import { msg } from '../messages.js';
import type { CliIO } from './io.js';
import { outMsg } from './messages.js';
import { writeErr } from './io.js';

function describe(e: unknown): string {
  if (e instanceof GateError) {
    const line = msg.undecidedLine(e.message, e.hint);
    // A configuration with several problems: all of them, one per line, after the verdict.
    const all = (e as { problems?: string[] }).problems ?? [];
    return all.length > 1 ? [line, ...all.map((p) => `  ${p}`)].join('\n') : line;
  }
  // node:util parseArgs throws TypeErrors with a code for bad flags: that is a usage error.
  const code = (e as { code?: string })?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return msg.undecidedLine((e as Error).message, msg.usageHint);
  return msg.undecidedLine(msg.internal((e as Error)?.message ?? String(e)), msg.internalHint);
}

// A reader that stops early (`safety-gate explain --all | head -1`) closes the pipe: stop
// writing and finish normally; the exit code stays the command's own.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    throw e;
  });
}

const io: CliIO = { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

// Until a command finishes, the answer is "could not decide": if the event loop ever drains
// with a promise left pending, the process must not exit 0 and let a change through.
let finished = false;
process.exitCode = EXIT.undecided;
process.on('beforeExit', () => {
  if (!finished) {
    finished = true;
    writeErr(io, msg.undecidedLine(msg.internal(outMsg.runStopped), msg.internalHint) + '\n');
    process.exitCode = EXIT.undecided;
  }
});

import('./app.js')
  .then(({ main }) => main(process.argv.slice(2), io))
  .then(
    (code) => {
      finished = true;
      process.exitCode = code;
    },
    (e: unknown) => {
      finished = true;
      // A GitLab server hook that could not decide: GitLab's UI shows only GL-HOOK-ERR: lines.
      const gl = process.argv[2] === 'hook' && process.argv[3] === 'pre-receive' && (io.env.GL_ID || io.env.GL_USERNAME || io.env.GL_PROTOCOL);
      writeErr(
        io,
        (gl
          ? describe(e)
              .split('\n')
              .map((l) => `GL-HOOK-ERR: ${l}`)
              .join('\n')
          : describe(e)) + '\n',
      );
      if (process.env.SAFETY_GATE_DEBUG === '1' && e instanceof Error) writeErr(io, (e.stack ?? '') + '\n');
      process.exitCode = EXIT.undecided;
    },
  );

// An exception escaping from a stream callback must still block, with one line.
process.on('uncaughtException', (e) => {
  writeErr(io, describe(e) + '\n');
  process.exit(EXIT.undecided);
});
