// Merging configuration layers: objects deep-merge, arrays and scalars replace, an empty value
// (YAML `key:` with nothing after it) means "not set". Rule settings are brought to one shape
// first (`rules.x: warn` → `{severity: warn}`, aliases → current ids) so they merge field by field.
import { ConfigError } from '../errors.js';
import type { ConfigSource } from './source.js';
import { problemError } from './issues.js';
import { configMsg } from '../messages.js';

export type Plain = Record<string, unknown>;

function isPlainObject(v: unknown): v is Plain {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null || v === undefined) continue;
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : stripNulls(v);
  }
  return out;
}

function stripNulls(v: unknown): unknown {
  if (!isPlainObject(v)) return v;
  const out: Plain = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = stripNulls(x);
  return out;
}

export interface RuleCatalog {
  known: ReadonlySet<string>;
  aliases: Readonly<Record<string, string>>;
}

/** One layer's own settings, ready to merge: no `extends`, rule ids checked and canonical. */
export function layerData(src: ConfigSource, rules: RuleCatalog): Plain {
  const data = src.data as Plain;
  const { extends: _extends, $schema: _schema, ...rest } = data;
  const ruleMap = rest.rules;
  if (!isPlainObject(ruleMap)) return rest;
  const normalized: Plain = {};
  for (const [id, setting] of Object.entries(ruleMap)) {
    const canonical = rules.aliases[id] ?? id;
    if (!rules.known.has(canonical)) {
      throw problemError({ path: ['rules', id], message: `unknown rule "${id}"`, atKey: true }, src, 0, `known rules: ${[...rules.known].sort().join(', ')}`);
    }
    const value = typeof setting === 'string' ? { severity: setting } : setting;
    const prev = normalized[canonical];
    normalized[canonical] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return { ...rest, rules: normalized };
}

export function mergeLayers(layers: readonly ConfigSource[], rules: RuleCatalog): Plain {
  let merged: Plain = {};
  for (const layer of layers) merged = deepMerge(merged, layerData(layer, rules));
  return merged;
}

export function assertMapping(src: ConfigSource): void {
  if (src.data === null || src.data === undefined) {
    src.data = {};
    return;
  }
  if (!isPlainObject(src.data)) {
    const pos = src.locate([]);
    throw new ConfigError(configMsg.notAMapping, src.display, pos?.line ?? null, pos?.column ?? null);
  }
}
