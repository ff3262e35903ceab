import { describe, expect, test } from 'vitest';
import { ConfigError } from '../errors.js';
import { deepMerge, layerData, type RuleCatalog } from './merge.js';
import { parseConfigText } from './source.js';

const catalog: RuleCatalog = { known: new Set(['agent-mode', 'protected-target']), aliases: { 'forbidden-value': 'agent-mode' } };
const src = (text: string) => parseConfigText(text, { kind: 'file', path: '/x/c.yaml' }, '/x/c.yaml', 'c.yaml');

describe('deepMerge', () => {
  test('objects merge, arrays and scalars replace, empty values are not set', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2], d: 'x' }, e: [1], f: 1 }, { a: { c: [3], d: null }, e: [], f: { g: 1 }, h: null })).toEqual({
      a: { b: 1, c: [3], d: 'x' },
      e: [],
      f: { g: 1 },
    });
  });
});

describe('layerData', () => {
  test('drops extends/$schema, turns severity strings into objects', () => {
    expect(layerData(src('extends: [recommended]\n$schema: x\nrules:\n  protected-target: warn\n'), catalog)).toEqual({
      rules: { 'protected-target': { severity: 'warn' } },
    });
  });

  test('an alias becomes the current rule id and merges with it', () => {
    const d = layerData(src('rules:\n  forbidden-value: warn\n  agent-mode:\n    options: {a: 1}\n'), catalog);
    expect(d).toEqual({ rules: { 'agent-mode': { severity: 'warn', options: { a: 1 } } } });
  });

  test('an unknown rule id is located at its key', () => {
    let err: unknown;
    try {
      layerData(src('rules:\n  protected-target: warn\n  live-endpoints: block\n'), catalog);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe('c.yaml:3:3: rules.live-endpoints: unknown rule "live-endpoints"');
  });
});

describe('positions', () => {
  test('through anchors, aliases and merge keys', () => {
    const s = src('base: &b\n  x: 1\n  y: [a, b]\nrules:\n  <<: *b\n  z: 2\n');
    expect(s.locate(['rules', 'z'])).toEqual({ line: 6, column: 6 });
    expect(s.locate(['rules', 'y', 1])).toEqual({ line: 3, column: 10 });
    expect(s.locate(['rules', 'z'], true)).toEqual({ line: 6, column: 3 });
    expect(s.depth(['rules', 'nope', 'deeper'])).toBe(1);
  });
});
