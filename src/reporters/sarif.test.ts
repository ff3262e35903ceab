import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY, formatSarif, pathToUri } from './sarif.js';
import { finding, metas, report } from './fixtures.test-helper.js';

// --- Structural validation against the SARIF 2.1.0 schema's rules for every object we emit:
// allowed keys (the schema sets additionalProperties: false), required keys, types, enums,
// minimums, uri-reference format; plus GitHub code scanning's extra requirements.

const ALLOWED: Record<string, string[]> = {
  log: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: [
    'tool',
    'invocations',
    'conversion',
    'language',
    'versionControlProvenance',
    'originalUriBaseIds',
    'artifacts',
    'logicalLocations',
    'graphs',
    'results',
    'automationDetails',
    'runAggregates',
    'baselineGuid',
    'redactionTokens',
    'defaultEncoding',
    'defaultSourceLanguage',
    'newlineSequences',
    'columnKind',
    'externalPropertyFileReferences',
    'threadFlowLocations',
    'taxonomies',
    'addresses',
    'translations',
    'policies',
    'webRequests',
    'webResponses',
    'specialLocations',
    'properties',
  ],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: [
    'guid',
    'name',
    'organization',
    'product',
    'productSuite',
    'shortDescription',
    'fullDescription',
    'fullName',
    'version',
    'semanticVersion',
    'dottedQuadFileVersion',
    'releaseDateUtc',
    'downloadUri',
    'informationUri',
    'globalMessageStrings',
    'notifications',
    'rules',
    'taxa',
    'locations',
    'language',
    'contents',
    'isComprehensive',
    'localizedDataSemanticVersion',
    'minimumRequiredLocalizedDataSemanticVersion',
    'associatedComponent',
    'translationMetadata',
    'supportedTaxonomies',
    'properties',
  ],
  reportingDescriptor: [
    'id',
    'deprecatedIds',
    'guid',
    'deprecatedGuids',
    'name',
    'deprecatedNames',
    'shortDescription',
    'fullDescription',
    'messageStrings',
    'defaultConfiguration',
    'helpUri',
    'help',
    'relationships',
    'properties',
  ],
  multiformatMessageString: ['text', 'markdown', 'properties'],
  reportingConfiguration: ['enabled', 'level', 'rank', 'parameters', 'properties'],
  result: [
    'ruleId',
    'ruleIndex',
    'rule',
    'kind',
    'level',
    'message',
    'analysisTarget',
    'locations',
    'guid',
    'correlationGuid',
    'occurrenceCount',
    'partialFingerprints',
    'fingerprints',
    'stacks',
    'codeFlows',
    'graphs',
    'graphTraversals',
    'relatedLocations',
    'suppressions',
    'baselineState',
    'rank',
    'attachments',
    'hostedViewerUri',
    'workItemUris',
    'provenance',
    'fixes',
    'taxa',
    'webRequest',
    'webResponse',
    'properties',
  ],
  message: ['text', 'markdown', 'id', 'arguments', 'properties'],
  location: ['id', 'physicalLocation', 'logicalLocations', 'message', 'annotations', 'relationships', 'properties'],
  physicalLocation: ['address', 'artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: ['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength', 'byteOffset', 'byteLength', 'snippet', 'message', 'sourceLanguage', 'properties'],
  runAutomationDetails: ['description', 'id', 'guid', 'correlationGuid', 'properties'],
};
const LEVELS = ['none', 'note', 'warning', 'error'];
const URI_REFERENCE = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#]|%[0-9A-Fa-f]{2})*$/;

type Obj = Record<string, unknown>;

function validateSarif(log: unknown): string[] {
  const errors: string[] = [];
  const err = (where: string, what: string): void => void errors.push(`${where}: ${what}`);
  const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
  const obj = (v: unknown, kind: string, where: string, required: string[] = []): v is Obj => {
    if (!isObj(v)) {
      err(where, `expected ${kind} object`);
      return false;
    }
    for (const k of Object.keys(v)) if (!ALLOWED[kind]!.includes(k)) err(where, `property ${k} not allowed in ${kind}`);
    for (const k of required) if (!(k in v)) err(where, `missing required ${k}`);
    if ('properties' in v) propertyBag(v.properties, `${where}.properties`);
    return true;
  };
  const propertyBag = (v: unknown, where: string): void => {
    if (!isObj(v)) return err(where, 'property bag must be an object');
    if ('tags' in v) {
      const tags = v.tags;
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) err(where, 'tags must be strings');
      else if (new Set(tags).size !== tags.length) err(where, 'tags must be unique');
    }
  };
  const mms = (v: unknown, where: string): void => {
    if (obj(v, 'multiformatMessageString', where, ['text']) && (typeof v.text !== 'string' || v.text === '')) err(where, 'text must be a non-empty string');
  };
  const posInt = (v: unknown, where: string): void => {
    if (!Number.isInteger(v) || (v as number) < 1) err(where, 'must be an integer ≥ 1 (GitHub rejects 0)');
  };

  if (!obj(log, 'log', '$', ['version', 'runs'])) return errors;
  if (log.version !== '2.1.0') err('$.version', 'must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/^https:\/\//.test(log.$schema)) err('$.$schema', 'must be an absolute https URI');
  if (!Array.isArray(log.runs) || log.runs.length !== 1) return [...errors, '$.runs: expected one run'];
  const run = log.runs[0];
  if (!obj(run, 'run', '$.runs[0]', ['tool'])) return errors;
  if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind as string)) err('run.columnKind', 'bad enum');
  if (obj(run.automationDetails, 'runAutomationDetails', 'run.automationDetails') && typeof run.automationDetails.id !== 'string')
    err('run.automationDetails.id', 'must be a string');
  let ruleIds: string[] = [];
  if (obj(run.tool, 'tool', 'run.tool', ['driver'])) {
    const driver = run.tool.driver;
    if (obj(driver, 'toolComponent', 'driver', ['name'])) {
      if (typeof driver.name !== 'string' || !driver.name) err('driver.name', 'required string');
      if (typeof driver.informationUri !== 'string' || !/^https?:\/\//.test(driver.informationUri)) err('driver.informationUri', 'must be an absolute URI');
      const rules = driver.rules;
      if (!Array.isArray(rules)) err('driver.rules', 'must be an array');
      else {
        rules.forEach((r, i) => {
          const w = `driver.rules[${i}]`;
          if (!obj(r, 'reportingDescriptor', w, ['id'])) return;
          if (typeof r.id !== 'string' || !r.id) err(w, 'id must be a non-empty string');
          // GitHub requires these for a useful alert.
          mms(r.shortDescription, `${w}.shortDescription`);
          mms(r.fullDescription, `${w}.fullDescription`);
          mms(r.help, `${w}.help`);
          if (obj(r.defaultConfiguration, 'reportingConfiguration', `${w}.defaultConfiguration`) && !LEVELS.includes(r.defaultConfiguration.level as string)) {
            err(`${w}.defaultConfiguration.level`, 'bad enum');
          }
        });
        ruleIds = rules.map((r) => (r as Obj).id as string);
        if (new Set(ruleIds).size !== ruleIds.length) err('driver.rules', 'ids must be unique');
      }
    }
  }
  if (!Array.isArray(run.results)) return [...errors, 'run.results: must be an array'];
  run.results.forEach((res, i) => {
    const w = `results[${i}]`;
    if (!obj(res, 'result', w, ['message'])) return;
    if (typeof res.ruleId !== 'string') err(w, 'ruleId required');
    if (!Number.isInteger(res.ruleIndex) || ruleIds[res.ruleIndex as number] !== res.ruleId) err(w, 'ruleIndex must point at the rule with ruleId');
    if (!LEVELS.includes(res.level as string)) err(`${w}.level`, 'bad enum');
    if (obj(res.message, 'message', `${w}.message`) && (typeof res.message.text !== 'string' || !res.message.text)) err(`${w}.message.text`, 'required');
    if (!isObj(res.partialFingerprints) || Object.values(res.partialFingerprints).some((v) => typeof v !== 'string')) err(`${w}.partialFingerprints`, 'string map required');
    if (res.properties !== undefined) propertyBag(res.properties, `${w}.properties`);
    // GitHub: at least one location with a physical artifact URI, or the whole upload is rejected.
    if (!Array.isArray(res.locations) || res.locations.length === 0) return err(`${w}.locations`, 'GitHub needs at least one location');
    res.locations.forEach((loc, j) => {
      const lw = `${w}.locations[${j}]`;
      if (!obj(loc, 'location', lw)) return;
      if (!obj(loc.physicalLocation, 'physicalLocation', `${lw}.physicalLocation`, ['artifactLocation'])) return;
      const pl = loc.physicalLocation;
      if (obj(pl.artifactLocation, 'artifactLocation', `${lw}.artifactLocation`, ['uri'])) {
        const uri = pl.artifactLocation.uri;
        if (typeof uri !== 'string' || uri === '') err(`${lw}.uri`, 'GitHub needs a non-empty uri');
        else if (!URI_REFERENCE.test(uri)) err(`${lw}.uri`, `not a uri-reference: ${uri}`);
        else if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(uri)) err(`${lw}.uri`, `looks like an absolute URI: ${uri}`);
      }
      if (pl.region !== undefined && obj(pl.region, 'region', `${lw}.region`)) {
        if (!('startLine' in pl.region)) err(`${lw}.region`, 'startLine required for a text region');
        for (const k of ['startLine', 'startColumn'] as const) if (k in pl.region) posInt(pl.region[k], `${lw}.region.${k}`);
      }
    });
  });
  return errors;
}

