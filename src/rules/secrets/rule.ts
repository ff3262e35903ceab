// secrets (advisory checks): committed credentials — the built-in detectors (detectors/) and a
// team's own gitleaks rules (gitleaks_config) — in every changed file, in the engine's single
// pass: the keyword prefilter first, then the patterns, only on blobs that contain a keyword.
// Warn by default; a policy promotes it to block. A finding never carries the secret: the
// message shows it redacted, the audit log keeps a hash.
import type { FileChange } from '../../changeset/types.js';
import { GateError } from '../../errors.js';
import { suppressionCovering } from '../../readers/suppressions.js';
import { createRule, type FileView, type RuleContext } from '../types.js';
import type { RuleReport } from '../messages.js';
import { DETECTORS } from './detectors/index.js';
import type { SecretsOptions } from './options.js';
import { redact, secretHash } from './redact.js';
import { runBounded, TimeBoundExceeded } from './bounded.js';
import { secretsMessages, secretsMsg, secretsText } from './messages.js';
import { compileAllowlist, compileRule, detectorRule, scan, type CompiledRule } from './scan.js';

const RULE_ID = 'secrets';

const detectorList = DETECTORS.map((d) => `  ${d.id.padEnd(22)} ${d.description}\n${d.docs.map((u) => `  ${''.padEnd(22)} ${u}`).join('\n')}`).join('\n');

const DOCS = `Reports committed credentials in every changed file (code, config, docs, tests: anything
the policy does not exclude), advisory by default (CI/CD spec: secret scanning MUST run,
reported, promotable to blocking). One pass per blob: a keyword prefilter (literals such as
"akia", "private key", "alpaca") and then the patterns, only on blobs that contain a keyword.

What it reports
  secrets/<detector>   a credential: rule, path, line, column and a redacted value (at most the
                       first and last 4 characters, fewer for short values), the blob id, and the
                       commit that first introduced it (merge resolutions and every ref of a push
                       included). A secret the previous version already held (any parent's, for
                       a merge) is not reported again on later edits. The secret itself is never
                       printed, in text, JSON or SARIF; the audit log holds only
                       sha256("safety-gate/secret" NUL secret).

Built-in detectors (src/rules/secrets/detectors/, each with its documentation and samples)
${detectorList}

Your gitleaks rules (rules.secrets.options.gitleaks_config: PATH)
  A gitleaks TOML config: [[rules]] (id, description, regex, secretGroup, entropy, path,
  keywords, tags, [[rules.allowlists]] / [rules.allowlist]), top-level [allowlist] /
  [[allowlists]] (paths, regexes, regexTarget, stopwords, commits, condition, targetRules),
  [extend] useDefault (the built-in detectors play gitleaks' defaults). PATH is relative to the
  policy file that names it; on the server it comes from the server's policy (its file, or the
  trusted branch tip), never from the pushed tree. Go RE2 is translated to JavaScript ((?i) and
  scoped flags, \\A, \\z, (?P<name>, [[:alpha:]], \\Q…\\E, \\x{…}, \\pL); what has no exact
  equivalent ((?U), \\C, negated POSIX classes, …) is refused with file:line naming the rule, and
  the gate cannot decide (exit 2) until it is fixed. A rule without keywords makes every file
  reach the patterns. Binary files (a NUL in the first 8000 bytes) are not read. JavaScript's
  engine backtracks where RE2 does not, so your patterns run under the door's deadline
  (limits.deadline_ms): one that is still matching a file at the deadline stops the run there
  (exit 2, audited, naming the pattern and the file) instead of hanging the push.

Options (rules.secrets.options)
  gitleaks_config   PATH of a gitleaks TOML config (above).
  disable           built-in detector ids to turn off.
  exclude           globs never scanned.

Promote
  rules:
    secrets: block          # or {severity: block, options: {gitleaks_config: .gitleaks.toml}}

Suppress (a credential that is not one: a test fixture, a documented example)
  Inline, on the line or alone on the line above, with a reason (any comment syntax):
    # safety-gate: allow secrets -- <reason>
  gitleaks' own inline marker is honoured the same way:   # gitleaks:allow
  A baseline entry (safety-gate baseline) for findings a repository already has; a gitleaks
  allowlist (paths, regexes, stopwords, commits); rules.secrets.options.exclude for whole files.
  Without a reason the safety-gate marker exempts nothing.

Rotate (a committed secret is compromised: it is in history and every clone)
  1. Revoke or rotate it at the issuer first (each finding's remediation says where).
  2. Remove it from the file; load it from the environment or a secret manager.
  3. Rewriting history does not un-leak it; do it only if policy requires, after rotating.

Examples
  AWS_ACCESS_KEY_ID=AKIA…                   → secrets/aws-access-key-id
  APCA_API_SECRET_KEY=<40 characters>       → secrets/alpaca-api-key
  DB_PASSWORD=\${DB_PASSWORD}                → ok (a reference, not a value)
  AKIA…EXAMPLE (AWS's documented example)   → ok`;

