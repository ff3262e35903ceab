// Documentation of the engine-level mechanisms every rule shares, printed by
// `safety-gate explain exceptions|baseline`, appended to `explain --all` (docs/rules.md) and
// named at the end of every rule's `explain`.

const EXCEPTIONS_DOCS = `Inline exceptions, the same for every rule (applied by the engine after all rules report).

  <code>  # safety-gate: allow <rule>[, <rule>…] -- <reason>

In any comment syntax (#, //, /* */, <!-- -->, --, ;, %, ', REM, ::), on the finding's line or
alone on the line directly above. <rule> is a rule id (agent-mode) or one sub-rule
(import-hygiene/syntax). The marker is exact and lower-case.

- The reason after "--" is mandatory: without one the exception exempts nothing, and the
  finding says so.
- Only findings with a line can be suppressed; whole-file, commit and run findings,
  <rule>/new-exception findings and findings about a change (protected-target, task-scope)
  cannot.
- Keyed to content: the rule, the normalised text of the covered line and of the comment's
  line. An exception that the previous version of the file (at a path the rule read) did not
  have is new: <rule>/new-exception, block (warn when the suppressed finding warns), with
  "covers": <rule> in JSON. An approval closes it. Moving the line or editing others keeps an
  exception; changing the covered line or the reason, a copy, or a rename into the rule's scope
  makes it new. A scan of a tree adds nothing and reports no new exception.
- Old means effective: an exception of the previous version counts only if it suppressed
  something there, i.e. the same rule (run again on that version) reported a finding on the
  line it covers, with the same key. An allow comment that suppressed nothing (inside a
  docstring, a heredoc body, a YAML block scalar, above a line nothing flagged) is new in the
  commit where it starts suppressing. Rules whose findings come only from whole-commit or
  whole-run checks (no per-file check: sentinel, script-risk) cannot be
  re-run on one old file: their old exceptions are never provably effective, so every change
  of such a file that keeps one reports it as new (fail closed).
- Suppressed findings are listed under "suppressed" in JSON (with the reason), counted in text.

safety-gate scan --list-suppressions lists the exceptions that really suppress a finding (the
engine's own verdict on the tree at --rev), each with what it suppresses; --all adds allow
comments that suppress nothing (no reason, or no finding of that rule on the covered line),
marked INEFFECTIVE with the cause.`;

const BASELINE_DOCS = `Baseline: adopt the gate on a repository that already has findings.

  safety-gate baseline [--output FILE] [--rev REV]     writes .safety-gate/baseline.json
  safety-gate scan --baseline FILE                      applies another file

The baseline records each finding of the tree by its content fingerprint (sha256 of rule,
path, the finding line's text trimmed with whitespace collapsed, and the line's structure: its
indentation, the enclosing lines above it with less indentation (YAML parent keys, a Python
block), and the [section] it is under in INI/TOML-like files; env and .properties files have
no structure; the message when there is no line) with a count. A finding whose fingerprint the
baseline holds does not block; lines moved within their structure or surrounded by new lines
stay baselined; a changed line, a line moved to another section or parent (or re-indented in a
nested format), a renamed file or one more copy of a baselined line is new and blocks.
Baselines written before fingerprint v3 no longer match: re-run safety-gate baseline. protected-target, task-scope and
*/new-exception findings are never baselined. Baselined findings are listed under "baselined"
in JSON, as baselineState "unchanged" in SARIF, and counted in text.

Where it is read from, always the state before the change: the path "baseline:" names in the
policy (default .safety-gate/baseline.json), as committed at HEAD (pre-commit, commit-msg), at
each pushed commit's parent (pre-push), at A (scan --range A..B), in the scanned commit (scan); on
the server from its policy's absolute "baseline:" file or else from server.policy_branch's tip
before the push, never from pushed commits. An invalid baseline fails closed (exit 2). The
presets protect .safety-gate/baseline.json (group safety-gate-policy), and a "baseline:" path is
protected wherever it lives: changing the baseline needs security review.`;

export const TOPICS: Record<string, string> = { exceptions: EXCEPTIONS_DOCS, baseline: BASELINE_DOCS };

/** The line every rule's explain ends with. */
export function exceptionFooter(id: string): string {
  return `Inline exception: "safety-gate: allow ${id} -- <reason>" on the line or alone above it; adding one
reports ${id}/new-exception (see: safety-gate explain exceptions). Findings can be baselined
(see: safety-gate explain baseline).`;
}
