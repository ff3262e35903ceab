// Editing .pre-commit-config.yaml through yaml's Document API, so the user's comments, key order
// and quoting survive; only our repo entry and the hook types are added, never rewritten.
import { CLIENT_HOOKS } from '../doors.js';
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { GateError } from '../errors.js';
import { msg } from './messages.js';

export const PRE_COMMIT_CONFIG = '.pre-commit-config.yaml';
const PRE_COMMIT_HOOK_IDS = ['safety-gate', 'safety-gate-commit-msg', 'safety-gate-pre-push', 'safety-gate-scan'] as const;
export const PRE_COMMIT_HOOK_TYPES = CLIENT_HOOKS;

export interface HookRepo {
  url: string;
  rev: string;
}

export interface ConfigEdit {
  /** The new file content (equal to the input when nothing changed). */
  text: string;
  /** One line per change made. */
  changes: string[];
}

function bad(file: string, detail: string): GateError {
  return new GateError('config', msg.preCommitBadConfig(file, detail), msg.preCommitBadConfigHint);
}

const sameRepo = (a: string, b: string): boolean => {
  const norm = (u: string) =>
    u
      .trim()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '')
      .toLowerCase();
  return norm(a) === norm(b);
};

function hookIds(entry: YAMLMap): string[] {
  const hooks = entry.get('hooks', true);
  if (!isSeq(hooks)) return [];
  return hooks.items.flatMap((h) => (isMap(h) && typeof h.get('id') === 'string' ? [h.get('id') as string] : []));
}

/** The config already has a repo entry with one of our hook ids (its URL and rev are the user's). */
export function hasSafetyGate(text: string): boolean {
  try {
    const doc = parseDocument(text);
    const repos = isMap(doc.contents) ? doc.contents.get('repos', true) : null;
    if (!isSeq(repos)) return false;
    return repos.items.some((item) => isMap(item) && hookIds(item).some((id) => (PRE_COMMIT_HOOK_IDS as readonly string[]).includes(id)));
  } catch {
    return false;
  }
}

/**
 * Adds the safety-gate repo entry (or its missing hook ids) and our hook types to
 * `default_install_hook_types`, so a teammate's plain `pre-commit install` wires all three.
 * `repo` is only needed when no entry exists yet; without one that case throws.
 */
export function addSafetyGate(text: string | null, repo: HookRepo | null, file = PRE_COMMIT_CONFIG): ConfigEdit {
  const doc: Document = parseDocument(text ?? '', { keepSourceTokens: false });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    throw bad(pos ? `${file}:${pos.line}:${pos.col}` : file, err.message.split('\n')[0] ?? 'invalid YAML');
  }
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = doc.createNode({}) as never;
  }
  const top = doc.contents;
  if (!isMap(top)) throw bad(file, 'the top level must be a mapping with a `repos:` list');
  const changes: string[] = [];

  let repos: unknown = top.get('repos', true);
  if (repos === undefined || (isScalar(repos) && repos.value === null)) {
    repos = doc.createNode([]) as YAMLSeq;
    top.set('repos', repos);
  }
  if (!isSeq(repos)) throw bad(file, '`repos:` must be a list');

  const ours = repos.items.find(
    (item): item is YAMLMap =>
      isMap(item) &&
      (hookIds(item).some((id) => (PRE_COMMIT_HOOK_IDS as readonly string[]).includes(id)) ||
        (repo !== null && typeof item.get('repo') === 'string' && sameRepo(item.get('repo') as string, repo.url))),
  );
  if (ours) {
    let hooks: unknown = ours.get('hooks', true);
    if (!isSeq(hooks)) {
      hooks = doc.createNode([]);
      ours.set('hooks', hooks);
    }
    const seq = hooks as YAMLSeq;
    const present = hookIds(ours);
    for (const id of PRE_COMMIT_HOOK_IDS) {
      if (present.includes(id)) continue;
      seq.add(doc.createNode({ id }));
      changes.push(`added hook ${id} to the existing safety-gate entry`);
    }
  } else {
    if (repo === null) throw new GateError('usage', msg.preCommitNoRepo, msg.preCommitNoRepoHint);
    // An empty `repos: []` is a flow list; a block list reads better once it has entries.
    if (repos.items.length === 0) repos.flow = false;
    repos.add(doc.createNode({ repo: repo.url, rev: repo.rev, hooks: PRE_COMMIT_HOOK_IDS.map((id) => ({ id })) }));
    changes.push(`added repo ${repo.url}@${repo.rev} with hooks ${PRE_COMMIT_HOOK_IDS.join(', ')}`);
  }

  const types = top.get('default_install_hook_types', true);
  if (types === undefined) {
    const node = doc.createNode([...PRE_COMMIT_HOOK_TYPES], { flow: true });
    // Top-level settings conventionally precede `repos:`.
    const pair = doc.createPair('default_install_hook_types', node);
    const at = top.items.findIndex((p) => isScalar(p.key) && p.key.value === 'repos');
    top.items.splice(at < 0 ? top.items.length : at, 0, pair as never);
    changes.push(`set default_install_hook_types: [${PRE_COMMIT_HOOK_TYPES.join(', ')}]`);
  } else if (isSeq(types)) {
    const have = types.items.map((i) => (isScalar(i) ? String(i.value) : ''));
    for (const t of PRE_COMMIT_HOOK_TYPES) {
      if (have.includes(t)) continue;
      types.add(doc.createNode(t));
      changes.push(`added ${t} to default_install_hook_types`);
    }
  } else {
    throw bad(file, '`default_install_hook_types:` must be a list');
  }

  return { text: changes.length === 0 && text !== null ? text : doc.toString(), changes };
}
