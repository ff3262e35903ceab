// The change-control part of a policy as the rules and `safety-gate generate` use it: approved
// generators with their input/output matchers, and sentinels with the generator allowed to
// write each of them.
//
// A sentinel with no generator of its own gets a built-in one, `sentinel:<path>`: the gate
// renders the sentinel itself from the covered files (`safety-gate generate sentinel:<path>`),
// and the server verifies it by rendering it again from the pushed blobs, running nothing.
import { posix } from 'node:path';
import type { Policy } from '../../config/schema.js';
import type { PathMatcher } from '../../engine/paths.js';
import { GateError } from '../../errors.js';
import { normalizeInside, pathKey } from '../../engine/spellings.js';
import type { SentinelFormat } from './sentinel-format.js';
import { changeControlMsg } from './messages.js';

export interface SentinelSpec {
  path: string;
  covers: string[];
  format: SentinelFormat;
  relativeTo: 'root' | 'sentinel';
  /** Id of the generator allowed to write it. */
  generator: string;
  /** A path the sentinel must list (matches `covers`, is not the sentinel itself). */
  covered(path: string): boolean;
  isSentinel(path: string): boolean;
  /** Repository path → the spelling inside the sentinel. */
  entryPath(repoPath: string): string;
  /** Spelling inside the sentinel → repository path (null: outside the repository). */
  repoPath(entryPath: string): string | null;
}

export interface GeneratorSpec {
  id: string;
  command: string[];
  serverCommand: string[] | null;
  versionCommand: string[] | null;
  inputGlobs: string[];
  outputGlobs: string[];
  verify: 'receipt' | 'regenerate';
  /** false: cannot run on the server; its outputs need an approval there. */
  server: boolean;
  timeoutMs: number;
  /** Set for the built-in generator of a sentinel. */
  sentinel: SentinelSpec | null;
  isInput(path: string): boolean;
  isOutput(path: string): boolean;
}

export interface ChangeControlModel {
  generators: GeneratorSpec[];
  sentinels: SentinelSpec[];
  generator(id: string): GeneratorSpec | undefined;
  /** Generators allowed to write `path`. */
  writersOf(path: string): GeneratorSpec[];
}

const SENTINEL_GENERATOR_PREFIX = 'sentinel:';

/** A path predicate remembered per path: a push asks the same question of the same path in every commit. */
function remember(fn: (path: string) => boolean): (path: string) => boolean {
  const seen = new Map<string, boolean>();
  return (p) => {
    let v = seen.get(p);
    if (v === undefined) {
      v = fn(p);
      seen.set(p, v);
    }
    return v;
  };
}

export function buildModel(policy: Policy, paths: PathMatcher): ChangeControlModel {
  const cc = policy.changeControl;
  const ci = policy.caseInsensitivePaths;
  const generators: GeneratorSpec[] = [];
  const expand = (globs: readonly string[]) => globs.flatMap((g) => policy.protectedTargets[g] ?? [g]);

  for (const [id, g] of Object.entries(cc.generators ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const inputGlobs = [...(g.inputs ?? [])];
    const outputGlobs = expand(g.outputs);
    generators.push({
      id,
      command: [...g.command],
      serverCommand: g.server_command ? [...g.server_command] : null,
      versionCommand: g.version_command ? [...g.version_command] : null,
      inputGlobs,
      outputGlobs,
      verify: g.verify ?? 'receipt',
      server: g.server ?? true,
      timeoutMs: g.timeout_ms ?? 60000,
      sentinel: null,
      isInput: remember(paths.glob(inputGlobs)),
      isOutput: remember(paths.glob(outputGlobs)),
    });
  }

  const sentinels: SentinelSpec[] = [];
  for (const s of cc.sentinels ?? []) {
    const own = normalizeInside(s.path);
    if (own === null || own === '') throw new GateError('config', changeControlMsg.sentinelOutside(s.path), changeControlMsg.sentinelOutsideHint);
    const key = pathKey(own, ci);
    const isSentinel = remember((p: string) => p === own || pathKey(p, ci) === key);
    const coversMatch = paths.glob(s.covers);
    const dir = posix.dirname(own) === '.' ? '' : posix.dirname(own);
    const relativeTo = s.relative_to ?? 'root';
    let generator = s.generator;
    if (generator !== undefined) {
      if (!generators.some((g) => g.id === generator)) {
        throw new GateError('config', changeControlMsg.sentinelUnknownGenerator(s.path, generator), changeControlMsg.sentinelUnknownGeneratorHint);
      }
    } else {
      generator = generators.find((g) => g.isOutput(own))?.id ?? `${SENTINEL_GENERATOR_PREFIX}${own}`;
    }
    const spec: SentinelSpec = {
      path: own,
      covers: [...s.covers],
      format: s.format ?? 'sha256sum',
      relativeTo,
      generator,
      covered: remember((p) => coversMatch(p) && !isSentinel(p)),
      isSentinel,
      entryPath: (p) => (relativeTo === 'sentinel' && dir ? posix.relative(dir, p) : p),
      repoPath: (e) => normalizeInside(relativeTo === 'sentinel' && dir ? `${dir}/${e}` : e),
    };
    sentinels.push(spec);
    if (generator.startsWith(SENTINEL_GENERATOR_PREFIX)) {
      generators.push({
        id: generator,
        command: ['safety-gate', 'generate', generator],
        serverCommand: null,
        versionCommand: null,
        inputGlobs: [...s.covers],
        outputGlobs: [own],
        verify: 'regenerate',
        server: true,
        timeoutMs: 60000,
        sentinel: spec,
        isInput: spec.covered,
        isOutput: isSentinel,
      });
    }
  }

  const byId = new Map(generators.map((g) => [g.id, g]));
  return {
    generators,
    sentinels,
    generator: (id) => byId.get(id),
    writersOf(path) {
      // A sentinel's own generator is its only writer.
      const s = sentinels.find((x) => x.isSentinel(path));
      if (s) return [byId.get(s.generator)!];
      return generators.filter((g) => g.isOutput(path));
    },
  };
}
