// Every command's --help text, in one place. The dispatcher prints it for `<command> --help`
// (or -h) before the command's own parser runs, so every command has one, the same way.
import { INSTALL_USAGE } from '../install/messages.js';
import { VERSION } from '../version.js';

/** `safety-gate --help` (and no command at all). */
export const HELP = `safety-gate ${VERSION} — a policy gate for git

Usage:
  safety-gate scan [DIR] [--rev REV | --index | --range A..B | --history] [--format text|json|sarif] [--output FILE]
  safety-gate scan --staged [PATH...]
  safety-gate scan --no-git DIR
  safety-gate scan [--baseline FILE] ...        (default: .safety-gate/baseline.json when present)
  safety-gate scan --list-suppressions [--rev REV] [--all]
  safety-gate baseline [--output FILE] [--rev REV]
  safety-gate hook pre-commit | commit-msg <file> | pre-push <remote> <url> | pre-receive
  safety-gate install [--husky | --hooks-path | --pre-commit [--repo URL] [--rev REV]] [--force]
  safety-gate install --server <bare-repo> [--config FILE]
  safety-gate init [--preset NAME]
  safety-gate config [--format yaml|json]
  safety-gate explain [RULE]
  safety-gate generate <generator-id>
  safety-gate audit verify [--log FILE] | audit export [--output FILE] | audit overdue
  safety-gate approve <rev> | --staged --key KEY [--reason TEXT] [--expires 7d] [--ref PATTERN] [--covers RULE,...]
  safety-gate approve <rev> --break-glass --incident ID --bypass RULE,... --rollback TEXT --key KEY
  safety-gate approve --reset-lane LANE --key KEY [--reason TEXT]
  safety-gate task sign <envelope.json> --key KEY [--expires 7d] [--repo-id ID] [--out FILE]
  safety-gate check run <name> [--key KEY] [--tree TREE | --rev REV] | check list | check verify [--signed]

Global options:
  -C <dir>     run as if started in <dir>
  --help, --version; every command takes --help (safety-gate scan --help)

Exit codes: 0 pass, 1 blocked by policy, 2 could not decide (usage, config, git or internal error).`;

const COMMON = `  -h, --help           this help
Exit codes: 0 pass, 1 blocked by policy (or the --exit-code you chose), 2 could not decide.`;

export const USAGES: Record<string, string> = {
  scan: `usage: safety-gate scan [DIR] [what] [options]

What to scan (one of; default: every file of the tree at HEAD):
  --rev REV            every file of the tree at REV
  --index              every file of the index (the tree the next commit would have)
  --staged [PATH...]   the staged change (index against HEAD), as the pre-commit hook sees it
  --range A..B         each commit of A..B, judged by the policy of A
  --history            every commit reachable from HEAD (or --rev), from the root commits on
  --no-git             DIR is a plain folder: every file in it, read from disk
  --list-suppressions  list the inline exceptions of the tree at --rev (default HEAD); --all adds ineffective ones

Options:
  DIR                  the repository (or, with --no-git, the folder) to scan; default: here
  --format FORMAT      text (default), json, sarif, or codequality (GitLab Code Quality)
  -o, --output FILE    write the report to FILE (the verdict line still goes to stderr)
  --config FILE        the policy file (default: discovered in the repository)
  --exit-code N        exit with N instead of 1 when the policy blocks (like gitleaks)
  --baseline FILE      findings recorded in FILE do not block (default: .safety-gate/baseline.json when present)
  --no-audit           do not record this scan ($XDG_STATE_HOME/safety-gate/audit.jsonl)
  -q, --quiet          print findings only (nothing for a clean scan)
  --verbose            also print the policy and what was read
${COMMON}`,
  hook: `usage: safety-gate hook pre-commit
       safety-gate hook commit-msg <message-file>
       safety-gate hook pre-push <remote> <url>      (ref lines on stdin, as git passes them)
       safety-gate hook pre-receive [--config FILE]  (ref lines on stdin, in a bare repository)

The doors git calls. Options: --format text|json|sarif, --output FILE, --config FILE,
-q/--quiet (no verdict line for a pass), --verbose. SAFETY_GATE_SKIP=1 skips a client hook
(audited) unless the policy sets client.allow_skip: false; the server never honours it.
${COMMON}`,
  install: `${INSTALL_USAGE}
--bundle: the server hook runs the one-file bundle dist/safety-gate-server.cjs (npm run bundle).
${COMMON}`,
  init: `usage: safety-gate init [--preset NAME] [--force]

Writes safety-gate.config.yaml extending a preset (default: recommended) and says which it chose.
Presets: recommended (any repository), agenttrader-v2 (the AgentTrader v2 gates).
${COMMON}`,
  config: `usage: safety-gate config [--format yaml|json] [--file FILE]

Prints the resolved policy: YAML in the schema's own keys (valid configuration, extends: []),
or JSON. Checks the whole configuration and lists every error at file:line:col.
${COMMON}`,
  explain: `usage: safety-gate explain [RULE | --all]

Without RULE: the list of rules. RULE may be a rule, a sub-rule (live-endpoint/new-exception),
an alias, or a finding the engine reports itself (oversized-file). --all: the whole reference.
${COMMON}`,
  generate: `usage: safety-gate generate <generator-id> [--stage] [--format text|json] [--config FILE]
       safety-gate generate --list

Runs a generator the policy approves and records a receipt; --stage stages exactly its outputs.
${COMMON}`,
  check: `usage: safety-gate check run <name> [--key KEY] [--tree TREE | --rev REV] [--repo-id ID] [--config FILE]
       safety-gate check list [--tree TREE | --rev REV] [--format text|json]
       safety-gate check verify [--tree TREE | --rev REV | --range A..B] [--signed] [--format text|json]

run: the policy's check <name> on exactly one tree (default: the index's), checked out from git into
a temporary directory; its receipt goes to refs/notes/safety-gate-checks (--key signs it).
A failed check is recorded and exits 1. verify --signed judges as pre-receive does.
${COMMON}`,
  audit: `usage: safety-gate audit verify [--log PATH] [--expect-head HASH] [--format text|json]
       safety-gate audit export [--log PATH] [--since ISO-DATE] [--run-id ID] [--output FILE]
${COMMON}`,
  approve: `usage: safety-gate approve <rev> | <A..B> | --staged --key KEY [--reason TEXT] [--expires 7d] [--ref PATTERN] [--covers RULE,...]
       safety-gate approve <rev> --break-glass --incident ID --bypass RULE,... --rollback TEXT --key KEY
       safety-gate approve --reset-lane LANE --key KEY [--reason TEXT]

Signs an approval (or a break-glass statement, or a task lane's reset) into refs/notes/safety-gate;
push it with the change: git push origin <branch> refs/notes/safety-gate.`,
  task: `usage: safety-gate task sign <envelope.json> --key KEY [--expires 7d] [--repo-id ID] [--out FILE]

The orchestrator signs an agent's SPEC-260 task envelope; prints the Task-Scope, Run-Id and
Task-Envelope trailers the agent's commits carry (or writes them to --out).`,
};

/** `--help`/`-h` anywhere before a `--`. */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}
