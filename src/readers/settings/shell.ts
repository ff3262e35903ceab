// POSIX shell / bash / zsh, read structurally with a small lexer (quotes, escapes, comments,
// line continuations, heredocs, parameter expansions):
//   KEY=value                 plain assignment (a sourced env script; `set -a` exports it)
//   KEY=value cmd             assignment in the environment of one command
//   export K=V [K2=V2]  declare -x K=V  typeset -x  readonly  local
//   env [-i] K=V cmd
//   ${K:=V} ${K=V}            assign the default when K is unset
//   ${K:-V} ${K-V}            only substitute the default, but that is the value the runtime
//                             reads when K is unset: reported as the value in effect
//   docker/podman run -e K=V | --env K=V | --env=K=V | --build-arg K=V
//   gcloud … --set-env-vars=K=V,K2=V2 (--update-env-vars, --set-build-env-vars)
//   kubectl set env … K=V      helm … --set a.b.K=V (key: last path segment)
//   echo "K=V" >> "$GITHUB_ENV" (or into a *.env file)
// Heredoc bodies are read as .env lines when their line writes somewhere (`cat > f <<EOF`,
// `tee`, a pipe into `kubectl apply -f -`); a heredoc only printed to the terminal is a
// message. Comments
// (`#` at the start of a word) never match. Values with `$X`, `$(…)` or backticks are dynamic.
import { decodeEscapeAt } from '../../changeset/unescape.js';
import { readDotenv } from './dotenv.js';
import { keepAll, type Assignment, type Keep } from './types.js';
import { evaluateDefaults, matchParen, positionsOf } from './values.js';

interface Word {
  start: number;
  end: number;
  value: string;
  dynamic: boolean;
  /** Set when the word is NAME=… with NAME and '=' unquoted. */
  assign?: { key: string; valueStart: number; value: string; dynamic: boolean };
}

interface Command {
  words: Word[];
  redirects: Word[];
  /** The word of a `<<< word` here-string, if any. */
  herestring?: Word;
}

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const NAME_EQ = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/;
const NAME_ONLY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** printf's output for formats made only of text, %s, %b and %%; null for anything else. */
function formatPrintf(fmt: string, args: string[]): string | null {
  let k = 0;
  let bad = false;
  const out = fmt.replace(/%(.)/g, (_m, c: string) => {
    if (c === '%') return '%';
    if (c === 's' || c === 'b') return args[k++] ?? '';
    bad = true;
    return '';
  });
  return bad ? null : out;
}
const DECLARERS = new Set(['export', 'declare', 'typeset', 'readonly', 'local']);
const RESERVED_PREFIX = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'nohup', 'sudo', 'exec', 'command', 'builtin']);
const CONTAINER_CLIS = /^(docker|podman|nerdctl|buildah|finch)$/;

