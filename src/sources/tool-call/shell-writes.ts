// Which files a shell command would write, read the way bash reads it: the command is parsed
// with tree-sitter-bash (the grammar, not a hand lexer), words are evaluated with bash's own
// quoting rules ('…', "…", $'…', backslashes, $VAR from the command's own assignments or the
// environment, ~), `cd` moves the directory later commands resolve against, and commands
// nested in `( … )`, `$( … )`, `<( … )`, `bash -c '…'` and `eval` are read as well.
//
// What counts as a write: redirections (`>`, `>>`, `>|`, `&>`, `<>`, `>&file`), and the
// arguments of the commands that write their operands (tee, sed -i, perl -i, gawk -i inplace,
// cp, mv (both sides), install, ln, rsync, rm, unlink, shred, rmdir, touch, truncate, chmod,
// chown, chgrp, dd of=, curl -o, wget -O, patch, git rm/mv/restore/checkout -- …/apply).
// A write whose target cannot be known before the command runs (`$(…)`, a variable set at run
// time, brace expansion, an archive extracted, `xargs` operands) is reported as a problem: the
// caller refuses what it cannot judge.
//
// Out of reach, and said so in `explain`: files written by programs the command starts
// (interpreters such as `python -c`, build tools, package managers, editors). The commit and
// the server still judge whatever they write.
import { posix } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { treeSitter, treeSitterLanguage } from '../../readers/tree-sitter.js';

type WriteOp = 'write' | 'delete';

export interface ShellWrite {
  /** Absolute path (posix), or null when the target cannot be known. */
  path: string | null;
  op: WriteOp;
  /** The command that writes, for messages (`tee`, `>`). */
  via: string;
  /** The target as written in the command. */
  text: string;
  /** Unquoted glob characters: the shell expands it against existing files. */
  glob: boolean;
  /**
   * cp/mv/ln/install with one source: when `path` is an existing directory the file lands at
   * `path/<intoDir>`.
   */
  intoDir?: string;
  /** chmod -R and the like: every file under a directory target changes. */
  recursive?: boolean;
}

export interface ShellAnalysis {
  writes: ShellWrite[];
  /** Commands the gate refuses outright (cannot be judged, or switch the gate off). */
  problems: string[];
}

export interface ShellContext {
  cwd: string;
  home: string | null;
  env: Readonly<Record<string, string | undefined>>;
}

interface Value {
  value: string;
  dynamic: boolean;
  glob: boolean;
  /** Why it is dynamic, for messages. */
  why?: string;
}

interface State {
  cwd: string | null;
  vars: Map<string, string | null>;
}

const WRITE_REDIRECTS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
/** Commands that run the rest of their arguments as a command. */
const WRAPPERS = new Set(['sudo', 'doas', 'nice', 'nohup', 'time', 'command', 'builtin', 'exec', 'stdbuf', 'ionice', 'chronic', 'unbuffer', 'setsid', 'env', 'timeout']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'busybox']);

let parserPromise: Promise<import('web-tree-sitter').Parser> | undefined;

async function bashParser(): Promise<import('web-tree-sitter').Parser> {
  if (!parserPromise) {
    parserPromise = (async () => {
      const ts = await treeSitter();
      const parser = new ts.Parser();
      parser.setLanguage(await treeSitterLanguage('tree-sitter-bash/tree-sitter-bash.wasm'));
      return parser;
    })().catch((e: unknown) => {
      parserPromise = undefined;
      throw e;
    });
  }
  return parserPromise;
}

const ANSI_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };

/** Body of a $'…' string, decoded as bash does. */
function ansiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i]!;
    if (n in ANSI_ESCAPES) out += ANSI_ESCAPES[n];
    else if (n === 'x' || n === 'u' || n === 'U') {
      const max = n === 'x' ? 2 : n === 'u' ? 4 : 8;
      const m = new RegExp(`^[0-9a-fA-F]{1,${max}}`).exec(body.slice(i + 1));
      if (!m) out += `\\${n}`;
      else {
        out += String.fromCodePoint(parseInt(m[0], 16));
        i += m[0].length;
      }
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
      out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += m[0].length - 1;
    } else if (n === 'c' && i + 1 < body.length) {
      out += String.fromCharCode(body.charCodeAt(++i) & 0x1f);
    } else out += `\\${n}`;
  }
  return out;
}

