// A team's gitleaks TOML config → the secret rules this gate runs (model.ts), once, when the
// policy is loaded; the result is stored in the resolved policy, so hooks never parse TOML.
//
// Read: [[rules]] (id, description, regex, secretGroup, entropy, path, keywords, tags,
// [rules.allowlist] and [[rules.allowlists]]), top-level [allowlist] and [[allowlists]]
// (description, condition, commits, paths, regexTarget, regexes, stopwords; targetRules for
// the global ones), title, minVersion, [extend] useDefault. Regexes are Go RE2 and go through
// re2.ts. Anything that cannot be honoured exactly is refused with file:line naming the rule:
// never dropped, never approximated.
import { parse, TomlError } from 'smol-toml';
import { Re2Error, translateRe2 } from './re2.js';
import type { Allowlist, CompiledGitleaks, Pattern, SecretRule } from './model.js';
import { DETECTORS } from './detectors/index.js';

export class GitleaksConfigError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

interface Section {
  line: number;
  keys: Map<string, number>;
}

interface Layout {
  rules: { header: Section; allowlists: Section[] }[];
  global: Section[];
  extend: Section | null;
  top: Section;
}

/** Lines of the headers and keys, so every refusal can name its place (smol-toml gives values only). */
function layout(text: string): Layout {
  const lines = text.split(/\r?\n/);
  const top: Section = { line: 1, keys: new Map() };
  const out: Layout = { rules: [], global: [], extend: null, top };
  let cur: Section = top;
  let inMulti: string | null = null;
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (inMulti) {
      if (raw.includes(inMulti)) inMulti = null;
      return;
    }
    const line = raw.trim();
    const header = /^\[\[?\s*([A-Za-z0-9_."-]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
    if (header && line.startsWith('[')) {
      const name = header[1]!.replace(/"/g, '');
      const sec: Section = { line: n, keys: new Map() };
      if (name === 'rules') out.rules.push({ header: sec, allowlists: [] });
      else if (name === 'rules.allowlists' || name === 'rules.allowlist') out.rules[out.rules.length - 1]?.allowlists.push(sec);
      else if (name === 'allowlist' || name === 'allowlists') out.global.push(sec);
      else if (name === 'extend') out.extend = sec;
      cur = sec;
      return;
    }
    const key = /^([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(line);
    if (key) {
      if (!cur.keys.has(key[1]!)) cur.keys.set(key[1]!, n);
      const rest = key[2]!;
      for (const q of ["'''", '"""']) {
        if (rest.startsWith(q) && !rest.slice(3).includes(q)) inMulti = q;
      }
    }
  });
  return out;
}

const RULE_KEYS = new Set(['id', 'description', 'regex', 'secretGroup', 'entropy', 'path', 'keywords', 'tags', 'allowlist', 'allowlists']);
const ALLOW_KEYS = new Set(['description', 'condition', 'commits', 'paths', 'regexTarget', 'regexes', 'stopwords', 'targetRules']);
const TOP_KEYS = new Set(['title', 'description', 'minVersion', 'extend', 'rules', 'allowlist', 'allowlists']);

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function compileGitleaks(text: string, file: string): CompiledGitleaks {
  let doc: Obj;
  try {
    doc = parse(text) as Obj;
  } catch (e) {
    const line = e instanceof TomlError ? e.line : null;
    throw new GitleaksConfigError(`TOML syntax error: ${(e as Error).message.split('\n')[0]}`, file, line);
  }
  const lay = layout(text);
  const err = (message: string, line: number | null): never => {
    throw new GitleaksConfigError(message, file, line);
  };
  for (const k of Object.keys(doc)) if (!TOP_KEYS.has(k)) err(`unknown top-level key "${k}"`, lay.top.keys.get(k) ?? null);

  let useDefault = false;
  if (doc.extend !== undefined) {
    const ext = doc.extend as Obj;
    const at = (k: string) => lay.extend?.keys.get(k) ?? lay.extend?.line ?? null;
    for (const k of Object.keys(ext)) {
      if (k === 'useDefault') useDefault = ext[k] === true;
      else if (k === 'path') err('[extend] path is not supported: merge the base config into this file', at(k));
      else if (k === 'disabledRules') {
        if (Array.isArray(ext[k]) && (ext[k] as unknown[]).length > 0)
          err("[extend] disabledRules names gitleaks' own default rules; turn built-in detectors off with rules.secrets.options.disable", at(k));
      } else err(`unknown [extend] key "${k}"`, at(k));
    }
  }

  const pattern = (value: unknown, what: string, line: number | null): Pattern => {
    if (typeof value !== 'string' || value === '') return err(`${what} must be a non-empty string`, line);
    try {
      return translateRe2(value);
    } catch (e) {
      if (e instanceof Re2Error) return err(`${what}: ${e.message}`, line);
      throw e;
    }
  };

  const strings = (value: unknown, what: string, line: number | null): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return err(`${what} must be a list of strings`, line);
    return value as string[];
  };

  const allowlist = (raw: unknown, sec: Section | undefined, owner: string, global: boolean): Allowlist => {
    const where = sec?.line ?? null;
    if (!isObj(raw)) return err(`${owner}: allowlist must be a table`, where);
    const at = (k: string) => sec?.keys.get(k) ?? where;
    for (const k of Object.keys(raw)) {
      if (!ALLOW_KEYS.has(k) || (k === 'targetRules' && !global)) err(`${owner}: unknown allowlist key "${k}"`, at(k));
    }
    const condition = raw.condition === undefined ? 'OR' : String(raw.condition).toUpperCase();
    if (condition !== 'OR' && condition !== 'AND') err(`${owner}: condition must be OR or AND`, at('condition'));
    const target = raw.regexTarget === undefined ? 'secret' : String(raw.regexTarget);
    if (target !== 'secret' && target !== 'match' && target !== 'line') err(`${owner}: regexTarget must be secret, match or line`, at('regexTarget'));
    const list: Allowlist = {
      condition: condition as 'OR' | 'AND',
      regexTarget: target as Allowlist['regexTarget'],
      regexes: strings(raw.regexes, `${owner}: regexes`, at('regexes')).map((r, i) => pattern(r, `${owner}: regexes[${i}]`, at('regexes'))),
      paths: strings(raw.paths, `${owner}: paths`, at('paths')).map((r, i) => pattern(r, `${owner}: paths[${i}]`, at('paths'))),
      stopwords: strings(raw.stopwords, `${owner}: stopwords`, at('stopwords')).map((s) => s.toLowerCase()),
      commits: strings(raw.commits, `${owner}: commits`, at('commits')).map((s) => s.toLowerCase()),
      targetRules: strings(raw.targetRules, `${owner}: targetRules`, at('targetRules')),
    };
    if (!list.regexes.length && !list.paths.length && !list.stopwords.length && !list.commits.length) {
      err(`${owner}: allowlist has no commits, paths, regexes or stopwords`, where);
    }
    return list;
  };

  const rawRules = doc.rules === undefined ? [] : doc.rules;
  if (!Array.isArray(rawRules)) return err('rules must be an array of tables ([[rules]])', null);
  const ids = new Set<string>();
  const rules: SecretRule[] = rawRules.map((raw, i) => {
    const sec = lay.rules[i];
    const where = sec?.header.line ?? null;
    const at = (k: string) => sec?.header.keys.get(k) ?? where;
    if (!isObj(raw)) return err(`rules[${i}] must be a table`, where);
    const id = typeof raw.id === 'string' && raw.id.trim() ? raw.id.trim() : err(`rules[${i}] has no id`, where);
    const owner = `rule "${id}"`;
    if (ids.has(id)) err(`${owner} is defined twice`, where);
    ids.add(id);
    for (const k of Object.keys(raw)) if (!RULE_KEYS.has(k)) err(`${owner}: unknown key "${k}" (not honoured by this gate)`, at(k));
    const regex = raw.regex === undefined ? null : pattern(raw.regex, `${owner}: regex`, at('regex'));
    const path = raw.path === undefined ? null : pattern(raw.path, `${owner}: path`, at('path'));
    if (!regex && !path) err(`${owner} has neither regex nor path`, where);
    const secretGroup = raw.secretGroup === undefined ? 0 : raw.secretGroup;
    if (typeof secretGroup !== 'number' || !Number.isInteger(secretGroup) || secretGroup < 0) return err(`${owner}: secretGroup must be a non-negative integer`, at('secretGroup'));
    if (regex && secretGroup > 0) {
      const groups = new RegExp(`${regex.source}|`, regex.flags).exec('')!.length - 1;
      if (secretGroup > groups) err(`${owner}: secretGroup ${secretGroup} but the regex has ${groups} group${groups === 1 ? '' : 's'}`, at('secretGroup'));
    }
    const entropy = raw.entropy === undefined ? 0 : raw.entropy;
    if (typeof entropy !== 'number' || entropy < 0) return err(`${owner}: entropy must be a non-negative number`, at('entropy'));
    const allowRaw: { raw: unknown; sec: Section | undefined }[] = [];
    const secs = sec?.allowlists ?? [];
    if (raw.allowlist !== undefined && raw.allowlists !== undefined) err(`${owner}: use either [rules.allowlist] or [[rules.allowlists]], not both`, where);
    if (raw.allowlist !== undefined) allowRaw.push({ raw: raw.allowlist, sec: secs[0] });
    if (raw.allowlists !== undefined) {
      if (!Array.isArray(raw.allowlists)) err(`${owner}: allowlists must be an array of tables`, at('allowlists'));
      (raw.allowlists as unknown[]).forEach((a, j) => allowRaw.push({ raw: a, sec: secs[j] }));
    }
    return {
      id,
      description: typeof raw.description === 'string' && raw.description ? raw.description : id,
      origin: `${file}:${where ?? '?'}`,
      regex,
      secretGroup,
      entropy,
      keywords: strings(raw.keywords, `${owner}: keywords`, at('keywords'))
        .map((k) => k.toLowerCase())
        .filter((k) => k.length > 0),
      path,
      allowlists: allowRaw.map((a) => allowlist(a.raw, a.sec, owner, false)),
    };
  });

  const global: Allowlist[] = [];
  if (doc.allowlist !== undefined && doc.allowlists !== undefined) err('use either [allowlist] or [[allowlists]], not both', lay.global[0]?.line ?? null);
  if (doc.allowlist !== undefined) global.push(allowlist(doc.allowlist, lay.global[0], 'global allowlist', true));
  if (doc.allowlists !== undefined) {
    if (!Array.isArray(doc.allowlists)) err('allowlists must be an array of tables ([[allowlists]])', lay.global[0]?.line ?? null);
    (doc.allowlists as unknown[]).forEach((a, j) => global.push(allowlist(a, lay.global[j], `global allowlist ${j + 1}`, true)));
  }
  for (const g of global) {
    for (const t of g.targetRules) if (!ids.has(t) && !DETECTORS.some((d) => d.id === t)) err(`global allowlist: targetRules names unknown rule "${t}"`, null);
  }
  return { file, rules, allowlists: global, useDefault };
}
