// The doors through which a change reaches the engine, spelled once: the installers, `safety-gate
// hook <name>`, the deadlines and the audit record all read them from here. No imports.

/** The git hooks the gate installs on a client (husky, core.hooksPath, the pre-commit framework). */
export const CLIENT_HOOKS = ['pre-commit', 'commit-msg', 'pre-push'] as const;
export type ClientHook = (typeof CLIENT_HOOKS)[number];

/** Every hook `safety-gate hook <name>` answers: the client's, the server's, an agent's tool call. */
export const HOOKS = [...CLIENT_HOOKS, 'pre-receive', 'pre-tool-use'] as const;

/** A hook or `safety-gate scan`. */
export type Door = (typeof HOOKS)[number] | 'scan';
