// Server-side verification of a generator by running it again (`verify: regenerate`).
//
// The pushed commit is exported into a temporary directory (no worktree, no .git) and the
// generator's command, taken from the trusted server policy, runs there with a time limit and,
// where the host allows it, no network. The blob ids of what it writes are compared with the
// pushed outputs; any difference, a failure or a timeout blocks.
//
// Export: the blobs are written byte for byte from one `git cat-file --batch` (which inherits
// the quarantine environment). `git archive | tar -x` is not used because archive applies
// `.gitattributes` conversions (eol=crlf, export-subst, export-ignore), so the generator would
// see other inputs than the pushed ones and the output ids could not match. Paths that would
// leave the directory, `.git` components and symlinks pointing outside are refused or skipped.
//
// The server never runs code from the pushed tree: a command whose program is a file of the
// tree, or an interpreter/build runner that would read its code from the tree, is refused;
// such generators need `server_command` (a tool installed on the server) or `server: false`.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Snapshot, TreeEntry } from '../../changeset/types.js';
import type { GitAccess } from '../types.js';
import { gitBlobId } from './blob-hash.js';
import type { GeneratorSpec } from './model.js';
import { normalizeInside, resolveLinkTarget } from '../../engine/spellings.js';
import { diffStates, type FileStates, type StateDifference } from './receipts.js';
import { networkIsolation, runWithLimit } from './sandbox.js';

export interface RegenerateResult {
  ok: boolean;
  /** One line: what went wrong, or what was compared. */
  detail: string;
  differences: StateDifference[];
  /** False when the generator ran with the host's network. */
  isolated: boolean;
  isolationNote: string | null;
}

// Programs that execute code they read from their arguments or working directory.
const INTERPRETERS = new Set([
  'node',
  'nodejs',
  'deno',
  'bun',
  'python',
  'python2',
  'python3',
  'ruby',
  'perl',
  'php',
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'pwsh',
  'lua',
  'tsx',
  'ts-node',
  'java',
  'Rscript',
]);
const TREE_RUNNERS = new Set([
  'make',
  'gmake',
  'npm',
  'npx',
  'yarn',
  'pnpm',
  'just',
  'rake',
  'gradle',
  'mvn',
  'cargo',
  'go',
  'bazel',
  'bazelisk',
  'tox',
  'nox',
  'invoke',
  'task',
  'ninja',
  'cmake',
  'meson',
  'sbt',
  'dotnet',
  'composer',
  'poetry',
  'uv',
  'pipenv',
]);

/** Why running `argv` in an export of `entries` would execute code from the pushed tree (null: it would not). */
export function pushedCodeReason(argv: readonly string[], entries: ReadonlyMap<string, TreeEntry>): string | null {
  const program = argv[0]!;
  if (program.includes('/') && !program.startsWith('/')) {
    return `its program ${program} is a path inside the pushed tree`;
  }
  const name = basename(program);
  if (TREE_RUNNERS.has(name)) return `${name} runs build recipes taken from the pushed tree`;
  if (INTERPRETERS.has(name) || /^python[23](\.\d+)?$/.test(name)) {
    const args = argv.slice(1);
    const m = args.indexOf('-m');
    if (/^python/.test(name) && m !== -1 && args[m + 1]) {
      // `python -m mod` imports from the working directory first.
      const top = args[m + 1]!.split('.')[0]!;
      if (entries.has(`${top}.py`) || [...entries.keys()].some((p) => p.startsWith(`${top}/`))) return `${name} -m ${args[m + 1]} would import ${top} from the pushed tree`;
      return null;
    }
    // The script is the first argument that is not an option; later ones are its own arguments.
    const script = args.find((a) => !a.startsWith('-'));
    if (script !== undefined && !script.startsWith('/')) {
      const p = normalizeInside(script);
      if (p !== null && p !== '' && entries.has(p)) return `${name} would execute ${p} from the pushed tree`;
    }
  }
  return null;
}

function unsafePath(p: string): boolean {
  if (normalizeInside(p) !== p || p === '') return true;
  return p.split('/').some((seg) => seg.toLowerCase() === '.git');
}

