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
import { cat, interpolationExpr, lit, shown, type ValueExpr } from './expr.js';
import { parseJsonTree } from './json.js';
import { readShell } from './shell.js';
import { keepAll, type Assignment, type Keep, type OffsetMapper } from './types.js';
import { evaluateDefaults, lineStarts, positionsOf } from './values.js';

const SHELL_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'command', 'commands', 'cmd', 'entrypoint', 'args']);
const ENV_LIST_KEYS = /^(env|environment|envs|Env|args|build_args|build-args|buildArgs|variables)$/;

/** A string that may hold a JSON object or array. */
export const JSONISH = /^\s*(\{\s*"|\[\s*[{["\]])/;

export function readTree(roots: readonly (YamlNode | null)[], text: string, syntax: 'yaml' | 'json', keep: Keep = keepAll, depth = 0): Assignment[] {
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
    if (value.tag === '!Ref' || value.tag === '!Sub') {
      const e = cfnExpr(value);
      if (e) pushExpr(key, keyPos, e, value.text, at, kind);
      return;
    }
    // `!!binary` (base64): the bytes decoded as text, as PyYAML hands them to pydantic (b'EXECUTE' → 'EXECUTE').
    const raw = value.value instanceof Uint8Array ? Buffer.from(value.value).toString('utf8') : value.text;
    const ev = typeof value.value === 'string' ? evaluateDefaults(raw) : { value: raw, dynamic: false };
    const expr = ev.dynamic || ev.value !== raw ? interpolationExpr(raw) : undefined;
    out.push({ key, value: ev.value, dynamic: ev.dynamic, ...(expr && { expr }), line: at.line, column: at.column, keyLine: keyPos.line, keyColumn: keyPos.column, syntax: kind });
  };
  const pushExpr = (key: string, keyPos: { line: number; column: number }, expr: ValueExpr, text: string, at: { line: number; column: number }, kind: string) => {
    if (!keep(key)) return;
    const sh = shown(expr);
    out.push({
      key,
      value: sh.dynamic ? text : sh.value,
      dynamic: sh.dynamic,
      expr,
      line: at.line,
      column: at.column,
      keyLine: keyPos.line,
      keyColumn: keyPos.column,
      syntax: kind,
    });
  };
  // CloudFormation: `!Ref P` / {Ref: P} is the parameter's value, its `Default` unless the
  // deployer passes one; `!Sub "…${P}…"` / {"Fn::Sub": …} interpolates parameters.
  const params = new Map<string, string>();
  for (const root of roots) {
    const ps =
      root?.kind === 'map' && root.pairs.some((p) => p.key === 'Resources' || p.key === 'AWSTemplateFormatVersion') ? root.pairs.find((p) => p.key === 'Parameters')?.value : null;
    if (ps?.kind !== 'map') continue;
    for (const p of ps.pairs) {
      const d = p.value?.kind === 'map' ? p.value.pairs.find((q) => q.key === 'Default')?.value : null;
      if (p.key !== null) params.set(p.key, d?.kind === 'scalar' && d.value !== null ? d.text : '\0');
    }
  }
  const cfnRef = (name: string): ValueExpr => {
    const ref: ValueExpr = { k: 'ref', ns: 'cfn', name, text: `!Ref ${name}` };
    const d = params.get(name);
    return d !== undefined && d !== '\0' ? { k: 'default', of: ref, fallback: lit(d), whenEmpty: false } : ref;
  };
  const cfnSub = (t: string): ValueExpr =>
    cat(
      t.split(/(\$\{[^}]*\})/).map((part) => {
        const m = /^\$\{(!?)([^}]*)\}$/.exec(part);
        if (!m) return lit(part);
        if (m[1]) return lit('${' + m[2] + '}');
        return /^[A-Za-z0-9]+$/.test(m[2]!) ? cfnRef(m[2]!) : { k: 'unknown', text: part };
      }),
    );
  function cfnExpr(n: YamlNode): ValueExpr | null {
    // An unquoted Go/Jinja template action (`value: {{ .Values.mode | quote }}`) parses as a
    // YAML flow map: the template it is, read from the source line.
    if (n.kind === 'map' && n.flow && text.startsWith('{{', n.pos.offset)) {
      const eol = text.indexOf('\n', n.pos.offset);
      const raw = text
        .slice(n.pos.offset, eol === -1 ? text.length : eol)
        .replace(/\s+#.*$/, '')
        .trim();
      return interpolationExpr(raw);
    }
    if (n.kind === 'scalar') {
      if (typeof n.value !== 'string') return null;
      return n.tag === '!Ref' ? cfnRef(n.value.trim()) : n.tag === '!Sub' ? cfnSub(n.value) : null;
    }
    if (n.kind !== 'map' || n.pairs.length !== 1) return null;
    const p = n.pairs[0]!;
    const v = p.value?.kind === 'seq' ? p.value.items[0] : p.value;
    if (v?.kind !== 'scalar' || typeof v.value !== 'string') return null;
    return p.key === 'Ref' ? cfnRef(v.value.trim()) : p.key === 'Fn::Sub' ? cfnSub(v.value) : null;
  }
  const sourceLine = (n: YamlNode) => {
    const eol = text.indexOf('\n', n.pos.offset);
    return text.slice(n.pos.offset, eol === -1 ? text.length : eol).trim();
  };
  /**
   * A string value that holds JSON its consumer parses (pydantic-settings complex fields,
   * AWS `container_definitions` / `Value` strings): its settings read like the file's own, keys
   * also joined to the enclosing key (AGENT + mode is AGENT.mode), at the string's position.
   */
  const jsonIn = (key: string, s: YamlScalar, at: { line: number; column: number }) => {
    const t = s.value as string;
    if (depth > 3 || t.length > 1_000_000) return;
    let inner: YamlNode | null;
    try {
      inner = parseJsonTree(t);
    } catch {
      return;
    }
    if (!inner || inner.kind === 'scalar') return;
    const joined = (k: string) => (keep(k) ? k : `${key}.${k}`);
    for (const a of readTree([inner], t, 'json', (k) => keep(k) || keep(`${key}.${k}`), depth + 1)) {
      out.push({ ...a, key: joined(a.key), line: at.line, column: at.column, keyLine: at.line, keyColumn: at.column, syntax: `json-in-string/${a.syntax}` });
    }
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
          if (p.key === 'name' || p.key === 'Name') nameNode = p.value;
          else if (p.key === 'value' || p.key === 'Value') valuePair = p;
        }
        if (nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' && valuePair?.value) {
          const vv = valuePair.value;
          const at = valuePair.valuePos ?? vv.pos;
          if (vv.kind === 'scalar') {
            push(nameNode.value.trim(), nameNode.pos, vv, at, `${syntax}-name-value`);
            if (typeof vv.value === 'string' && JSONISH.test(vv.value)) jsonIn(nameNode.value.trim(), vv, at);
          } else {
            const e = cfnExpr(vv);
            if (e) pushExpr(nameNode.value.trim(), nameNode.pos, e, sourceLine(vv), at, `${syntax}-name-value`);
          }
        }
        for (const p of node.pairs) {
          const v = p.value;
          if (p.key === null || !v) continue;
          if (v.kind === 'scalar') {
            for (const k of keysOf(p.key, parents)) push(k, p.keyPos, v, p.valuePos ?? v.pos, syntax, compose);
            if (SHELL_KEYS.has(p.key) && typeof v.value === 'string') shellIn(v);
            if (typeof v.value === 'string' && JSONISH.test(v.value) && p.key !== 'value' && p.key !== 'Value') jsonIn(p.key, v, p.valuePos ?? v.pos);
          } else if (v.kind === 'map') {
            const e = cfnExpr(v);
            if (e) for (const k of keysOf(p.key, parents)) pushExpr(k, p.keyPos, e, sourceLine(v), p.valuePos ?? v.pos, syntax);
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
    const rawValue = t.slice(m[0].length);
    const ev = evaluateDefaults(rawValue);
    const kp = map(keyAt);
    const vp = map(m[0].length);
    const expr = ev.dynamic || ev.value !== rawValue ? interpolationExpr(rawValue) : undefined;
    out.push({
      key: m[1]!,
      value: ev.value,
      dynamic: ev.dynamic,
      ...(expr && { expr }),
      line: vp.line,
      column: vp.column,
      keyLine: kp.line,
      keyColumn: kp.column,
      syntax: `${syntax}-env-string`,
    });
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
