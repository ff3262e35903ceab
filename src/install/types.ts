export interface InstallContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  force: boolean;
  /** Print one line of what was done. */
  say(line: string): void;
}

export interface InstallOutcome {
  /** False when everything was already in place. */
  changed: boolean;
  /** The closing line (installed / already installed). */
  summary: string;
}
