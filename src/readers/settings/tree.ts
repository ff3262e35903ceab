// Settings in a parsed YAML or JSON tree (see ../yaml.ts and json.ts), read the way runtimes
// and deploy tools read them:
//   - a map entry at any depth whose key is the setting:       AGENT_MODE: EXECUTE
//     (aliases resolved; merge keys `<<` applied; compose `${X:-default}` defaults substituted)
//   - a map entry whose value is a variable object:            AGENT_MODE: {value: EXECUTE}  (GitLab CI)
//   - a `{name, value}` map (Kubernetes / compose / ECS env lists, any order, any lines);
//     `valueFrom` entries without `value` carry no literal value and are skipped
//   - `K=V` strings in lists under env-ish keys:               environment: ["AGENT_MODE=EXECUTE"]
//   - shell text under command keys (run, script, before_script, after_script, command,
//     commands, cmd, entrypoint, args) and in `scripts` maps (package.json): read with the
//     shell reader (`AGENT_MODE=EXECUTE pytest`)
// Comments are not part of the tree, so they never match.
import type { YamlMap, YamlNode, YamlScalar } from '../yaml.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep, type OffsetMapper } from './types.js';
import { evaluateDefaults, lineStarts, positionsOf } from './values.js';

const SHELL_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'command', 'commands', 'cmd', 'entrypoint', 'args']);
const ENV_LIST_KEYS = /^(env|environment|envs|Env|args|build_args|build-args|buildArgs|variables)$/;

export function readTree(roots: readonly (YamlNode | null)[], text: string, syntax: 'yaml' | 'json', keep: Keep = keepAll): Assignment[] {
  const out: Assignment[] = [];
  const posOf = positionsOf(text);
  let starts: number[] | undefined;
  const mapperFor = (s: YamlScalar): OffsetMapper => {
    starts ??= lineStarts(text);
    return scalarMapper(s, text, starts, posOf);
  };
  const push = (key: string, keyPos: { line: number; column: number }, value: YamlScalar, at: { line: number; column: number }, kind: string, compose = false) => {
    if (!keep(key)) return;
    if (value.value === null) {
      // `K: ~` / `K:` / JSON null. In a compose `environment:` map a null value passes the
      // deployer's variable through (like `${K}`): not a committed value. Elsewhere the loader
      // reads None / an empty string: reported with shape null (the judge decides).
      if (compose) return;
      out.push({ key, value: '', dynamic: false, shape: 'null', line: at.line, column: at.column, keyLine: keyPos.line, keyColumn: keyPos.column, syntax: kind });
      return;
    }
    const raw = value.text;
    const ev = typeof value.value === 'string' ? evaluateDefaults(raw) : { value: raw, dynamic: false };
    out.push({ key, value: ev.value, dynamic: ev.dynamic, line: at.line, column: at.column, keyLine: keyPos.line, keyColumn: keyPos.column, syntax: kind });
  };
  /** `K: [v, …]`: a sequence where the runtime reads one value (shape list, items joined). */
  const pushList = (key: string, keyPos: { line: number; column: number }, seq: YamlNode & { kind: 'seq' }, at: { line: number; column: number }) => {
    if (!keep(key)) return;
    const items = seq.items.map((i) => (i?.kind === 'scalar' ? i.text : '…'));
    out.push({ key, value: items.join(','), dynamic: false, shape: 'list', line: at.line, column: at.column, keyLine: keyPos.line, keyColumn: keyPos.column, syntax: syntax });
  };
  /**
   * Keys of a nested map as app-config loaders flatten them (`agent: {mode: X}` is
   * `agent.mode`, pydantic-settings nested models, Spring relaxed binding): the key itself and
   * the joins with up to three enclosing map keys (lists break the chain).
   */
  const keysOf = (key: string, parents: readonly string[]): string[] => {
    if (parents.length === 0) return [key];
    const out = [key];
    let k = key;
    for (let i = parents.length - 1; i >= 0 && i >= parents.length - 3; i--) {
      k = `${parents[i]}.${k}`;
      out.push(k);
    }
    return out;
  };

  for (const root of roots) {
    eachMap(root, (node, parents) => {
      const compose = parents[parents.length - 1] === 'environment';
      {
        // {name: K, value: V}
        let nameNode: YamlNode | null = null;
        let valuePair: (typeof node.pairs)[number] | null = null;
        for (const p of node.pairs) {
          if (p.key === 'name') nameNode = p.value;
          else if (p.key === 'value') valuePair = p;
        }
        if (nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' && valuePair?.value?.kind === 'scalar') {
          push(nameNode.value.trim(), nameNode.pos, valuePair.value, valuePair.valuePos ?? valuePair.value.pos, `${syntax}-name-value`);
        }
        for (const p of node.pairs) {
          const v = p.value;
          if (p.key === null || !v) continue;
          if (v.kind === 'scalar') {
            for (const k of keysOf(p.key, parents)) push(k, p.keyPos, v, p.valuePos ?? v.pos, syntax, compose);
            if (SHELL_KEYS.has(p.key) && typeof v.value === 'string') shellIn(v);
          } else if (v.kind === 'map') {
            for (const q of v.pairs) {
              if (q.key === 'value' && q.value?.kind === 'scalar') push(p.key, p.keyPos, q.value, q.valuePos ?? q.value.pos, `${syntax}-variable`);
              // package.json "scripts": {"start": "AGENT_MODE=EXECUTE node app.js"}
              if (p.key === 'scripts' && q.value?.kind === 'scalar' && typeof q.value.value === 'string') shellIn(q.value);
            }
          } else if (v.kind === 'seq') {
            for (const k of keysOf(p.key, parents)) pushList(k, p.keyPos, v, p.valuePos ?? v.pos);
            const shellish = SHELL_KEYS.has(p.key);
            const envish = ENV_LIST_KEYS.test(p.key);
            if (!shellish && !envish) continue;
            for (const item of v.items) {
              if (item?.kind !== 'scalar' || typeof item.value !== 'string') continue;
              if (shellish) shellIn(item);
              if (envish) envString(item);
            }
          }
        }
      }
    });
  }

  function shellIn(s: YamlScalar): void {
    const t = s.value as string;
    if (!t.includes('=')) return;
    for (const a of readShell(t, mapperFor(s), keep)) out.push({ ...a, syntax: `${syntax}-${a.syntax}` });
  }

  function envString(s: YamlScalar): void {
    const t = s.value as string;
    const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(t);
    if (!m || !keep(m[1]!)) return;
    const map = mapperFor(s);
    const keyAt = t.indexOf(m[1]!);
    const ev = evaluateDefaults(t.slice(m[0].length));
    const kp = map(keyAt);
    const vp = map(m[0].length);
    out.push({ key: m[1]!, value: ev.value, dynamic: ev.dynamic, line: vp.line, column: vp.column, keyLine: kp.line, keyColumn: kp.column, syntax: `${syntax}-env-string` });
  }

  return dedupe(out);
}