/** Write the commit's tree into `dir`, byte for byte. Links that leave the tree are not written (`skipped`). */
async function exportTree(git: GitAccess, entries: readonly TreeEntry[], dir: string, skipped: Set<string> = new Set()): Promise<string | null> {
  for (const e of entries) if (unsafePath(e.path)) return `the pushed tree contains an unsafe path (${JSON.stringify(e.path)})`;
  const blobs = entries.filter((e) => e.mode !== '160000');
  const unique = [...new Set(blobs.map((e) => e.oid))];
  const contents = new Map<string, Buffer>();
  if (unique.length > 0) {
    const r = await git.run(['cat-file', '--batch'], unique.join('\n') + '\n');
    if (r.code !== 0) return 'git cat-file failed while exporting the pushed tree';
    const out = r.stdout;
    let at = 0;
    while (at < out.length) {
      const nl = out.indexOf(0x0a, at);
      if (nl === -1) break;
      const header = out.toString('utf8', at, nl).split(' ');
      if (header[1] === 'missing' || header.length < 3) return `object ${header[0]} of the pushed tree cannot be read`;
      const size = Number(header[2]);
      contents.set(header[0]!, out.subarray(nl + 1, nl + 1 + size));
      at = nl + 1 + size + 1;
    }
  }
  const links: TreeEntry[] = [];
  for (const e of entries) {
    const target = join(dir, e.path);
    if (e.mode === '160000') {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (e.mode === '120000') {
      links.push(e);
      continue;
    }
    const bytes = contents.get(e.oid);
    if (!bytes) return `object ${e.oid} of the pushed tree cannot be read`;
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, bytes, { mode: e.mode === '100755' ? 0o755 : 0o644, flag: 'wx' });
  }
  // Links last, so that no file is ever written through one; links leaving the tree are skipped.
  for (const e of links) {
    const text = contents.get(e.oid)?.toString('utf8') ?? '';
    if (text.startsWith('/') || resolveLinkTarget(e.path, text, null) === null) {
      skipped.add(e.path);
      continue;
    }
    try {
      mkdirSync(join(dir, e.path, '..'), { recursive: true });
      symlinkSync(text, join(dir, e.path));
    } catch {
      /* a crafted tree with a name used twice: the first one stays */
    }
  }
  return null;
}

/**
 * What git would store for every path under `dir`: blob id and mode of files and links; other
 * kinds (fifos, sockets, devices) get mode 'other', which never matches a tree entry.
 */
function collectAll(dir: string, format: 'sha1' | 'sha256'): FileStates {
  const out: FileStates = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir)) {
      const p = rel ? `${rel}/${name}` : name;
      const full = join(dir, p);
      const st = lstatSync(full);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out[p] = { oid: gitBlobId(Buffer.from(readlinkSync(full)), format), mode: '120000' };
      else if (st.isFile()) out[p] = { oid: gitBlobId(readFileSync(full), format), mode: st.mode & 0o111 ? '100755' : '100644' };
      else out[p] = { oid: '', mode: 'other' };
    }
  };
  walk('');
  return out;
}

function pick(states: FileStates, keep: (p: string) => boolean): FileStates {
  const out: FileStates = {};
  for (const [p, v] of Object.entries(states)) if (keep(p)) out[p] = v;
  return out;
}

function entryLabel(mode: string): string {
  return mode === '120000' ? 'a symlink' : mode === '160000' ? 'a submodule' : mode === 'other' ? 'a special file' : mode === '100755' ? 'an executable file' : 'a file';
}

function pushedOutputs(entries: readonly TreeEntry[], isOutput: (p: string) => boolean): FileStates {
  const out: FileStates = {};
  for (const e of entries) if (isOutput(e.path)) out[e.path] = { oid: e.oid, mode: e.mode };
  return out;
}