async function previousTexts(file: FileView, ctx: RuleContext<SecretsOptions>): Promise<string[]> {
  const { change } = file;
  const oids = change.parents
    ? change.parents.filter((p) => p.oid && p.mode !== '160000' && p.mode !== null).map((p) => p.oid!)
    : change.oldOid && change.oldMode !== '160000'
      ? [change.oldOid]
      : [];
  const out: string[] = [];
  for (const oid of new Set(oids)) {
    const blob = await ctx.git.readBlob(oid);
    if (blob && !blob.isBinary) out.push(blob.text);
  }
  return out;
}

function isRegular(change: FileChange): boolean {
  return change.newMode === '100644' || change.newMode === '100755';
}

export const secrets = createRule({
  meta: {
    id: RULE_ID,
    family: 'advisory checks',
    description: 'Reports committed credentials (built-in detectors and your gitleaks rules) without printing them; warn by default.',
    defaultSeverity: 'warn',
    messages: secretsMessages,
    docs: DOCS,
  },
  create(ctx: RuleContext<SecretsOptions>) {
    const o = (ctx.options ?? {}) as Partial<SecretsOptions>;
    if (o.gitleaks_config && !o.gitleaks) {
      // The loader compiles gitleaks_config into the policy; a policy without it cannot be trusted.
      throw new GateError('config', secretsMsg.gitleaksNotLoaded(o.gitleaks_config), secretsMsg.gitleaksNotLoadedHint);
    }
    const disabled = new Set(o.disable ?? []);
    const rules: CompiledRule[] = [];
    // The team's own rules first: where one matches the same characters as a built-in, it names it.
    for (const r of o.gitleaks?.rules ?? []) rules.push(compileRule(r));
    for (const d of DETECTORS) if (!disabled.has(d.id)) rules.push(compileRule(detectorRule(d), { validate: d.validate, rotate: d.rotate }));
    const global = (o.gitleaks?.allowlists ?? []).map(compileAllowlist);
    // A team's patterns (rules and allowlists) run under a hard bound: see bounded.ts.
    const teamPatterns = (o.gitleaks?.rules.length ?? 0) > 0 || global.length > 0;
    const excluded = ctx.paths.glob(o.exclude ?? []);
    const everyFile = rules.some((r) => r.rule.keywords.length === 0);
    const keywords = everyFile ? undefined : [...new Set(rules.flatMap((r) => r.rule.keywords))];

    return {
      ...(keywords ? { keywords } : {}),
      files: (change: FileChange) => isRegular(change) && !excluded(change.path),
      async checkFile(file: FileView, report: RuleReport<typeof secretsMessages>) {
        const blob = await file.newBlob();
        // Binary content is not text a credential is committed in (and decoding it makes noise).
        if (!blob || blob.isBinary) return;
        const text = blob.text;
        const hits = keywords ? file.hits : new Set(rules.flatMap((r) => r.rule.keywords).filter((k) => blob.lower.includes(k)));
        const target = { text, path: file.path, commit: file.commit?.oid ?? null, hits };
        const progress = { rule: null as string | null };
        let found;
        try {
          found = teamPatterns ? runBounded(() => scan(target, rules, global, progress), ctx.deadlineAt - Date.now()) : scan(target, rules, global);
        } catch (e) {
          if (!(e instanceof TimeBoundExceeded)) throw e;
          throw new GateError(
            'deadline',
            secretsMsg.patternTooSlow(progress.rule ?? '?', file.path, blob.oid),
            secretsMsg.patternTooSlowHint(o.gitleaks_config ?? 'gitleaks_config'),
          );
        }
        if (found.length === 0) return;
        // Reported where it is introduced: a secret the previous version already held (for a
        // merge: any parent's version) belongs to the commit that brought it, not to every later
        // edit of the file. A tree scan has no previous version and reports everything.
        const before = await previousTexts(file, ctx);
        for (const h of found) {
          if (h.secret && before.some((t) => t.includes(h.secret))) continue;
          const { line, column } = blob.position(h.offset);
          const first = h.match ? blob.position(h.matchOffset).line : line;
          const lineText = blob.line(line);
          if (lineText.includes('gitleaks:allow') || blob.line(first).includes('gitleaks:allow')) continue;
          const lineAt = (n: number) => blob.line(n);
          const exc = suppressionCovering(RULE_ID, line, lineAt) ?? (first !== line ? suppressionCovering(RULE_ID, first, lineAt) : null);
          if (exc?.reason) continue;
          const data = {
            description: h.description,
            blob: blob.oid.slice(0, 12),
            noReason: secretsText.noReason(exc ? exc.line : null),
            rotate: h.rotate ?? secretsText.defaultRotate,
          };
          report({
            ...(h.secret ? { messageId: 'secret' as const, data: { ...data, redacted: redact(h.secret) } } : { messageId: 'pathMatch' as const, data }),
            subRule: h.ruleId,
            path: file.path,
            line: h.secret ? line : null,
            column: h.secret ? column : null,
            secretHash: h.secret ? secretHash(h.secret) : undefined,
          });
        }
      },
    };
  },
});
