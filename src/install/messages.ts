// Every line `safety-gate install` prints. One line each; errors say what to do next.

export const INSTALL_USAGE = [
  'usage: safety-gate install [--husky | --hooks-path | --pre-commit] [--python PATH|off] [--force] [--repo URL] [--rev REV]',
  '       safety-gate install --server <bare-repo> [--config FILE] [--bundle] [--python PATH|off] [--force]',
  "       safety-gate install --agent-hooks   (the coding agent's PreToolUse hook in .claude/settings.json)",
  'With no flag it joins the hook manager the repository already uses (husky, pre-commit), else --hooks-path.',
].join('\n');

export const msg = {
  agentSettingsInvalid: (file: string, detail: string) => `${file} cannot be read as settings: ${detail}`,
  hooksNotObject: '"hooks" is not an object',
  preToolUseNotList: '"hooks.PreToolUse" is not a list',
  agentSettingsInvalidHint: 'fix the JSON (or move the file away) and run safety-gate install --agent-hooks again',
  agentHookAdded: (file: string, command: string) => `added a PreToolUse hook to ${file}: ${command}`,
  agentHooksDone: (file: string) => `safety-gate: agent hooks installed in ${file}; commit it, so every clone's agent is told before it edits`,
  agentHooksUnchanged: (file: string) => `safety-gate: ${file} already runs safety-gate hook pre-tool-use; nothing changed`,

  notARepo: (cwd: string) => `${cwd} is not inside a git working tree`,
  notARepoHint: 'run it from your repository, or use --server <bare-repo> for a server',
  bareWithoutServer: (dir: string) => `${dir} is a bare repository`,
  bareWithoutServerHint: 'client hooks need a working tree; for a server run safety-gate install --server <bare-repo>',

  foreignHooksPath: (value: string, scope: string) => `core.hooksPath is already set to ${value} (${scope} config) by another hook manager; not taking it over`,
  foreignHooksPathHint: 'chain safety-gate from that manager, or rerun with --force to replace it',
  huskyOwnsHooksPath: (value: string) => `core.hooksPath is ${value} (husky); not taking it over`,
  huskyOwnsHooksPathHint: 'run safety-gate install --husky instead, or rerun with --force',
  oursHooksPath: (value: string) => `core.hooksPath is ${value} (safety-gate install --hooks-path); not switching managers`,
  oursHooksPathHint: 'rerun with --force to switch, or keep the current installation',
  activeHooks: (dir: string, names: string[]) => `${dir} has active hooks (${names.join(', ')}) that core.hooksPath would disable`,
  activePreCommitHooksHint: 'these are pre-commit framework hooks: run safety-gate install --pre-commit instead, or rerun with --force',
  activeHooksHint: 'move their commands into your hook manager, or rerun with --force to disable them',
  forcedOverActiveHooks: (dir: string, names: string[]) =>
    `note: ${dir}/{${names.join(',')}} no longer run (core.hooksPath takes precedence); move them elsewhere if you still need them`,

  hooksPathDone: (dir: string) => `safety-gate: installed via core.hooksPath=${dir}; commit ${dir}/ and have each clone run safety-gate install`,
  hooksPathUnchanged: (dir: string) => `safety-gate: already installed via core.hooksPath=${dir}; nothing changed`,

  huskyMissing: 'husky is not set up in this repository and node_modules/.bin/husky is missing',
  huskyMissingHint: 'run npm install --save-dev husky && npx husky, then safety-gate install --husky again',
  huskyFailed: (detail: string) => `husky could not set up core.hooksPath: ${detail}`,
  huskyFailedHint: 'fix the error above and run npx husky, then safety-gate install --husky again',
  huskyRan: (bin: string) => `set up husky (${bin}): core.hooksPath=.husky/_`,
  huskyDone: (dir: string) => `safety-gate: installed in ${dir}/ (husky); commit those files`,
  huskyUnchanged: (dir: string) => `safety-gate: already installed in ${dir}/ (husky); nothing changed`,

  preCommitNoRepo: 'no git URL for the safety-gate hook repository is known',
  preCommitNoRepoHint: 'pass --repo <git-url> --rev <tag or commit id> (the repository that holds .pre-commit-hooks.yaml)',
  preCommitRevMissing: (url: string, rev: string) => `${rev} does not exist in ${url}, so pre-commit could not check it out`,
  preCommitRevMissingHint: (rev: string) => `create and push the tag (git tag ${rev} && git push origin ${rev}) in that repository, or pass --rev <commit id>`,
  preCommitRepoUnreachable: (url: string, detail: string) => `cannot read the hook repository ${url}: ${detail}`,
  preCommitRepoUnreachableHint: 'pass --repo with a git URL or path you can clone, and --rev with a tag or commit id in it',
  preCommitBadConfig: (file: string, detail: string) => `${file}: ${detail}`,
  preCommitBadConfigHint: 'fix the YAML so that `repos:` is a list, then run safety-gate install --pre-commit again',
  preCommitHooksPath: (value: string) => `core.hooksPath is set to ${value}; pre-commit refuses to install hooks while it is set`,
  preCommitHooksPathHint: 'run git config --unset-all core.hooksPath (if nothing else needs it), or use --husky',
  preCommitNotOnPath: 'pre-commit is not on PATH, so its git hooks are not installed',
  preCommitNotOnPathHint: 'install it (pipx install pre-commit) and run pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push',
  preCommitInstallFailed: (detail: string) => `pre-commit install failed: ${detail}`,
  preCommitInstallFailedHint: 'fix the error above and run pre-commit install --hook-type pre-commit --hook-type commit-msg --hook-type pre-push',
  preCommitDone: (file: string) => `safety-gate: installed through the pre-commit framework (${file}); commit ${file}`,
  preCommitUnchanged: (file: string) => `safety-gate: already installed through the pre-commit framework (${file}); nothing changed`,

  notBare: (dir: string) => `${dir} is not a bare git repository`,
  notBareHint: 'give the path of the server-side bare repository (the one with HEAD, objects/ and refs/)',
  configType: (file: string) => `${file}: the server policy must be YAML or JSON (it is never executed)`,
  configTypeHint: 'pass a .yaml, .yml or .json file to --config',
  configUnreadable: (file: string, detail: string) => `cannot read ${file}: ${detail}`,
  configUnreadableHint: 'check the path given to --config',
  configRelativeExtends: (file: string, entry: string) => `${file}: extends another file (${entry}), which the copy inside the bare repository cannot follow`,
  configRelativeExtendsHint: 'use preset names in extends, or merge the extended file into this one',
  foreignPreReceive: (file: string) => `${file} exists and was not installed by safety-gate; not replacing it`,
  foreignPreReceiveHint: 'rerun with --force to keep it as pre-receive.orig and run it after safety-gate passes',
  cliMissing: (file: string) => `${file} is missing, so the server hook would have nothing to run`,
  cliMissingHint: 'build the package (npm run build) or install it with npm, then run install --server again',
  bundleMissing: (file: string) => `${file} is missing, so --bundle has nothing to install`,
  bundleMissingHint: 'build it with npm run bundle (npm pack includes it), then run install --server --bundle again',
  serverPolicy: (file: string) => `policy: ${file} (validated; pre-receive reads only this file)`,
  serverKeptPolicy: (file: string) => `policy: ${file} (kept; pass --config FILE to replace it)`,
  serverNoPolicy: (file: string) => `policy: ${file} (extends: [recommended]; pass --config FILE to install your own)`,
  serverHook: (file: string, node: string, cli: string) => `pre-receive: ${file} (runs ${node} ${cli})`,
  serverPython: (python: string | null) =>
    python === 'off'
      ? 'Gate A python: off (the in-process checker; --python PATH to use CPython)'
      : python === null
        ? "Gate A python: none found (python3 is not on this PATH): the in-process checker, or python3 on the hook's PATH; --python PATH to name one"
        : `Gate A python: ${python}`,
  clientPython: (python: string | null, file: string) =>
    python === null
      ? `Gate A python: none found (python3 is not on this PATH): removed ${file}; the hooks use python3 on their PATH, else the in-process checker; --python PATH to name one`
      : `Gate A python: ${python} (kept for this clone in ${file}; SAFETY_GATE_PYTHON overrides it; install again after changing interpreters)`,
  pythonNotFound: (path: string) => `--python ${path} is not an absolute path of an existing file`,
  pythonNotFoundHint: 'give the interpreter\'s absolute path (python3 -c "import sys; print(sys.executable)"), or --python off',
  serverChained: (file: string) => `chained: ${file} runs after safety-gate passes, with the same stdin`,
  serverDone: (dir: string) => `safety-gate: server hook installed in ${dir}; pushes are now judged by the policy above`,
  serverUnchanged: (dir: string) => `safety-gate: server hook already installed in ${dir}; nothing changed`,

  wrote: (file: string) => `wrote ${file}`,
  updated: (file: string) => `updated ${file}`,
  appended: (file: string, line: string) => `added to ${file}: ${line}`,
  setConfig: (key: string, value: string) => `set ${key}=${value}`,
  autoChoice: (mode: string, why: string) => `using --${mode} (${why})`,

  gitFailed: (args: string, detail: string) => `git ${args} failed: ${detail}`,
  gitFailedHint: 'check the repository and try again',
  origExists: (file: string) => `${file} already exists; not overwriting it`,
  origExistsHint: 'merge the two hooks by hand, then rerun install --server',
};