/** An unquoted word: backslash quotes the next character, backslash-newline disappears. */
function unquotedWord(text: string): { value: string; glob: boolean } {
  let value = '';
  let glob = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      if (text[i + 1] !== '\n') value += text[i + 1];
      i++;
      continue;
    }
    if (c === '*' || c === '?' || c === '[') glob = true;
    value += c;
  }
  return { value, glob };
}

/** Inside double quotes only \$ \` \" \\ and \newline are escapes. */
function doubleQuoted(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_, ch: string) => (ch === '\n' ? '' : ch));
}

class Analyzer {
  readonly writes: ShellWrite[] = [];
  readonly problems: string[] = [];
  private depth = 0;

  constructor(
    private readonly ctx: ShellContext,
    private readonly parser: import('web-tree-sitter').Parser,
  ) {}

  run(command: string, state: State): void {
    if (++this.depth > 8) {
      this.problems.push('the command nests shells more than 8 deep');
      return;
    }
    const tree = this.parser.parse(command);
    if (!tree) {
      this.problems.push('the command could not be parsed');
      return;
    }
    try {
      if (tree.rootNode.hasError) {
        const bad = firstError(tree.rootNode);
        this.problems.push(
          `the gate cannot parse this command (syntax error near ${JSON.stringify(bad?.text.slice(0, 40) ?? '')}), so it cannot tell what it writes; split it into simpler commands`,
        );
        return;
      }
      this.statements(tree.rootNode.namedChildren, state);
    } finally {
      tree.delete();
      this.depth--;
    }
  }

  private statements(nodes: (Node | null)[], state: State): void {
    for (const n of nodes) if (n) this.statement(n, state);
  }

  /** One statement; `state` is updated by cd and assignments, as bash would. */
  private statement(node: Node, state: State): void {
    switch (node.type) {
      case 'comment':
        return;
      case 'variable_assignment':
        this.assign(node, state);
        return;
      case 'variable_assignments':
        for (const a of node.namedChildren) if (a?.type === 'variable_assignment') this.assign(a, state);
        return;
      case 'command':
        this.command(node, state);
        return;
      case 'redirected_statement': {
        const body = node.childForFieldName('body') ?? node.namedChildren.find((c) => c && !c.type.endsWith('redirect') && c.type !== 'herestring_redirect');
        const redirects = node.namedChildren.filter((r): r is Node => r !== null && (!body || r.id !== body.id));
        // tree-sitter-bash hangs `a && b > f` on the whole list; bash gives the redirection to
        // the last command, after `a` (a cd) ran. Otherwise redirections are opened before
        // the body runs, relative to the directory it starts in.
        if (body?.type === 'list') {
          this.statement(body, state);
          for (const r of redirects) this.redirect(r, state);
        } else {
          for (const r of redirects) this.redirect(r, state);
          if (body) this.statement(body, state);
        }
        return;
      }
      case 'pipeline':
        // Each side of a pipe runs in a subshell: cd and assignments do not leak.
        for (const c of node.namedChildren) if (c) this.statement(c, fork(state));
        return;
      case 'subshell':
      case 'process_substitution':
      case 'command_substitution':
        this.statements(node.namedChildren, fork(state));
        return;
      case 'declaration_command':
        this.declaration(node, state);
        return;
      case 'unset_command':
        for (const c of node.namedChildren) if (c) state.vars.delete(c.text);
        return;
      case 'negated_command':
      case 'list':
      case 'compound_statement':
      case 'program':
      case 'do_group':
      case 'else_clause':
      case 'elif_clause':
        this.statements(node.namedChildren, state);
        return;
      case 'if_statement':
      case 'while_statement':
      case 'for_statement':
      case 'c_style_for_statement':
      case 'case_statement':
      case 'case_item':
      case 'function_definition': {
        // Loop variables and case words are only known at run time.
        if (node.type === 'for_statement') {
          const v = node.childForFieldName('variable');
          if (v) state.vars.set(v.text, null);
        }
        this.statements(node.namedChildren, state);
        return;
      }
      case 'test_command':
        this.expansionsIn(node, state);
        return;
      default:
        // Words in odd places (conditions, case values) may still hide $( … ) that writes.
        this.expansionsIn(node, state);
    }
  }

