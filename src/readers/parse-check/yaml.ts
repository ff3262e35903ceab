// YAML: the shared YAML loader's errors (the same parse every YAML rule uses).
import type { Blob } from '../../changeset/blob.js';
import type { ParseProblem } from './languages.js';
import { loadYamlDocuments } from '../yaml.js';

/**
 * A Go/Helm or Jinja template rather than YAML: a line that starts (after indentation) with
 * `{{` or `{%`. Such files are only YAML after rendering, so they are not parse-checked.
 */
export function isTemplatedYaml(text: string): boolean {
  return /^[ \t]*(?:-[ \t]+)?\{[{%]/m.test(text);
}

export async function checkYaml(blob: Blob): Promise<ParseProblem | null> {
  const r = await loadYamlDocuments(blob);
  const e = r.errors[0];
  if (!e) return null;
  return { offset: 0, line: e.line, column: e.column, message: e.message };
}

// ---------------------------------------------------------------------------------------------