/**
 * Every map under `root` (aliases followed), depth-first. Cheaper than walkYaml (no paths):
 * guards against cycles and caps the number of visits (alias bombs).
 */
function eachMap(root: YamlNode | null, visit: (m: YamlMap, parents: readonly string[]) => void, budget = 500_000): void {
  if (!root) return;
  let left = budget;
  const onPath = new Set<YamlNode>();
  const NONE: readonly string[] = [];
  /** `parents`: keys of the maps enclosing `node` directly (a list in between resets them). */
  const rec = (node: YamlNode, parents: readonly string[]): void => {
    if (node.kind === 'scalar' || left-- <= 0 || onPath.has(node)) return;
    onPath.add(node);
    if (node.kind === 'map') {
      visit(node, parents);
      for (const p of node.pairs) if (p.value && p.value.kind !== 'scalar') rec(p.value, p.key === null || p.value.kind === 'seq' ? NONE : [...parents.slice(-2), p.key]);
    } else {
      for (const item of node.items) if (item) rec(item, NONE);
    }
    onPath.delete(node);
  };
  rec(root, NONE);
}

/** Shell assignments in a YAML/JSON string scalar (a `run:` or `script:` line), positioned in the file. */
export function shellAssignmentsIn(s: YamlScalar, text: string, cache: { starts?: number[]; posOf?: (o: number) => { line: number; column: number } } = {}): Assignment[] {
  if (typeof s.value !== 'string') return [];
  cache.starts ??= lineStarts(text);
  cache.posOf ??= positionsOf(text);
  return readShell(s.value, scalarMapper(s, text, cache.starts, cache.posOf));
}

/** One assignment per key and position, in file order. */
export function dedupe(out: Assignment[]): Assignment[] {
  const seen = new Set<string>();
  return out
    .filter((a) => {
      const k = `${a.key}\0${a.line}\0${a.column}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Map an offset in a scalar's value to a position in the file. */
export function scalarMapper(s: YamlScalar, text: string, starts: number[], posOf: (o: number) => { line: number; column: number }): OffsetMapper {
  const value = typeof s.value === 'string' ? s.value : s.text;
  const start = s.pos.offset;
  const end = Math.max(s.end, start);
  const region = text.slice(start, end);
  if (!region.includes('\n')) {
    const base = start + (s.style === 'QUOTE_DOUBLE' || s.style === 'QUOTE_SINGLE' ? 1 : 0);
    return (o) => posOf(Math.min(base + o, Math.max(end - 1, start)));
  }
  const valueStarts = lineStarts(value);
  if (s.style === 'BLOCK_LITERAL') {
    const headerLine = s.pos.line;
    // Indentation of the first non-empty content line.
    let indent = 0;
    for (let l = headerLine; l < starts.length; l++) {
      const ls = starts[l]!;
      const le = (starts[l + 1] ?? text.length + 1) - 1;
      const line = text.slice(ls, le).replace(/\r$/, '');
      if (line.trim() === '') continue;
      indent = line.length - line.trimStart().length;
      break;
    }
    return (o) => {
      let li = 0;
      while (li + 1 < valueStarts.length && valueStarts[li + 1]! <= o) li++;
      return { line: headerLine + 1 + li, column: indent + (o - valueStarts[li]!) + 1 };
    };
  }
  // Folded or multi-line flow scalars: find the value's line in the source region.
  return (o) => {
    let li = 0;
    while (li + 1 < valueStarts.length && valueStarts[li + 1]! <= o) li++;
    const vl = value.slice(valueStarts[li]!, (valueStarts[li + 1] ?? value.length + 1) - 1);
    const col = o - valueStarts[li]!;
    const piece = vl.slice(col, col + 40);
    const idx = piece ? region.indexOf(piece) : -1;
    return posOf(idx === -1 ? start : start + idx);
  };
}
