// INI files (.ini, .cfg: setup.cfg, tox.ini, pytest.ini, app settings) as Python's configparser
// reads them (ConfigParser defaults, the consumer most such files have):
//   - `[section]` headers; `key = value` and `key: value` (the first `=` or `:` ends the key,
//     spaces around it optional); keys case-folded (optionxform), values stripped;
//   - whole-line comments start with `#` or `;` (no inline comments: `K = V # x` is "V # x");
//   - a line indented deeper than its key continues the value (joined with a newline);
//   - `%(name)s` interpolation (BasicInterpolation) from the same section and [DEFAULT], `%%` a
//     `%`; [DEFAULT] options are inherited by every section;
//   - a key is reported alone and joined to its section (`[agent] mode` is also agent.mode);
//   - `K=V` lines of a multi-line value (pytest-env's `env =`, tox's `setenv =`) are settings too.
// A file with content before its first section is not configparser's (MissingSectionHeaderError):
// the caller falls back to the line reader.
import { keepAll, type Assignment, type Keep } from './types.js';
import { positionsOf } from './values.js';

interface Opt {
  key: string;
  keyAt: number;
  value: string;
  valueAt: number;
  /** Continuation lines: text and offset. */
  lines: { text: string; at: number }[];
  section: string;
}

export function readIni(text: string, pos = positionsOf(text), keep: Keep = keepAll): Assignment[] {
  const opts: Opt[] = [];
  let section: string | null = null;
  let cur: Opt | null = null;
  let curIndent = 0;
  for (let i = 0; i <= text.length;) {
    let eol = text.indexOf('\n', i);
    if (eol === -1) eol = text.length;
    const line = text.slice(i, eol).replace(/\r$/, '');
    const start = i;
    i = eol + 1;
    const stripped = line.trim();
    const indent = line.length - line.trimStart().length;
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      if (cur) cur.lines.push({ text: '', at: start });
      continue;
    }
    if (cur && indent > curIndent) {
      cur.lines.push({ text: stripped, at: start + indent });
      continue;
    }
    cur = null;
    const sec = /^\[([^\]]+)\]/.exec(stripped);
    if (sec) {
      section = sec[1]!;
      continue;
    }
    if (section === null) throw new Error('MissingSectionHeaderError');
    const m = /^(.*?)\s*([=:])\s*(.*)$/.exec(line.slice(indent));
    if (!m || m[1]!.trim() === '') continue; // ParsingError for the line; the rest is read
    const key = m[1]!.trim().toLowerCase();
    const valueAt = start + indent + line.slice(indent).length - m[3]!.length;
    cur = { key, keyAt: start + indent, value: m[3]!.trim(), valueAt, lines: [], section };
    curIndent = indent;
    opts.push(cur);
  }
  // Values as configparser returns them: continuation lines joined, trailing empty lines dropped.
  const full = (o: Opt) => {
    const parts = [o.value, ...o.lines.map((l) => l.text)];
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    return parts.join('\n').trim();
  };
  const bySection = new Map<string, Map<string, Opt>>();
  for (const o of opts) {
    let m = bySection.get(o.section);
    if (!m) bySection.set(o.section, (m = new Map()));
    m.set(o.key, o); // the last one wins (strict mode would refuse the file)
  }
  const defaults = bySection.get('DEFAULT') ?? new Map<string, Opt>();
  /** BasicInterpolation: null when a name is missing or too deep (configparser raises). */
  const interpolate = (value: string, sec: string, depth: number): string | null => {
    if (!value.includes('%')) return value;
    if (depth > 10) return null;
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      if (c !== '%') {
        out += c;
        continue;
      }
      if (value[i + 1] === '%') {
        out += '%';
        i++;
        continue;
      }
      const m = /^%\(([^)]+)\)s/.exec(value.slice(i));
      if (!m) return null;
      const name = m[1]!.toLowerCase();
      const ref = bySection.get(sec)?.get(name) ?? defaults.get(name);
      if (!ref) return null;
      const v = interpolate(full(ref), sec, depth + 1);
      if (v === null) return null;
      out += v;
      i += m[0].length - 1;
    }
    return out;
  };
  const out: Assignment[] = [];
  const emit = (key: string, keyAt: number, value: string | null, raw: string, valueAt: number, syntax: string) => {
    if (!keep(key)) return;
    const k = pos(keyAt);
    const v = pos(valueAt);
    out.push({ key, value: value ?? raw, dynamic: value === null, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax });
  };
  const sections = [...bySection.keys()];
  for (const o of opts) {
    // an option of [DEFAULT] is every section's
    const secs = o.section === 'DEFAULT' ? ['DEFAULT', ...sections.filter((s) => s !== 'DEFAULT' && !bySection.get(s)!.has(o.key))] : [o.section];
    const value = interpolate(full(o), o.section, 0);
    const at = o.value === '' && o.lines.length > 0 ? (o.lines.find((l) => l.text !== '')?.at ?? o.valueAt) : o.valueAt;
    emit(o.key, o.keyAt, value, full(o), at, 'ini');
    for (const s of secs) if (s !== 'DEFAULT') emit(`${s}.${o.key}`, o.keyAt, value, full(o), at, 'ini');
    // K=V lines of a value (pytest-env `env =`, tox `setenv =`, uwsgi `env = K=V` on one line)
    for (const l of [{ text: o.value, at: o.valueAt }, ...o.lines]) {
      const kv = /^(?:[DR]:)*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(l.text);
      if (!kv) continue;
      emit(kv[1]!, l.at + l.text.indexOf(kv[1]!), kv[2]!.trim(), kv[2]!, l.at + l.text.length - kv[2]!.length, 'ini-env-line');
    }
  }
  return out;
}