  private assign(node: Node, state: State): void {
    const name = node.childForFieldName('name')?.text ?? node.namedChildren[0]?.text;
    const valueNode = node.childForFieldName('value');
    if (!name) return;
    if (name === 'SAFETY_GATE_SKIP' || name === 'HUSKY') this.problems.push(`${name}= switches the gate's client hooks off`);
    if (!valueNode) {
      state.vars.set(name, '');
      return;
    }
    const v = this.value(valueNode, state);
    state.vars.set(name, v.dynamic ? null : v.value);
  }

  private declaration(node: Node, state: State): void {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'variable_assignment') this.assign(c, state);
      else if (c.type === 'variable_name' && (c.text === 'SAFETY_GATE_SKIP' || c.text === 'HUSKY')) this.problems.push(`${c.text} switches the gate's client hooks off`);
      else this.expansionsIn(c, state);
    }
  }

  /** Every command or process substitution inside a node runs too. */
  private expansionsIn(node: Node, state: State): void {
    if (node.type === 'command_substitution' || node.type === 'process_substitution') {
      this.statements(node.namedChildren, fork(state));
      return;
    }
    for (const c of node.namedChildren) if (c) this.expansionsIn(c, state);
  }

  private redirect(node: Node, state: State): void {
    if (node.type !== 'file_redirect') {
      this.expansionsIn(node, state);
      return;
    }
    const op = node.children.find((c) => c && !c.isNamed)?.text ?? '';
    const dest = node.childForFieldName('destination') ?? node.namedChildren.filter((c) => c && c.type !== 'file_descriptor').at(-1) ?? null;
    if (!dest) return;
    this.expansionsIn(dest, state);
    if (op === '>&' || op === '<&' || op === '>&-' || op === '<&-') {
      // `2>&1` duplicates a descriptor; `>&file` (bash) writes the file.
      if (op !== '>&' || /^(\d+|-)$/.test(dest.text)) return;
    } else if (!WRITE_REDIRECTS.has(op)) return;
    this.target(this.value(dest, state), 'write', op, state);
  }

  private target(v: Value, op: WriteOp, via: string, state: State, text = v.value, intoDir?: string): void {
    if (v.dynamic) {
      this.writes.push({ path: null, op, via, text: `${text}${v.why ? ` (${v.why})` : ''}`, glob: false });
      return;
    }
    let p = v.value;
    if (p === '' || p === '-') return;
    if (!p.startsWith('/')) {
      if (state.cwd === null) {
        this.writes.push({ path: null, op, via, text: `${p} (relative to a directory only known at run time)`, glob: false });
        return;
      }
      p = posix.join(state.cwd, p);
    }
    this.writes.push({ path: posix.normalize(p), op, via, text, glob: v.glob, ...(intoDir !== undefined ? { intoDir } : {}) });
  }

  /** The value of a word as bash expands it, or dynamic. */
  value(node: Node, state: State): Value {
    switch (node.type) {
      case 'word': {
        let text = node.text;
        let prefix = '';
        if (text.startsWith('~')) {
          const m = /^~([^/]*)/.exec(text)!;
          if (m[1] !== '' || this.ctx.home === null) return { value: text, dynamic: true, glob: false, why: 'a home directory' };
          prefix = this.ctx.home;
          text = text.slice(1);
        }
        const w = unquotedWord(text);
        const brace = /(^|[^\\])\{[^}]*,[^}]*\}/.test(node.text);
        if (brace) return { value: w.value, dynamic: true, glob: false, why: 'brace expansion' };
        return { value: prefix + w.value, dynamic: false, glob: w.glob };
      }
      case 'number':
        return { value: node.text, dynamic: false, glob: false };
      case 'raw_string':
        return { value: node.text.slice(1, -1), dynamic: false, glob: false };
      case 'ansi_c_string':
        return { value: ansiC(node.text.slice(2, -1)), dynamic: false, glob: false };
      case 'translated_string':
        return { value: node.text, dynamic: true, glob: false, why: 'a translated string' };
      case 'string': {
        // Children are the parts between the quotes; text between named children is literal.
        let out = '';
        let dynamic = false;
        let why: string | undefined;
        let pos = node.startIndex + 1;
        const end = node.endIndex - 1;
        const src = node.text;
        const base = node.startIndex;
        for (const c of node.namedChildren) {
          if (!c) continue;
          if (c.startIndex > pos) out += doubleQuoted(src.slice(pos - base, c.startIndex - base));
          if (c.type === 'string_content') out += doubleQuoted(c.text);
          else {
            const v = this.value(c, state);
            out += v.value;
            if (v.dynamic) {
              dynamic = true;
              why ??= v.why;
            }
          }
          pos = c.endIndex;
        }
        if (end > pos) out += doubleQuoted(src.slice(pos - base, end - base));
        return { value: out, dynamic, glob: false, why };
      }
      case 'concatenation': {
        const unquoted = node.namedChildren
          .filter((c) => c?.type === 'word')
          .map((c) => c!.text)
          .join('');
        if (/\{[^}]*(,|\.\.)[^}]*\}/.test(unquoted)) return { value: node.text, dynamic: true, glob: false, why: 'brace expansion' };
        let out = '';
        let dynamic = false;
        let glob = false;
        let why: string | undefined;
        for (const c of node.namedChildren) {
          if (!c) continue;
          const v = this.value(c, state);
          out += v.value;
          glob ||= v.glob;
          if (v.dynamic) {
            dynamic = true;
            why ??= v.why;
          }
        }
        // Text between named children (e.g. an unquoted '=' or '/') is literal.
        const literalGaps = node.text.length - node.namedChildren.reduce((n, c) => n + (c ? c.text.length : 0), 0);
        if (literalGaps !== 0) return { value: node.text, dynamic: true, glob: false, why: 'a word bash assembles at run time' };
        return { value: out, dynamic, glob, why };
      }
      case 'simple_expansion':
      case 'expansion': {
        const names = node.namedChildren.filter((c) => c !== null);
        const only = names.length === 1 && names[0]!.type === 'variable_name' ? names[0]!.text : null;
        if (only === null) {
          this.expansionsIn(node, state);
          return { value: node.text, dynamic: true, glob: false, why: `${node.text} is only known at run time` };
        }
        const v = this.lookup(only, state);
        if (v === null) return { value: node.text, dynamic: true, glob: false, why: `${node.text} is only known at run time` };
        return { value: v, dynamic: false, glob: false };
      }
      case 'command_substitution':
      case 'process_substitution':
        this.statements(node.namedChildren, fork(state));
        return { value: node.text, dynamic: true, glob: false, why: `the output of ${node.text.slice(0, 40)}` };
      case 'arithmetic_expansion':
        return { value: node.text, dynamic: true, glob: false, why: 'arithmetic' };
      default:
        this.expansionsIn(node, state);
        return { value: node.text, dynamic: true, glob: false, why: `a ${node.type.replace(/_/g, ' ')}` };
    }
  }

  private lookup(name: string, state: State): string | null {
    if (state.vars.has(name)) return state.vars.get(name)!;
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      if (name === 'PWD') return state.cwd;
      if (name === 'HOME') return this.ctx.home;
      return this.ctx.env[name] ?? '';
    }
    return null; // $1, $@, $?, $$ …
  }

  private command(node: Node, state: State): void {
    const nameNode = node.childForFieldName('name');
    const args: Node[] = [];
    for (const c of node.namedChildren) {
      if (!c || (nameNode && c.id === nameNode.id)) continue;
      if (c.type === 'variable_assignment') {
        const n = c.childForFieldName('name')?.text;
        if (n === 'SAFETY_GATE_SKIP' || n === 'HUSKY') this.problems.push(`${n}= switches the gate's client hooks off`);
        const v = c.childForFieldName('value');
        if (v) this.expansionsIn(v, state);
        continue;
      }
      if (c.type.endsWith('redirect')) {
        this.redirect(c, state);
        continue;
      }
      args.push(c);
    }
    if (!nameNode) return;
    const words = [nameNode.namedChildren[0] ?? nameNode, ...args].map((n) => ({ node: n, ...this.value(n, state) }));
    this.invoke(words, state);
  }

  private invoke(words: ({ node: Node } & Value)[], state: State): void {
    // Strip wrappers: `sudo -u x cmd`, `env -i K=V cmd`, `timeout 5 cmd`, `nice -n 5 cmd`.
    for (;;) {
      const head = words[0];
      if (!head) return;
      if (head.dynamic) {
        // A command name built at run time could be anything, including a writer.
        if (words.some((w, i) => i > 0 && !w.value.startsWith('-')))
          this.problems.push(`cannot tell which command ${JSON.stringify(head.node.text.slice(0, 40))} runs (${head.why ?? 'only known at run time'})`);
        return;
      }
      const name = posix.basename(head.value);
      if (!WRAPPERS.has(name)) break;
      let i = 1;
      if (name === 'env') {
        while (i < words.length && (words[i]!.value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!.value))) {
          const w = words[i]!.value;
          if (/^(SAFETY_GATE_SKIP|HUSKY)=/.test(w)) this.problems.push(`${w.split('=')[0]}= switches the gate's client hooks off`);
          if (w === '-u' || w === '-C' || w === '-S') i++;
          i++;
        }
      } else if (name === 'timeout') {
        while (i < words.length && words[i]!.value.startsWith('-')) i += /^-[sk]$/.test(words[i]!.value) ? 2 : 1;
        i++; // the duration
      } else if (name === 'sudo' || name === 'doas' || name === 'nice' || name === 'ionice' || name === 'stdbuf') {
        while (i < words.length && words[i]!.value.startsWith('-')) i += /^-[ugnCcpihDrtTU]$/.test(words[i]!.value) ? 2 : 1;
      } else {
        while (i < words.length && words[i]!.value.startsWith('-')) i++;
      }
      words = words.slice(i);
    }
    const name = posix.basename(words[0]!.value);
    const rest = words.slice(1);
    const lit = (w: Value) => (w.dynamic ? null : w.value);
    const positional = (from: ({ node: Node } & Value)[], argOpts: RegExp = /$^/) => {
      const out: ({ node: Node } & Value)[] = [];
      let options = true;
      for (let i = 0; i < from.length; i++) {
        const w = from[i]!;
        if (options && w.value === '--' && !w.dynamic) {
          options = false;
          continue;
        }
        if (options && w.value.startsWith('-') && w.value !== '-' && !w.dynamic) {
          if (argOpts.test(w.value)) i++;
          continue;
        }
        out.push(w);
      }
      return out;
    };
    const writeAll = (ws: ({ node: Node } & Value)[], op: WriteOp = 'write') => {
      for (const w of ws) this.target(w, op, name, state, w.node.text);
    };

    switch (name) {
      case 'cd':
      case 'pushd': {
        const dir = positional(rest)[0];
        if (!dir) state.cwd = this.ctx.home;
        else if (dir.dynamic || dir.value === '-') state.cwd = null;
        else if (state.cwd !== null || dir.value.startsWith('/')) state.cwd = posix.normalize(posix.join(dir.value.startsWith('/') ? '/' : state.cwd!, dir.value));
        return;
      }
      case 'eval': {
        if (rest.some((w) => w.dynamic)) this.problems.push('eval of text only known at run time');
        else this.run(rest.map((w) => w.value).join(' '), state);
        return;
      }
      case 'xargs':
      case 'parallel': {
        const cmd = positional(rest, /^-[IdEnLPsa]$/);
        if (cmd.length > 0 && writes(posix.basename(cmd[0]!.value))) this.problems.push(`${name} ${cmd[0]!.value} writes files named only at run time (its input)`);
        return;
      }
      case 'find':
        if (rest.some((w) => w.value === '-delete' || w.value === '-exec' || w.value === '-execdir' || w.value === '-ok' || w.value === '-fprint')) {
          const exec = rest.findIndex((w) => w.value.startsWith('-exec') || w.value === '-ok');
          if (exec === -1 || writes(posix.basename(rest[exec + 1]?.value ?? ''))) this.problems.push('find changes the files it finds (named only at run time)');
        }
        return;
      case 'tee':
        writeAll(positional(rest));
        return;
      case 'sed':
      case 'gsed':
        if (sedInPlace(rest.map(lit))) writeAll(fileOperands(rest, SED));
        return;
      case 'perl':
        if (rest.some((w) => /^-[a-zA-Z]*i/.test(w.value) && !w.value.startsWith('--'))) writeAll(fileOperands(rest, PERL));
        return;
      case 'awk':
      case 'gawk':
        if (rest.some((w, i) => w.value === '-i' && rest[i + 1]?.value === 'inplace') || rest.some((w) => w.value === '--include=inplace')) {
          writeAll(positional(rest, /^-[ivfF]$/).slice(rest.some((w) => w.value === '-f') ? 0 : 1));
        }
        return;
      case 'cp':
      case 'install':
      case 'ln':
      case 'rsync':
      case 'mv': {
        const target = rest.findIndex((w) => w.value === '-t' || w.value === '--target-directory');
        const targetEq = rest.find((w) => w.value.startsWith('--target-directory='));
        const ops = positional(rest, /^-[tSTm]$|^--(suffix|mode|owner|group|target-directory)$/);
        let dest: ({ node: Node } & Value) | undefined;
        let sources: ({ node: Node } & Value)[];
        if (target !== -1 || targetEq) {
          dest = target !== -1 ? rest[target + 1] : { ...targetEq!, value: targetEq!.value.slice('--target-directory='.length) };
          sources = ops;
        } else {
          dest = ops.at(-1);
          sources = ops.slice(0, -1);
        }
        if (!dest) return;
        if (name === 'mv') writeAll(sources, 'delete');
        // Into a directory a file keeps its name. With one source, whether `dest` is a
        // directory is a fact of the work tree: the caller decides (intoDir).
        const many = sources.length > 1 || target !== -1 || targetEq !== undefined || dest.value.endsWith('/');
        for (const s of sources) {
          if (many) {
            if (s.dynamic || dest.dynamic) this.target({ value: `${dest.value}/${s.value}`, dynamic: true, glob: false, why: s.why ?? dest.why }, 'write', name, state);
            else this.target({ value: posix.join(dest.value, posix.basename(s.value)), dynamic: false, glob: s.glob }, 'write', name, state);
          } else {
            this.target(dest, 'write', name, state, dest.node.text, s.dynamic ? undefined : posix.basename(s.value));
          }
        }
        return;
      }
      case 'rm':
      case 'unlink':
      case 'shred':
      case 'rmdir':
        writeAll(positional(rest), 'delete');
        return;
      case 'touch':
        writeAll(positional(rest, /^-[rtd]$/));
        return;
      case 'truncate':
        writeAll(positional(rest, /^-[sr]$/));
        return;
      case 'chmod':
      case 'chown':
      case 'chgrp': {
        const recursive = rest.some((w) => /^-[a-zA-Z]*R/.test(w.value) || w.value === '--recursive');
        const from = this.writes.length;
        writeAll(positional(rest, /^--reference$/).slice(rest.some((w) => w.value.startsWith('--reference=')) ? 0 : 1));
        if (recursive) for (const w of this.writes.slice(from)) w.recursive = true;
        return;
      }
      case 'dd':
        for (const w of rest) if (w.value.startsWith('of=')) this.target({ ...w, value: w.value.slice(3) }, 'write', 'dd', state);
        return;
      case 'curl':
      case 'wget': {
        for (let i = 0; i < rest.length; i++) {
          const w = rest[i]!.value;
          if ((name === 'curl' && (w === '-o' || w === '--output')) || (name === 'wget' && (w === '-O' || w === '--output-document'))) {
            const t = rest[i + 1];
            if (t) this.target(t, 'write', name, state, t.node.text);
          } else if (name === 'curl' && (w === '-O' || w === '--remote-name' || w === '--remote-name-all'))
            this.problems.push('curl -O names the file after the URL (only known at run time)');
        }
        return;
      }
      case 'tar':
      case 'unzip':
      case 'cpio':
      case '7z':
      case 'bsdtar':
        if (name !== 'tar' || rest.some((w) => /^-?[a-zA-Z]*x/.test(w.value) || w.value === '--extract'))
          this.problems.push(`${name} extracts files named only inside the archive`);
        return;
      case 'patch':
        this.problems.push('patch writes the files named inside the patch: apply it with the edit tool, or stage it and let the commit be judged');
        return;
      case 'git':
        this.git(rest, state);
        return;
      default:
        if (SHELLS.has(name)) {
          const c = rest.findIndex((w) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.value));
          if (c !== -1) {
            const script = rest[c + 1];
            if (!script) return;
            if (script.dynamic) this.problems.push(`${name} -c runs text only known at run time`);
            else this.run(script.value, fork(state));
          }
        }
    }
  }

  private git(args: ({ node: Node } & Value)[], state: State): void {
    let i = 0;
    let cwd = state.cwd;
    while (i < args.length && args[i]!.value.startsWith('-')) {
      const w = args[i]!.value;
      if (w === '-C') {
        const dir = args[i + 1];
        cwd = !dir || dir.dynamic ? null : dir.value.startsWith('/') ? dir.value : cwd === null ? null : posix.join(cwd, dir.value);
        i += 2;
        continue;
      }
      if (w === '-c') {
        if (/^core\.hookspath=/i.test(args[i + 1]?.value ?? '')) this.problems.push("git -c core.hooksPath=… runs git without the gate's hooks");
        i += 2;
        continue;
      }
      if (/^--(git-dir|work-tree|namespace)$/.test(w)) i++;
      i++;
    }
    const sub = args[i]?.value;
    const rest = args.slice(i + 1);
    const inner: State = { cwd, vars: state.vars };
    const paths = (from: typeof rest) => {
      const dd = from.findIndex((w) => w.value === '--');
      return dd === -1 ? from.filter((w) => !w.value.startsWith('-')) : from.slice(dd + 1);
    };
    switch (sub) {
      case 'commit':
      case 'push':
      case 'merge':
      case 'rebase':
      case 'cherry-pick':
      case 'revert':
      case 'am':
        if (rest.some((w) => w.value === '--no-verify' || (sub === 'commit' && /^-[a-zA-Z]*n[a-zA-Z]*$/.test(w.value) && !w.value.startsWith('--')))) {
          this.problems.push(`git ${sub} --no-verify skips the gate's client hooks`);
        }
        if (sub === 'am') this.problems.push('git am writes the files named inside the patches');
        return;
      case 'config':
        if (rest.some((w) => /^core\.hookspath$/i.test(w.value))) {
          const reading = rest.some((w) => w.value === '--get' || w.value === '--list' || w.value === '-l') || rest.filter((w) => !w.value.startsWith('-')).length < 2;
          if (!reading) this.problems.push("git config core.hooksPath moves the gate's client hooks away");
        }
        return;
      case 'rm':
        for (const w of paths(rest)) this.target(w, 'delete', 'git rm', inner, w.node.text);
        return;
      case 'mv': {
        const ps = rest.filter((w) => !w.value.startsWith('-'));
        const dest = ps.at(-1);
        const sources = ps.slice(0, -1);
        for (const w of sources) this.target(w, 'delete', 'git mv', inner, w.node.text);
        if (!dest) return;
        if (sources.length === 1 && !sources[0]!.dynamic) this.target(dest, 'write', 'git mv', inner, dest.node.text, posix.basename(sources[0]!.value));
        else
          for (const w of sources)
            this.target(
              w.dynamic || dest.dynamic ? { ...w, dynamic: true } : { value: posix.join(dest.value, posix.basename(w.value)), dynamic: false, glob: false },
              'write',
              'git mv',
              inner,
            );
        return;
      }
      case 'restore':
      case 'checkout': {
        // `git checkout -- f` / `git restore f` put back what the index holds: nothing the
        // commit would see changes. Content from another tree (`checkout <rev> -- f`,
        // `restore --source=<rev> f`) does change it.
        const dd = rest.findIndex((w) => w.value === '--');
        const fromTree =
          sub === 'checkout' ? dd > 0 && rest.slice(0, dd).some((w) => !w.value.startsWith('-')) : rest.some((w) => w.value === '-s' || w.value.startsWith('--source'));
        if (!fromTree) return;
        const ps = sub === 'checkout' ? rest.slice(dd + 1) : positionalGit(rest, /^(-s|--source)$/);
        for (const w of ps) this.target(w, 'write', `git ${sub}`, inner, w.node.text);
        return;
      }
      case 'apply':
        if (!rest.some((w) => w.value === '--check' || w.value === '--stat' || w.value === '--numstat' || w.value === '--summary')) {
          this.problems.push('git apply writes the files named inside the patch: apply it with the edit tool, or stage it and let the commit be judged');
        }
        return;
      case 'stash':
        if (rest[0] && (rest[0].value === 'pop' || rest[0].value === 'apply')) this.problems.push(`git stash ${rest[0].value} writes files named only in the stash`);
        return;
      default:
    }
  }
}

