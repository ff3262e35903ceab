// What the commands print when they succeed or report (lines on stdout and stderr), in one place.
// What the gate says when it cannot decide is in src/messages.ts (`msg`, `cliMsg`); every
// command's --help in src/cli/usage.ts. The commands write through src/cli/io.ts `writeOut` /
// `writeErr`, and src/cli/output.test.ts fails on words written on the spot.
import { msg } from '../messages.js';

const P = msg.prefix;
const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export const outMsg = {
  // The run of a door.
  runStopped: 'the run stopped before reaching a decision',
  skipNotAllowed: `${P}: SAFETY_GATE_SKIP is not allowed by this policy (client.allow_skip: false)`,
  verbose: (policy: string, s: { commits: unknown; files: unknown; blobs: unknown; bytes: unknown; ms: unknown }) =>
    `${P}: policy ${policy || 'built-in'}; read ${s.commits} commit(s), ${s.files} file(s), ${s.blobs} blob(s) (${s.bytes} bytes) in ${s.ms} ms`,
  progress: (door: string, what: string, seconds: number) => `${P}: ${door}: ${what} … ${seconds} s`,
  progressReading: 'reading the change',
  progressChecking: (files: number, commits: number) => `checking ${files} file version(s)${commits ? ` in ${commits} commit(s)` : ''}`,
  toolRefused: (tool: string, reason: string) => `${P}: refused ${tool}: ${reason}`,
  toolBlocked: `${P}: blocked (pre-tool-use) — nothing was changed; see safety-gate explain pre-tool-use`,

  // scan --list-suppressions
  suppressionNoReason: 'no reason after "--": it exempts nothing',
  suppressionNothing: (rule: string) => `no ${rule} finding on the line it covers (rule off, out of its scope, or nothing to suppress)`,
  suppressionEffective: (n: number) => `suppresses ${n} finding(s)`,
  suppressionIneffective: (cause: unknown) => `INEFFECTIVE: ${cause}`,
  suppressionLine: (s: { path: string; line: number; column: number; rule: string; reason: string | null }, what: string) =>
    `${s.path}:${s.line}:${s.column}  allow ${s.rule}  -- ${s.reason ?? '(no reason)'}  [${what}]`,
  suppressionTotals: (effective: number, ineffective: number | null) => `${effective} suppression(s)${ineffective !== null ? `, ${ineffective} ineffective allow comment(s)` : ''}`,

  // baseline
  baselineWritten: (recorded: number, at: string, file: string, left: number) =>
    `${P}: baseline of ${recorded} finding(s) at ${at} written to ${file}` +
    (left > 0 ? ` (${left} finding(s) about changes, never baselined)` : '') +
    `; commit it with the policy (it is protected: later edits need security review)`,

  // config
  configHeader: (sources: readonly string[], hash: string) =>
    [
      '# Resolved safety-gate policy, as configuration that loads on its own (extends: []).',
      '# Sources, in merge order (later ones win):',
      ...sources.map((s) => `#   ${s}`),
      `# hash: ${hash}`,
    ].join('\n'),

  // init
  initDefault: (summary: string) => `extends recommended, the default: ${summary}; --preset agenttrader-v2 adds the AgentTrader gates`,
  initPreset: (preset: string, summary: string | undefined) => `extends ${preset}${summary ? `: ${summary}` : ''}`,
  initWrote: (file: string, chose: string) => `wrote ${file} (${chose}); see the result with: safety-gate config`,
  initOthersIgnored: (others: readonly string[], file: string) => {
    const one = others.length === 1;
    return `note: ${others.join(', ')} ${one ? 'is' : 'are'} now ignored (${file} comes first); remove ${one ? 'it' : 'them'}`;
  },

  // install
  installFailed: (message: string, hint: string | undefined) => `${P}: ${message}${hint ? ` — ${hint}` : ''}`,

  // generate
  noGenerators: 'no generators in the policy',
  generatorRow: (id: string, command: readonly string[] | null, outputs: readonly string[]) =>
    `${id}\t${command === null ? '(built-in sentinel writer)' : command.join(' ')}\t→ ${outputs.join(', ')}`,
  generatorDone: (id: string, fingerprint: string, n: number) => `${P}: generator ${id} done; receipt ${fingerprint.slice(0, 12)} covers ${n} output ${plural(n, 'file', 'files')}`,
  generatorIndexHolds: `${P}: the index already holds exactly these outputs`,
  generatorStaged: (paths: readonly string[]) => `${P}: staged ${paths.join(', ')}`,
  generatorStageHint: (quoted: readonly string[]) => `${P}: stage the outputs to commit them: git add -A -- ${quoted.join(' ')}`,

  // task, approve
  taskSigned: (runId: string, kind: string, target: string, out: string) => `${P}: task ${runId} (${kind}:${target}) signed; its commit trailers are in ${out}`,
  approvalOfCommit: (commit: string) => `commit ${commit.slice(0, 12)}`,
  approvalOfTree: (tree: string) => `the staged tree ${tree.slice(0, 12)} (it carries over to the commit made from it)`,
  approvalStored: (incident: string | null, what: string, ref: string, entries: number) =>
    `${P}: ${incident !== null ? `break-glass ${incident}` : 'approval'} for ${what} signed and stored in ${ref} (${entries} ${plural(entries, 'entry', 'entries')}); ` +
    `push it with the change: git push origin <branch> ${ref}`,
  laneResetStored: (lane: string, ref: string) => `${P}: reset of task lane ${lane} signed and stored in ${ref}; push it: git push origin ${ref}`,

  // check run | list | verify
  checkRunning: (name: string, tree: string, command: readonly string[]) => `${P}: running check ${name} on tree ${tree.slice(0, 12)}: ${command.join(' ')}`,
  checkNoStart: (name: string, error: string) => `${P}: check ${name} could not start: ${error}`,
  checkPassed: 'passed',
  checkFailed: (exit: number | null, timedOut: boolean) => `FAILED (exit ${exit}${timedOut ? ', timed out' : ''})`,
  checkDone: (name: string, verdict: string, tree: string, ms: number, signed: boolean, ref: string) =>
    `${P}: check ${name} ${verdict} on tree ${tree.slice(0, 12)} in ${(ms / 1000).toFixed(1)}s; ${signed ? 'signed ' : 'unsigned '}receipt stored in ${ref}` +
    `${signed ? `; push it with the change: git push origin <branch> ${ref}` : ''}`,
  noReceipts: (tree: string, ref: string) => `no receipts for tree ${tree.slice(0, 12)} in ${ref}`,
  receiptProblem: (problem: string) => `?  an entry ${problem}`,
  receiptRow: (r: { check: string | null; exit: number | null; signed: boolean; time: unknown; user: string; host: string }) =>
    `${r.exit === 0 ? 'ok' : 'FAIL'}  ${r.check}  exit ${r.exit}  ${r.signed ? 'signed' : 'unsigned'}  ${r.time}  ${r.user}@${r.host}`,
  noRequiredChecks: 'the policy requires no checks (required_checks is empty)',
  verifyOn: (commit: string) => ` on ${commit.slice(0, 12)}`,
  verifyOk: (check: string, at: string, signer: string | null) => `ok    ${check}${at}${signer ? ` (signed by ${signer})` : ' (unsigned receipt)'}`,
  verifyMiss: (check: string, at: string, why: readonly string[]) => `MISS  ${check}${at}: ${why.join('; ')}`,
} as const;

