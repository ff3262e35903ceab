// Findings the engine itself reports (not a rule of the registry), documented for `explain`
// so that every rule name a report prints is one `safety-gate explain` knows.
export interface EngineTopic {
  id: string;
  family: string;
  defaultSeverity: 'block' | 'warn';
  description: string;
  docs: string;
}

export const engineTopics: EngineTopic[] = [
  {
    id: 'oversized-file',
    family: 'engine',
    defaultSeverity: 'block',
    description: 'A file larger than limits.max_blob_bytes that a rule would have read; it was not checked.',
    docs: `A blob over limits.max_blob_bytes (default 8 MiB) is not read, so no content rule saw it.
The engine reports it instead, with the severity of limits.on_oversized (default block): a
padded file must not slip past the content rules.

Fix: shrink the file, keep it out of runtime scope (runtime_scope.exclude), or raise
limits.max_blob_bytes where large files are expected. limits.on_oversized: warn reports it
without blocking.`,
  },
  {
    id: 'pre-tool-use',
    family: 'agents told before they edit',
    defaultSeverity: 'block',
    description: "The coding agent's PreToolUse hook: refusals of tool calls the gate cannot judge or that would switch it off.",
    docs: `The coding agent's PreToolUse hook (install it with safety-gate install --agent-hooks).

The agent runtime sends each tool call as JSON on stdin ({tool_name, tool_input, cwd}); the
hook exits 0 to let it run and 2 to refuse it, with the reason on stderr for the agent to read.
Every failure (bad JSON, no repository, an internal error) is exit 2: in this protocol any
other code lets the call through.

The call is judged like the commit that would follow it: its result is written to a private
copy of the index (new blobs in a private object directory; the real index and objects are
never touched), and the pre-commit door runs protected-target and task-scope on it with the
same policy and the same SAFETY_GATE_TASK envelope. So an edit of a protected path (policy,
hooks, CI, generated files, sentinels, .claude/settings.json), a path outside the task's file
or stage scope, or an edit outside the function of a function scope is refused before it
happens. The other rules judge content and wait for the commit, where a half-finished edit
is no longer half-finished.

Tools: Write (the new content), Edit and MultiEdit (applied to the file as it is), NotebookEdit
(judged as "modified"), Bash. Read, Grep and the other tools pass at once.

Bash commands are parsed with tree-sitter-bash and read as bash would: quoting, $'…', escapes,
variables set earlier in the same command or in the environment, ~, cd, subshells, pipes,
$(…), <(…), bash -c '…' and eval of literal text. Writes are redirections (>, >>, >|, &>, >&file)
and the operands of tee, sed -i, perl -i, gawk -i inplace, cp, mv (both sides), install, ln,
rsync, rm, unlink, shred, rmdir, touch, truncate, chmod, chown, chgrp, dd of=, curl -o, wget -O,
git rm / mv / checkout <rev> -- / restore --source; globs are expanded against the work tree,
symlinks are followed, and a write into the git directory is refused.

Refused because they cannot be judged before they run: a write target only known at run time
($(…), a variable set at run time, brace expansion, a cd to such a place), xargs/find -exec
with a writing command, archives (tar x, unzip), patch, git apply / am / stash pop, curl -O,
a command name built at run time, a command the grammar cannot parse. Refused because they
switch the gate off: git commit/push --no-verify, SAFETY_GATE_SKIP=…, HUSKY=0,
git config core.hooksPath / git -c core.hooksPath=….

Out of reach (the commit and the server still judge the result): files written by programs a
command starts — interpreters (python -c, node -e), build tools, package managers, editors.`,
  },
];