/** Operands of a git subcommand, skipping options (and the argument of those in `argOpts`). */
function positionalGit<T extends Value>(args: T[], argOpts: RegExp): T[] {
  const out: T[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    if (w.value === '--') return [...out, ...args.slice(i + 1)];
    if (w.value.startsWith('-')) {
      if (argOpts.test(w.value)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
}

/** Commands that write the files they are given (for xargs / find -exec), besides the shells. */
const FILE_WRITERS = [
  'tee',
  'sed',
  'gsed',
  'perl',
  'awk',
  'gawk',
  'cp',
  'mv',
  'install',
  'ln',
  'rsync',
  'rm',
  'unlink',
  'shred',
  'rmdir',
  'touch',
  'truncate',
  'chmod',
  'chown',
  'chgrp',
  'dd',
  'patch',
  'git',
];

function writes(name: string): boolean {
  return FILE_WRITERS.includes(name) || SHELLS.has(name);
}

/** GNU sed: -i / -iSUFFIX / -Ei / --in-place[=SUFFIX]; -e, -f and -l take an argument. */
function sedInPlace(args: (string | null)[]): boolean {
  for (const a of args) {
    if (a === null) continue;
    if (a === '--') break;
    if (a.startsWith('--in-place')) return true;
    if (!a.startsWith('-') || a.startsWith('--')) continue;
    for (let i = 1; i < a.length; i++) {
      const c = a[i]!;
      if (c === 'i') return true;
      if (c === 'e' || c === 'f' || c === 'l') break;
    }
  }
  return false;
}

/** How an in-place editor (sed, perl) takes its script, for finding the file operands. */
interface ScriptSyntax {
  /** Short switches whose argument is the script (the rest of the cluster, or the next word). */
  script: string;
  /** Short switches whose argument is something else, attached only (the rest of the cluster). */
  attached: string;
  /** Short switches whose argument is the next word when they end the cluster. */
  separate: string;
  /** Long options that take the script as their value (`--expression`, `--expression=…`). */
  longScript: readonly string[];
}

const SED: ScriptSyntax = { script: 'ef', attached: 'i', separate: 'l', longScript: ['--expression', '--file'] };
const PERL: ScriptSyntax = { script: 'eE', attached: 'iIMmxl0', separate: '', longScript: [] };

/**
 * The file operands of sed or perl: the positionals after the script, which is the first
 * positional unless a script switch (-e, -f, …) gave it.
 */
function fileOperands<T extends Value>(args: T[], syntax: ScriptSyntax): T[] {
  const pos: T[] = [];
  let script = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.dynamic || !a.value.startsWith('-') || a.value === '-') {
      pos.push(a);
      continue;
    }
    if (a.value === '--') {
      pos.push(...args.slice(i + 1));
      break;
    }
    if (a.value.startsWith('--')) {
      const long = syntax.longScript.find((o) => a.value === o || a.value.startsWith(`${o}=`));
      if (long) {
        script = true;
        if (a.value === long) i++;
      }
      continue;
    }
    for (let j = 1; j < a.value.length; j++) {
      const c = a.value[j]!;
      const last = j === a.value.length - 1;
      if (syntax.script.includes(c)) {
        script = true;
        if (last) i++;
        break;
      }
      if (syntax.separate.includes(c)) {
        if (last) i++;
        break;
      }
      if (syntax.attached.includes(c)) break;
    }
  }
  return script ? pos : pos.slice(1);
}

function fork(state: State): State {
  return { cwd: state.cwd, vars: new Map(state.vars) };
}

function firstError(node: Node): Node | null {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const c of node.children) {
    if (!c) continue;
    if (c.hasError || c.type === 'ERROR' || c.isMissing) {
      const f = firstError(c);
      if (f) return f;
    }
  }
  return null;
}

