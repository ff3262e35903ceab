// What a code, shell, Makefile or Dockerfile loader makes its runtime read: the literal paths
// (and the literal parts the runtime resolves: `${X:-d}` defaults, `./`, `..`, `$(dirname "$0")`,
// globs in COPY) of the files it loads, each with the reader the loading implies. The YAML
// loaders (compose, Kustomize) are read in runtime-loaded.ts; both feed one reference index.
//
// Pure text → references; nothing here touches the tree. A path the runtime computes (a
// variable without a default, a function call other than the ones named) is not a reference:
// `explain agent-mode` lists it as out of reach.
//
// Readers implied (`readAs`):
//   dotenv      load_dotenv / dotenv_values / pydantic env_file / dotenv.config({path}) /
//               docker --env-file / direnv dotenv / `export $(cat F | xargs)` / make include
//   shell       `source F` / `. F` / direnv source_env (an env-named file stays an env file)
//   python, js  runpy.run_path, exec(open(F).read()), imports and requires of files in the tree
//   dockerfile  (from compose build.dockerfile; see runtime-loaded.ts)
//   name:<n>    Dockerfile COPY/ADD: read under the name it gets in the image (`/app/.env`)

export type ReadAs = 'dotenv' | 'shell' | 'python' | 'js' | 'dockerfile' | 'compose' | 'by-name' | `name:${string}`;

export interface RawRef {
  /** Candidate repository paths, most likely first (already normalised); any that exists is loaded. */
  paths: string[];
  readAs: ReadAs;
  /** 1-based line of the loading statement in the loader. */
  line: number;
  /** A glob (COPY docs/*.env): matched against the tree. */
  glob?: boolean;
  /** A directory (COPY docs/ /app/): the settings files under it. */
  dir?: boolean;
  /** A module import: counts only when the module's file is outside the runtime scope (inside, it is read on its own). */
  module?: boolean;
}

export type LoaderKind = 'python' | 'js' | 'shell' | 'make' | 'dockerfile';

const SHELL_NAMES = new Set(['.envrc', '.bashrc', '.bash_profile', '.profile', '.zshrc', '.zshenv', '.zprofile', '.kshrc']);

/** The kind of code loader a path is, by name (null: not one the index reads as code). */
export function codeLoaderKind(path: string): LoaderKind | null {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  if (/^(dockerfile|containerfile)([._-].*)?$/.test(base) || base.endsWith('.dockerfile')) return 'dockerfile';
  if (base === 'makefile' || base === 'gnumakefile' || base.endsWith('.mk')) return 'make';
  if (SHELL_NAMES.has(base) || /\.(sh|bash|zsh|ksh)$/.test(base)) return 'shell';
  if (/\.pyw?$/.test(base)) return 'python';
  if (/\.([cm]?[jt]s|[jt]sx)$/.test(base)) return 'js';
  return null;
}

/** Cheap gate per kind: text that cannot hold a reference of that kind is not parsed. */
const GATE: Record<LoaderKind, RegExp> = {
  python: /dotenv|env_file|run_path|exec\s*\(|import/,
  js: /require|import|dotenv/,
  shell: /source|\.\s|env-file|dotenv|\$\(|`/,
  make: /include/,
  dockerfile: /\b(copy|add)\b/i,
};

function dirOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** `a/./b/../c` → `a/c`; null when it climbs above the repository root or is empty/absolute. */
export function joinInside(dir: string, rel: string): string | null {
  if (rel.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(rel) || rel.includes('\0')) return null;
  return insideRepo(`${dir}/${rel}`);
}

/** `path` with `.` and `..` segments resolved; null when it climbs out of the repository or is empty. */
export function insideRepo(path: string): string | null {
  const segs: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segs.length === 0) return null;
      segs.pop();
    } else segs.push(s);
  }
  return segs.length > 0 ? segs.join('/') : null;
}

/** `${X:-d}` / `${X-d}` / `${X:=d}` → d; null when any other expansion remains (computed at run time). */
export function literalPath(p: string, self?: string): string | null {
  let s = p.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=]([^}$]*)\}/g, '$1');
  if (self !== undefined) {
    s = s.replace(/\$\(\s*dirname\s+("?)(\$0|\$\{0\}|\$\{BASH_SOURCE(\[0\])?\}|\$BASH_SOURCE)\1\s*\)/g, self || '.').replace(/\$\{(0|BASH_SOURCE(\[0\])?)%\/\*\}/g, self || '.');
  }
  if (/[$`]/.test(s) || s.trim() === '') return null;
  return s;
}