export async function regenerate(git: GitAccess, gen: GeneratorSpec, snapshot: Snapshot): Promise<RegenerateResult> {
  const isolation = await networkIsolation();
  const note = isolation.available ? null : `network isolation is not enforced on this host (${isolation.reason})`;
  const fail = (detail: string, differences: StateDifference[] = []): RegenerateResult => ({ ok: false, detail, differences, isolated: isolation.available, isolationNote: note });

  const entries = await snapshot.list();
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const argv = gen.serverCommand ?? gen.command;
  const danger = pushedCodeReason(argv, byPath);
  if (danger) {
    return fail(`generator ${gen.id} cannot be rerun on the server: ${danger}; set server_command to a tool installed on the server, or server: false`);
  }

  const root = mkdtempSync(join(tmpdir(), 'safety-gate-regen-'));
  try {
    const tree = join(root, 'tree');
    mkdirSync(tree);
    mkdirSync(join(root, 'home'));
    mkdirSync(join(root, 'tmp'));
    // The generator starts from the pushed tree WITHOUT its outputs: an output it does not
    // produce, or produces with another mode or type, cannot survive from the push itself.
    const inputs = entries.filter((e) => !gen.isOutput(e.path));
    const skipped = new Set<string>();
    let problem: string | null;
    try {
      problem = await exportTree(git, inputs, tree, skipped);
    } catch (e) {
      problem = `the pushed tree cannot be exported (${(e as Error).message})`;
    }
    if (problem) return fail(`generator ${gen.id} cannot be rerun: ${problem}`);

    // No GIT_* variables: the generator cannot reach the (quarantined) repository.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: join(root, 'home'),
      TMPDIR: join(root, 'tmp'),
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TZ: 'UTC',
    };
    const r = await runWithLimit([...isolation.prefix, ...argv], { cwd: tree, env, timeoutMs: gen.timeoutMs });
    if (r.timedOut) return fail(`generator ${gen.id} did not finish within ${gen.timeoutMs} ms on the server`);
    if (r.error) return fail(`generator ${gen.id} could not start on the server: ${r.error}`);
    if (r.code !== 0) {
      const last = r.stderr.trim().split('\n').pop() ?? '';
      return fail(`generator ${gen.id} failed on the server (exit ${r.code ?? r.signal})${last ? `: ${last.slice(0, 200)}` : ''}`);
    }
    // Everything git stores for each output (bytes, mode, type) must be what the run produced,
    // and nothing else in the tree may have changed (a write through a link, an extra file).
    const after = collectAll(tree, git.objectFormat);
    const produced = pick(after, gen.isOutput);
    const pushed = pushedOutputs(entries, gen.isOutput);
    const differences = diffStates(produced, pushed);
    if (differences.length > 0) {
      const d = differences[0]!;
      const kindOf = (st: { mode: string } | undefined) => (st ? entryLabel(st.mode) : '');
      const what =
        d.kind === 'changed'
          ? produced[d.path]!.oid === pushed[d.path]!.oid
            ? `${d.path} is ${kindOf(pushed[d.path])} (${pushed[d.path]!.mode}) in the commit but the generator makes ${kindOf(produced[d.path])} (${produced[d.path]!.mode})`
            : `${d.path} differs from what it produces`
          : d.kind === 'missing'
            ? `it produces ${d.path}, which the commit lacks`
            : `the commit has ${d.path}, which it does not produce`;
      return fail(
        `rerunning generator ${gen.id} on the server does not reproduce the pushed outputs: ${what}${differences.length > 1 ? ` (and ${differences.length - 1} more)` : ''}`,
        differences,
      );
    }
    const expectedRest: FileStates = {};
    for (const e of inputs) if (e.mode !== '160000' && !skipped.has(e.path)) expectedRest[e.path] = { oid: e.oid, mode: e.mode };
    const rest = diffStates(
      expectedRest,
      pick(after, (p) => !gen.isOutput(p)),
    );
    if (rest.length > 0) {
      const d = rest[0]!;
      const what = d.kind === 'changed' ? `changes ${d.path}` : d.kind === 'missing' ? `deletes ${d.path}` : `writes ${d.path}`;
      return fail(
        `rerunning generator ${gen.id} on the server ${what}, which is not one of its outputs${rest.length > 1 ? ` (and ${rest.length - 1} more)` : ''}: declare it as an output or stop the generator writing it`,
        rest,
      );
    }
    return { ok: true, detail: `generator ${gen.id} reproduced the pushed outputs`, differences: [], isolated: isolation.available, isolationNote: note };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
