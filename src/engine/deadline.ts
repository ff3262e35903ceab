// The engine's own deadline: checked between steps (the door's hard timer covers what a
// cooperative check cannot interrupt), and projected from the pace of the file phase so that a
// push that clearly cannot make it is stopped early, with what it would need, instead of when
// the budget has run out (or when the platform kills the hook without a word).
import { GateError } from '../errors.js';
import { msg } from '../messages.js';

export class Deadline {
  /** Bytes the file phase will read (blobs within the size limit and not fully cached). */
  totalBytes = 0;
  private doneBytes = 0;
  private doneBlobs = 0;
  private paceFrom = 0;

  /**
   * @param at absolute time (ms) after which the run gives up
   * @param startedAt the run's clock when it started (EngineInput.now; the budget is `at - startedAt`)
   * @param label the door, named in the message
   */
  constructor(
    private readonly at: number,
    private readonly startedAt: number,
    private readonly label: string,
  ) {}

  /** Stops the run once its budget is spent. */
  check(): void {
    if (Date.now() > this.at) throw new GateError('deadline', msg.deadline(this.label, this.at - this.startedAt), msg.deadlineHint);
  }

  /** A blob of the file phase is done. The first one pays for loading parsers: the pace is taken from the ones after it. */
  blobDone(size: number): void {
    if (this.paceFrom === 0) this.paceFrom = Date.now();
    else {
      this.doneBytes += size;
      this.doneBlobs++;
    }
  }

  /**
   * A deadline the user can trust: once a tenth of the budget has gone into reading files (the
   * first blob, which loads the parsers, not counted), the pace so far says whether the rest
   * fits; a run projected past 1.25 times its budget stops now, saying what it would need.
   */
  project(work: { commits: number; blobs: number }): void {
    const budgetMs = this.at - this.startedAt;
    const now = Date.now();
    const spent = now - this.paceFrom;
    if (this.doneBlobs < 8 || this.doneBytes >= this.totalBytes || spent < Math.max(100, budgetMs * 0.1)) return;
    const projected = Math.round(now - this.startedAt + ((this.totalBytes - this.doneBytes) * spent) / this.doneBytes);
    if (projected <= budgetMs * 1.25) return;
    throw new GateError(
      'deadline',
      msg.deadlineProjected(this.label, budgetMs, {
        commits: work.commits,
        blobs: work.blobs,
        bytes: this.totalBytes,
        done: this.doneBytes,
        elapsed: now - this.startedAt,
        projected,
      }),
      msg.deadlineProjectedHint(this.label, Math.ceil((projected * 1.5) / 1000) * 1000),
    );
  }
}
