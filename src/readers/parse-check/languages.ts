// Which parse check a file gets: its language by extension or shebang, and the problem a check reports.

export interface ParseProblem {
  /** UTF-16 offset of the first error in the text (ignored when line/column are given). */
  offset: number;
  /** Set when the parser reports a line/column rather than an offset (YAML). */
  line?: number;
  column?: number;
  message: string;
}

export type ParseLanguage = 'python' | 'typescript' | 'javascript' | 'yaml' | 'json' | 'jsonc' | 'shell';

// ---------------------------------------------------------------------------------------------
// Language of a path.

const EXT_LANG: Record<string, ParseLanguage> = {
  py: 'python',
  pyi: 'python',
  pyw: 'python',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'jsonc',
  sh: 'shell',
  bash: 'shell',
};

/** Language by file name, or null (extensionless files: see `isPythonShebang`). */
export function languageOf(path: string): ParseLanguage | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  return EXT_LANG[base.slice(dot + 1).toLowerCase()] ?? null;
}

/** True for a file without extension whose first line is a Python shebang. */
export function isPythonShebang(text: string): boolean {
  if (!text.startsWith('#!')) return false;
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  return /^#!\s*\S*(?:\/|\s)(?:env\s+(?:-\S+\s+)*)?python[0-9.]*\b/.test(first) || /^#!\s*\S*\/python[0-9.]*\b/.test(first);
}

/** True for a first line `#!/bin/sh`, `#!/bin/bash`, `#!/usr/bin/env bash` (not zsh, ksh, fish). */
export function isShellShebang(text: string): boolean {
  if (!text.startsWith('#!')) return false;
  const nl = text.indexOf('\n');
  const first = nl === -1 ? text : text.slice(0, nl);
  return /^#!\s*(?:\S*\/)?(?:env\s+(?:-\S+\s+)*)?(?:ba)?sh(?:\s|$)/.test(first) || /^#!\s*\S*\/(?:ba)?sh(?:\s|$)/.test(first);
}

/** True when a path has no extension in its last segment (`scripts/run`, not `.envrc`). */
export function hasNoExtension(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.lastIndexOf('.') <= 0;
}