/** `safety-gate explain`: a rule's page, the list of rules, and the layout of docs/rules.md (`--all`). */
export const explainText = {
  messageLine: (id: string, as: string, text: string, fix: string | undefined) => `  ${id} (${as}): ${text}${fix ? `\n      fix: ${fix}` : ''}`,
  messages: (lines: readonly string[]) => `messages (messageId (reported as): text, {{placeholders}} filled per finding):\n${lines.join('\n')}\n`,
  allHeader: "# Rules\n\nGenerated by `safety-gate explain --all` from each rule's metadata.\n",
  allRule: (id: string, description: string, family: string, severity: string, subRules: readonly string[], docs: string, footer: string) =>
    `\n## ${id}\n\n${description}\n\n` +
    `Family: ${family}. Default severity: ${severity}.${subRules.length ? ` Also reports: ${subRules.map((s) => `\`${id}/${s}\``).join(', ')}.` : ''}\n\n` +
    '```text\n' +
    docs.trim() +
    '\n\n' +
    footer +
    '\n```\n',
  allMessages: (listed: string) => '\n```text\n' + listed + '```\n',
  allTopic: (topic: string, text: string) => `\n## ${topic} (every rule)\n\n\`\`\`text\n${text.trim()}\n\`\`\`\n`,
  allEngineTopic: (id: string, description: string, family: string, severity: string, docs: string) =>
    `\n## ${id}\n\n${description}\n\nFamily: ${family} (reported by the engine, not a rule). Default severity: ${severity}.\n\n` + '```text\n' + docs.trim() + '\n```\n',
  listLine: (id: string, width: number, severity: string, description: string) => `${id.padEnd(width)}  ${severity.padEnd(5)}  ${description}\n`,
  listFooter: `\nsafety-gate explain <rule> for details; safety-gate explain exceptions | baseline for what every rule shares.\n`,
  topic: (text: string) => text.trim() + '\n',
  engineTopic: (id: string, description: string, family: string, severity: string, docs: string) =>
    `${id} — ${description}\nfamily: ${family} (reported by the engine); default severity: ${severity}\n\n${docs.trim()}\n`,
  rule: (id: string, description: string, family: string, severity: string, subRules: readonly string[], docs: string, footer: string) =>
    `${id} — ${description}\n` +
    `family: ${family}; default severity: ${severity}${subRules.length ? `; reports also: ${subRules.map((s) => `${id}/${s}`).join(', ')}` : ''}\n\n` +
    docs.trim() +
    '\n\n' +
    footer +
    '\n',
  ruleMessages: (listed: string) => '\n' + listed,
};