function sarifOf(findings = [finding()], opts: Partial<Parameters<typeof formatSarif>[2]> = {}) {
  return JSON.parse(formatSarif(report(findings), metas, { version: '0.1.0', ...opts }));
}

describe('formatSarif', () => {
  it('emits a valid SARIF 2.1.0 log that meets GitHub code scanning requirements', () => {
    const log = sarifOf([
      finding(),
      finding({ severity: 'warn', path: 'dir with space/ü.yaml', line: 2, column: null, rule: 'live-endpoint/new-exception' }),
      finding({ path: null, line: null, column: null, rule: 'release-tag', ref: 'refs/tags/bad' }),
      finding({ path: 'x', line: 0, column: 0 }),
    ]);
    expect(validateSarif(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
  });

  it('describes every rule and sub-rule from RuleMeta', () => {
    const log = sarifOf();
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(['forbidden-value', 'live-endpoint', 'live-endpoint/new-exception']);
    const fv = rules[0];
    expect(fv.shortDescription.text).toBe('Blocks committed config that sets AGENT_MODE=EXECUTE.');
    expect(fv.fullDescription.text).toBe('Blocks committed configuration that sets `AGENT_MODE=EXECUTE`. In any syntax.');
    expect(fv.help.text).toContain('Fix: set a non-execute mode.');
    expect(fv.defaultConfiguration.level).toBe('error');
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'safety-gate', version: '0.1.0' });
    expect(driver.informationUri).toMatch(/^https:\/\//);
  });

  it('maps severities to levels and puts the remediation in the message', () => {
    const log = sarifOf([finding(), finding({ severity: 'warn', path: 'z' })]);
    const [a, b] = log.runs[0].results;
    expect(a.level).toBe('error');
    expect(b.level).toBe('warning');
    expect(a.message.text).toBe('AGENT_MODE=EXECUTE is committed\nFix: set AGENT_MODE to a non-execute mode');
  });

  it('writes region only when known and ≥ 1', () => {
    const log = sarifOf([
      finding({ path: 'a', line: 5, column: 9 }),
      finding({ path: 'b', line: 5, column: null }),
      finding({ path: 'c', line: null, column: null }),
      finding({ path: 'd', line: 0, column: 0 }),
    ]);
    const regions = log.runs[0].results.map((r: { locations: { physicalLocation: { region?: unknown } }[] }) => r.locations[0]!.physicalLocation.region);
    expect(regions).toEqual([{ startLine: 5, startColumn: 9 }, { startLine: 5 }, undefined, undefined]);
  });

  it('percent-encodes paths as repository-relative URI references', () => {
    expect(pathToUri('dir with space/ü.yaml')).toBe('dir%20with%20space/%C3%BC.yaml');
    expect(pathToUri('a#b?c%d/e:f')).toBe('a%23b%3Fc%25d/e%3Af');
    expect(pathToUri('c:/x')).toBe('c%3A/x');
    expect(pathToUri('./lead/x')).toBe('lead/x');
    const log = sarifOf([finding({ path: 'dir with space/ü.yaml' })]);
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('dir%20with%20space/%C3%BC.yaml');
  });

  it('anchors path-less findings to the policy file so GitHub accepts the upload', () => {
    const f = finding({ path: null, line: null, column: null, rule: 'release-tag', ref: 'refs/tags/x', commit: null });
    const def = sarifOf([f]).runs[0].results[0];
    expect(def.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'safety-gate.config.yaml' } });
    expect(def.properties.repositoryLevel).toBe(true);
    expect(def.message.text).toContain('ref refs/tags/x');
    const custom = sarifOf([f], { anchorPath: '.config/safety gate.yaml' }).runs[0].results[0];
    expect(custom.locations[0].physicalLocation.artifactLocation.uri).toBe('.config/safety%20gate.yaml');
  });

  it('fingerprints rule+path+message, not the line, so alerts track across commits', () => {
    const a = sarifOf([finding({ line: 3 })]).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY];
    const b = sarifOf([finding({ line: 40, column: 7, commit: 'c'.repeat(40) })]).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY];
    const c = sarifOf([finding({ message: 'other' })]).runs[0].results[0].partialFingerprints[FINGERPRINT_KEY];
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('adds a descriptor for rule ids the metadata does not list', () => {
    const log = sarifOf([finding({ rule: 'engine/skipped', severity: 'warn' }), finding({ rule: 'live-endpoint/other-sub' })]);
    expect(validateSarif(log)).toEqual([]);
    const ids = log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    expect(ids).toContain('engine/skipped');
    expect(ids).toContain('live-endpoint/other-sub');
  });

  it('sets automationDetails from category and run id', () => {
    expect(sarifOf().runs[0].automationDetails).toEqual({ id: 'safety-gate/' });
    expect(sarifOf([], { door: 'scan', runId: 'r-1' }).runs[0].automationDetails).toEqual({ id: 'safety-gate/scan/r-1' });
  });

  it('is valid and deterministic with no findings', () => {
    const a = formatSarif(report([]), metas, { version: '0.1.0' });
    expect(validateSarif(JSON.parse(a))).toEqual([]);
    expect(JSON.parse(a).runs[0].results).toEqual([]);
    const list = [finding({ path: 'b' }), finding({ path: 'a' })];
    expect(formatSarif(report(list), metas, { version: '1' })).toBe(formatSarif(report([...list].reverse()), metas, { version: '1' }));
  });

  it('the structural validator rejects what GitHub rejects', () => {
    const log = sarifOf();
    const bad = structuredClone(log);
    bad.runs[0].results[0].locations = [];
    bad.runs[0].results[0].extra = 1;
    bad.runs[0].results[0].ruleIndex = 5;
    expect(validateSarif(bad)).toHaveLength(3);
    const zero = structuredClone(log);
    zero.runs[0].results[0].locations[0].physicalLocation.region = { startLine: 0 };
    zero.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'a b';
    expect(validateSarif(zero)).toHaveLength(2);
  });

  // Full JSON-schema validation when a validator and the official schema are installed
  // (devDependencies `ajv`, `ajv-formats` and `@microsoft/jest-sarif`, which ships the schema,
  // or SARIF_SCHEMA=/path/to/sarif-schema-2.1.0.json).
  const require = createRequire(import.meta.url);
  const resolveOr = (id: string): string | null => {
    try {
      return require.resolve(id);
    } catch {
      return null;
    }
  };
  const schemaPath =
    process.env.SARIF_SCHEMA ??
    [resolveOr('@microsoft/jest-sarif/package.json')]
      .filter((p): p is string => p !== null)
      .map((p) => p.replace(/package\.json$/, 'lib/schemas/sarif-2.1.0-rtm.5.json'))
      .find((p) => existsSync(p)) ??
    null;
  const haveAjv = resolveOr('ajv') !== null && resolveOr('ajv-formats') !== null;
  it.skipIf(!schemaPath || !haveAjv)('validates against the official SARIF 2.1.0 JSON schema', async () => {
    const ajvName = 'ajv';
    const formatsName = 'ajv-formats';
    const Ajv = ((await import(/* @vite-ignore */ ajvName)) as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } } }).default;
    const addFormats = ((await import(/* @vite-ignore */ formatsName)) as { default: (a: unknown) => void }).default;
    // The published schema has a pattern that is only valid without the u flag.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(schemaPath!, 'utf8')) as Record<string, unknown>;
    delete schema.$schema; // draft-07 meta-schema id; ajv v8 knows draft-07 without it
    // rtm.5 still names itself with draft-04's `id`; ajv 8 wants `$id`.
    if (typeof schema.id === 'string') {
      schema.$id = schema.id;
      delete schema.id;
    }
    const validate = ajv.compile(schema);
    const log = sarifOf([finding(), finding({ path: null, line: null, column: null }), finding({ severity: 'warn', path: 'ü x', line: 1 })]);
    const ok = validate(log);
    expect(validate.errors ?? null).toBeNull();
    expect(ok).toBe(true);
  });
});
