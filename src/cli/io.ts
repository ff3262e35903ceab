// What a command needs from the process, injectable for tests.
export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

// The CLI's two output helpers: every line a command prints goes through them, and what they are
// given is a catalogue's (src/cli/messages.ts, src/messages.ts, src/cli/usage.ts) or data (JSON,
// a report, a child's bytes); src/cli/output.test.ts fails on words written on the spot.

/** Standard output: results (lists, JSON, reports, usage). */
export function writeOut(io: Pick<CliIO, 'stdout'>, text: string): void {
  io.stdout.write(text);
}

/** Standard error: what the gate says about the run (progress, verdict lines, child output). */
export function writeErr(io: Pick<CliIO, 'stderr'>, text: string | Uint8Array): void {
  io.stderr.write(text);
}
