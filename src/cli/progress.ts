// Progress on stderr: a scan on a terminal shows what it is reading once it takes longer than a
// second (one line, rewritten at most once a second); client hooks only after 3 s and only on a
// terminal; pre-receive (whose stderr git relays as `remote:` lines) one plain line after 3 s.
// Nothing for pipes, CI logs or JSON consumers.
import type { ChangeSet } from '../changeset/types.js';
import type { Door } from '../doors.js';
import type { CliIO } from './io.js';
import { outMsg } from './messages.js';
import { writeErr } from './io.js';

export interface Progress {
  changeSet(cs: ChangeSet): void;
  stop(): void;
}

const NONE: Progress = { changeSet: () => undefined, stop: () => undefined };

export function startProgress(io: CliIO, door: Door, quiet: boolean): Progress {
  const tty = (io.stderr as NodeJS.WriteStream).isTTY === true && io.env.TERM !== 'dumb';
  if (quiet || io.env.SAFETY_GATE_PROGRESS === '0') return NONE;
  const forced = io.env.SAFETY_GATE_PROGRESS === '1';
  const remote = door === 'pre-receive';
  if (!tty && !remote && !forced) return NONE;
  const started = Date.now();
  const after = forced ? 0 : door === 'scan' ? 1000 : 3000;
  let what: string = outMsg.progressReading;
  let shown = false;
  const line = () => outMsg.progress(door, what, Math.round((Date.now() - started) / 1000));
  const tick = () => {
    if (Date.now() - started < after) return;
    if (remote && !tty) {
      // One line only: every line here becomes a `remote:` line of the push.
      if (!shown) writeErr(io, `${line()}\n`);
      shown = true;
      clearInterval(timer);
      return;
    }
    writeErr(io, `\r${line()}\u001b[K`);
    shown = true;
  };
  const timer = setInterval(tick, 250);
  timer.unref();
  return {
    changeSet(cs) {
      const commits = cs.commits.filter((c) => c.oid !== null).length;
      what = outMsg.progressChecking(cs.changes.length, commits);
      if (forced) tick();
    },
    stop() {
      clearInterval(timer);
      if (shown && (tty || forced) && !(remote && !tty)) writeErr(io, '\r\u001b[K');
    },
  };
}