const STR = String.raw`(?:[rRuUbBfF]{0,2})(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')`;
const strRe = () => new RegExp(STR, 'g');

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The string literals of a call's argument text, with whether each is a keyword argument (and which). */
function stringArgs(args: string): { value: string; kw: string | null }[] {
  const out: { value: string; kw: string | null }[] = [];
  const re = strRe();
  for (let m = re.exec(args); m; m = re.exec(args)) {
    const before = args.slice(0, m.index);
    const kw = /(\w+)\s*[=:]\s*(?:\w+\s*\(\s*)?$/.exec(before)?.[1] ?? null;
    // A positional argument: the string itself, or wrapped in Path(…) / str(…); not one inside a subscript or another call.
    if (kw === null && !/(^|,)\s*(?:(?:pathlib\.)?(?:Pure)?Path\s*\(\s*|str\s*\(\s*)?$/.test(before)) continue;
    out.push({ value: (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1'), kw });
  }
  return out;
}

/** The argument text of the call whose `(` is at `open` (balanced, 2,000 characters at most). */
function callArgs(text: string, open: number): string {
  let depth = 0;
  const end = Math.min(text.length, open + 2000);
  for (let i = open; i < end; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return text.slice(open + 1, end);
}

/** The references of one code loader's text. */
export function codeRefs(path: string, text: string, kind: LoaderKind = codeLoaderKind(path) ?? 'shell'): RawRef[] {
  if (!GATE[kind].test(text)) return [];
  switch (kind) {
    case 'python':
      return pythonRefs(path, text);
    case 'js':
      return jsRefs(path, text);
    case 'shell':
      return shellRefs(path, text);
    case 'make':
      return makeRefs(path, text);
    case 'dockerfile':
      return dockerfileRefs(path, text);
  }
}

/** A path the runtime resolves against its working directory: the repository root, then the loader's directory. */
function cwdCandidates(dir: string, p: string): string[] {
  const out = new Set<string>();
  for (const base of ['', dir]) {
    const n = joinInside(base, p);
    if (n) out.add(n);
  }
  return [...out];
}

function pythonRefs(path: string, text: string): RawRef[] {
  const dir = dirOf(path);
  const refs: RawRef[] = [];
  const code = text.replace(/^[ \t]*#.*$/gm, (m) => ' '.repeat(m.length));
  const add = (p: string | null | undefined, readAs: ReadAs, at: number) => {
    const lit = p ? literalPath(p) : null;
    if (lit) {
      const paths = cwdCandidates(dir, lit);
      if (paths.length > 0) refs.push({ paths, readAs, line: lineAt(code, at) });
    }
  };
  // python-dotenv: load_dotenv(path | dotenv_path=path), dotenv_values(...); the first string
  // that is not another keyword's value.
  for (const m of code.matchAll(/\b(load_dotenv|dotenv_values)\s*\(/g)) {
    const args = stringArgs(callArgs(code, m.index + m[0].length - 1));
    const v = args.find((a) => a.kw === 'dotenv_path') ?? args.find((a) => a.kw === null);
    add(v?.value, 'dotenv', m.index);
  }
  // pydantic-settings: SettingsConfigDict(env_file=…), class Config: env_file = … (a string or
  // a tuple/list of strings).
  for (const m of code.matchAll(/\benv_file\s*[=:]\s*(?:\w+\s*\(\s*)?([([]?)/g)) {
    const rest = code.slice(m.index + m[0].length - (m[1] ? 1 : 0));
    const arg = m[1] ? callArgs(rest, 0) : (new RegExp('^' + STR).exec(rest.trimStart())?.[0] ?? '');
    for (const a of stringArgs(arg)) add(a.value, 'dotenv', m.index);
  }
  // runpy.run_path(F), exec(open(F).read()), exec(Path(F).read_text()): the file runs as Python.
  for (const m of code.matchAll(/\brun_path\s*\(/g)) add(stringArgs(callArgs(code, m.index + m[0].length - 1))[0]?.value, 'python', m.index);
  for (const m of code.matchAll(/\bexec\s*\(\s*(?:open|(?:pathlib\.)?Path|io\.open)\s*\(/g))
    add(stringArgs(callArgs(code, m.index + m[0].length - 1))[0]?.value, 'python', m.index);
  // Imports: a module whose file the scope excludes runs as part of the importer.
  const mod = (dotted: string, rel: number, at: number, names: string[]) => {
    const parts = dotted ? dotted.split('.') : [];
    const bases = rel > 0 ? [joinUp(dir, rel - 1)] : ['', dir];
    for (const base of bases) {
      if (base === null) continue;
      const files = new Set<string>();
      // Every package on the way runs its __init__.py; the module itself is x.py or x/__init__.py.
      for (let i = 1; i <= parts.length; i++) {
        const p = joinInside(base, parts.slice(0, i).join('/'));
        if (!p) continue;
        files.add(`${p}/__init__.py`);
        if (i === parts.length) files.add(`${p}.py`);
      }
      for (const n of names) {
        const p = joinInside(base, [...parts, n].join('/'));
        if (p) for (const f of [`${p}.py`, `${p}/__init__.py`]) files.add(f);
      }
      if (files.size > 0) refs.push({ paths: [...files], readAs: 'python', line: lineAt(code, at), module: true });
    }
  };
  for (const m of code.matchAll(/^[ \t]*import[ \t]+([\w. \t,]+)/gm)) {
    for (const item of m[1]!.split(',')) {
      const name = item.trim().split(/\s+/)[0] ?? '';
      if (/^[A-Za-z_][\w.]*$/.test(name)) mod(name, 0, m.index, []);
    }
  }
  for (const m of code.matchAll(/^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w \t,\n]+)/gm)) {
    const names = m[3]!
      .split(',')
      .map((s) => s.trim().split(/\s+/)[0] ?? '')
      .filter((s) => /^[A-Za-z_]\w*$/.test(s));
    mod(m[2]!, m[1]!.length, m.index, names);
  }
  for (const m of code.matchAll(/\b(?:importlib\.)?import_module\s*\(\s*/g)) {
    const v = stringArgs(callArgs(code, m.index + m[0].length - 1))[0]?.value;
    if (v && /^[A-Za-z_][\w.]*$/.test(v)) mod(v, 0, m.index, []);
  }
  return refs;
}

function joinUp(dir: string, levels: number): string | null {
  const segs = dir ? dir.split('/') : [];
  if (levels > segs.length) return null;
  return segs.slice(0, segs.length - levels).join('/');
}

const JS_EXT = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.json', '/index.js', '/index.mjs', '/index.cjs', '/index.ts'];
const NODE_BUILTIN =
  /^(node:|(assert|buffer|child_process|cluster|crypto|dgram|dns|events|fs|http|https|net|os|path|process|querystring|readline|stream|string_decoder|timers|tls|tty|url|util|v8|vm|worker_threads|zlib)(\/|$))/;

function jsRefs(path: string, text: string): RawRef[] {
  const dir = dirOf(path);
  const refs: RawRef[] = [];
  const code = text.replace(/^[ \t]*\/\/.*$/gm, (m) => ' '.repeat(m.length));
  // dotenv: require("dotenv").config({ path }), dotenv.config({ path }), config({ path }).
  if (/dotenv/.test(code)) {
    for (const m of code.matchAll(/\bconfig(?:Dotenv)?\s*\(\s*\{/g)) {
      const v = stringArgs(callArgs(code, m.index + m[0].length - 1)).find((a) => a.kw === 'path');
      const lit = v ? literalPath(v.value) : null;
      if (lit) {
        const paths = cwdCandidates(dir, lit);
        if (paths.length > 0) refs.push({ paths, readAs: 'dotenv', line: lineAt(code, m.index) });
      }
    }
  }
  const spec = (s: string, at: number) => {
    if (!s || NODE_BUILTIN.test(s) || s === 'dotenv' || s.startsWith('dotenv/')) return;
    const paths: string[] = [];
    if (s.startsWith('./') || s.startsWith('../') || s === '.' || s === '..') {
      const p = joinInside(dir, s);
      if (p) for (const e of JS_EXT) paths.push(p + e);
    } else if (/^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]*)?$/.test(s)) {
      // A bare specifier: node_modules of the loader's directory and every directory above it.
      const segs = dir ? dir.split('/') : [];
      for (let i = segs.length; i >= 0; i--) {
        const base = [...segs.slice(0, i), 'node_modules', s].join('/');
        for (const e of JS_EXT) paths.push(base + e);
      }
    }
    if (paths.length > 0) refs.push({ paths, readAs: 'js', line: lineAt(code, at), module: true });
  };
  for (const m of code.matchAll(new RegExp(String.raw`\b(?:require|import)\s*\(\s*` + STR + String.raw`\s*\)`, 'g'))) spec(m[1] ?? m[2] ?? '', m.index);
  for (const m of code.matchAll(new RegExp(String.raw`^[ \t]*(?:import|export)\b[^'";]*?(?:\bfrom\s*)?` + STR, 'gm'))) spec(m[1] ?? m[2] ?? '', m.index);
  return refs;
}

/** Shell words of one line, quotes removed (quoted text stays one word); a comment ends the line. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, j === -1 ? line.length : j);
      has = true;
      i = j === -1 ? line.length : j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        cur += line[j];
      }
      has = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else if (c === '$' && line[i + 1] === '(') {
      // A command substitution is one word (its own words are read separately).
      let depth = 0;
      let j = i + 1;
      for (; j < line.length; j++) {
        if (line[j] === '(') depth++;
        else if (line[j] === ')' && --depth === 0) break;
      }
      cur += line.slice(i, j + 1);
      has = true;
      i = j;
    } else if (c === '#' && !has) {
      break;
    } else if (/[\s;|&<>()]/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
      if (/[;|&<>()]/.test(c)) words.push(c);
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

const SOURCE_CMDS = new Set(['source', '.', 'source_env', 'source_env_if_exists']);
const DOTENV_CMDS = new Set(['dotenv', 'dotenv_if_exists']);

function shellRefs(path: string, text: string): RawRef[] {
  const dir = dirOf(path);
  const refs: RawRef[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split('\n');
  const add = (p: string | undefined, readAs: ReadAs, line: number) => {
    const lit = p ? literalPath(p, dir) : null;
    if (!lit) return;
    const paths = cwdCandidates(dir, lit);
    if (paths.length > 0) refs.push({ paths, readAs: readAs === 'shell' && /(^|\/)\.env([.-]|$)|\.env$/.test(lit) ? 'dotenv' : readAs, line });
  };
  lines.forEach((raw, i) => {
    const line = i + 1;
    const words = shellWords(raw);
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      const atCommand = k === 0 || [';', '|', '&', '(', 'then', 'do', 'else', '&&', '||', 'exec'].includes(words[k - 1]!);
      if (atCommand && SOURCE_CMDS.has(w)) add(words[k + 1], 'shell', line);
      else if (atCommand && DOTENV_CMDS.has(w)) add(words[k + 1] ?? '.env', 'dotenv', line);
      else if (w === '--env-file') add(words[k + 1], 'dotenv', line);
      else if (w.startsWith('--env-file=')) add(w.slice('--env-file='.length), 'dotenv', line);
      else if (/^\$\(|^`/.test(w) || w.includes('$(')) {
        // `export $(cat F | xargs)`, `env $(grep -v '^#' F | xargs) cmd`, `eval "$(cat F)"`:
        // the file's lines become assignments. The words of the substitution that name files.
        const inner = /\$\(([\s\S]*)\)/.exec(w)?.[1] ?? w.replace(/`/g, '');
        const iw = shellWords(inner);
        if (!iw.some((x) => /^(cat|grep|egrep|sed|awk|xargs|envsubst|tr|cut)$/.test(x))) continue;
        for (let j = 1; j < iw.length; j++) {
          const x = iw[j]!;
          if (x.startsWith('-') || /^[;|&<>()]$/.test(x) || !/[./]/.test(x) || /^[\^$\\[]|[*\\^]/.test(x)) continue;
          if (iw[j - 1] === '<' || !/^(-e|-f|--regexp)$/.test(iw[j - 1] ?? '')) add(x, 'dotenv', line);
        }
      }
    }
  });
  return refs;
}

function makeRefs(path: string, text: string): RawRef[] {
  const dir = dirOf(path);
  const refs: RawRef[] = [];
  text.split('\n').forEach((raw, i) => {
    const m = /^[ \t]*-?s?include[ \t]+(.+)$/.exec(raw.replace(/#.*/, ''));
    if (!m) return;
    for (const w of m[1]!.trim().split(/\s+/)) {
      const lit = literalPath(w.replace(/\$\((\w+)\)/g, '$${$1}'));
      const p = lit ? joinInside(dir, lit) : null;
      if (p) refs.push({ paths: [p], readAs: 'dotenv', line: i + 1, glob: /[*?[]/.test(p) || undefined });
    }
  });
  return refs;
}

function dockerfileRefs(path: string, text: string): RawRef[] {
  const dir = dirOf(path);
  const refs: RawRef[] = [];
  const escape = /^#\s*escape\s*=\s*`/im.test(text.slice(0, 200)) ? '`' : '\\';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let ins = lines[i]!.replace(/\r$/, '');
    while (ins.endsWith(escape) && i + 1 < lines.length) ins = ins.slice(0, -1) + ' ' + lines[++i]!.replace(/\r$/, '');
    const m = /^\s*(COPY|ADD)\s+(.*)$/i.exec(ins);
    if (!m || m[2]!.includes('<<')) continue;
    let args: string[];
    const rest = m[2]!.trim();
    const flags: string[] = [];
    let body = rest;
    for (let f = /^--\S+\s*/.exec(body); f; f = /^--\S+\s*/.exec(body)) {
      flags.push(f[0].trim());
      body = body.slice(f[0].length);
    }
    if (flags.some((f) => /^--from[= ]/.test(f) || f === '--from')) continue; // another stage or image
    if (body.startsWith('[')) {
      try {
        args = (JSON.parse(body) as unknown[]).filter((x): x is string => typeof x === 'string');
      } catch {
        continue;
      }
    } else args = shellWords(body);
    if (args.length < 2) continue;
    const dest = args[args.length - 1]!;
    for (const src of args.slice(0, -1)) {
      if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(src)) continue;
      const lit = literalPath(src);
      if (!lit) continue;
      const p = joinInside(dir, lit);
      if (!p) continue; // the whole context: too wide to read as settings
      const glob = /[*?[]/.test(lit);
      const isDir = !glob && lit.endsWith('/');
      const destName = dest.endsWith('/') || glob || isDir ? null : dest.slice(dest.lastIndexOf('/') + 1);
      refs.push({ paths: [p], readAs: destName ? `name:${destName}` : 'by-name', line: start, glob: glob || undefined, dir: isDir || undefined });
    }
  }
  return refs;
}