export function readShell(text: string, pos = positionsOf(text), keep: Keep = keepAll, depth = 0): Assignment[] {
  const out: Assignment[] = [];
  const emit = (key: string, keyOffset: number, valueOffset: number, value: string, dynamic: boolean, syntax: string) => {
    if (!keep(key)) return;
    const k = pos(keyOffset);
    const v = pos(valueOffset);
    out.push({ key, value, dynamic, line: v.line, column: v.column, keyLine: k.line, keyColumn: k.column, syntax });
  };

  const n = text.length;
  // Variables the script itself sets to one literal value (`M=EXECUTE`, `export M=EXECUTE`):
  // `$M` later in the file reads that value, as the shell would. A name assigned twice with
  // different values, or to anything dynamic, is not known (which branch ran is a run-time fact).
  const known = new Map<string, string | null>();
  /** Namerefs (`declare -n ref=K`): name → the variable it refers to. */
  const namerefs = new Map<string, string>();
  const lookup = (name: string): string | undefined => {
    const v = known.get(name);
    return v === null ? undefined : v;
  };

  /**
   * Evaluate a word from `start`. In 'word' mode an unquoted metacharacter ends it; in 'all'
   * mode it runs to `limit` (the word of a `${K:-word}` expansion).
   */
  function evalWord(start: number, limit: number, mode: 'word' | 'all', record: boolean): { value: string; dynamic: boolean; end: number } {
    let value = '';
    let dynamic = false;
    let i = start;
    const expansion = (at: number, inDouble: boolean): number => {
      // text[at] === '$'
      const c = text[at + 1];
      if (c === '{') {
        const close = findBraceClose(at + 1, limit);
        const inner = text.slice(at + 2, close);
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(:-|:=|-|=)/.exec(inner);
        const set = m ? lookup(m[1]!) : /^[A-Za-z_][A-Za-z0-9_]*$/.test(inner) ? lookup(inner) : undefined;
        if (!m && set !== undefined) {
          value += set;
          return Math.min(close + 1, limit);
        }
        if (m) {
          const w = evalWord(at + 2 + m[0].length, close, 'all', record);
          // A default applies only when the variable is unset (or empty, with ':').
          const useSet = set !== undefined && (set !== '' || !m[2]!.startsWith(':'));
          value += useSet ? set : w.value;
          dynamic ||= useSet ? false : w.dynamic;
          if (record) {
            emit(m[1]!, at + 2, at + 2 + m[0].length, w.value, w.dynamic, m[2]!.includes('=') ? 'shell-assign-default' : 'shell-default');
          }
        } else {
          dynamic = true;
          value += '${' + inner + '}';
        }
        return Math.min(close + 1, limit);
      }
      if (c === '(') {
        const close = matchParen(text, at + 1, limit);
        dynamic = true;
        const end = close === -1 ? limit : close + 1;
        value += text.slice(at, end);
        return end;
      }
      if (c === "'" && !inDouble) {
        // $'…' ANSI-C quoting
        let j = at + 2;
        while (j < limit && text[j] !== "'") {
          if (text[j] === '\\' && j + 1 < limit) {
            // bash's ANSI-C quoting: \xHH, \NNN octal, \uXXXX, \UXXXXXXXX, \n \t \e …
            const dec = decodeEscapeAt(text, j, { octal: true });
            if (dec && dec.end <= limit) {
              value += dec.value;
              j = dec.end;
              continue;
            }
            value += text[j + 1]!;
            j += 2;
            continue;
          }
          value += text[j];
          j++;
        }
        return Math.min(j + 1, limit);
      }
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(text.slice(at + 1, Math.min(limit, at + 200)));
      const set = m ? lookup(m[0]) : undefined;
      if (m && set !== undefined) {
        value += set;
        return at + 1 + m[0].length;
      }
      if (m) {
        dynamic = true;
        value += '$' + m[0];
        return at + 1 + m[0].length;
      }
      value += '$';
      return at + 1;
    };
    while (i < limit) {
      const c = text[i]!;
      if (mode === 'word' && META.has(c)) break;
      if (c === '\\') {
        if (text[i + 1] === '\n') {
          i += 2;
          continue;
        }
        if (text[i + 1] === '\r' && text[i + 2] === '\n') {
          i += 3;
          continue;
        }
        if (i + 1 < limit) value += text[i + 1];
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        const end = close === -1 || close >= limit ? limit : close;
        value += text.slice(i + 1, end);
        i = end + 1;
        continue;
      }
      if (c === '"') {
        let j = i + 1;
        while (j < limit && text[j] !== '"') {
          const d = text[j]!;
          if (d === '\\' && j + 1 < limit) {
            const e = text[j + 1]!;
            if (e === '\n') j += 2;
            else if ('$`"\\'.includes(e)) {
              value += e;
              j += 2;
            } else {
              value += d;
              j++;
            }
            continue;
          }
          if (d === '$') {
            j = expansion(j, true);
            continue;
          }
          if (d === '`') {
            const close = text.indexOf('`', j + 1);
            dynamic = true;
            const e = close === -1 || close >= limit ? limit : close + 1;
            value += text.slice(j, e); // kept: a command substitution (judges tell it from $X)
            j = e;
            continue;
          }
          value += d;
          j++;
        }
        i = j + 1;
        continue;
      }
      if (c === '$') {
        i = expansion(i, false);
        continue;
      }
      if (c === '`') {
        const close = text.indexOf('`', i + 1);
        dynamic = true;
        const e = close === -1 || close >= limit ? limit : close + 1;
        value += text.slice(i, e);
        i = e;
        continue;
      }
      value += c;
      i++;
    }
    return { value, dynamic, end: Math.min(i, limit) };
  }

  function findBraceClose(open: number, limit: number): number {
    let depth = 0;
    let quote: string | null = null;
    for (let j = open; j < limit; j++) {
      const c = text[j];
      if (c === '\\') {
        j++;
        continue;
      }
      if (quote) {
        if (c === quote) quote = null;
        continue;
      }
      if (c === "'" || c === '"') quote = c;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return j;
    }
    return limit;
  }

  function readWord(start: number): Word {
    const w = evalWord(start, n, 'word', false);
    const word: Word = { start, end: w.end, value: w.value, dynamic: w.dynamic };
    // The shell removes backslash-newline before it tokenises: `AGENT_\⏎MODE=…` is AGENT_MODE.
    const rawWord = text.slice(start, Math.min(w.end, start + 300));
    const joined = rawWord.includes('\\\n') || rawWord.includes('\\\r\n') ? rawWord.replace(/\\\r?\n/g, '') : rawWord;
    const m = NAME_EQ.exec(joined);
    if (m) {
      let valueStart = start + m[0].length;
      if (joined !== rawWord) {
        // Map the end of `NAME=` in the joined word back to the raw text.
        let r = 0;
        for (let k = 0; k < m[0].length; r++) {
          if (rawWord[r] === '\\' && (rawWord[r + 1] === '\n' || (rawWord[r + 1] === '\r' && rawWord[r + 2] === '\n'))) r += rawWord[r + 1] === '\n' ? 1 : 2;
          else k++;
        }
        valueStart = start + r;
      }
      const v = evalWord(valueStart, w.end, 'all', true);
      word.assign = { key: m[1]!, valueStart, value: v.value, dynamic: v.dynamic };
    } else {
      // Record parameter-expansion assignments inside the word.
      evalWord(start, w.end, 'all', true);
    }
    return word;
  }

  const heredocs: { delim: string; strip: boolean }[] = [];
  // Whether the current line sends output somewhere (a redirect, a pipe, tee): a heredoc on a
  // line that only prints to the terminal is a message, not a file being written.
  let lineWrites = false;
  let cmd: Command = { words: [], redirects: [] };
  const flush = () => {
    if (cmd.words.length > 0) processCommand(cmd);
    cmd = { words: [], redirects: [] };
  };

  function processCommand(c: Command): void {
    const words = c.words;
    let k = 0;
    while (k < words.length && !words[k]!.assign && RESERVED_PREFIX.has(words[k]!.value)) k++;
    const firstAssign = k;
    while (k < words.length && words[k]!.assign) k++;
    const prefix = k < words.length ? 'shell-prefix' : 'shell-assign';
    for (let j = firstAssign; j < k; j++) emitAssign(words[j]!, prefix);
    if (k >= words.length) return;
    const name = words[k]!.value;
    const rest = words.slice(k + 1);
    // eval WORDS / sh -c STRING / bash -c STRING: the shell runs the (literal) text as a script.
    // Read it with this reader, positioned at the text's word (bounded: the text is shorter).
    const script = name === 'eval' ? rest : /(^|\/)(sh|bash|dash|ash|zsh|ksh)$/.test(name) && rest[0]?.value === '-c' && rest[1] ? [rest[1]] : null;
    if (script && script.length > 0 && !script.some((w) => w.dynamic) && depth < 3) {
      const inner = script.map((w) => w.value).join(' ');
      const at = pos(script[0]!.start);
      for (const a of readShell(inner, () => at, keep, depth + 1)) out.push({ ...a, syntax: `shell-eval/${a.syntax}` });
      return;
    }
    // printf -v K FORMAT [ARGS]: K gets the formatted text (literal %s / %b / %% formats only).
    if (name === 'printf' && rest[0]?.value === '-v' && rest[1] && rest[2]) {
      const target = rest[1];
      if (!NAME_ONLY.test(target.value)) return;
      const args = rest.slice(3);
      const f = formatPrintf(
        rest[2].value,
        args.map((a) => a.value),
      );
      if (f !== null) emit(target.value, target.start, rest[2].start, f, rest[2].dynamic || args.some((a) => a.dynamic), 'shell-printf-v');
      return;
    }
    // read [-r] K [K2 …] <<< word: the here-string split on whitespace, the last name takes the rest.
    if (name === 'read' && c.herestring) {
      const vars: Word[] = [];
      for (let j = 0; j < rest.length; j++) {
        const w = rest[j]!;
        if (/^-[pdnNtu]$/.test(w.value) || w.value === '-a') {
          j++;
          continue;
        }
        if (w.value.startsWith('-')) continue;
        if (NAME_ONLY.test(w.value)) vars.push(w);
      }
      if (vars.length === 0) return;
      const hs = c.herestring;
      // Fields are split on IFS as read does: the command's own IFS=… prefix, else the value
      // the script set, else space/tab/newline (a dynamic IFS: the split is unknown).
      const prefixIfs = words.slice(firstAssign, k).find((w) => w.assign!.key === 'IFS')?.assign;
      const ifs = prefixIfs ? (prefixIfs.dynamic ? null : prefixIfs.value) : known.has('IFS') ? lookup('IFS') : ' \t\n';
      const fields = ifs === null || ifs === undefined ? null : readFields(hs.value.replace(/\n$/, ''), ifs, vars.length);
      vars.forEach((v, j) => emit(v.value, v.start, hs.start, fields?.[j] ?? '', hs.dynamic || fields === null, 'shell-read-herestring'));
      return;
    }
    if (DECLARERS.has(name)) {
      // declare -n ref=K (a nameref): an assignment to ref assigns K
      const nameref = name !== 'export' && rest.some((w) => /^-[A-Za-z]*n/.test(w.value));
      for (const w of rest) {
        if (!argAssign(w)) continue;
        if (nameref && NAME_ONLY.test(w.assign!.value)) namerefs.set(w.assign!.key, w.assign!.value);
        else emitAssign(w, 'shell-export');
      }
      return;
    }
    if (name === 'env') {
      for (let j = 0; j < rest.length; j++) {
        const w = rest[j]!;
        if (argAssign(w)) emitAssign(w, 'shell-env');
        else if (w.value === '-u' || w.value === '--unset' || w.value === '-C' || w.value === '--chdir') j++;
        else if (!w.value.startsWith('-')) break;
      }
      return;
    }
    // CLI flags that set a container's / service's environment.
    const all = words.slice(k);
    const isContainer = all.some((w) => CONTAINER_CLIS.test(w.value.replace(/^.*\//, '')));
    for (let j = 0; j < all.length; j++) {
      const w = all[j]!;
      const v = w.value;
      const next = all[j + 1];
      if (isContainer && (v === '-e' || v === '--env' || v === '--build-arg') && next) {
        emitListItem(next, 0, next.value, 'cli-env');
        j++;
      } else if (isContainer && /^--(env|build-arg)=/.test(v)) {
        emitListItem(w, v.indexOf('=') + 1, v.slice(v.indexOf('=') + 1), 'cli-env');
      } else if (/^--(set|update)-(build-)?env-vars$/.test(v) && next) {
        emitCommaList(next, 0, next.value, 'cli-env');
        j++;
      } else if (/^--(set|update)-(build-)?env-vars=/.test(v)) {
        emitCommaList(w, v.indexOf('=') + 1, v.slice(v.indexOf('=') + 1), 'cli-env');
      } else if ((v === '--set' || v === '--set-string') && next) {
        emitCommaList(next, 0, next.value, 'helm-set', true);
        j++;
      } else if (/^--set(-string)?=/.test(v)) {
        emitCommaList(w, v.indexOf('=') + 1, v.slice(v.indexOf('=') + 1), 'helm-set', true);
      }
    }
    if (/(^|\/)kubectl$|(^|\/)oc$/.test(name) && rest[0]?.value === 'set' && rest[1]?.value === 'env') {
      for (const w of rest.slice(2)) if (argAssign(w)) emitAssign(w, 'kubectl-set-env');
    }
    // echo "K=V" >> "$GITHUB_ENV" / > .env / >> /etc/environment (pam_env reads K=V lines at login)
    if ((name === 'echo' || name === 'printf') && c.redirects.some((r) => /GITHUB_ENV|\.env\b|(^|\/)env$|(^|\/)environment$/.test(text.slice(r.start, r.end)))) {
      for (const w of rest) {
        if (w.value.startsWith('-')) continue;
        for (const line of w.value.split('\n')) {
          const m = NAME_EQ.exec(line);
          if (m) emitListItem(w, w.value.indexOf(line), line, 'env-file-write');
        }
      }
    }
  }

  /**
   * An argument that a builtin or command receives as NAME=value text after the shell's word
   * processing (quote removal, $'…' escapes, continuations): `export "K=V"`, `declare 'K'=V`,
   * `env "K=V" cmd`. Only command-position assignments need NAME= unquoted; arguments are text.
   */
  function argAssign(w: Word): boolean {
    if (w.assign) return true;
    const m = NAME_EQ.exec(w.value);
    if (!m) return false;
    const raw = text.slice(w.start, w.end);
    const eq = raw.indexOf('=');
    const valueStart = w.start + (eq === -1 ? 0 : eq + 1);
    w.assign = { key: m[1]!, valueStart, value: w.value.slice(m[0].length), dynamic: w.dynamic };
    return true;
  }

  function emitAssign(w: Word, syntax: string): void {
    const a0 = w.assign!;
    const target = namerefs.get(a0.key);
    const a = target ? { ...a0, key: target } : a0;
    if (syntax === 'shell-assign' || syntax === 'shell-export') {
      const before = known.get(a.key);
      known.set(a.key, a.dynamic || (before !== undefined && before !== a.value) ? null : a.value);
    }
    emit(a.key, w.start, a.valueStart, a.value, a.dynamic, syntax);
  }

  /** A word (or part of one, from `at` in its value) of the form K=V. */
  function emitListItem(w: Word, at: number, item: string, syntax: string): void {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*)=/.exec(item);
    if (!m) return;
    const raw = text.slice(w.start, w.end);
    // Locate the key in the raw word (quotes may precede it).
    const keyIdx = Math.max(0, raw.indexOf(m[1]! + '=', Math.min(at, raw.length)));
    const keyOffset = w.start + (keyIdx === -1 ? 0 : keyIdx);
    const valueRaw = item.slice(m[0].length);
    emit(m[1]!, keyOffset, keyOffset + m[0].length, valueRaw, w.dynamic && /\$/.test(valueRaw), syntax);
  }

  function emitCommaList(w: Word, at: number, list: string, syntax: string, lastSegment = false): void {
    let offset = at;
    for (const part of list.split(',')) {
      const m = /^([A-Za-z_][A-Za-z0-9_.[\]-]*)=/.exec(part);
      if (m) {
        const full = m[1]!;
        const key = lastSegment ? full.slice(full.lastIndexOf('.') + 1) : full;
        const raw = text.slice(w.start, w.end);
        const idx = raw.indexOf(part, Math.min(offset, raw.length));
        const base = w.start + (idx === -1 ? 0 : idx);
        const ev = evaluateDefaults(part.slice(m[0].length));
        emit(key, base + (full.length - key.length), base + m[0].length, ev.value, ev.dynamic || w.dynamic, syntax);
      }
      offset += part.length + 1;
    }
  }

  let i = 0;
  let atWordStart = true;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      atWordStart = true;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      i += text[i + 1] === '\n' ? 2 : 3;
      continue;
    }
    if (c === '#' && atWordStart) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol;
      continue;
    }
    if (c === '\n') {
      flush();
      i++;
      atWordStart = true;
      // Heredoc bodies follow the line that opened them.
      const readBodies = lineWrites;
      lineWrites = false;
      while (heredocs.length > 0) {
        const h = heredocs.shift()!;
        const bodyStart = i;
        let end = n;
        let next = n;
        while (i < n) {
          let eol = text.indexOf('\n', i);
          if (eol === -1) eol = n;
          let line = text.slice(i, eol).replace(/\r$/, '');
          if (h.strip) line = line.replace(/^\t+/, '');
          if (line === h.delim) {
            end = i;
            next = Math.min(eol + 1, n);
            break;
          }
          i = eol + 1;
        }
        const body = text.slice(bodyStart, end);
        if (readBodies) for (const a of readDotenv(body, (o) => pos(bodyStart + o), 'heredoc', keep)) out.push(a);
        i = end === n ? n : next;
      }
      continue;
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      if (c === '|' && text[i + 1] !== '|' && text[i - 1] !== '|') lineWrites = true;
      flush();
      i++;
      atWordStart = true;
      continue;
    }
    if (c === '<' || c === '>') {
      const op = /^(<<<|<<-|<<|>>|>&|<&|>\||<>|<|>)/.exec(text.slice(i, i + 3))![0];
      i += op.length;
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i >= n || text[i] === '\n') continue;
      const target = evalWord(i, n, 'word', false);
      if (op === '<<' || op === '<<-') heredocs.push({ delim: target.value, strip: op === '<<-' });
      else if (op === '<<<') cmd.herestring = { start: i, end: target.end, value: target.value, dynamic: target.dynamic };
      else {
        cmd.redirects.push({ start: i, end: target.end, value: target.value, dynamic: target.dynamic });
        if (op.includes('>') && !/^&?[12]$|^\/dev\/(stdout|stderr|tty)$/.test(target.value)) lineWrites = true;
      }
      i = Math.max(target.end, i + 1);
      atWordStart = true;
      continue;
    }
    const w = readWord(i);
    if (w.value === 'tee' || w.value === 'sponge') lineWrites = true;
    cmd.words.push(w);
    i = Math.max(w.end, i + 1);
    atWordStart = false;
  }
  flush();

  // An expansion may be recorded once per pass over the same word: keep one of each.
  const seen = new Set<string>();
  return out.filter((a) => {
    const k = `${a.key}\0${a.line}\0${a.column}\0${a.syntax}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The values `read` assigns to `count` names from `line`, split on `ifs` the way bash does:
 * IFS white space (space, tab, newline in IFS) trims and separates as a run, every other IFS
 * character separates on its own; the last name takes the rest of the line (trailing IFS
 * white space removed).
 */
function readFields(line: string, ifs: string, count: number): string[] {
  const white = [...ifs].filter((c) => c === ' ' || c === '\t' || c === '\n').join('');
  const isWhite = (c: string) => white.includes(c);
  const isDelim = (c: string) => ifs.includes(c);
  const out: string[] = [];
  let i = 0;
  while (i < line.length && isWhite(line[i]!)) i++;
  for (let f = 0; f < count; f++) {
    if (f === count - 1) {
      let rest = line.slice(i);
      while (rest.length > 0 && isWhite(rest[rest.length - 1]!)) rest = rest.slice(0, -1);
      out.push(rest);
      break;
    }
    let j = i;
    while (j < line.length && !isDelim(line[j]!)) j++;
    out.push(line.slice(i, j));
    i = j;
    // one separator: white space around at most one non-white IFS character
    while (i < line.length && isWhite(line[i]!)) i++;
    if (i < line.length && isDelim(line[i]!) && !isWhite(line[i]!)) i++;
    while (i < line.length && isWhite(line[i]!)) i++;
  }
  return out;
}