/**
 * A command with no redirection, quoting, expansion or glob has only literal words; if none of
 * them names a command this module treats as writing (or as running other commands), the
 * analysis below cannot find a write either, and the grammar need not be loaded (~150 ms).
 */
const WRITING_WORDS = [
  ...FILE_WRITERS,
  'curl',
  'wget',
  'tar',
  'unzip',
  'cpio',
  '7z',
  'bsdtar',
  'eval',
  'xargs',
  'parallel',
  'find',
  'export',
  'declare',
  'typeset',
  'readonly',
  'local',
  'SAFETY_GATE_SKIP',
  'HUSKY',
  ...WRAPPERS,
  ...SHELLS,
];
const WORDS_THAT_MATTER = new RegExp(String.raw`[<>\x60$\\'"*?[{(~]|\b(${WRITING_WORDS.join('|')})\b`);

export function mayWrite(command: string): boolean {
  return WORDS_THAT_MATTER.test(command);
}

/** The files `command` writes when run in `ctx.cwd`. */
export async function shellWrites(command: string, ctx: ShellContext): Promise<ShellAnalysis> {
  if (!mayWrite(command)) return { writes: [], problems: [] };
  const parser = await bashParser();
  const a = new Analyzer(ctx, parser);
  a.run(command, { cwd: ctx.cwd, vars: new Map() });
  return { writes: a.writes, problems: a.problems };
}
