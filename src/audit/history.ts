// What the audit log says about earlier attempts, for rules that judge a lane's history
// (retry budgets). The log read is the one this door trusts: the server's own in pre-receive.
import { readFileSync } from 'node:fs';

export interface AuditHistory {
  /** Decisions 'block' recorded for a lane so far; with `since` (ms), only those recorded after it (a lane reset). */
  blockedAttempts(lane: string, since?: number): number;
  /**
   * Whether a decision 'pass' checked this commit (it is among the record's `commits`: the
   * commits that run made new and judged with every rule). Release tags use it as the evidence
   * that the blocking checks passed on the tagged commit (absent: no evidence).
   */
  passedCommit?(commit: string): boolean;
}

export function auditHistory(logPath: string): AuditHistory {
  let lines: string[] | null = null;
  const read = () => {
    if (lines === null) {
      try {
        lines = readFileSync(logPath, 'utf8').split('\n');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        lines = [];
      }
    }
    return lines;
  };
  return {
    blockedAttempts(lane, since) {
      // A substring test first: most lines belong to other lanes and are never parsed.
      const needle = JSON.stringify(lane);
      let n = 0;
      for (const line of read()) {
        if (!line.includes(needle)) continue;
        try {
          const rec = JSON.parse(line) as { decision?: string; time?: string; task?: { lane?: string }; lanes?: unknown };
          const ofLane = rec.task?.lane === lane || (Array.isArray(rec.lanes) && rec.lanes.includes(lane));
          if (!ofLane || rec.decision !== 'block') continue;
          // A record without a readable time is counted: it cannot lower a count.
          if (since !== undefined && Date.parse(rec.time ?? '') <= since) continue;
          n++;
        } catch {
          // A torn line is audit verify's business; it cannot lower a count.
        }
      }
      return n;
    },
    passedCommit(commit) {
      const needle = JSON.stringify(commit);
      for (const line of read()) {
        if (!line.includes(needle)) continue;
        try {
          const rec = JSON.parse(line) as { decision?: string; commits?: unknown };
          if (rec.decision === 'pass' && Array.isArray(rec.commits) && rec.commits.includes(commit)) return true;
        } catch {
          // A torn line is no evidence.
        }
      }
      return false;
    },
  };
}
